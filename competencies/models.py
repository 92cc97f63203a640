"""Competency frameworks (CRCN, CRCN Édu), the evidence statements give, and levels derived from it."""

import re

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _


def in_language(obj, field: str) -> str:
    """`field` in the active language: its `<field>_en` twin in English when filled, else the French."""
    if (get_language() or "fr").startswith("en"):
        english = getattr(obj, f"{field}_en", "")
        if english:
            return english
    return getattr(obj, field)


class Framework(models.Model):
    slug = models.SlugField(_("identifiant"), max_length=40, unique=True)
    title = models.CharField(_("titre"), max_length=200)
    title_en = models.CharField(_("titre (anglais)"), max_length=200, blank=True)
    short_name = models.CharField(_("nom court"), max_length=40)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["slug"]
        verbose_name = _("référentiel")
        verbose_name_plural = _("référentiels")

    def __str__(self):
        return self.short_name

    def title_display(self) -> str:
        return in_language(self, "title")

    @property
    def iri(self) -> str:
        from .alignment import framework_iri

        return framework_iri(self.slug)


class Domain(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="domains")
    code = models.CharField(_("code"), max_length=10)
    name = models.CharField(_("nom"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    name_en = models.CharField(_("nom (anglais)"), max_length=200, blank=True)
    description_en = models.TextField(_("description (anglais)"), blank=True)

    class Meta:
        ordering = ["framework", "code"]
        verbose_name = _("domaine")
        verbose_name_plural = _("domaines")
        constraints = [models.UniqueConstraint(fields=["framework", "code"], name="domain_unique_code")]

    def __str__(self):
        return f"{self.code}. {self.name}"

    def name_display(self) -> str:
        return in_language(self, "name")

    def description_display(self) -> str:
        return in_language(self, "description")


class Competency(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="competencies")
    domain = models.ForeignKey(Domain, on_delete=models.CASCADE, related_name="competencies")
    code = models.CharField(_("code"), max_length=10)
    name = models.CharField(_("nom"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    name_en = models.CharField(_("nom (anglais)"), max_length=200, blank=True)
    description_en = models.TextField(_("description (anglais)"), blank=True)
    lsu_code = models.CharField(_("code LSU"), max_length=20, blank=True)
    pix_label = models.CharField(_("libellé Pix"), max_length=200, blank=True)
    # The IRI statements carry in context.contextActivities.other.
    iri = models.CharField(_("IRI"), max_length=300, unique=True)

    class Meta:
        ordering = ["framework", "code"]
        verbose_name = _("compétence")
        verbose_name_plural = _("compétences")
        constraints = [models.UniqueConstraint(fields=["framework", "code"], name="competency_unique_code")]

    def __str__(self):
        return f"{self.framework.short_name} {self.code} — {self.name}"

    def name_display(self) -> str:
        return in_language(self, "name")

    def description_display(self) -> str:
        return in_language(self, "description")

    @property
    def key(self) -> str:
        """`<framework slug>/<code>`, the value stored in course blocks."""
        return f"{self.framework.slug}/{self.code}"


class Level(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="levels")
    number = models.PositiveSmallIntegerField(_("niveau"))
    label = models.CharField(_("libellé"), max_length=100)
    group = models.CharField(_("groupe"), max_length=100, blank=True)
    description = models.TextField(_("description"), blank=True)
    label_en = models.CharField(_("libellé (anglais)"), max_length=100, blank=True)
    group_en = models.CharField(_("groupe (anglais)"), max_length=100, blank=True)
    description_en = models.TextField(_("description (anglais)"), blank=True)

    class Meta:
        ordering = ["framework", "number"]
        verbose_name = _("niveau")
        verbose_name_plural = _("niveaux")
        constraints = [models.UniqueConstraint(fields=["framework", "number"], name="level_unique_number")]

    def __str__(self):
        return f"{self.framework.short_name} {self.number} — {self.label}"

    def label_display(self) -> str:
        return in_language(self, "label")

    def group_display(self) -> str:
        return in_language(self, "group")

    def description_display(self) -> str:
        return in_language(self, "description")

    def name_display(self) -> str:
        """« Niveau 3 — Indépendant », « Niveau 2 — Confirmé (Formation initiale) »: the number and its name."""
        return level_name(self.number, self.label_display(), self.group_display())


def level_name(number: int, label: str, group: str = "") -> str:
    """A level by its number and name. A label that only repeats the number (the CRCN's « Novice –
    niveau 1 ») gives way to its group; a label two levels share (CRCN Édu's « Confirmé ») is told apart
    by its group."""
    if re.search(r"(niveau|level)\s*\d", label, re.IGNORECASE) and group:
        name = group
    elif group and label != group and "(" not in label:
        name = f"{label} ({group.lower()})"
    else:
        name = label
    if not name:
        return gettext_now("Niveau %(number)s") % {"number": number}
    return gettext_now("Niveau %(number)s — %(name)s") % {"number": number, "name": name}


class Evidence(models.Model):
    """What one stored statement says of one teacher's competency. Rebuildable from statements."""

    class Kind(models.TextChoices):
        ASSESSMENT = "assessment", _("évaluation notée")
        VALIDATED_TASK = "validated_task", _("production validée par un formateur")
        COMPLETION = "completion", _("activité terminée")
        ATTENDANCE = "attendance", _("présence à une session")
        CERTIFIED = "certified", _("résultat certifié")

    # No foreign key into the statement table: it may be partitioned by stored time. Looked up by
    # the unique (statement_id, competency) index.
    statement_id = models.UUIDField(_("déclaration"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="evidence")
    competency = models.ForeignKey(Competency, on_delete=models.CASCADE, related_name="evidence")
    level = models.PositiveSmallIntegerField(_("niveau attesté"))
    kind = models.CharField(_("nature"), max_length=20, choices=Kind.choices)
    occurred_at = models.DateTimeField(_("date"))
    activity_id = models.CharField(_("activité"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("preuve")
        verbose_name_plural = _("preuves")
        constraints = [
            models.UniqueConstraint(fields=["statement_id", "competency"], name="evidence_unique_statement_competency")
        ]
        indexes = [models.Index(fields=["user", "competency"], name="evidence_user_competency")]

    def __str__(self):
        return f"{self.competency} ≥ {self.level} ({self.get_kind_display()})"


class CompetencyState(models.Model):
    """A teacher's current level in one competency: derived, never edited by hand."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="competency_states")
    competency = models.ForeignKey(Competency, on_delete=models.CASCADE, related_name="states")
    level = models.PositiveSmallIntegerField(_("niveau"))
    # The date of the most recent evidence in this competency (ambassador policies ask for recency).
    evidence_at = models.DateTimeField(_("preuve la plus récente"), null=True, blank=True)
    updated_at = models.DateTimeField(_("mis à jour le"))

    class Meta:
        verbose_name = _("niveau d'un enseignant")
        verbose_name_plural = _("niveaux des enseignants")
        constraints = [models.UniqueConstraint(fields=["user", "competency"], name="state_unique_user_competency")]

    def __str__(self):
        return f"{self.user} — {self.competency}: {self.level}"


class LevelChange(models.Model):
    """A change of a teacher's level, kept for the history over time."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="level_changes")
    competency = models.ForeignKey(Competency, on_delete=models.CASCADE, related_name="level_changes")
    previous = models.PositiveSmallIntegerField(_("niveau précédent"))
    level = models.PositiveSmallIntegerField(_("nouveau niveau"))
    changed_at = models.DateTimeField(_("date"), db_index=True)

    class Meta:
        verbose_name = _("changement de niveau")
        verbose_name_plural = _("changements de niveau")
        indexes = [models.Index(fields=["user", "competency", "changed_at"], name="levelchange_user_comp")]

    def __str__(self):
        return f"{self.user} — {self.competency}: {self.previous} → {self.level}"


class CompletedModule(models.Model):
    """A training module a teacher completed, from a trusted writer's `completed` statement about a
    module (`trust.py`).

    Derived from statements like Evidence (rebuildable; voiding withdraws it): the ambassador
    policies count modules completed without scanning the statement store.
    """

    statement_id = models.UUIDField(_("déclaration"), unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="completed_modules")
    activity_id = models.CharField(_("module"), max_length=500)
    completed_at = models.DateTimeField(_("date"))

    class Meta:
        verbose_name = _("module terminé")
        verbose_name_plural = _("modules terminés")
        indexes = [models.Index(fields=["user", "activity_id"], name="completedmodule_user_activity")]

    def __str__(self):
        return f"{self.user} — {self.activity_id}"


class AmbassadorPolicy(models.Model):
    """What an académie asks of an ambassador. Levels are on the CRCN Édu (Pix+ Édu) scale."""

    class RequiredLevel(models.IntegerChoices):
        ADVANCED = 4, _("Avancé")
        EXPERT = 5, _("Expert")

    academie = models.OneToOneField("lms.Academie", on_delete=models.CASCADE, related_name="ambassador_policy")
    required_level = models.PositiveSmallIntegerField(
        _("niveau exigé"), choices=RequiredLevel.choices, default=RequiredLevel.ADVANCED
    )
    min_competencies = models.PositiveSmallIntegerField(_("nombre de compétences CRCN Édu à ce niveau"), default=3)
    min_domains = models.PositiveSmallIntegerField(_("nombre de domaines couverts"), default=2)
    recency_days = models.PositiveSmallIntegerField(
        _("ancienneté maximale des preuves (jours)"),
        default=730,
        help_text=_("Une preuve plus ancienne ne compte pas."),
    )
    min_modules_completed = models.PositiveSmallIntegerField(_("modules terminés"), default=1)
    max_per_school = models.PositiveSmallIntegerField(_("propositions par établissement"), default=2)
    ecoles_by_circonscription = models.BooleanField(
        _("pour les écoles, un ambassadeur de la circonscription couvre l'école"), default=True
    )
    badge_validity_days = models.PositiveIntegerField(
        _("durée de validité du badge (jours)"),
        null=True,
        blank=True,
        help_text=_("Vide : le badge vaut tant que l'ambassadeur n'est pas retiré."),
    )
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("règles de désignation des ambassadeurs")
        verbose_name_plural = _("règles de désignation des ambassadeurs")

    def __str__(self):
        return f"{self.academie}"


class AmbassadorConsent(models.Model):
    """A teacher's opt-in to be proposed as an ambassador; revocable at any time."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ambassador_consent")
    consented = models.BooleanField(_("accepte d'être proposé"), default=False)
    changed_at = models.DateTimeField(_("modifié le"))

    class Meta:
        verbose_name = _("consentement ambassadeur")
        verbose_name_plural = _("consentements ambassadeur")

    def __str__(self):
        return f"{self.user}: {self.consented}"


class AmbassadorProposal(models.Model):
    """A teacher proposed (or confirmed) as ambassador of a school, with the reasons."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("proposé")
        CONFIRMED = "confirmed", _("confirmé")
        DECLINED = "declined", _("refusé")
        WITHDRAWN = "withdrawn", _("retiré")

    school = models.ForeignKey("lms.School", on_delete=models.CASCADE, related_name="ambassador_proposals")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ambassador_proposals")
    score = models.FloatField(_("score"))
    rank = models.PositiveSmallIntegerField(_("rang"), default=1)
    reasons = models.JSONField(_("raisons"), default=list)
    status = models.CharField(_("statut"), max_length=10, choices=Status.choices, default=Status.PROPOSED)
    computed_at = models.DateTimeField(_("calculée le"))

    class Meta:
        verbose_name = _("proposition d'ambassadeur")
        verbose_name_plural = _("propositions d'ambassadeurs")
        constraints = [models.UniqueConstraint(fields=["school", "user"], name="proposal_unique_school_user")]
        indexes = [models.Index(fields=["school", "status"], name="proposal_school_status")]

    def __str__(self):
        return f"{self.school} — {self.user} ({self.status})"


class AmbassadorDecision(models.Model):
    """Every manager decision on a proposal is kept."""

    proposal = models.ForeignKey(AmbassadorProposal, on_delete=models.CASCADE, related_name="decisions")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    decision = models.CharField(_("décision"), max_length=10, choices=AmbassadorProposal.Status.choices)
    comment = models.TextField(_("commentaire"), blank=True)
    decided_at = models.DateTimeField(_("date"))

    class Meta:
        verbose_name = _("décision sur un ambassadeur")
        verbose_name_plural = _("décisions sur les ambassadeurs")
        ordering = ["-decided_at"]

    def __str__(self):
        return f"{self.proposal}: {self.decision}"


class BadgeIssuerKey(models.Model):
    """A key that signs this instance's Open Badges; the public half is published (JWK set).

    New badges are signed RS256 as Open Badges 3.0.3 asks of every issuer; the Ed25519 keys of
    earlier badges stay published so that those still verify.
    """

    class Algorithm(models.TextChoices):
        RS256 = "RS256", "RS256"
        EDDSA = "EdDSA", "EdDSA"

    algorithm = models.CharField(max_length=8, choices=Algorithm.choices, default=Algorithm.EDDSA)
    private_pem = models.TextField()
    public_jwk = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("clé de signature des badges")
        verbose_name_plural = _("clés de signature des badges")

    def __str__(self):
        return f"key {self.pk}"


class BadgeStatus(models.Model):
    """One position in the published revocation list (W3C Bitstring Status List).

    Holds nothing about the teacher, so that it outlives an erased account: the bit of an erased
    teacher's badge stays "revoked". A position is never reused.
    """

    index = models.PositiveIntegerField(_("position dans la liste"), unique=True)
    credential_uuid = models.UUIDField(_("identifiant du badge"), unique=True)
    revoked_at = models.DateTimeField(_("révoqué le"), null=True, blank=True)

    class Meta:
        verbose_name = _("statut d'un badge")
        verbose_name_plural = _("statuts des badges")

    def __str__(self):
        return f"{self.index} {'revoked' if self.revoked_at else 'valid'}"


class AmbassadorBadge(models.Model):
    """The Open Badges 3.0 credential given to a confirmed ambassador (signed as a VC-JWT)."""

    class HolderDisplay(models.TextChoices):
        PSEUDONYMOUS = "pseudonymous", _("pseudonyme")
        NAME = "name", _("mon nom")

    proposal = models.OneToOneField(AmbassadorProposal, on_delete=models.CASCADE, related_name="badge")
    credential = models.JSONField()
    jwt = models.TextField()
    issued_at = models.DateTimeField()
    # The current credential's place in the revocation list; a re-issued badge gets a new one and
    # the former stays revoked.
    status = models.OneToOneField(BadgeStatus, null=True, blank=True, on_delete=models.PROTECT, related_name="badge")
    holder_display = models.CharField(
        _("titulaire affiché sur la page de vérification"),
        max_length=16,
        choices=HolderDisplay.choices,
        default=HolderDisplay.PSEUDONYMOUS,
    )

    class Meta:
        verbose_name = _("badge d'ambassadeur")
        verbose_name_plural = _("badges d'ambassadeur")

    def __str__(self):
        return str(self.proposal)


# ---------------------------------------------------------------------------
# Derived aggregates for the managers' competency maps (filled by competencies/stats.py).
# Pages read these only. Per school, and rolled up per département × school kind × sector so that
# the national and académie views read a few thousand rows. Rebuildable at any time.
# ---------------------------------------------------------------------------

MAX_STAT_LEVEL = 8  # the CRCN has 8 levels, the CRCN Édu 5


class LevelCounts(models.Model):
    """Teachers' level sum and how many stand at each level (n1 … n8) in one competency."""

    level_sum = models.PositiveIntegerField(default=0)
    n1 = models.PositiveIntegerField(default=0)
    n2 = models.PositiveIntegerField(default=0)
    n3 = models.PositiveIntegerField(default=0)
    n4 = models.PositiveIntegerField(default=0)
    n5 = models.PositiveIntegerField(default=0)
    n6 = models.PositiveIntegerField(default=0)
    n7 = models.PositiveIntegerField(default=0)
    n8 = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True


class ActivityCounts(models.Model):
    """Completions and session attendances in one month, and how many teachers they come from."""

    month = models.DateField()
    completions = models.PositiveIntegerField(default=0)
    attendances = models.PositiveIntegerField(default=0)
    teachers = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True


class SchoolStat(models.Model):
    """One row per school: its teachers and its ambassador coverage."""

    school = models.OneToOneField("lms.School", on_delete=models.CASCADE, primary_key=True, related_name="+")
    teachers = models.PositiveIntegerField(default=0)
    coverage = models.CharField(max_length=16, default="uncovered")  # covered, circonscription, pending, uncovered
    confirmed = models.PositiveIntegerField(default=0)
    pending = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"school {self.school_id}: {self.teachers} teachers, {self.coverage}"


class SchoolCompetencyStat(LevelCounts):
    school = models.ForeignKey("lms.School", on_delete=models.CASCADE, related_name="+")
    competency = models.ForeignKey(Competency, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["school", "competency"], name="schoolcompstat_unique")]

    def __str__(self):
        return f"school {self.school_id}, competency {self.competency_id}"


class SchoolDomainMonth(models.Model):
    """Sum of level changes (new − previous) of a school's teachers in a domain during a month."""

    school = models.ForeignKey("lms.School", on_delete=models.CASCADE, related_name="+")
    domain = models.ForeignKey(Domain, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    delta = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["school", "domain", "month"], name="schooldomainmonth_unique")]

    def __str__(self):
        return f"school {self.school_id}, domain {self.domain_id}, {self.month}: {self.delta}"


class SchoolActivityMonth(ActivityCounts):
    school = models.ForeignKey("lms.School", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["school", "month"], name="schoolactivitymonth_unique")]

    def __str__(self):
        return f"school {self.school_id}, {self.month}"


class RollupKey(models.Model):
    # NULL: all of France (the national view reads a few hundred rows rather than every département's).
    departement = models.ForeignKey("lms.Departement", null=True, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10)
    sector = models.CharField(max_length=10)

    class Meta:
        abstract = True


class DepartementStat(RollupKey):
    schools = models.PositiveIntegerField(default=0)
    teachers = models.PositiveIntegerField(default=0)
    covered = models.PositiveIntegerField(default=0)
    circonscription = models.PositiveIntegerField(default=0)
    pending = models.PositiveIntegerField(default=0)
    uncovered = models.PositiveIntegerField(default=0)
    proposals_pending = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["departement", "kind", "sector"], name="depstat_unique")]

    def __str__(self):
        return f"{self.departement_id} {self.kind} {self.sector}"


class DepartementCompetencyStat(RollupKey, LevelCounts):
    competency = models.ForeignKey(Competency, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["departement", "kind", "sector", "competency"], name="depcompstat_unique")
        ]

    def __str__(self):
        return f"{self.departement_id} {self.kind} {self.sector}, competency {self.competency_id}"


class DepartementDomainMonth(RollupKey):
    domain = models.ForeignKey(Domain, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    delta = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["departement", "kind", "sector", "domain", "month"], name="depdomainmonth_unique"
            )
        ]

    def __str__(self):
        return f"{self.departement_id} {self.kind} {self.sector}, domain {self.domain_id}, {self.month}"


class DepartementActivityMonth(RollupKey, ActivityCounts):
    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["departement", "kind", "sector", "month"], name="depactivitymonth_unique")
        ]

    def __str__(self):
        return f"{self.departement_id} {self.kind} {self.sector}, {self.month}"


class StatsPending(models.Model):
    """A school whose maps' aggregates wait for a refresh: many stored batches, one refresh
    (`competencies.stats_queue`)."""

    school = models.OneToOneField("lms.School", on_delete=models.CASCADE, primary_key=True, related_name="+")
    marked_at = models.DateTimeField()

    def __str__(self):
        return f"school {self.school_id} since {self.marked_at}"
