"""The evidence statements give, and the levels derived from it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from frameworks.models import Competency


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
        db_table = "competencies_evidence"
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
        db_table = "competencies_competencystate"
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
        db_table = "competencies_levelchange"
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
        db_table = "competencies_completedmodule"
        verbose_name = _("module terminé")
        verbose_name_plural = _("modules terminés")
        indexes = [models.Index(fields=["user", "activity_id"], name="completedmodule_user_activity")]

    def __str__(self):
        return f"{self.user} — {self.activity_id}"
