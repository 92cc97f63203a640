"""Questionnaire answers (a read model of the `responded` statements) and follow-up invitations."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    REACTION = "reaction", _("À chaud (fin de module)")
    FOLLOW_UP = "follow_up", _("Suivi (transfert en classe)")


class InteractionType(models.TextChoices):
    LIKERT = "likert", _("Échelle de Likert")
    CHOICE = "choice", _("Choix")
    TEXT = "long-fill-in", _("Texte libre")


class QuestionnaireResponse(models.Model):
    """One teacher's submission of one questionnaire (answered once)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="questionnaire_responses")
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices)
    # Pages, not courses' models: this app sits below `courses`.
    course = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    module = models.ForeignKey("wagtailcore.Page", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    # The questionnaire block's id (the module's activity, or the course's follow-up block).
    block_id = models.CharField(max_length=64)
    # The questionnaire activity's IRI: one response per user and questionnaire.
    activity_iri = models.CharField(max_length=500)
    registration = models.UUIDField(null=True, blank=True)
    # The `completed` statement of the whole questionnaire.
    statement_id = models.UUIDField(unique=True)
    submitted_at = models.DateTimeField(_("envoyé le"), db_index=True)

    class Meta:
        verbose_name = _("réponse à un questionnaire")
        verbose_name_plural = _("réponses aux questionnaires")
        constraints = [
            models.UniqueConstraint(fields=["user", "activity_iri"], name="questionnaire_response_once"),
        ]
        indexes = [models.Index(fields=["course", "kind"]), models.Index(fields=["module", "kind"])]

    def __str__(self):
        return f"{self.kind} {self.activity_iri} — {self.user_id}"


class QuestionnaireAnswer(models.Model):
    """One answer to one question: the `responded` statement's result, readable without parsing JSON.

    `value` is the xAPI response string (likert: "likert_1"…"likert_5"; choice: indexes "0[,]2"; text:
    the text). `score` is the Likert point (1–5) and `choices` the chosen indexes, for aggregates."""

    response = models.ForeignKey(QuestionnaireResponse, on_delete=models.CASCADE, related_name="answers")
    question_key = models.SlugField(_("clé de la question"), max_length=50)
    position = models.PositiveSmallIntegerField(_("rang"))
    interaction_type = models.CharField(max_length=12, choices=InteractionType.choices)
    prompt = models.CharField(_("question"), max_length=500)
    value = models.TextField(_("réponse"), blank=True)
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    choices = models.JSONField(default=list, blank=True)
    # The labels offered (Likert scale 1–5, or the choices by index) when the teacher answered.
    labels = models.JSONField(default=list, blank=True)
    statement_id = models.UUIDField(unique=True)
    timestamp = models.DateTimeField()

    class Meta:
        verbose_name = _("réponse à une question")
        verbose_name_plural = _("réponses aux questions")
        ordering = ["response_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["response", "question_key"], name="questionnaire_answer_once"),
        ]

    def __str__(self):
        return f"{self.question_key}: {self.value[:40]}"


class FollowUpInvitation(models.Model):
    """The follow-up questionnaire sent to a teacher some weeks after completing a course (once)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follow_up_invitations")
    course = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    completed_at = models.DateTimeField(_("parcours terminé le"))
    # Claimed (set) before the e-mail goes, released if it could not go: never sent twice.
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)
    # Part of the signed link: a new nonce would make older links useless.
    nonce = models.UUIDField(default=uuid.uuid4, editable=False)
    response = models.OneToOneField(
        QuestionnaireResponse, null=True, blank=True, on_delete=models.SET_NULL, related_name="invitation"
    )

    class Meta:
        verbose_name = _("invitation au questionnaire de suivi")
        verbose_name_plural = _("invitations au questionnaire de suivi")
        constraints = [models.UniqueConstraint(fields=["user", "course"], name="follow_up_invitation_once")]

    def __str__(self):
        return f"{self.user_id} — {self.course_id}"
