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
import queue
import time
import uuid
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from datetime import datetime, timedelta

import requests
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from xapi.canonical import content_hash, normalize_for_storage
from xapi.models import Statement
from xapi.validation.fields import parse_timestamp
from xapi.versions import V2, statement_for_version
from xapi.wakeup import wake_done

from .models import ForwardTarget, OutboxEntry
from .outbox import Outcome, deliver_later, outbox_claim, outbox_next_due, outbox_record, wake_key

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


def batch_send(session: requests.Session, target: ForwardTarget, payloads: dict[uuid.UUID, bytes]) -> Outcome:
    """Send one batch (statement id → its JSON text); the slow path, one PUT per statement, when the
    target refuses the batch as a whole. A 413 splits the batch in two halves, sent one after the
    other, and ``Outcome.max_batch`` tells the caller to claim no more than that from now on."""
    if target.method == ForwardTarget.Method.PUT or len(payloads) == 1:
        return _put_each(session, target, payloads)
    url = target.base_url + "statements"
    body = b"[" + b",".join(payloads.values()) + b"]"
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
    if response.status_code == 413:
        half = len(payloads) // 2
        items = list(payloads.items())
        outcome = Outcome(max_batch=half)
        for part in (dict(items[:half]), dict(items[half:])):
            part_outcome = batch_send(session, target, part)
            if part_outcome.put_each:
                part_outcome = _put_each(session, target, part)
            outcome.merge(part_outcome)
            if outcome.failed:
                # Unreachable or refusing for another reason: what is left waits for the retry.
                rest = {i for i in payloads if i not in outcome.delivered and i not in outcome.rejected}
                outcome.failed.update(dict.fromkeys(rest - set(outcome.failed), outcome.error))
                break
        return outcome
    if response.status_code in (400, 409):
        # The rows' lease is lengthened by the caller before this path (Outcome.put_each).
        return Outcome(put_each=True)
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


