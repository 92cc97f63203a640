"""The courses' outlines for the evaluation (`evaluation.outline`): courses may import evaluation,
never the reverse, so this app describes its pages there."""

from evaluation.outline import ActivityOutline, CourseOutline, ModuleOutline, QuestionOutline

from . import statements as st
from .models import CatalogPage, CoursePage, ModulePage


def _questions(module, block) -> tuple[QuestionOutline, ...]:
    if block.block_type != "quiz":
        return ()
    base = st.activity_iri(module, block.id)
    questions = []
    for index, question in enumerate(block.value["questions"]):
        choices = list(question["choices"]) if question.is_choice else []
        questions.append(
            QuestionOutline(
                iri=f"{base}/questions/{index + 1}",
                prompt=question["prompt"],
                choices=tuple(choice["text"] for choice in choices),
                correct=tuple(i for i, choice in enumerate(choices) if choice["correct"]),
            )
        )
    return tuple(questions)


def course_outlines() -> list[CourseOutline]:
    """Every live course with its live modules, in the catalogue's order."""
    territories = dict(CatalogPage.objects.values_list("path", "territory_id"))
    modules_by_parent: dict[str, list[ModulePage]] = {}
    for module in ModulePage.objects.live().order_by("path"):
        modules_by_parent.setdefault(module.path[: -ModulePage.steplen], []).append(module)
    outlines = []
    courses = CoursePage.objects.live().order_by("path").prefetch_related("target_competencies", "co_designers")
    for course in courses:
        modules = []
        for module in modules_by_parent.get(course.path, []):
            activities = tuple(
                ActivityOutline(
                    iri=st.activity_iri(module, block.id),
                    title=block.value["title"],
                    kind=block.block_type,
                    questions=_questions(module, block),
                )
                for block in module.activities
            )
            modules.append(ModuleOutline(module.pk, st.module_iri(module), module.title, activities))
        outlines.append(
            CourseOutline(
                page_id=course.pk,
                iri=st.course_iri(course),
                title=course.title,
                modules=tuple(modules),
                competency_ids=tuple(t.competency_id for t in course.target_competencies.all()),
                co_designers=tuple(str(p) for p in course.co_designers.all()),
                departement_id=territories.get(course.path[: -CoursePage.steplen]),
            )
        )
    return outlines
