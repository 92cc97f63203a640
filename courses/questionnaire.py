"""Answering questionnaires: each answer is a `responded` statement, the whole a `completed` one.

The statements go through the same store as every learning event (so they forward and export like the
others); the `questionnaires` read model keeps one row per answer, written in the same transaction."""

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from questionnaires.models import FollowUpInvitation, Kind, QuestionnaireAnswer, QuestionnaireResponse
from xapi.services import statement_store

from . import statements as st
from .models import ActivityProgress, CoursePage, ModulePage
from .questionnaire_blocks import LIKERT_POINTS, QuestionnaireKind
from .services import LearningError, enrollment_for, step_block

TEXT_MAX = 2000


class QuestionnaireError(LearningError):
    """The questionnaire cannot be answered (already answered, gone); the message is for the teacher."""


@dataclass
class Parsed:
    """Valid answers per question index (xAPI response, Likert point, chosen indexes), or errors."""

    answers: dict[int, tuple[str, int | None, list[int]]] = field(default_factory=dict)
    errors: dict[int, str] = field(default_factory=dict)
    given: dict[int, list[str]] = field(default_factory=dict)


def questionnaire_parse(*, questions, data) -> Parsed:
    """Read the posted form (`q<index>` fields, `data.getlist`) against the questions."""
    parsed = Parsed()
    for index, question in enumerate(questions):
        raw = [str(v).strip() for v in data.getlist(f"q{index}") if str(v).strip()]
        parsed.given[index] = raw
        if not raw:
            if question["required"]:
                parsed.errors[index] = _("Cette question demande une réponse.")
            continue
        kind = question.question_kind
        if kind == QuestionnaireKind.TEXT:
            text = "\n".join(raw)
            if len(text) > TEXT_MAX:
                parsed.errors[index] = _("Votre réponse est trop longue (%(n)s caractères au plus).") % {"n": TEXT_MAX}
            else:
                parsed.answers[index] = (text, None, [])
            continue
        try:
            numbers = sorted({int(v) for v in raw})
        except ValueError:
            parsed.errors[index] = _("Réponse illisible ; rechargez la page et recommencez.")
            continue
        if kind == QuestionnaireKind.LIKERT:
            if len(numbers) != 1 or not 1 <= numbers[0] <= LIKERT_POINTS:
                parsed.errors[index] = _("Choisissez un seul point de l'échelle.")
            else:
                parsed.answers[index] = (f"likert_{numbers[0]}", numbers[0], [])
            continue
        if any(n < 0 or n >= len(question.options) for n in numbers):
            parsed.errors[index] = _("Une réponse envoyée ne correspond à aucune proposition ; rechargez la page.")
        elif kind == QuestionnaireKind.SINGLE and len(numbers) > 1:
            parsed.errors[index] = _("Une seule réponse est attendue à cette question.")
        else:
            parsed.answers[index] = ("[,]".join(str(n) for n in numbers), None, numbers)
    return parsed


def questionnaire_activity(*, iri: str, value) -> dict:
    return {
        "objectType": "Activity",
        "id": iri,
        "definition": {"name": {"fr-FR": value["title"]}, "type": st.ACTIVITY_TYPES["survey"]},
    }


def survey_question_activity(*, questionnaire_iri: str, question) -> dict:
    """A question as an interaction activity: its type, and its choices or scale (xAPI-Data 2.4.4.1)."""
    definition = {
        "name": {"fr-FR": question["prompt"]},
        "description": {"fr-FR": question["prompt"]},
        "type": st.ACTIVITY_TYPES["survey_question"],
        "interactionType": question.interaction_type,
    }
    if question.question_kind == QuestionnaireKind.LIKERT:
        with translation.override(settings.LANGUAGE_CODE):  # the "fr-FR" map, whatever the teacher reads
            labels = question.scale_labels
        definition["scale"] = [
            {"id": f"likert_{n}", "description": {"fr-FR": label}} for n, label in enumerate(labels, start=1)
        ]
    elif question.is_choice:
        definition["choices"] = [
            {"id": str(n), "description": {"fr-FR": text}} for n, text in enumerate(question.options)
        ]
    return {
        "objectType": "Activity",
        "id": f"{questionnaire_iri}/questions/{question['key']}",
        "definition": definition,
    }


def _labels(question) -> list[str]:
    if question.question_kind != QuestionnaireKind.LIKERT:
        return question.options
    with translation.override(settings.LANGUAGE_CODE):
        return question.scale_labels


def reaction_iri(module: ModulePage, block_id: str) -> str:
    return st.activity_iri(module, block_id)


def follow_up_iri(course: CoursePage, block_id: str) -> str:
    return f"{st.course_iri(course)}/suivi/{block_id}"