def _put_each(session: requests.Session, target: ForwardTarget, payloads: dict[uuid.UUID, bytes]) -> Outcome:
    outcome = Outcome()
    url = target.base_url + "statements"
    for statement_id, payload in payloads.items():
        try:
            response = session.put(
                url,
                params={"statementId": str(statement_id)},
                data=payload,
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
            _conflict(session, target, statement_id, json.loads(payload), outcome)
        elif response.status_code in (400, 413):
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


def statement_texts(statement_ids: list[uuid.UUID], version: str = V2) -> dict[uuid.UUID, bytes]:
    """The stored JSON of these statements as text, read as such: a batch of a thousand is not parsed
    and written again (the stored payload is what ``GET ?format=exact`` answers).

    For a 1.0.3 target, only the statements that may hold something of 2.0 (a 2.0.x version,
    contextAgents, contextGroups) are parsed and given in the form 1.0.3 accepts
    (``xapi.versions.statement_for_version``)."""
    texts = {}
    for pk, text in _payload_texts(statement_ids):
        if version != V2 and ("2.0" in text or "contextAgents" in text or "contextGroups" in text):
            text = json.dumps(statement_for_version(json.loads(text), version), ensure_ascii=False)
        texts[pk] = text.encode()
    return texts


def _payload_texts(statement_ids: list[uuid.UUID]) -> list[tuple[uuid.UUID, str]]:
    if connection.vendor == "postgresql":
        # The ids as one array parameter: a thousand placeholders cost more than the read itself.
        table = connection.ops.quote_name(Statement._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT id, payload::text FROM {table} WHERE id = ANY(%s::uuid[])", [statement_ids])  # noqa: S608
            return cursor.fetchall()
    return list(Statement.objects.filter(id__in=statement_ids).values_list("id", Cast("payload", TextField())))


def max_batch_key(target: ForwardTarget) -> str:
    return f"relais:xapi-forwarding:max-batch:{target.pk}:{target.batch_size}"


def target_deliver(*, target_id: int, time_budget: float = 30.0) -> int:
    """Send the due rows of one target, batch after batch, for at most ``time_budget`` seconds.

    Up to ``XAPI_FORWARDING_CONCURRENCY`` batches are in flight at once, each on a kept-alive HTTP
    connection of its own; this thread alone claims, reads and records rows (one database
    connection), the pool's threads only send. Returns the number of statements delivered. Stops
    claiming at the first batch that fails and asks for a new run when the earliest row is due
    again; asks for one right away when the budget ran out.
    """
    wake_done(wake_key(target_id))
    target = ForwardTarget.objects.filter(pk=target_id, enabled=True).first()
    if target is None:
        return 0
    if target.paused_until and target.paused_until > timezone.now():
        deliver_later([target.pk], countdown=(target.paused_until - timezone.now()).total_seconds())
        return 0
    concurrency = max(1, settings.XAPI_FORWARDING_CONCURRENCY)
    # A peer that answered 413 to a larger batch (its XAPI_MAX_BATCH is lower) gets the size it took.
    batch_size = min(target.batch_size, cache.get(max_batch_key(target)) or target.batch_size)
    # Long enough for one request (and a GET after a 409) while the other batches wait their turn;
    # one PUT per statement gets a longer one.
    slow_lease = timedelta(seconds=5 + target.timeout_seconds * 2 * (batch_size + 1))
    lease = (
        slow_lease
        if target.method == ForwardTarget.Method.PUT
        else timedelta(seconds=5 + target.timeout_seconds * 3 * concurrency)
    )
    started = time.monotonic()
    delivered = 0
    sessions: queue.SimpleQueue[requests.Session] = queue.SimpleQueue()
    for _ in range(concurrency):
        sessions.put(session_for(target))

    def send(payloads: dict[uuid.UUID, bytes], put_each: bool = False) -> Outcome:
        session = sessions.get()
        try:
            return _put_each(session, target, payloads) if put_each else batch_send(session, target, payloads)
        finally:
            sessions.put(session)

    in_flight: dict[Future, tuple[list[OutboxEntry], dict[uuid.UUID, bytes]]] = {}
    claiming, retry = True, False
    with ThreadPoolExecutor(concurrency, thread_name_prefix="xapi-forwarding") as pool:
        try:
            while True:
                while claiming and len(in_flight) < concurrency:
                    if time.monotonic() - started > time_budget:
                        deliver_later([target.pk], force=True)
                        claiming = False
                        break
                    entries = outbox_claim(target=target, limit=batch_size, lease=lease)
                    if not entries:
                        # Rows waiting for their backoff (or leased by a worker that may die) get a run then.
                        claiming, retry = False, True
                        break
                    payloads = statement_texts([e.statement_id for e in entries], target.xapi_version)
                    ordered = {e.statement_id: payloads[e.statement_id] for e in entries if e.statement_id in payloads}
                    if ordered:
                        in_flight[pool.submit(send, ordered)] = (entries, ordered)
                    else:
                        _record(target, entries, ordered, Outcome())
                if not in_flight:
                    break
                done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
                for future in done:
                    entries, ordered = in_flight.pop(future)
                    outcome = future.result()
                    if outcome.put_each:
                        OutboxEntry.objects.filter(
                            id__in=[e.id for e in entries], status=OutboxEntry.Status.PENDING
                        ).update(next_attempt_at=timezone.now() + slow_lease)
                        in_flight[pool.submit(send, ordered, True)] = (entries, ordered)
                        continue
                    if outcome.max_batch and outcome.max_batch < batch_size:
                        batch_size = max(1, outcome.max_batch)
                        cache.set(max_batch_key(target), batch_size, timeout=24 * 3600)
                        logger.warning("%s refused a batch as too large: %d at most now", target.name, batch_size)
                    _record(target, entries, ordered, outcome)
                    delivered += len(outcome.delivered)
                    if outcome.failed:
                        logger.warning("forwarding to %s failed: %s", target.name, outcome.error)
                        claiming, retry = False, True
        finally:
            while not sessions.empty():
                sessions.get().close()
    if retry:
        _retry_when_due(target)
    return delivered


def _record(target: ForwardTarget, entries: list[OutboxEntry], sent: dict, outcome: Outcome) -> None:
    for entry in entries:
        if entry.statement_id not in sent:
            outcome.rejected[entry.statement_id] = "déclaration introuvable dans Relais"
    outbox_record(target=target, entries=entries, outcome=outcome)


def _retry_when_due(target: ForwardTarget) -> None:
    """Queue one delayed run for when the earliest pending row is due, unless one is queued by then."""
    due = outbox_next_due(target=target)
    if due is None:
        return
    now = timezone.now()
    due = max(due, now + timedelta(milliseconds=50))
    claimed = ForwardTarget.objects.filter(
        Q(retry_at__isnull=True) | Q(retry_at__lte=now) | Q(retry_at__gt=due), pk=target.pk
    ).update(retry_at=due)
    if claimed:
        deliver_later([target.pk], countdown=(due - now).total_seconds())
