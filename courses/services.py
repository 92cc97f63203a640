"""Learning events. Each one writes its own rows and its xAPI statement in one transaction."""

import unicodedata
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from xapi.services import statement_store

from . import statements as st
from .certificates import certificate_issue
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
def course_enroll(*, user, course: CoursePage, at: datetime | None = None) -> tuple[Enrollment, bool]:
    """Enrol `user` in `course` (idempotent). Returns the enrolment and whether it is new.

    Every learning event takes `at`, when it happened (default: now), for a replay of past events."""
    enrollment, created = Enrollment.objects.get_or_create(user=user, course=course)
    if created:
        if at is not None:
            Enrollment.objects.filter(pk=enrollment.pk).update(enrolled_at=at)
            enrollment.enrolled_at = at
        statement_store(
            data=st.build_statement(
                user=user,
                verb="registered",
                obj=st.course_activity(course),
                registration=enrollment.registration,
                at=at,
            )
        )
    return enrollment, created


@transaction.atomic
def module_launch(*, user, module: ModulePage, at: datetime | None = None) -> None:
    """Record that the teacher opened the module."""
    enrollment = _enrollment(user=user, course=module.course)
    statement_store(
        data=st.build_statement(
            user=user,
            verb="launched",
            obj=st.module_activity(module),
            registration=enrollment.registration,
            grouping=[st.course_activity(module.course)],
            at=at,
        )
    )


def _activity_block(module: ModulePage, block_id: str, block_type: str):
    block = module.activity(block_id)
    if block is None or block.block_type != block_type:
        raise LearningError(_("Cette activité n'existe pas ou plus dans ce module."))
    return block


@transaction.atomic
def content_step_complete(*, user, module: ModulePage, block_id: str, at: datetime | None = None) -> ActivityProgress:
    """Mark a text, video or resource done (idempotent: a second time records nothing new)."""
    block = step_block(module, block_id, ("content_step", "video", "resource"))
    enrollment = _enrollment(user=user, course=module.course)
    step_done(user=user, module=module, block=block, enrollment=enrollment, at=at)
    return ActivityProgress.objects.get(user=user, module=module, block_id=block_id)


@transaction.atomic
def step_done(
    *,
    user,
    module: ModulePage,
    block,
    enrollment: Enrollment | None = None,
    status: str = ActivityProgress.Status.COMPLETED,
    verb: str = "completed",
    instructor=None,
    duration: str | None = None,
    at: datetime | None = None,
) -> bool:
    """The one place a step becomes done: its progress takes `status` and its aligned statement (`completed`,
    or `attended` for a session) is recorded, once. A step already done records nothing (content read twice,
    a journal rewritten, a cmi5 content reporting again, attendance taken again). Returns whether the step
    was newly done. `duration` (ISO 8601) goes into the statement's result: the time the step took.

    The progress row is created first, then locked: two requests at once record one statement."""
    progress, created = ActivityProgress.objects.get_or_create(
        user=user, module=module, block_id=block.id, defaults={"status": status}
    )
    if not created:
        progress = ActivityProgress.objects.select_for_update().get(pk=progress.pk)
        if progress.done:
            return False
        progress.status = status
        progress.save(update_fields=["status", "updated_at"])
    enrollment = enrollment or _enrollment(user=user, course=module.course)
    statement_store(
        data=st.build_statement(
            user=user,
            verb=verb,
            obj=st.step_activity(module, block),
            alignment=block.value["alignment"],
            result={"completion": True, **({"duration": duration} if duration else {})},
            instructor=instructor,
            at=at,
            **_module_context(module=module, enrollment=enrollment),
        )
    )
    return True


@dataclass
class QuizResult:
    correct: int
    total: int
    scaled: float
    passed: bool
    feedback: list[list[str]]
    # Per question: (right or not, the xAPI response string).
    answers: list[tuple[bool, str]] = field(default_factory=list)
    attempts_left: int | None = None


