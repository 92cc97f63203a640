"""Sending claimed outbox rows to a target LRS over HTTP, and reading its answers.

The errors recorded on rows are for the admin, written in French and not translated: they
are data (kept with the row), not interface text.

POST sends a batch in one request; when the target refuses the batch (409: one of the ids is
taken, 400: one statement is refused) the batch is sent again one PUT per statement, so that one
bad statement never holds the others back. A 409 on PUT is "already delivered" only when the
target's copy has the same content as ours (xAPI-Data 2.3.1 comparison, ``content_hash``).
"""

from __future__ import annotations

import email.utils
import json
import logging
import time
import uuid
from datetime import datetime, timedelta

import requests
from django.db.models import Q
from django.utils import timezone

from xapi.canonical import content_hash, normalize_for_storage
from xapi.models import Statement
from xapi.validation.fields import parse_timestamp
from xapi.versions import statement_for_version

from .models import ForwardTarget, OutboxEntry
from .outbox import Outcome, outbox_claim, outbox_next_due, outbox_record

logger = logging.getLogger(__name__)

USER_AGENT = "Relais-xAPI-forwarding/1.0"


def session_for(remote) -> requests.Session:
    session = requests.Session()
    session.auth = (remote.username, remote.secret)
    session.headers.update({"X-Experience-API-Version": remote.xapi_version, "User-Agent": USER_AGENT})
    return session


def _describe(response: requests.Response) -> str:
    return f"HTTP {response.status_code} : {response.text[:300]}"


def retry_after(response: requests.Response) -> datetime | None:
    """The instant a 429 / 503 asks us to wait until (seconds or an HTTP date), capped at one day."""
    value = (response.headers.get("Retry-After") or "").strip()
    if not value:
        return None
    now = timezone.now()
    if value.isdigit():
        when = now + timedelta(seconds=int(value))
    else:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
    return min(max(when, now), now + timedelta(days=1))


def same_content(ours: dict, theirs: dict) -> bool:
    """Whether two stored copies are the same statement for xAPI (id, stored, authority, version aside)."""

    def digest(payload: dict) -> str:
        normalized = normalize_for_storage(payload)
        stamp = payload.get("timestamp")
        return content_hash(normalized, timestamp=parse_timestamp(stamp, "timestamp") if stamp else None)

    try:
        return digest(ours) == digest(theirs)
    except Exception:  # their copy is not a statement we can read: not the same
        return False


def batch_send(
    session: requests.Session, target: ForwardTarget, payloads: dict[uuid.UUID, dict], *, before_put_each=None
) -> Outcome:
    """Send one batch. ``before_put_each`` is called before falling back to one PUT per statement
    (the slow path), so that the caller can lengthen its lease on the rows."""
    if target.method == ForwardTarget.Method.PUT or len(payloads) == 1:
        return _put_each(session, target, payloads)
    url = target.base_url + "statements"
    body = json.dumps(list(payloads.values()), ensure_ascii=False, separators=(",", ":")).encode()
    try:
        response = session.post(
            url, data=body, headers={"Content-Type": "application/json"}, timeout=target.timeout_seconds
        )
    except requests.RequestException as error:
        return _all_failed(payloads, f"{type(error).__name__} : {error}")
    if response.status_code in (200, 204):
        if response.status_code == 200 and not _ids_answer(response, payloads):
            return _all_failed(payloads, "réponse illisible" + " : " + _describe(response))
        return Outcome(delivered=set(payloads))
    if response.status_code in (400, 409):
        if before_put_each is not None:
            before_put_each()
        return _put_each(session, target, payloads)
    return _failed_answer(response, payloads)


def _ids_answer(response: requests.Response, payloads: dict) -> bool:
    try:
        ids = response.json()
    except ValueError:
        return False
    if not isinstance(ids, list) or len(ids) != len(payloads):
        return False
    try:
        return {uuid.UUID(str(i)) for i in ids} == set(payloads)
    except ValueError:
        return False


def _all_failed(payloads: dict, error: str) -> Outcome:
    return Outcome(failed=dict.fromkeys(payloads, error))


def _failed_answer(response: requests.Response, payloads: dict) -> Outcome:
    outcome = _all_failed(payloads, _describe(response))
    if response.status_code in (429, 503):
        outcome.retry_at = retry_after(response)
    return outcome


