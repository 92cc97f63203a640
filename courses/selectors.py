"""Reads for the player, the course page, the certificate and "Mes compétences"."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from django.utils import timezone

from evidence.models import CompetencyState, Evidence
from frameworks.models import Level

from .models import (
    ActivityProgress,
    Certificate,
    CoursePage,
    Enrollment,
    JournalEntry,
    ModuleCompletion,
    ModulePage,
    SessionRegistration,
    TaskSubmission,
)
from .statements import module_iri

SESSION_TYPES = ("in_person_session", "virtual_class")


def is_module_trainer(*, user, module: ModulePage) -> bool:
    """Trainers who may edit the module (their territory's catalogue) take its attendance."""
    if not (user.is_authenticated and (user.is_superuser or user.is_trainer)):
        return False
    return module.permissions_for_user(user).can_edit()


def session_places_left(*, module: ModulePage, block) -> int:
    taken = SessionRegistration.objects.filter(module=module, block_id=block.id, waitlisted=False).count()
    return max(block.value["capacity"] - taken, 0)


def waitlist_position(registration: SessionRegistration) -> int | None:
    """1 for the next teacher to get a place; None when the registration holds a place."""
    if not registration.waitlisted:
        return None
    ahead = SessionRegistration.objects.filter(
        module_id=registration.module_id, block_id=registration.block_id, waitlisted=True, pk__lt=registration.pk
    ).count()
    return ahead + 1


def session_start(block) -> datetime:
    """When the session begins, in the site's time zone (the date and times a trainer typed are local)."""
    return timezone.make_aware(datetime.combine(block.value["date"], block.value["start_time"]))


def session_end(block) -> datetime:
    return timezone.make_aware(datetime.combine(block.value["date"], block.value["end_time"]))


def module_player(*, module: ModulePage, user) -> dict:
    """Every activity with the teacher's state; the player resumes at the first one not done."""
    progress = {p.block_id: p for p in ActivityProgress.objects.filter(user=user, module=module)}
    registrations = {r.block_id: r for r in SessionRegistration.objects.filter(user=user, module=module)}
    journals = {j.block_id: j for j in JournalEntry.objects.filter(user=user, module=module)}
    submissions: dict[str, TaskSubmission] = {}
    for submission in TaskSubmission.objects.filter(user=user, module=module).order_by("submitted_at"):
        submissions[submission.block_id] = submission  # the latest wins
    steps = []
    current = None
    for number, block in enumerate(module.activities, start=1):
        state = progress.get(block.id)
        done = bool(state and state.done)
        if not done and current is None:
            current = block.id
        step = {
            "index": number,
            "block": block,
            "progress": state,
            "done": done,
            "registration": registrations.get(block.id),
            "journal": journals.get(block.id),
            "submission": submissions.get(block.id),
        }
        if block.block_type in SESSION_TYPES:
            step["places_left"] = session_places_left(module=module, block=block)
        if block.block_type == "quiz":
            limit = block.value.get("max_attempts") or 0
            used = state.attempts if state else 0
            step["attempts_left"] = max(limit - used, 0) if limit else None
        steps.append(step)
    done_count = sum(1 for s in steps if s["done"])
    return {
        "steps": steps,
        "current": current,
        "all_done": current is None,
        "done_count": done_count,
        "percent": round(100 * done_count / len(steps)) if steps else 100,
        "completed": ModuleCompletion.objects.filter(user=user, module=module).exists(),
        "course": module.course,
    }


@dataclass
class CourseProgress:
    modules: int
    completed: int
    percent: int
    is_complete: bool


def course_progress(*, course: CoursePage, user) -> CourseProgress:
    modules = list(course.modules())
    completed = ModuleCompletion.objects.filter(user=user, module__in=modules).count()
    percent = round(100 * completed / len(modules)) if modules else 0
    return CourseProgress(len(modules), completed, percent, bool(modules) and completed == len(modules))


def course_sessions(*, course: CoursePage, user) -> list[dict]:
    """The course's sessions (in-person and virtual), soonest first, with places left and the user's place."""
    mine = set()
    if user.is_authenticated:
        mine = set(
            SessionRegistration.objects.filter(user=user, module__in=course.modules()).values_list(
                "module_id", "block_id"
            )
        )
    sessions = []
    for module in course.modules():
        for block in module.activities:
            if block.block_type in SESSION_TYPES:
                sessions.append(
                    {
                        "module": module,
                        "block": block,
                        "places_left": session_places_left(module=module, block=block),
                        "registered": (module.pk, block.id) in mine,
                    }
                )
    return sorted(sessions, key=lambda s: (s["block"].value["date"], s["block"].value["start_time"]))


class ContributionItem(NamedTuple):
    """One competency a module's activities evidenced, at what level, and how (graded, attended…)."""

    competency: object
    level: int
    kind: str


@dataclass
class ModuleContribution:
    """What one completed module added to a teacher's competencies (from their evidence)."""

    module: ModulePage
    course: CoursePage
    completed_at: object
    items: list[ContributionItem] = field(default_factory=list)


def modules_added(*, user) -> list[ModuleContribution]:
    """For "Mes compétences": each module the teacher worked in, with the evidence its activities gave."""

    evidence = list(Evidence.objects.filter(user=user).select_related("competency__framework").order_by("-level"))
    if not evidence:
        return []
    touched = {}
    for module in ModulePage.objects.filter(progress__user=user).distinct().specific():
        touched[module_iri(module)] = module
    completions = dict(ModuleCompletion.objects.filter(user=user).values_list("module_id", "completed_at"))
    by_module: dict[int, ModuleContribution] = {}
    for item in evidence:
        for prefix, module in touched.items():
            if item.activity_id == prefix or item.activity_id.startswith(prefix + "/"):
                contribution = by_module.setdefault(
                    module.pk, ModuleContribution(module, module.course, completions.get(module.pk))
                )
                row = ContributionItem(item.competency, item.level, item.get_kind_display())
                if row not in contribution.items:
                    contribution.items.append(row)
                break
    return sorted(by_module.values(), key=lambda c: c.module.title)


class NextLevelModule(NamedTuple):
    module: ModulePage
    level: int


def next_level_modules(*, user) -> dict[str, list[NextLevelModule]]:
    """For "Mes compétences": per competency key, the published modules whose activities evidence it
    above the teacher's current level (what would take them to the next one), lowest level first."""
    current = {
        f"{s.competency.framework.slug}/{s.competency.code}": s.level
        for s in CompetencyState.objects.filter(user=user).select_related("competency__framework")
    }
    found: dict[str, dict[int, NextLevelModule]] = {}
    for module in ModulePage.objects.live().specific().order_by("path"):
        for block in module.activities:
            alignment = block.value.get("alignment") or {}
            level = alignment.get("level") or 0
            for key in alignment.get("competencies") or []:
                if level > current.get(key, 0):
                    best = found.setdefault(key, {})
                    if module.pk not in best or level < best[module.pk].level:
                        best[module.pk] = NextLevelModule(module, level)
    return {
        key: sorted(rows.values(), key=lambda row: (row.level, row.module.title))[:3] for key, rows in found.items()
    }


def enrolled_course_ids(*, user) -> set[int]:
    return set(Enrollment.objects.filter(user=user).values_list("course_id", flat=True))


def catalogue_progress(*, user, course_ids) -> dict[int, int]:
    """Percent of modules completed, per enrolled course (for the catalogue's cards)."""
    modules = ModulePage.objects.live()
    completed = set(ModuleCompletion.objects.filter(user=user).values_list("module_id", flat=True))
    percents = {}
    for course in CoursePage.objects.filter(pk__in=course_ids):
        ids = list(modules.child_of(course).values_list("pk", flat=True))
        done = sum(1 for pk in ids if pk in completed)
        percents[course.pk] = round(100 * done / len(ids)) if ids else 0
    return percents


def course_targets(*, course: CoursePage) -> list:
    """The competencies the course aims at, each with `level_label`: "niveau 3 — Confirmé", not a bare number."""
    targets = list(course.target_competencies.select_related("competency__framework"))
    if targets:
        labels = {(lv.framework_id, lv.number): lv.label for lv in Level.objects.all()}
        for target in targets:
            target.level_label = labels.get((target.competency.framework_id, target.target_level), "")
    return targets


def completed_module_ids(*, user, modules) -> set[int]:
    return set(ModuleCompletion.objects.filter(user=user, module__in=modules).values_list("module_id", flat=True))


def enrollment_of(*, user, course: CoursePage) -> Enrollment | None:
    return Enrollment.objects.filter(user=user, course=course).first()


def earned_certificate(*, user, course: CoursePage) -> Certificate | None:
    return Certificate.objects.filter(user=user, course=course).first()