def _normalised(text: str) -> str:
    """Short answers are compared without case, accents or surrounding spaces."""
    decomposed = unicodedata.normalize("NFKD", text.strip().casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def _grade_question(question, given: list) -> tuple[bool, str, list[str]]:
    """(right, xAPI response, feedback lines) for one question."""
    kind = question.question_kind
    if question.is_choice:
        choices = list(question["choices"])
        try:
            chosen = {int(value) for value in given}
        except (TypeError, ValueError) as error:
            raise LearningError(_("Réponse illisible ; rechargez la page et recommencez.")) from error
        if any(c < 0 or c >= len(choices) for c in chosen):
            raise LearningError(_("Une réponse envoyée ne correspond à aucune proposition ; rechargez la page."))
        if kind == "single" and not question.multiple and len(chosen) > 1:
            raise LearningError(_("Une seule réponse est attendue à cette question."))
        expected = {j for j, choice in enumerate(choices) if choice["correct"]}
        feedback = [choices[j]["feedback"] for j in sorted(chosen) if choices[j]["feedback"]]
        return chosen == expected, "[,]".join(str(j) for j in sorted(chosen)), feedback
    value = str(given[0]).strip() if given else ""
    if kind == "true_false":
        if value not in ("true", "false"):
            raise LearningError(_("Répondez par vrai ou faux."))
        right = (value == "true") == bool(question.get("true_is_correct"))
        response = value
    else:
        if len(value) > 500:
            raise LearningError(_("Votre réponse est trop longue (500 caractères au plus)."))
        right = _normalised(value) in {_normalised(a) for a in question.accepted}
        response = value
    line = question.get("feedback_correct") if right else question.get("feedback_wrong")
    return right, response, [line] if line else []


def quiz_grade(*, block_value, answers: dict[int, list]) -> QuizResult:
    """Grade answers (question index → given values: choice indexes, "true"/"false", or the short answer).
    A choice question is right when exactly its correct choices are chosen."""
    questions = list(block_value["questions"])
    missing = [i + 1 for i in range(len(questions)) if not [v for v in answers.get(i) or [] if str(v).strip() != ""]]
    if missing:
        raise LearningError(
            _("Répondez à toutes les questions (sans réponse : %(q)s).") % {"q": ", ".join(map(str, missing))}
        )
    correct = 0
    feedback = []
    graded = []
    for i, question in enumerate(questions):
        right, response, lines = _grade_question(question, list(answers[i]))
        correct += right
        feedback.append(lines)
        graded.append((right, response))
    total = len(questions)
    scaled = round(correct / total, 4) if total else 0.0
    return QuizResult(correct, total, scaled, scaled * 100 >= block_value["pass_mark"], feedback, graded)


@transaction.atomic
def quiz_submit(
    *, user, module: ModulePage, block_id: str, answers: dict[int, list], at: datetime | None = None
) -> QuizResult:
    """Grade a quiz attempt within its attempt limit, keep the best outcome, record each answer and then
    passed or failed with the score."""
    block = _activity_block(module, block_id, "quiz")
    enrollment = _enrollment(user=user, course=module.course)
    progress, _created = ActivityProgress.objects.select_for_update().get_or_create(
        user=user, module=module, block_id=block_id, defaults={"status": ActivityProgress.Status.FAILED}
    )
    limit = block.value.get("max_attempts") or 0
    if limit and progress.attempts >= limit and progress.status != ActivityProgress.Status.PASSED:
        raise LearningError(
            _("Vous avez utilisé vos %(n)s tentatives pour ce quiz : contactez votre formateur.") % {"n": limit}
        )
    outcome = quiz_grade(block_value=block.value, answers=answers)
    progress.attempts += 1
    progress.last_attempt = {
        "passed": outcome.passed,
        "correct": outcome.correct,
        "total": outcome.total,
        "scaled": outcome.scaled,
        "answers": [
            {"given": [str(v) for v in answers[i]], "right": right, "feedback": outcome.feedback[i]}
            for i, (right, _response) in enumerate(outcome.answers)
        ],
    }
    if outcome.passed or progress.status != ActivityProgress.Status.PASSED:
        progress.status = ActivityProgress.Status.PASSED if outcome.passed else ActivityProgress.Status.FAILED
        progress.score = outcome.scaled
    progress.save()
    if limit:
        outcome.attempts_left = max(limit - progress.attempts, 0)
    context = _module_context(module=module, enrollment=enrollment)
    quiz_activity = st.step_activity(module, block)
    for index, (question, (right, response)) in enumerate(zip(block.value["questions"], outcome.answers, strict=True)):
        statement_store(
            data=st.build_statement(
                user=user,
                verb="answered",
                obj=st.question_activity(module, block, index, question),
                result={"success": right, "response": response},
                registration=enrollment.registration,
                parents=[quiz_activity],
                grouping=context["grouping"],
                at=at,
            )
        )
    statement_store(
        data=st.build_statement(
            user=user,
            verb="passed" if outcome.passed else "failed",
            obj=quiz_activity,
            alignment=block.value["alignment"],
            result={
                "score": {"scaled": outcome.scaled, "raw": outcome.correct, "min": 0, "max": outcome.total},
                "success": outcome.passed,
                "completion": True,
            },
            at=at,
            **context,
        )
    )
    return outcome


@transaction.atomic
def module_complete(*, user, module: ModulePage, at: datetime | None = None) -> ModuleCompletion:
    """Complete a module once every activity is done (content completed, quizzes passed, tasks validated,
    sessions attended); then record the course's progress, and its completion with the last module."""
    enrollment = _enrollment(user=user, course=module.course)
    existing = ModuleCompletion.objects.filter(user=user, module=module).first()
    if existing:
        return existing
    done = set(
        ActivityProgress.objects.filter(user=user, module=module, status__in=ActivityProgress.DONE).values_list(
            "block_id", flat=True
        )
    )
    remaining = [block.value["title"] for block in module.activities if block.id not in done]
    if remaining:
        raise LearningError(_("Il reste des activités à terminer : %(titles)s.") % {"titles": ", ".join(remaining)})
    completion = ModuleCompletion.objects.create(user=user, module=module)
    if at is not None:
        ModuleCompletion.objects.filter(pk=completion.pk).update(completed_at=at)
        completion.completed_at = at
    course = module.course
    statement_store(
        data=st.build_statement(
            user=user,
            verb="completed",
            obj=st.module_activity(module),
            registration=enrollment.registration,
            grouping=[st.course_activity(course)],
            result={"completion": True},
            at=at,
        )
    )
    modules = list(course.modules())
    completed = ModuleCompletion.objects.filter(user=user, module__in=modules).count()
    percent = round(100 * completed / len(modules)) if modules else 100
    statement_store(
        data=st.build_statement(
            user=user,
            verb="completed" if percent >= 100 else "progressed",
            obj=st.course_activity(course),
            registration=enrollment.registration,
            result={"completion": percent >= 100, "extensions": {st.PROGRESS_EXTENSION: percent}},
            at=at,
        )
    )
    if percent >= 100:
        # Earned now and kept: a module published later will not take it back.
        certificate_issue(course=course, user=user)
    return completion


def step_block(module: ModulePage, block_id: str, block_types: tuple[str, ...]):
    """The activity block `block_id` of one of `block_types`, or a LearningError."""
    block = module.activity(block_id)
    if block is None or block.block_type not in block_types:
        raise LearningError(_("Cette activité n'existe pas ou plus dans ce module."))
    return block


def enrollment_for(*, user, module: ModulePage) -> Enrollment:
    return _enrollment(user=user, course=module.course)


def module_context(*, module: ModulePage, enrollment: Enrollment) -> dict:
    return _module_context(module=module, enrollment=enrollment)
