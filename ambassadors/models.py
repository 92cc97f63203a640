"""Ambassadors: each académie's policy, teachers' consent, proposals, decisions, Open Badges."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


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
        db_table = "competencies_ambassadorpolicy"
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
        db_table = "competencies_ambassadorconsent"
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
        db_table = "competencies_ambassadorproposal"
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
        db_table = "competencies_ambassadordecision"
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
        db_table = "competencies_badgeissuerkey"
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
        db_table = "competencies_badgestatus"
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
        db_table = "competencies_ambassadorbadge"
        verbose_name = _("badge d'ambassadeur")
        verbose_name_plural = _("badges d'ambassadeur")

    def __str__(self):
        return str(self.proposal)
