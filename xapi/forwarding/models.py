"""Forwarding targets and their outbox, pull sources and their cursor."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from .credentials import secret_decrypt, secret_encrypt


class XapiVersion(models.TextChoices):
    V103 = "1.0.3", "1.0.3"
    V200 = "2.0.0", "2.0.0"


class RemoteLrs(models.Model):
    """What a target and a source share: where the LRS is and how to authenticate to it."""

    name = models.SlugField(_("nom"), max_length=100, unique=True)
    endpoint = models.URLField(
        _("point d'accès xAPI"),
        max_length=500,
        help_text=_("Adresse de base du LRS, par ex. https://lrs.example.fr/xapi/"),
    )
    username = models.CharField(_("clé (identifiant Basic)"), max_length=200)
    # Fernet token (credentials.py); never rendered back in the admin.
    secret_encrypted = models.TextField(blank=True, default="", editable=False)
    xapi_version = models.CharField(
        _("version xAPI"), max_length=8, choices=XapiVersion.choices, default=XapiVersion.V103
    )
    enabled = models.BooleanField(_("actif"), default=True)
    timeout_seconds = models.FloatField(_("délai d'attente (s)"), default=10)
    last_error = models.TextField(_("dernière erreur"), blank=True, default="")
    last_error_at = models.DateTimeField(_("date de la dernière erreur"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self):
        return self.name

    @property
    def secret(self) -> str:
        return secret_decrypt(self.secret_encrypted)

    def set_secret(self, secret: str) -> None:
        self.secret_encrypted = secret_encrypt(secret)

    @property
    def base_url(self) -> str:
        return self.endpoint.rstrip("/") + "/"


class ForwardTarget(RemoteLrs):
    """An external LRS that receives every statement Relais stores, filtered by verb and activity."""

    class Method(models.TextChoices):
        POST = "post", _("POST par lots")
        PUT = "put", _("PUT par identifiant")

    method = models.CharField(_("méthode d'envoi"), max_length=4, choices=Method.choices, default=Method.POST)
    verbs = models.TextField(
        _("verbes"), blank=True, default="", help_text=_("Un IRI par ligne ; vide : tous les verbes.")
    )
    activity_prefixes = models.TextField(
        _("préfixes d'activité"),
        blank=True,
        default="",
        help_text=_("Un préfixe d'IRI d'activité par ligne ; vide : toutes les activités."),
    )
    # 500: a request's fixed costs (claim, HTTP round trip, the peer's transaction) shared by enough
    # statements (bench/forwarding.py: 2 to 3 times the rate of batches of 100); a target that takes
    # fewer answers 413 and the batch is split (delivery.batch_send).
    batch_size = models.PositiveIntegerField(_("taille des lots"), default=500)
    max_attempts = models.PositiveIntegerField(
        _("tentatives avant mise à l'écart"), default=10, help_text=_("Au-delà, la ligne passe en lettre morte.")
    )
    backoff_base_seconds = models.FloatField(_("premier délai de nouvelle tentative (s)"), default=5)
    backoff_max_seconds = models.FloatField(_("délai maximal entre tentatives (s)"), default=3600)
    # 429 / 503 with Retry-After: nothing is sent to this target before then.
    paused_until = models.DateTimeField(null=True, blank=True, editable=False)
    last_success_at = models.DateTimeField(_("dernier envoi réussi"), null=True, blank=True, editable=False)
    # When the delayed delivery task already queued for this target runs: one such task at a time.
    retry_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("cible de transfert xAPI")
        verbose_name_plural = _("cibles de transfert xAPI")

    def verb_list(self) -> list[str]:
        return [line.strip() for line in self.verbs.splitlines() if line.strip()]

    def prefix_list(self) -> list[str]:
        return [line.strip() for line in self.activity_prefixes.splitlines() if line.strip()]


class OutboxEntry(models.Model):
    """One statement to deliver to one target. Written in the transaction that stores the statement."""

    class Status(models.TextChoices):
        PENDING = "pending", _("en attente")
        DELIVERED = "delivered", _("livrée")
        DEAD = "dead", _("lettre morte")

    target = models.ForeignKey(ForwardTarget, on_delete=models.CASCADE, related_name="outbox")
    # A plain UUID, not a ForeignKey: the statement table is meant to be partitioned (xapi.models).
    statement_id = models.UUIDField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    # Due time of a pending row; while a worker sends it, the end of that worker's lease.
    next_attempt_at = models.DateTimeField()
    last_error = models.TextField(blank=True, default="")
    created_at = models.DateTimeField()
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("envoi en attente")
        verbose_name_plural = _("envois en attente")
        constraints = [
            models.UniqueConstraint(fields=["target", "statement_id"], name="xapi_fwd_outbox_unique"),
        ]
        indexes = [
            models.Index(fields=["target", "status", "next_attempt_at"], name="xapi_fwd_outbox_due"),
            models.Index(fields=["target", "status", "delivered_at"], name="xapi_fwd_outbox_delivered"),
        ]

    def __str__(self):
        return f"{self.target_id} {self.statement_id} {self.status}"


class ErasureNotice(models.Model):
    """A person was erased after some statements naming them had been delivered to this target.

    Relais cannot erase another LRS's copies; this tells an administrator whom to ask. It holds
    no personal data: the target, how many statements, when.
    """

    target = models.ForeignKey(ForwardTarget, on_delete=models.CASCADE, related_name="erasure_notices")
    statements = models.PositiveIntegerField(_("déclarations déjà transmises"))
    erased_at = models.DateTimeField(_("effacement le"))
    settled_at = models.DateTimeField(_("traité le"), null=True, blank=True)

    class Meta:
        verbose_name = _("effacement à relayer")
        verbose_name_plural = _("effacements à relayer")

    def __str__(self):
        return f"{self.target_id} {self.statements} {self.erased_at:%Y-%m-%d}"


class SourceEvidence(models.TextChoices):
    """Whether a pull source's statements count as learning evidence (the values of Client.Evidence;
    a source is bound to no actor)."""

    ANY = "any", _("pour tout acteur (système de confiance de l'académie)")
    NONE = "none", _("jamais (déclarations conservées, servies et transmises)")


class PullSource(RemoteLrs):
    """An external LRS polled for statements, which are stored here like any other."""

    query = models.JSONField(
        _("filtre de requête"),
        default=dict,
        blank=True,
        help_text=_('Paramètres GET /statements ajoutés à chaque requête, par ex. {"verb": "…"}.'),
    )
    actor_home_page = models.URLField(
        _("homePage des acteurs à rattacher"),
        max_length=500,
        blank=True,
        default="",
        help_text=_(
            "Si renseigné, les comptes d'acteur de ce homePage sont rattachés aux enseignants de Relais "
            "(le homePage est remplacé par celui de Relais, le nom est gardé)."
        ),
    )
    # Its authority (pull.source_authority) names it: what its statements count for as learning
    # evidence. A new source counts for nothing until an administrator says otherwise.
    evidence = models.CharField(
        _("prise en compte comme preuve"),
        max_length=8,
        choices=SourceEvidence.choices,
        default=SourceEvidence.NONE,
        help_text=_(
            "« Pour tout acteur » : les déclarations importées comptent dans les niveaux des enseignants, comme "
            "celles de Relais (un système de confiance de l'académie). « Jamais » : elles sont conservées, "
            "servies et transmises, mais ne changent aucun niveau. Un changement recalcule les niveaux concernés."
        ),
    )
    interval_minutes = models.PositiveIntegerField(_("intervalle d'interrogation (min)"), default=15)
    page_size = models.PositiveIntegerField(_("déclarations par page"), default=500)
    # The cursor: the newest `stored` seen, and the `more` link of a paging that has not finished.
    last_stored = models.DateTimeField(_("dernière déclaration vue (stored)"), null=True, blank=True)
    more_url = models.TextField(blank=True, default="", editable=False)
    last_pulled_at = models.DateTimeField(_("dernière interrogation"), null=True, blank=True, editable=False)
    pulling_until = models.DateTimeField(null=True, blank=True, editable=False)
    imported_count = models.PositiveBigIntegerField(_("déclarations importées"), default=0, editable=False)
    rejected_count = models.PositiveBigIntegerField(_("déclarations refusées"), default=0, editable=False)

    class Meta:
        verbose_name = _("source xAPI à importer")
        verbose_name_plural = _("sources xAPI à importer")
