"""The read API of questionnaire answers, for `evaluation` and the trainers' pages.

Free-text answers are only ever returned without who wrote them when aggregated
(`questionnaire_results`), and nothing at all below settings.RELAIS_MIN_GROUP_SIZE respondents.
`questionnaire_answers` gives per-teacher rows (user ids) for exports that re-key actors."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db.models import Count, Q

from .models import FollowUpInvitation, InteractionType, QuestionnaireAnswer, QuestionnaireResponse


@dataclass(frozen=True)
class AnswerRow:
    user_id: int
    course_id: int
    module_id: int | None
    kind: str  # "reaction" | "follow_up"
    submitted_at: datetime
    question_key: str
    position: int
    interaction_type: str  # "likert" | "choice" | "long-fill-in"
    prompt: str
    value: str  # the xAPI response: "likert_4", "0[,]2", or the text
    score: int | None  # Likert point 1–5
    choices: list[int]  # chosen indexes
    labels: list[str]  # scale or choice labels, by index
    statement_id: str


def questionnaire_answers(
    *, course_ids=None, module_ids=None, kind: str | None = None, user_ids=None
) -> list[AnswerRow]:
    """Every answer, one row per teacher × question, filtered; oldest submission first."""
    rows = QuestionnaireAnswer.objects.all()
    if course_ids is not None:
        rows = rows.filter(response__course_id__in=list(course_ids))
    if module_ids is not None:
        rows = rows.filter(response__module_id__in=list(module_ids))
    if kind:
        rows = rows.filter(response__kind=kind)
    if user_ids is not None:
        rows = rows.filter(response__user_id__in=list(user_ids))
    fields = ("question_key", "position", "interaction_type", "prompt", "value", "score", "choices", "labels")
    return [
        AnswerRow(
            user_id=r["response__user_id"],
            course_id=r["response__course_id"],
            module_id=r["response__module_id"],
            kind=r["response__kind"],
            submitted_at=r["response__submitted_at"],
            statement_id=str(r["statement_id"]),
            **{name: r[name] for name in fields},
        )
        for r in rows.order_by("response__submitted_at", "response_id", "position").values(
            "response__user_id",
            "response__course_id",
            "response__module_id",
            "response__kind",
            "response__submitted_at",
            "statement_id",
            *fields,
        )
    ]


@dataclass
class QuestionResult:
    key: str
    prompt: str
    interaction_type: str
    labels: list[str]
    answered: int = 0
    counts: dict[str, int] = field(default_factory=dict)  # likert_n or choice index → respondents
    mean: float | None = None  # Likert, 1–5
    texts: list[str] = field(default_factory=list)  # free text, sorted: no order that would tell who


@dataclass
class QuestionnaireResults:
    respondents: int
    minimum: int
    hidden: bool
    questions: list[QuestionResult]


def questionnaire_results(
    *, kind: str, module_id: int | None = None, course_id: int | None = None
) -> QuestionnaireResults:
    """A questionnaire's answers aggregated per question (a module's reaction questionnaire, or a course's
    follow-up one). Hidden (no question, only the count) under the minimum group size."""
    responses = QuestionnaireResponse.objects.filter(kind=kind)
    if module_id is not None:
        responses = responses.filter(module_id=module_id)
    if course_id is not None:
        responses = responses.filter(course_id=course_id)
    respondents = responses.values("user_id").distinct().count()
    minimum = settings.RELAIS_MIN_GROUP_SIZE
    if respondents < minimum:
        return QuestionnaireResults(respondents, minimum, True, [])
    results: dict[str, QuestionResult] = {}
    points: dict[str, list[int]] = {}
    for answer in QuestionnaireAnswer.objects.filter(response__in=responses).order_by("-response__submitted_at"):
        # The newest wording and labels win (a trainer may have edited the questionnaire).
        result = results.setdefault(
            answer.question_key,
            QuestionResult(answer.question_key, answer.prompt, answer.interaction_type, list(answer.labels)),
        )
        result.answered += 1
        if answer.interaction_type == InteractionType.LIKERT:
            points.setdefault(answer.question_key, []).append(answer.score)
        elif answer.interaction_type == InteractionType.CHOICE:
            result.counts.update(Counter(str(i) for i in answer.choices))
        else:
            result.texts.append(answer.value)
    for key, result in results.items():
        if result.interaction_type == InteractionType.LIKERT:
            scores = points.get(key, [])
            tally = Counter(scores)
            result.counts = {f"likert_{n}": tally.get(n, 0) for n in range(1, 6)}
            result.mean = round(sum(scores) / len(scores), 2) if scores else None
        elif result.interaction_type == InteractionType.CHOICE:
            result.counts = {str(i): result.counts.get(str(i), 0) for i in range(len(result.labels))}
        result.texts.sort(key=str.casefold)
    ordered = sorted(results.values(), key=lambda r: _position(responses, r.key))
    return QuestionnaireResults(respondents, minimum, False, ordered)


def _position(responses, key: str) -> int:
    answer = QuestionnaireAnswer.objects.filter(response__in=responses, question_key=key).order_by("-id").first()
    return answer.position if answer else 0


def follow_up_counts(*, course_ids) -> dict[int, dict[str, int]]:
    """Per course: follow-up questionnaires sent and answered (the response rate)."""
    rows = (
        FollowUpInvitation.objects.filter(course_id__in=list(course_ids), sent_at__isnull=False)
        .values("course_id")
        .annotate(sent=Count("id"), answered=Count("id", filter=Q(response__isnull=False)))
    )
    return {r["course_id"]: {"sent": r["sent"], "answered": r["answered"]} for r in rows}
