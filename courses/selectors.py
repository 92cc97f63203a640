"""Reads for the player, the course page, the certificate and "Mes compétences"."""

from dataclasses import dataclass, field

from .models import (
    ActivityProgress,
    CoursePage,
    JournalEntry,
    ModuleCompletion,
    ModulePage,
    SessionRegistration,
    TaskSubmission,
)

SESSION_TYPES = ("in_person_session", "virtual_class")


def module_player(*, module: ModulePage, user) -> dict:
    """Every activity with the teacher's state; the player resumes at the first one not done."""
    from .sessions import session_is_over, session_places_left

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
            step["over"] = session_is_over(block)
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
    from .sessions import session_is_over, session_places_left

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
                        "over": session_is_over(block),
                        "registered": (module.pk, block.id) in mine,
                    }
                )
    return sorted(sessions, key=lambda s: (s["block"].value["date"], s["block"].value["start_time"]))


@dataclass
class ModuleContribution:
    """What one completed module added to a teacher's competencies (from their evidence)."""

    module: ModulePage
    course: CoursePage
    completed_at: object
    items: list = field(default_factory=list)  # (competency, level, kind label)


def modules_added(*, user) -> list[ModuleContribution]:
    """For "Mes compétences": each module the teacher worked in, with the evidence its activities gave."""
    from competencies.models import Evidence

    from .statements import module_iri

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
                row = (item.competency, item.level, item.get_kind_display())
                if row not in contribution.items:
                    contribution.items.append(row)
                break
    return sorted(by_module.values(), key=lambda c: c.module.title)


def certificate_competencies(*, course: CoursePage, user) -> list[tuple]:
    """The competencies evidenced in the course's modules: (competency, best level, kinds)."""
    contributions = [c for c in modules_added(user=user) if c.course.pk == course.pk]
    best: dict = {}
    for contribution in contributions:
        for competency, level, kind in contribution.items:
            current = best.get(competency.pk)
            if current is None:
                best[competency.pk] = [competency, level, {kind}]
            else:
                current[1] = max(current[1], level)
                current[2].add(kind)
    return sorted(
        ((c, level, sorted(kinds)) for c, level, kinds in best.values()),
        key=lambda row: (row[0].framework.slug, row[0].code),
    )
