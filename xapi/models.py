"""The statement store: one row per statement, the full JSON beside the columns the LRS filters on."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Statement(models.Model):
    """An xAPI statement as stored by the LRS.

    ``payload`` is the statement exactly as ``GET /statements?format=exact`` returns it; the
    other columns are derived from it at store time and never edited, except ``voided``.

    Partitioning: the table is meant to be range-partitioned by ``stored`` on PostgreSQL when it
    grows. That implies (a) the primary key becomes ``(id, stored)``, so uniqueness of ``id`` alone
    is no longer enforced by the database and the store's "one query for existing ids" check plus
    the conflict handling is what keeps ids unique; (b) no large table may hold a foreign key
    *into* this one: the index tables below copy ``stored`` so they can be partitioned on the same
    bounds and their FK becomes a plain ``(statement_id, stored)`` column pair without constraint;
    other apps keep statement ids as plain UUIDs, never ForeignKeys; (c) every index here ends in,
    or can be paired with, ``stored``, so queries that bound ``stored`` (``since``/``until``, paging)
    prune partitions.
    """

    id = models.UUIDField(_("identifiant"), primary_key=True, editable=False)
    # The columns below are indexed through the composite indexes in Meta; single-column indexes
    # would only slow the inserts down (each costs a b-tree update per statement).
    # object_activity_id has none: statements about an activity are found through the activity index
    # table (StatementActivity, relation "direct"), which the LRS's `activity` filter uses anyway.
    stored = models.DateTimeField(_("enregistrée le"))
    timestamp = models.DateTimeField(_("horodatage"))
    actor_key = models.CharField(_("clé de l'acteur"), max_length=512)
    verb_id = models.CharField(_("verbe"), max_length=512)
    object_activity_id = models.CharField(_("activité objet"), max_length=2048, null=True, blank=True)
    object_statement_id = models.UUIDField(_("déclaration référencée"), null=True, blank=True)
    registration = models.UUIDField(_("inscription"), null=True, blank=True)
    voided = models.BooleanField(_("annulée"), default=False)
    is_voiding = models.BooleanField(_("déclaration d'annulation"), default=False)
    authority = models.JSONField(_("autorité"))
    payload = models.JSONField(_("déclaration"))
    # No content hash column: when an id comes again, the two statements are compared from their
    # payloads (xapi.services._same_content); hashing every statement on arrival cost more.

    class Meta:
        verbose_name = _("déclaration xAPI")
        verbose_name_plural = _("déclarations xAPI")
        indexes = [
            models.Index(fields=["actor_key", "verb_id", "stored"], name="xapi_stmt_actor_verb_stored"),
            models.Index(fields=["registration", "stored"], name="xapi_stmt_registration_stored"),
            models.Index(fields=["verb_id", "stored"], name="xapi_stmt_verb_stored"),
            models.Index(fields=["stored", "id"], name="xapi_stmt_stored_id"),
            # StatementRefs only (voiding look-ups, references): statements about activities and
            # agents, nearly all of them, add nothing to it.
            models.Index(
                fields=["object_statement_id"],
                condition=models.Q(object_statement_id__isnull=False),
                name="xapi_stmt_object_statement",
            ),
        ]

    def __str__(self):
        return str(self.id)


class Relation(models.TextChoices):
    # direct: what the LRS "agent"/"activity" filters match; related: what they match only with
    # related_agents / related_activities. Each (statement, key) gets one row, the strongest.
    DIRECT = "direct", _("directe")
    RELATED = "related", _("liée")


class StatementAgent(models.Model):
    """An agent or group a statement mentions, for the ``agent`` / ``related_agents`` queries.

    Direct: the actor, and the object when it is an Agent or Group. Related: group members,
    authority, context instructor and team, and the same inside a SubStatement.
    """

    # No separate index on statement: the unique constraint below starts with it.
    # No database constraint: checking it costs a look-up per row at commit, and a partitioned
    # statement table could not be referenced anyway. The store writes both in one transaction.
    statement = models.ForeignKey(
        Statement, on_delete=models.CASCADE, related_name="agent_index", db_index=False, db_constraint=False
    )
    # Copied from the statement so that queries sort and page from this table alone, and so that
    # it can be partitioned like Statement.
    stored = models.DateTimeField()
    agent_key = models.CharField(max_length=512)
    relation = models.CharField(max_length=8, choices=Relation.choices)

    class Meta:
        verbose_name = _("agent d'une déclaration")
        verbose_name_plural = _("agents des déclarations")
        constraints = [
            models.UniqueConstraint(fields=["statement", "agent_key"], name="xapi_stmtagent_unique"),
        ]
        indexes = [models.Index(fields=["agent_key", "relation", "stored"], name="xapi_stmtagent_key_stored")]

    def __str__(self):
        return f"{self.statement_id} {self.relation} {self.agent_key}"


class StatementActivity(models.Model):
    """An activity a statement mentions, for the ``activity`` / ``related_activities`` queries.

    Direct: the object when it is an Activity. Related: context activities (parent, grouping,
    category, other) and a SubStatement's object and context activities.
    """

    statement = models.ForeignKey(
        Statement, on_delete=models.CASCADE, related_name="activity_index", db_index=False, db_constraint=False
    )
    stored = models.DateTimeField()
    activity_id = models.CharField(max_length=2048)
    relation = models.CharField(max_length=8, choices=Relation.choices)

    class Meta:
        verbose_name = _("activité d'une déclaration")
        verbose_name_plural = _("activités des déclarations")
        constraints = [
            models.UniqueConstraint(fields=["statement", "activity_id"], name="xapi_stmtactivity_unique"),
        ]
        indexes = [models.Index(fields=["activity_id", "relation", "stored"], name="xapi_stmtactivity_id_stored")]

    def __str__(self):
        return f"{self.statement_id} {self.relation} {self.activity_id}"


class Client(models.Model):
    """A system allowed to use the LRS with HTTP Basic credentials (key, secret)."""

    class Scope(models.TextChoices):
        ALL = "all", _("tout")
        ALL_READ = "all/read", _("tout en lecture")
        STATEMENTS_WRITE = "statements/write", _("écrire des déclarations")
        STATEMENTS_READ = "statements/read", _("lire les déclarations")
        STATEMENTS_READ_MINE = "statements/read/mine", _("lire ses propres déclarations")
        STATE = "state", _("documents d'état")
        DEFINE = "define", _("définir des activités")
        PROFILE = "profile", _("documents de profil")

    class Evidence(models.TextChoices):
        """Whether the statements this client sends count as learning evidence (levels, badges)."""

        ANY = "any", _("pour tout acteur (système de confiance de l'académie)")
        BOUND = "bound", _("seulement pour l'acteur auquel le client est lié")
        NONE = "none", _("jamais (déclarations conservées, servies et transmises)")

    name = models.CharField(_("nom"), max_length=200)
    key = models.CharField(_("clé"), max_length=64, unique=True)
    # HMAC-SHA256 of the secret under SECRET_KEY: secrets are long random tokens, so a fast keyed
    # hash is as safe as a slow password hash and keeps Basic auth cheap on every request.
    secret_hash = models.CharField(max_length=64)
    scopes = models.JSONField(_("droits"), default=list)
    is_active = models.BooleanField(_("actif"), default=True)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    # A new client counts for nothing until an administrator says otherwise.
    evidence = models.CharField(
        _("prise en compte comme preuve"), max_length=8, choices=Evidence.choices, default=Evidence.NONE
    )
    # A client bound to one learner (a cmi5 launch): it may write and read only statements and
    # documents about this actor, in this registration when one is set, and never void.
    bound_actor = models.JSONField(_("acteur lié"), null=True, blank=True)
    bound_actor_key = models.CharField(_("clé de l'acteur lié"), max_length=512, blank=True, default="")
    bound_registration = models.UUIDField(_("inscription liée"), null=True, blank=True)
    # A temporary client (a cmi5 launch token): refused from then on with a 401 saying so, left out of
    # the administrators' list of clients, and deleted some time later (temporary_clients_purge).
    expires_at = models.DateTimeField(_("expire le"), null=True, blank=True)

    class Meta:
        verbose_name = _("client LRS")
        verbose_name_plural = _("clients LRS")

    def __str__(self):
        return self.name


class Document(models.Model):
    """A state, activity profile or agent profile document."""

    class Kind(models.TextChoices):
        STATE = "state", _("état")
        ACTIVITY_PROFILE = "activity_profile", _("profil d'activité")
        AGENT_PROFILE = "agent_profile", _("profil d'agent")

    kind = models.CharField(max_length=20, choices=Kind.choices)
    # Empty string rather than NULL so that the unique constraint below holds on every database.
    activity_id = models.CharField(max_length=2048, blank=True, default="")
    agent_key = models.CharField(max_length=512, blank=True, default="")
    registration = models.CharField(max_length=36, blank=True, default="")
    document_id = models.CharField(max_length=2048)
    content = models.BinaryField()
    content_type = models.CharField(max_length=255, default="application/octet-stream")
    etag = models.CharField(max_length=64)
    updated = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("document xAPI")
        verbose_name_plural = _("documents xAPI")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "activity_id", "agent_key", "registration", "document_id"],
                name="xapi_document_unique",
            )
        ]
        indexes = [models.Index(fields=["kind", "activity_id", "agent_key", "updated"], name="xapi_document_lookup")]

    def __str__(self):
        return f"{self.kind} {self.document_id}"


class Attachment(models.Model):
    """Attachment content, stored once per SHA-256 and shared by the statements that reference it."""

    sha2 = models.CharField(max_length=64, unique=True)
    content_type = models.CharField(max_length=255)
    length = models.PositiveBigIntegerField()
    content = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("pièce jointe xAPI")
        verbose_name_plural = _("pièces jointes xAPI")

    def __str__(self):
        return self.sha2