def _put_each(session: requests.Session, target: ForwardTarget, payloads: dict[uuid.UUID, dict]) -> Outcome:
    outcome = Outcome()
    url = target.base_url + "statements"
    for statement_id, payload in payloads.items():
        try:
            response = session.put(
                url,
                params={"statementId": str(statement_id)},
                data=json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode(),
                headers={"Content-Type": "application/json"},
                timeout=target.timeout_seconds,
            )
        except requests.RequestException as error:
            # The target is unreachable: the rest of the batch would fail the same way.
            rest = [i for i in payloads if i not in outcome.delivered and i not in outcome.rejected]
            outcome.failed.update(dict.fromkeys(rest, f"{type(error).__name__} : {error}"))
            return outcome
        if response.status_code in (200, 204):
            outcome.delivered.add(statement_id)
        elif response.status_code == 409:
            _conflict(session, target, statement_id, payload, outcome)
        elif response.status_code == 400:
            outcome.rejected[statement_id] = "refusée par la cible" + " : " + _describe(response)
        elif response.status_code in (429, 503) and retry_after(response):
            rest = [i for i in payloads if i not in outcome.delivered and i not in outcome.rejected]
            outcome.failed.update(dict.fromkeys(rest, _describe(response)))
            outcome.retry_at = retry_after(response)
            return outcome
        else:
            outcome.failed[statement_id] = _describe(response)
    return outcome


def _conflict(session, target, statement_id, payload, outcome: Outcome) -> None:
    theirs = None
    for name in ("statementId", "voidedStatementId"):
        try:
            response = session.get(
                target.base_url + "statements",
                params={name: str(statement_id), "format": "exact"},
                timeout=target.timeout_seconds,
            )
        except requests.RequestException as error:
            outcome.failed[statement_id] = f"409, puis {type(error).__name__} : {error}"
            return
        if response.status_code == 200:
            try:
                theirs = response.json()
            except ValueError:
                theirs = None
            break
    if theirs is None:
        outcome.failed[statement_id] = "409 sans copie lisible sur la cible"
    elif same_content(payload, theirs):
        outcome.delivered.add(statement_id)
    else:
        outcome.rejected[statement_id] = "conflit : la cible a une autre déclaration avec cet identifiant"


def target_deliver(*, target_id: int, time_budget: float = 30.0) -> int:
    """Send the due rows of one target, batch after batch, for at most ``time_budget`` seconds.

    Returns the number of statements delivered. Stops at the first batch that fails and asks for a
    new run when the earliest row is due again; asks for one right away when the budget ran out.
    """
    from .outbox import _deliver_later

    target = ForwardTarget.objects.filter(pk=target_id, enabled=True).first()
    if target is None:
        return 0
    if target.paused_until and target.paused_until > timezone.now():
        _deliver_later([target.pk], countdown=(target.paused_until - timezone.now()).total_seconds())
        return 0
    # Long enough for one request (and a GET after a 409); one PUT per statement gets a longer one.
    slow_lease = timedelta(seconds=5 + target.timeout_seconds * 2 * (target.batch_size + 1))
    lease = (
        slow_lease if target.method == ForwardTarget.Method.PUT else timedelta(seconds=5 + target.timeout_seconds * 3)
    )
    started = time.monotonic()
    delivered = 0
    with session_for(target) as session:
        while True:
            if time.monotonic() - started > time_budget:
                _deliver_later([target.pk])
                break
            entries = outbox_claim(target=target, limit=target.batch_size, lease=lease)
            if not entries:
                # Rows waiting for their backoff (or leased by a worker that may die) get a run then.
                _retry_when_due(target)
                break
            # A 1.0.3 target gets statements 1.0.3 accepts (xapi.versions.statement_for_version).
            statements = {
                s.id: statement_for_version(s.payload, target.xapi_version)
                for s in Statement.objects.filter(id__in=[e.statement_id for e in entries])
            }
            ordered = {e.statement_id: statements[e.statement_id] for e in entries if e.statement_id in statements}
            ids = [e.id for e in entries]

            def lengthen(ids=ids):
                OutboxEntry.objects.filter(id__in=ids, status=OutboxEntry.Status.PENDING).update(
                    next_attempt_at=timezone.now() + slow_lease
                )

            outcome = batch_send(session, target, ordered, before_put_each=lengthen) if ordered else Outcome()
            for entry in entries:
                if entry.statement_id not in statements:
                    outcome.rejected[entry.statement_id] = "déclaration introuvable dans Relais"
            outbox_record(target=target, entries=entries, outcome=outcome)
            delivered += len(outcome.delivered)
            if outcome.failed:
                logger.warning("forwarding to %s failed: %s", target.name, outcome.error)
                _retry_when_due(target)
                break
    return delivered


def _retry_when_due(target: ForwardTarget) -> None:
    """Queue one delayed run for when the earliest pending row is due, unless one is queued by then."""
    from .outbox import _deliver_later

    due = outbox_next_due(target=target)
    if due is None:
        return
    now = timezone.now()
    due = max(due, now + timedelta(milliseconds=50))
    claimed = ForwardTarget.objects.filter(
        Q(retry_at__isnull=True) | Q(retry_at__lte=now) | Q(retry_at__gt=due), pk=target.pk
    ).update(retry_at=due)
    if claimed:
        _deliver_later([target.pk], countdown=(due - now).total_seconds())
