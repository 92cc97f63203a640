"""Learning events. Each one writes its own rows and its xAPI statement in one transaction."""

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from xapi.services import statement_store

from . import statements as st
from .models import ActivityProgress, CoursePage, Enrollment, ModuleCompletion, ModulePage


class LearningError(Exception):
    """A learning action that cannot be done; the message is for the teacher."""


def _enrollment(*, user, course: CoursePage) -> Enrollment:
    enrollment = Enrollment.objects.filter(user=user, course=course).first()
    if enrollment is None:
        raise LearningError(_("Inscrivez-vous d'abord à ce parcours."))
    return enrollment


def _module_context(*, module: ModulePage, enrollment: Enrollment) -> dict:
    return {
        "registration": enrollment.registration,
        "parents": [st.module_activity(module)],
        "grouping": [st.course_activity(module.course)],
    }


@transaction.atomic
def course_enroll(*, user, course: CoursePage) -> tuple[Enrollment, bool]:
    """Enrol `user` in `course` (idempotent). Returns the enrolment and whether it is new."""
    enrollment, created = Enrollment.objects.get_or_create(user=user, course=course)
    if created:
        statement_store(
            data=st.build_statement(
                user=user, verb="registered", obj=st.course_activity(course), registration=enrollment.registration
            )
        )
    return enrollment, created


@transaction.atomic
def module_launch(*, user, module: ModulePage) -> None:
    """Record that the teacher opened the module."""
    enrollment = _enrollment(user=user, course=module.course)
    statement_store(
        data=st.build_statement(
            user=user,
            verb="launched",
            obj=st.module_activity(module),
            registration=enrollment.registration,
            grouping=[st.course_activity(module.course)],
        )
    )


def _activity_block(module: ModulePage, block_id: str, block_type: str):
    block = module.activity(block_id)
    if block is None or block.block_type != block_type:
        raise LearningError(_("Cette activité n'existe pas ou plus dans ce module."))
    return block


@transaction.atomic
def content_step_complete(*, user, module: ModulePage, block_id: str) -> ActivityProgress:
    """Mark a content step done (idempotent: a second time records nothing new)."""
    block = _activity_block(module, block_id, "content_step")
    enrollment = _enrollment(user=user, course=module.course)
    progress, created = ActivityProgress.objects.get_or_create(
        user=user, module=module, block_id=block_id, defaults={"status": ActivityProgress.Status.COMPLETED}
    )
    if created:
        statement_store(
            data=st.build_statement(
                user=user,
                verb="completed",
                obj=st.step_activity(module, block),
                alignment=block.value["alignment"],
                result={"completion": True},
                **_module_context(module=module, enrollment=enrollment),
            )
        )
    return progress


@dataclass
class QuizResult:
    correct: int
    total: int
    scaled: float
    passed: bool
    feedback: list[list[str]]


def quiz_grade(*, block_value, answers: dict[int, list[int]]) -> QuizResult:
    """Grade answers (question index → chosen choice indexes). A question is right when exactly its correct
    choices are chosen."""
    questions = list(block_value["questions"])
    missing = [i + 1 for i in range(len(questions)) if not answers.get(i)]
    if missing:
        raise LearningError(
            _("Répondez à toutes les questions (sans réponse : %(q)s).") % {"q": ", ".join(map(str, missing))}
        )
    correct = 0
    feedback = []
    for i, question in enumerate(questions):
        choices = list(question["choices"])
        chosen = set(answers[i])
        if any(c < 0 or c >= len(choices) for c in chosen):
            raise LearningError(_("Une réponse envoyée ne correspond à aucune proposition ; rechargez la page."))
        expected = {j for j, choice in enumerate(choices) if choice["correct"]}
        correct += chosen == expected
        feedback.append([choices[j]["feedback"] for j in sorted(chosen) if choices[j]["feedback"]])
    total = len(questions)
    scaled = round(correct / total, 4) if total else 0.0
    return QuizResult(correct, total, scaled, scaled * 100 >= block_value["pass_mark"], feedback)


@transaction.atomic
def quiz_submit(*, user, module: ModulePage, block_id: str, answers: dict[int, list[int]]) -> QuizResult:
    """Grade a quiz attempt, keep the best outcome, record passed or failed with the score."""
    block = _activity_block(module, block_id, "quiz")
    enrollment = _enrollment(user=user, course=module.course)
    outcome = quiz_grade(block_value=block.value, answers=answers)
    progress, _created = ActivityProgress.objects.select_for_update().get_or_create(
        user=user, module=module, block_id=block_id, defaults={"status": ActivityProgress.Status.FAILED}
    )
    progress.attempts += 1
    if outcome.passed or progress.status != ActivityProgress.Status.PASSED:
        progress.status = ActivityProgress.Status.PASSED if outcome.passed else ActivityProgress.Status.FAILED
        progress.score = outcome.scaled
    progress.save()
    statement_store(
        data=st.build_statement(
            user=user,
            verb="passed" if outcome.passed else "failed",
            obj=st.step_activity(module, block),
            alignment=block.value["alignment"],
            result={
                "score": {"scaled": outcome.scaled, "raw": outcome.correct, "min": 0, "max": outcome.total},
                "success": outcome.passed,
                "completion": True,
            },
            **_module_context(module=module, enrollment=enrollment),
        )
    )
    return outcome


@transaction.atomic
def module_complete(*, user, module: ModulePage) -> ModuleCompletion:
    """Complete a module once every activity is done (content completed, quizzes passed)."""
    enrollment = _enrollment(user=user, course=module.course)
    existing = ModuleCompletion.objects.filter(user=user, module=module).first()
    if existing:
        return existing
    done = set(
        ActivityProgress.objects.filter(
            user=user,
            module=module,
            status__in=[ActivityProgress.Status.COMPLETED, ActivityProgress.Status.PASSED],
        ).values_list("block_id", flat=True)
    )
    remaining = [block.value["title"] for block in module.activities if block.id not in done]
    if remaining:
        raise LearningError(_("Il reste des activités à terminer : %(titles)s.") % {"titles": ", ".join(remaining)})
    completion = ModuleCompletion.objects.create(user=user, module=module)
    statement_store(
        data=st.build_statement(
            user=user,
            verb="completed",
            obj=st.module_activity(module),
            registration=enrollment.registration,
            grouping=[st.course_activity(module.course)],
            result={"completion": True},
        )
    )
    return completion
