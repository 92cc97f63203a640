"""Turning stored xAPI statements into competency evidence.

A statement gives evidence when its writer is trusted for it (`trust.py`), it
is about one of our teachers, says the activity was achieved (passed,
completed, attended… and not result.success false), is aligned to known
competencies and names the level it evidences. Its kind sets its weight (levels.py): a certified result (category
certifications/…), a scored assessment, a task validated by a trainer
(context.instructor, no score), a completion, an attendance.
"""

import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.auth import get_user_model

from frameworks.alignment import base_iri, parse_level_iri
from frameworks.models import Competency

from .models import Evidence
from .trust import Trust

COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
MODULE_TYPE = "http://adlnet.gov/expapi/activities/module"

VERB_KINDS = {
    "http://adlnet.gov/expapi/verbs/passed": Evidence.Kind.ASSESSMENT,
    "http://adlnet.gov/expapi/verbs/mastered": Evidence.Kind.ASSESSMENT,
    "http://adlnet.gov/expapi/verbs/completed": Evidence.Kind.COMPLETION,
    "http://adlnet.gov/expapi/verbs/attended": Evidence.Kind.ATTENDANCE,
    "http://activitystrea.ms/schema/1.0/attend": Evidence.Kind.ATTENDANCE,
}


@dataclass(frozen=True)
class EvidenceItem:
    statement_id: str
    user_id: int
    competency_id: int
    level: int
    kind: str
    occurred_at: datetime
    activity_id: str


_HEX32 = re.compile("[0-9a-f]{32}")


def uuid_text(name) -> str | None:
    """An account name read as a UUID, in Relais' own form (lower case, hyphens), or None.

    Upper case, missing hyphens, braces and a `urn:uuid:` prefix are accepted, as Python's `uuid`
    module accepts them; `evidence_sql.py` normalises names with the same steps.
    """
    if not isinstance(name, str):
        return None
    digits = name.replace("urn:", "").replace("uuid:", "").strip("{}").replace("-", "").lower()
    if not _HEX32.fullmatch(digits):
        return None
    return str(uuid.UUID(digits))


def actor_user_uuid(actor: dict) -> uuid.UUID | None:
    """The xapi_uuid of the Relais user behind a pseudonymous actor, if it is one of ours."""
    account = (actor or {}).get("account") or {}
    if str(account.get("homePage", "")).rstrip("/") != settings.RELAIS_BASE_URL:
        return None
    text = uuid_text(account.get("name"))
    return uuid.UUID(text) if text else None


def _user_id(actor: dict, users: dict[str, int]) -> int | None:
    """The user id behind an actor; `users` maps the xapi_uuid's text (lowercase, hyphens) → id."""
    account = (actor or {}).get("account") or {}
    if str(account.get("homePage", "")).rstrip("/") != settings.RELAIS_BASE_URL:
        return None
    name = account.get("name")
    found = users.get(name) if isinstance(name, str) else None
    if found is None:
        text = uuid_text(name)
        found = users.get(text) if text else None
    return found


def evidence_from_statement(payload: dict, *, users: dict, competencies: dict, occurred_at) -> list[EvidenceItem]:
    """The evidence one statement gives. `users` maps xapi_uuid text → user id, `competencies` IRI → Competency.

    `occurred_at` is the statement's stored `timestamp` column (the store parsed it once).
    """
    kind = VERB_KINDS.get((payload.get("verb") or {}).get("id"))
    if kind is None:
        return []
    result = payload.get("result") or {}
    if result.get("success") is False:
        return []
    user_id = _user_id(payload.get("actor"), users)
    if user_id is None:
        return []
    base = base_iri()
    parsed = parse_level_iri((result.get("extensions") or {}).get(base + "/extensions/niveau"), base=base)
    if parsed is None:
        return []
    context = payload.get("context") or {}
    context_activities = context.get("contextActivities") or {}
    certification = base + "/certifications/"
    if any(str(c.get("id", "")).startswith(certification) for c in context_activities.get("category") or ()):
        kind = Evidence.Kind.CERTIFIED
    elif kind in (Evidence.Kind.ASSESSMENT, Evidence.Kind.COMPLETION) and "score" not in result:
        kind = Evidence.Kind.VALIDATED_TASK if context.get("instructor") else Evidence.Kind.COMPLETION
    framework_slug, level = parsed
    activity_id = str((payload.get("object") or {}).get("id", ""))[:500]
    items = []
    seen: set[int] = set()
    for activity in context_activities.get("other") or ():
        competency = competencies.get(activity.get("id"))
        if competency is None or competency.framework.slug != framework_slug or competency.pk in seen:
            continue
        seen.add(competency.pk)
        items.append(
            EvidenceItem(
                statement_id=payload["id"],
                user_id=user_id,
                competency_id=competency.pk,
                level=level,
                kind=kind,
                occurred_at=occurred_at,
                activity_id=activity_id,
            )
        )
    return items


@dataclass(frozen=True)
class ModuleDone:
    statement_id: str
    user_id: int
    activity_id: str
    completed_at: datetime


def module_done_from_statement(payload: dict, *, users: dict, occurred_at) -> ModuleDone | None:
    """A `completed` statement about a module (type …/activities/module), from any system."""
    if (payload.get("verb") or {}).get("id") != COMPLETED:
        return None
    obj = payload.get("object") or {}
    if ((obj.get("definition") or {}).get("type")) != MODULE_TYPE:
        return None
    user_id = _user_id(payload.get("actor"), users)
    if user_id is None:
        return None
    return ModuleDone(
        statement_id=payload["id"],
        user_id=user_id,
        activity_id=str(obj.get("id", ""))[:500],
        completed_at=occurred_at,
    )


def users_by_uuid(payloads: Iterable[dict]) -> dict[str, int]:
    """{xapi_uuid text: user id} for the actors of `payloads` that are Relais users."""
    uuids = {actor_user_uuid(p.get("actor")) for p in payloads} - {None}
    rows = get_user_model().objects.filter(xapi_uuid__in=uuids).values_list("xapi_uuid", "pk")
    return {str(u): pk for u, pk in rows}


def competencies_by_iri() -> dict:
    return {c.iri: c for c in Competency.objects.select_related("framework")}


def derive(
    rows: list[tuple[dict, object]],
    *,
    users: dict | None = None,
    competencies: dict | None = None,
    trust: Trust | None = None,
) -> tuple[list[EvidenceItem], list[ModuleDone]]:
    """Evidence and completed modules from many (payload, timestamp) rows, with the look-ups done once.

    `users` (xapi_uuid → user id), `competencies` (IRI → Competency) and `trust` (the trusted
    writers) may be passed in by a caller that reads many batches (the full rebuild). Statements
    whose writer is not trusted for them give nothing.
    """
    trust = Trust.load(payload for payload, _ in rows) if trust is None else trust
    rows = [(payload, occurred_at) for payload, occurred_at in rows if trust.counts(payload)]
    users = users_by_uuid(payload for payload, _ in rows) if users is None else users
    competencies = competencies_by_iri() if competencies is None else competencies
    items: list[EvidenceItem] = []
    modules: list[ModuleDone] = []
    for payload, occurred_at in rows:
        items.extend(evidence_from_statement(payload, users=users, competencies=competencies, occurred_at=occurred_at))
        done = module_done_from_statement(payload, users=users, occurred_at=occurred_at)
        if done is not None:
            modules.append(done)
    return items, modules
