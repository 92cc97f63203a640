"""Where questionnaire answers come from: pluggable sources of `Response` rows.

The questionnaire block (another app) records each answer as an xAPI `responded` statement whose
object is the question (an activity with its scale or choices) and whose context names the
questionnaire (parent) and the module and course (grouping). The default source reads those
statements; an app that keeps a relational read model of the answers may register its own source
(`response_source_register`), which then replaces the default one.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from evidence.trust import Trust
from xapi.models import Statement

RESPONDED_VERBS = (
    "http://adlnet.gov/expapi/verbs/responded",
    "http://id.tincanapi.com/verb/responded",
)
CHUNK = 5000


@dataclass(frozen=True)
class Response:
    actor_key: str
    context_iris: tuple[str, ...]  # the course or module IRIs it belongs to (any of them)
    questionnaire: str  # its title
    question_iri: str
    question: str  # the prompt
    kind: str  # likert, choice, text
    scale: tuple[tuple[str, str], ...]  # (value, label) in order
    values: tuple[str, ...]  # the answer: one value, several choices, or a text
    at: datetime


Source = Callable[[], Iterable[Response]]
_sources: list[Source] = []


def response_source_register(source: Source) -> None:
    if source not in _sources:
        _sources.append(source)


def responses_collect() -> Iterable[Response]:
    for source in _sources or [responses_from_statements]:
        yield from source()


def _name(definition: dict) -> str:
    names = (definition or {}).get("name") or {}
    return names.get("fr-FR") or names.get("fr") or next(iter(names.values()), "")


def _description(entry: dict) -> str:
    descriptions = entry.get("description") or {}
    return descriptions.get("fr-FR") or descriptions.get("fr") or next(iter(descriptions.values()), entry.get("id", ""))


def response_from_statement(payload: dict, *, actor_key: str, at: datetime) -> Response | None:
    """The answer one `responded` statement gives, or None when it is not about an activity."""
    obj = payload.get("object") or {}
    if obj.get("objectType", "Activity") != "Activity" or not obj.get("id"):
        return None
    definition = obj.get("definition") or {}
    interaction = definition.get("interactionType", "")
    entries = definition.get("scale") if interaction == "likert" else definition.get("choices")
    scale = tuple((str(e.get("id", "")), _description(e)) for e in entries or [])
    if interaction == "likert":
        kind = "likert"
    elif interaction == "choice":
        kind = "choice"
    else:
        kind = "text"
    response = str((payload.get("result") or {}).get("response", ""))
    values = tuple(v for v in response.split("[,]") if v) if kind != "text" else ((response,) if response else ())
    activities = (payload.get("context") or {}).get("contextActivities") or {}
    parents = [a for a in activities.get("parent") or [] if isinstance(a, dict)]
    grouping = [a for a in activities.get("grouping") or [] if isinstance(a, dict)]
    questionnaire = _name(parents[0].get("definition")) if parents else ""
    return Response(
        actor_key=actor_key,
        context_iris=tuple(a["id"] for a in parents + grouping if a.get("id")),
        questionnaire=questionnaire,
        question_iri=obj["id"],
        question=_name(definition) or obj["id"],
        kind=kind,
        scale=scale,
        values=values,
        at=at,
    )


def responses_from_statements() -> Iterable[Response]:
    """Every answer of the `responded` statements that are not voided, whose writer is trusted for their
    actor (evidence's rule, `evidence.trust`)."""
    trust = Trust.load()
    rows = (
        Statement.objects.filter(verb_id__in=RESPONDED_VERBS, voided=False)
        .order_by()
        .values_list("actor_key", "timestamp", "payload", "authority")
    )
    for actor_key, at, payload, authority in rows.iterator(chunk_size=CHUNK):
        if not trust.trusts(authority, lambda actor_key=actor_key: actor_key):
            continue
        response = response_from_statement(payload, actor_key=actor_key, at=at)
        if response is not None:
            yield response