def _respond(
    *,
    user,
    kind: str,
    course: CoursePage,
    module: ModulePage | None,
    block,
    iri: str,
    registration,
    grouping: list[dict],
    parsed: Parsed,
    at: datetime | None = None,
) -> QuestionnaireResponse:
    """Store the statements and the read model of one submission, once (in the caller's transaction).
    `at` (a replay of the past, as in courses/services.py) dates the answers and their statements."""
    if QuestionnaireResponse.objects.filter(user=user, activity_iri=iri).exists():
        raise QuestionnaireError(_("Vous avez déjà répondu à ce questionnaire. Merci !"))
    now = at or timezone.now()
    survey = questionnaire_activity(iri=iri, value=block.value)
    completed_id = uuid.uuid4()
    response = QuestionnaireResponse.objects.create(
        user=user,
        kind=kind,
        course_id=course.pk,
        module_id=module.pk if module else None,
        block_id=block.id,
        activity_iri=iri,
        registration=registration,
        statement_id=completed_id,
        submitted_at=now,
    )
    questions = list(block.value["questions"])
    for index, question in enumerate(questions):
        if index not in parsed.answers:
            continue
        text, score, chosen = parsed.answers[index]
        statement = st.build_statement(
            user=user,
            verb="responded",
            obj=survey_question_activity(questionnaire_iri=iri, question=question),
            registration=registration,
            parents=[survey],
            grouping=grouping,
            result={"response": text},
            at=at,
        )
        statement_store(data=statement)
        QuestionnaireAnswer.objects.create(
            response=response,
            question_key=question["key"],
            position=index,
            interaction_type=question.interaction_type,
            prompt=question["prompt"][:500],
            value=text,
            score=score,
            choices=chosen,
            labels=_labels(question),
            statement_id=statement["id"],
            timestamp=now,
        )
    parents = [st.module_activity(module)] if module else [st.course_activity(course)]
    statement = st.build_statement(
        user=user,
        verb="completed",
        obj=survey,
        registration=registration,
        parents=parents,
        grouping=[g for g in grouping if g["id"] not in {p["id"] for p in parents}],
        result={"completion": True},
        at=at,
    )
    statement["id"] = str(completed_id)
    statement_store(data=statement)
    return response


def _once(run):
    """Two submissions racing: the second one meets the unique constraint and is told, not given a 500."""
    try:
        return run()
    except IntegrityError as error:
        raise QuestionnaireError(_("Vous avez déjà répondu à ce questionnaire. Merci !")) from error


def reaction_submit(*, user, module: ModulePage, block_id: str, data, at: datetime | None = None) -> Parsed:
    """Answer a module's reaction questionnaire; answering it completes the step. Returns the parsed form:
    with errors, nothing is stored."""
    block = step_block(module, block_id, ("questionnaire",))
    enrollment = enrollment_for(user=user, module=module)
    parsed = questionnaire_parse(questions=block.value["questions"], data=data)
    if parsed.errors:
        return parsed
    course = module.course

    @transaction.atomic
    def run():
        _respond(
            user=user,
            kind=Kind.REACTION,
            course=course,
            module=module,
            block=block,
            iri=reaction_iri(module, block_id),
            registration=enrollment.registration,
            grouping=[st.module_activity(module), st.course_activity(course)],
            parsed=parsed,
            at=at,
        )
        ActivityProgress.objects.update_or_create(
            user=user, module=module, block_id=block_id, defaults={"status": ActivityProgress.Status.COMPLETED}
        )

    _once(run)
    return parsed


def follow_up_block(course: CoursePage):
    return next((block for block in course.follow_up if block.block_type == "questionnaire"), None)


def follow_up_submit(*, invitation: FollowUpInvitation, data, at: datetime | None = None) -> Parsed:
    """Answer the follow-up questionnaire of an invitation (once)."""
    course = CoursePage.objects.get(pk=invitation.course_id)
    block = follow_up_block(course)
    if block is None:
        raise QuestionnaireError(_("Ce parcours n'a plus de questionnaire de suivi."))
    parsed = questionnaire_parse(questions=block.value["questions"], data=data)
    if parsed.errors:
        return parsed
    enrollment = course.enrollments.filter(user=invitation.user).first()

    @transaction.atomic
    def run():
        response = _respond(
            user=invitation.user,
            kind=Kind.FOLLOW_UP,
            course=course,
            module=None,
            block=block,
            iri=follow_up_iri(course, block.id),
            registration=enrollment.registration if enrollment else None,
            grouping=[st.course_activity(course)],
            parsed=parsed,
            at=at,
        )
        FollowUpInvitation.objects.filter(pk=invitation.pk).update(response=response)

    _once(run)
    return parsed
