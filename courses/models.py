"""The catalogue: Wagtail pages for courses and their modules, and each teacher's progress."""

import uuid

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from .blocks import ActivityStreamBlock, level_choices


class CatalogPage(Page):
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

    def get_context(self, request, *args, **kwargs):
        from .catalogue import catalogue_search

        context = super().get_context(request, *args, **kwargs)
        search = catalogue_search(catalogue=self, params=request.GET)
        context["courses"] = search.courses
        context["search"] = search
        if request.user.is_authenticated:
            context["enrolled_ids"] = set(
                Enrollment.objects.filter(user=request.user).values_list("course_id", flat=True)
            )
            context["progress_by_course"] = self._progress(request.user, context["enrolled_ids"])
        return context

    @staticmethod
    def _progress(user, course_ids) -> dict[int, int]:
        """Percent of modules completed, per enrolled course (for the catalogue's cards)."""
        modules = ModulePage.objects.live()
        totals: dict[int, int] = {}
        done: dict[int, int] = {}
        completed = set(ModuleCompletion.objects.filter(user=user).values_list("module_id", flat=True))
        for course in CoursePage.objects.filter(pk__in=course_ids):
            ids = list(modules.child_of(course).values_list("pk", flat=True))
            totals[course.pk] = len(ids)
            done[course.pk] = sum(1 for pk in ids if pk in completed)
        return {pk: round(100 * done[pk] / total) if total else 0 for pk, total in totals.items()}


class CoursePage(Page):
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
    objectives = models.TextField(
        _("objectifs"),
        blank=True,
        help_text=_("Ce que l'enseignant saura faire à la fin du parcours : un objectif par ligne."),
    )
    co_designers = ParentalManyToManyField(
        "themes.Partner", verbose_name=_("co-concepteurs"), blank=True, related_name="+"
    )
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

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldPanel("objectives"),
        FieldPanel("body"),
        MultiFieldPanel(
            [FieldPanel("audience"), FieldPanel("format"), FieldPanel("duration_hours"), FieldPanel("prerequisites")],
            heading=_("Public et format"),
        ),
        InlinePanel("target_competencies", heading=_("Compétences visées"), label=_("compétence visée")),
        MultiFieldPanel([FieldPanel("co_designers"), FieldPanel("co_authors")], heading=_("Co-conception")),
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

    @property
    def objectives_list(self) -> list[str]:
        return [line.strip(" -•\t") for line in self.objectives.splitlines() if line.strip(" -•\t")]

    def get_context(self, request, *args, **kwargs):
        from .selectors import course_progress, course_sessions

        context = super().get_context(request, *args, **kwargs)
        modules = list(self.modules())
        context["modules"] = modules
        context["targets"] = targets = list(self.target_competencies.select_related("competency__framework"))
        if targets:
            from competencies.models import Level, level_name

            # Levels in words: "Niveau 3 — Confirmé (formation continue)", not a bare number.
            names = {(lv.framework_id, lv.number): lv.name_display() for lv in Level.objects.all()}
            for target in targets:
                target.level_name = names.get(
                    (target.competency.framework_id, target.target_level), level_name(target.target_level, "")
                )
        context["sessions"] = course_sessions(course=self, user=request.user)
        if request.user.is_authenticated:
            context["enrollment"] = Enrollment.objects.filter(user=request.user, course=self).first()
            context["completed_module_ids"] = set(
                ModuleCompletion.objects.filter(user=request.user, module__in=modules).values_list(
                    "module_id", flat=True
                )
            )
            if context["enrollment"]:
                context["progress"] = course_progress(course=self, user=request.user)
                # Earned once and kept, even when modules were published since.
                context["certificate"] = Certificate.objects.filter(user=request.user, course=self).first()
        return context


class CourseCompetency(Orderable):
    """A competency a course targets, and the level it aims at."""

    course = ParentalKey(CoursePage, on_delete=models.CASCADE, related_name="target_competencies")
    competency = models.ForeignKey(
        "competencies.Competency", verbose_name=_("compétence"), on_delete=models.CASCADE, related_name="+"
    )
    target_level = models.PositiveSmallIntegerField(_("niveau visé"), default=3)

    # The level chosen by name, in groups by framework (the competency's framework decides: see clean).
    panels = [
        FieldPanel("competency"),
        FieldPanel("target_level", widget=forms.Select(choices=level_choices)),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("compétence visée")
        verbose_name_plural = _("compétences visées")

    def clean(self):
        super().clean()
        if self.competency_id and self.target_level is not None:
            framework = self.competency.framework
            if not framework.levels.filter(number=self.target_level).exists():
                raise ValidationError(
                    {
                        "target_level": _("Ce niveau n'existe pas dans le référentiel %(framework)s.")
                        % {"framework": framework.short_name}
                    }
                )


class ModulePage(Page):
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

    def get_context(self, request, *args, **kwargs):
        """The player: every activity with the teacher's state; resumes at the first one not done.

        Access (login, enrolment) and the "launched" statement are handled before serving, in
        wagtail_hooks.before_serve_page.
        """
        from .selectors import module_player

        context = super().get_context(request, *args, **kwargs)
        context.update(module_player(module=self, user=request.user))
        return context


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


from .records import Certificate, Cmi5Launch, JournalEntry, SessionRegistration, TaskSubmission  # noqa: E402
from .signature import CertificateSettings  # noqa: E402
from .workflow_tasks import PartnerApprovalTask  # noqa: E402

__all__ = [
    "ActivityProgress",
    "CatalogPage",
    "Certificate",
    "CertificateSettings",
    "Cmi5Launch",
    "CourseCompetency",
    "CoursePage",
    "Enrollment",
    "JournalEntry",
    "ModuleCompletion",
    "ModulePage",
    "PartnerApprovalTask",
    "SessionRegistration",
    "TaskSubmission",
]
