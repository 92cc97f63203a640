"""What teachers hand in and sign up for inside a module: session places, task evidence, journal
entries, cmi5 launches. Imported by models.py (Django finds them there)."""

import os
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SessionRegistration(models.Model):
    """A teacher's place in an in-person session or a virtual class, and their attendance."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="session_registrations")
    module = models.ForeignKey("courses.ModulePage", on_delete=models.CASCADE, related_name="session_registrations")
    block_id = models.CharField(max_length=64)
    registered_at = models.DateTimeField(_("inscrit le"), auto_now_add=True)
    attended = models.BooleanField(_("présent"), null=True, blank=True)
    # An absence the trainer accepted (attended is False): recorded, but no evidence either.
    excused = models.BooleanField(_("absence excusée"), default=False)
    # On the waiting list of a full session: promoted, oldest first, when a place frees.
    waitlisted = models.BooleanField(_("en liste d'attente"), default=False)
    # When the reminder e-mail was sent (it is sent once).
    reminded_at = models.DateTimeField(_("rappel envoyé le"), null=True, blank=True)
    attendance_taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    attendance_taken_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("inscription à une session")
        verbose_name_plural = _("inscriptions aux sessions")
        constraints = [
            models.UniqueConstraint(fields=["user", "module", "block_id"], name="session_registration_unique")
        ]

    def __str__(self):
        return f"{self.user} — {self.module} [{self.block_id}]"


def evidence_path(instance, filename: str) -> str:
    # A random name: the teacher's file name may say who they are.
    extension = os.path.splitext(filename)[1].lower()
    return f"productions/{instance.module_id}/{uuid.uuid4().hex}{extension}"


class TaskSubmission(models.Model):
    """Evidence of a practical task, and the trainer's review against the rubric."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("en attente de validation")
        VALIDATED = "validated", _("validée")
        REWORK = "rework", _("à reprendre")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="task_submissions")
    module = models.ForeignKey("courses.ModulePage", on_delete=models.CASCADE, related_name="task_submissions")
    block_id = models.CharField(max_length=64)
    file = models.FileField(_("fichier"), upload_to=evidence_path)
    original_name = models.CharField(_("nom du fichier"), max_length=255)
    note = models.TextField(_("commentaire de l'enseignant"), blank=True)
    submitted_at = models.DateTimeField(_("déposée le"), auto_now_add=True)
    status = models.CharField(_("état"), max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    # One entry per rubric criterion: {"criterion": str, "met": bool}.
    rubric_results = models.JSONField(default=list, blank=True)
    review_comment = models.TextField(_("retour du formateur"), blank=True)

    class Meta:
        verbose_name = _("production déposée")
        verbose_name_plural = _("productions déposées")
        ordering = ["-submitted_at"]

    def __str__(self):
        return f"{self.user} — {self.module} [{self.block_id}]"


class JournalEntry(models.Model):
    """A teacher's reflective writing; private to them (the statement carries no text)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="journal_entries")
    module = models.ForeignKey("courses.ModulePage", on_delete=models.CASCADE, related_name="journal_entries")
    block_id = models.CharField(max_length=64)
    text = models.TextField(_("texte"))
    written_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("entrée de journal")
        verbose_name_plural = _("entrées de journal")
        constraints = [models.UniqueConstraint(fields=["user", "module", "block_id"], name="journal_entry_unique")]

    def __str__(self):
        return f"{self.user} — {self.module} [{self.block_id}]"


class Cmi5Launch(models.Model):
    """One cmi5-style launch of external content, with the short-lived LRS client minted for it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cmi5_launches")
    module = models.ForeignKey("courses.ModulePage", on_delete=models.CASCADE, related_name="cmi5_launches")
    block_id = models.CharField(max_length=64)
    registration = models.UUIDField()
    # The fetch URL carries this id; it is unguessable and good for one fetch.
    fetch_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # The cmi5 session id (§9.6.3.1): public, in every statement of the session, unlike fetch_id.
    session_id = models.UUIDField(default=uuid.uuid4, editable=False)
    client = models.ForeignKey("xapi.Client", null=True, on_delete=models.SET_NULL, related_name="+")
    # The client's key, kept once the client is deleted: the statements of the session carry it as
    # their authority, and moveOn is judged on every session of the registration.
    client_key = models.CharField(max_length=64, blank=True, default="", db_index=True)
    # The Basic credentials handed out once by the fetch URL, cleared as soon as they are.
    pending_token = models.CharField(max_length=200, blank=True)
    fetched_at = models.DateTimeField(null=True, blank=True)
    launched_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("lancement cmi5")
        verbose_name_plural = _("lancements cmi5")

    def __str__(self):
        return f"{self.user} — {self.module} [{self.block_id}]"


class Certificate(models.Model):
    """A course certificate, earned once and kept: what was completed then, whatever the course became.

    The course may gain modules later (offered, never required retroactively) or be deleted; the
    certificate keeps its own copy of the title, the modules and the issuer.
    """

    class Holder(models.TextChoices):
        PSEUDONYM = "pseudonym", _("sans nom (pseudonyme)")
        INITIALS = "initials", _("initiales")
        FULL_NAME = "full_name", _("nom complet")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="certificates")
    course = models.ForeignKey("courses.CoursePage", null=True, on_delete=models.SET_NULL, related_name="certificates")
    code = models.CharField(_("code de vérification"), max_length=16, unique=True)
    issued_at = models.DateTimeField(_("délivrée le"), auto_now_add=True)
    completed_at = models.DateTimeField(_("parcours terminé le"))
    course_title = models.CharField(_("parcours"), max_length=255)
    duration_hours = models.PositiveSmallIntegerField(_("durée (heures)"), default=0)
    format = models.CharField(_("format"), max_length=12, blank=True)
    # [{"iri": str, "title": str, "completed_at": iso date}] — the modules completed when it was earned.
    modules = models.JSONField(default=list)
    issuer_name = models.CharField(_("émetteur"), max_length=200)
    partner_names = models.JSONField(default=list)
    # Who signed it, as the site's setting said the day it was issued (courses/signature.py).
    signatory_name = models.CharField(_("signataire"), max_length=120, blank=True)
    signatory_title = models.CharField(_("qualité du signataire"), max_length=200, blank=True)
    holder_display = models.CharField(
        _("nom affiché à la vérification"), max_length=10, choices=Holder.choices, default=Holder.PSEUDONYM
    )

    class Meta:
        verbose_name = _("attestation")
        verbose_name_plural = _("attestations")
        constraints = [models.UniqueConstraint(fields=["user", "course"], name="certificate_unique_user_course")]

    def __str__(self):
        return f"{self.code} — {self.course_title}"

    @property
    def code_display(self) -> str:
        return "-".join(self.code[i : i + 4] for i in range(0, len(self.code), 4))
