"""The catalogue: Wagtail pages for courses and their modules, and each teacher's progress."""

import uuid
from collections.abc import Callable

from django.conf import settings
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index
from wagtail.snippets.models import register_snippet

from .blocks import ActivityStreamBlock
from .questionnaire_blocks import FollowUpQuestionnaireBlock
from .records import Certificate, Cmi5Launch, JournalEntry, SessionRegistration, TaskSubmission
from .workflow_tasks import PartnerApprovalTask


@register_snippet
class Partner(models.Model):
    """An organisation that works with the territory (Canopé, DRANE, a collectivité…), with its logo.

    A snippet: courses name their co-designers among partners, whose reviewers approve them in the
    co-design workflow; the themes app shows their logos in a territory's footer. It lived in themes
    until migration courses 0010 (same rows, table renamed in 0011).
    """

    name = models.CharField(_("nom"), max_length=160)
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    url = models.URLField(_("site web"), blank=True)

    class Kind(models.TextChoices):
        CANOPE = "canope", _("Réseau Canopé")
        DANE = "dane", _("DANE / DRANE")
        COLLECTIVITE = "collectivite", _("Collectivité")
        ASSOCIATION = "association", _("Association")
        OTHER = "autre", _("Autre")

    kind = models.CharField(_("type de partenaire"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    reviewer_group = models.ForeignKey(
        "auth.Group",
        verbose_name=_("groupe de relecture"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Les membres de ce groupe relisent et approuvent les modules co-conçus au nom du partenaire."),
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("kind"),
        FieldPanel("logo"),
        FieldPanel("url"),
        FieldPanel("reviewer_group"),
    ]

    class Meta:
        verbose_name = _("partenaire")
        verbose_name_plural = _("partenaires")
        ordering = ["name"]

    def __str__(self):
        return self.name


PageContextBuilder = Callable[[Page, HttpRequest, dict], None]
_page_context_builders: dict[type[Page], PageContextBuilder] = {}


def page_context_register(page_class: type[Page], builder: PageContextBuilder) -> None:
    """What a page shows beyond its fields is read in the view layer (courses.pages), which registers
    its builders when the app is ready: the models do not import the selectors that read them."""
    _page_context_builders[page_class] = builder


class ContextBuiltByViews:
    """A page whose template context is completed by the builder courses.pages registered for it."""

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        builder = _page_context_builders.get(type(self))
        if builder is not None:
            builder(self, request, context)
        return context


class CatalogPage(ContextBuiltByViews, Page):
    """A territory's catalogue of courses: the home page of its site."""

    intro = RichTextField(_("introduction"), blank=True)
    territory = models.ForeignKey(
        "lms.Departement",
        verbose_name=_("territoire"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Le département dont ce catalogue est l'offre de formation."),
    )

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("territory")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["courses.CoursePage"]

    class Meta:
        verbose_name = _("catalogue")
        verbose_name_plural = _("catalogues")


class CoursePage(ContextBuiltByViews, Page):
    """A course ("parcours"): a sequence of modules."""

    class Audience(models.TextChoices):
        PRIMARY = "1d", _("1er degré")
        SECONDARY = "2d", _("2nd degré")
        ALL = "all", _("Tous")

    class Format(models.TextChoices):
        HYBRID = "hybride", _("Hybride")
        ONLINE = "distanciel", _("À distance")
        IN_PERSON = "presentiel", _("En présentiel")

    summary = models.TextField(_("résumé"), max_length=600)
    body = RichTextField(_("présentation"), blank=True)
    audience = models.CharField(_("public"), max_length=3, choices=Audience.choices, default=Audience.ALL)
    format = models.CharField(_("format"), max_length=12, choices=Format.choices, default=Format.HYBRID)
    duration_hours = models.PositiveSmallIntegerField(_("durée (heures)"), default=3)
    prerequisites = models.TextField(_("prérequis"), blank=True)
    co_designers = ParentalManyToManyField(Partner, verbose_name=_("co-concepteurs"), blank=True, related_name="+")
    co_authors = ParentalManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("co-auteurs"), blank=True, related_name="co_authored_courses"
    )
    # Local adaptation: the shared course this one was copied from, and its revision at the time.
    origin = models.ForeignKey(
        "self",
        verbose_name=_("parcours d'origine"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="adaptations",
    )
    origin_revision = models.ForeignKey(
        "wagtailcore.Revision", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Évaluation in itinere: what teachers do in class some weeks after completing the course.
    follow_up = StreamField(
        [("questionnaire", FollowUpQuestionnaireBlock())],
        verbose_name=_("questionnaire de suivi"),
        blank=True,
        max_num=1,
    )
    follow_up_delay_weeks = models.PositiveSmallIntegerField(
        _("délai avant le questionnaire de suivi (semaines)"),
        default=6,
        help_text=_("Envoyé par courriel ce nombre de semaines après la fin du parcours ; 0 : jamais."),
    )

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldPanel("body"),
        MultiFieldPanel(
            [FieldPanel("audience"), FieldPanel("format"), FieldPanel("duration_hours"), FieldPanel("prerequisites")],
            heading=_("Public et format"),
        ),
        InlinePanel("target_competencies", heading=_("Compétences visées"), label=_("compétence visée")),
        MultiFieldPanel([FieldPanel("co_designers"), FieldPanel("co_authors")], heading=_("Co-conception")),
        MultiFieldPanel(
            [FieldPanel("follow_up_delay_weeks"), FieldPanel("follow_up")], heading=_("Questionnaire de suivi")
        ),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("format"),
        index.FilterField("audience"),
    ]

    parent_page_types = ["courses.CatalogPage"]
    subpage_types = ["courses.ModulePage"]

    class Meta:
        verbose_name = _("parcours de formation")
        verbose_name_plural = _("parcours de formation")

    def modules(self):
        return ModulePage.objects.live().child_of(self).specific()


class CourseCompetency(Orderable):
    """A competency a course targets, and the level it aims at."""

    course = ParentalKey(CoursePage, on_delete=models.CASCADE, related_name="target_competencies")
    competency = models.ForeignKey(
        "frameworks.Competency", verbose_name=_("compétence"), on_delete=models.CASCADE, related_name="+"
    )
    target_level = models.PositiveSmallIntegerField(_("niveau visé"), default=3)

    panels = [FieldPanel("competency"), FieldPanel("target_level")]

    class Meta(Orderable.Meta):
        verbose_name = _("compétence visée")
        verbose_name_plural = _("compétences visées")


class ModulePage(ContextBuiltByViews, Page):
    """A module: ordered activities, each aligned to competencies."""

    intro = RichTextField(_("introduction"), blank=True)
    activities = StreamField(ActivityStreamBlock(), verbose_name=_("activités"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("activities")]

    parent_page_types = ["courses.CoursePage"]
    subpage_types = []

    class Meta:
        verbose_name = _("module")
        verbose_name_plural = _("modules")

    @property
    def course(self) -> "CoursePage":
        return self.get_parent().specific

    def activity(self, block_id: str):
        """The activity block with that id, or None."""
        return next((block for block in self.activities if block.id == block_id), None)


class Enrollment(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollments")
    course = models.ForeignKey(CoursePage, on_delete=models.CASCADE, related_name="enrollments")
    enrolled_at = models.DateTimeField(_("inscrit le"), auto_now_add=True)
    # The xAPI registration grouping every statement of this enrolment.
    registration = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        verbose_name = _("inscription")
        verbose_name_plural = _("inscriptions")
        constraints = [models.UniqueConstraint(fields=["user", "course"], name="enrollment_unique_user_course")]

    def __str__(self):
        return f"{self.user} — {self.course}"


class ActivityProgress(models.Model):
    """A teacher's state in one activity of a module."""

    class Status(models.TextChoices):
        COMPLETED = "completed", _("terminée")
        PASSED = "passed", _("réussie")
        FAILED = "failed", _("non réussie")
        SUBMITTED = "submitted", _("déposée, en attente de validation")
        REGISTERED = "registered", _("inscrit à la session")
        ATTENDED = "attended", _("présent à la session")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="activity_progress")
    module = models.ForeignKey(ModulePage, on_delete=models.CASCADE, related_name="progress")
    block_id = models.CharField(max_length=64)
    status = models.CharField(_("état"), max_length=10, choices=Status.choices)
    score = models.FloatField(_("score"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("tentatives"), default=0)
    # A quiz's latest attempt, for the review beside each question: {"passed", "correct", "total",
    # "scaled", "answers": [{"given": [...], "right": bool, "feedback": [str]}]}.
    last_attempt = models.JSONField(_("dernière tentative"), default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("progression dans une activité")
        verbose_name_plural = _("progressions dans les activités")
        constraints = [
            models.UniqueConstraint(fields=["user", "module", "block_id"], name="progress_unique_user_activity")
        ]

    def __str__(self):
        return f"{self.user} — {self.module} [{self.block_id}]: {self.status}"

    @property
    def done(self) -> bool:
        return self.status in self.DONE

    DONE = (Status.COMPLETED, Status.PASSED, Status.ATTENDED)


class ModuleCompletion(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="module_completions")
    module = models.ForeignKey(ModulePage, on_delete=models.CASCADE, related_name="completions")
    completed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("module terminé")
        verbose_name_plural = _("modules terminés")
        constraints = [models.UniqueConstraint(fields=["user", "module"], name="completion_unique_user_module")]

    def __str__(self):
        return f"{self.user} — {self.module}"


__all__ = [
    "ActivityProgress",
    "CatalogPage",
    "Certificate",
    "Cmi5Launch",
    "CourseCompetency",
    "CoursePage",
    "Enrollment",
    "JournalEntry",
    "ModuleCompletion",
    "ModulePage",
    "Partner",
    "PartnerApprovalTask",
    "SessionRegistration",
    "TaskSubmission",
]
