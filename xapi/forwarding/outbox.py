"""The outbox: rows written with the statements, claimed by workers, marked delivered, retried or parked.

Exactly once in effect: a row is claimed under a lease (its ``next_attempt_at`` moves to the end of
the lease), so two workers never send it at the same time; a worker that dies leaves the lease to
expire and the sweeper hands the row to another one. A row may then be sent twice, and the target's
idempotence by statement id (PUT / POST with ids, "same content" answers) makes that harmless.
"""

from __future__ import annotations

import contextvars
import logging
import random
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from urllib.parse import urlsplit

from celery import current_app
from django.db import connection, transaction
from django.db.models import Count, Min, Q
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from xapi.models import Statement
from xapi.validation.verbs import VOIDED
from xapi.wakeup import wake_needed

from .hook import SingleInsertPart
from .models import ForwardTarget, OutboxEntry

logger = logging.getLogger(__name__)

Status = OutboxEntry.Status

# While statements pulled from an LRS are stored, targets on that same host are skipped: they
# already have them, and sending them back would only loop.
_importing_from: contextvars.ContextVar[str | None] = contextvars.ContextVar("xapi_forwarding_origin", default=None)


@contextmanager
def importing_from(endpoint: str) -> Iterator[None]:
    token = _importing_from.set(_host(endpoint))
    try:
        yield
    finally:
        _importing_from.reset(token)


def _host(url: str) -> str:
    return urlsplit(url).netloc.lower()


def statement_matches(target: ForwardTarget, statement) -> bool:
    """A voiding statement always passes: the target must learn that what it has was voided."""
    if statement.verb_id == VOIDED:
        return True
    verbs = target.verb_list()
    if verbs and statement.verb_id not in verbs:
        return False
    prefixes = target.prefix_list()
    if prefixes:
        activity = statement.object_activity_id or ""
        return any(activity.startswith(prefix) for prefix in prefixes)
    return True


def forwarding_enqueue(*, statements: Sequence) -> None:
    """Outbox rows for each enabled target and each new statement it wants, in the caller's transaction."""
    origin = _importing_from.get()
    targets = [t for t in ForwardTarget.objects.filter(enabled=True) if not origin or _host(t.endpoint) != origin]
    if not targets:
        return
    now = timezone.now()
    rows = [
        OutboxEntry(target=target, statement_id=statement.id, next_attempt_at=now, created_at=now)
        for target in targets
        for statement in statements
        if statement_matches(target, statement)
    ]
    if not rows:
        return
    OutboxEntry.objects.bulk_create(rows, batch_size=500)
    target_ids = sorted({row.target_id for row in rows})
    transaction.on_commit(lambda: deliver_later(target_ids))


@dataclass(frozen=True)
class _Targets:
    """The enabled targets as this process last read them, and their version (see _targets_sql)."""

    version: str
    targets: list[ForwardTarget]


# Per process. Never trusted on its own: the single-statement insert writes nothing unless the
# targets' version is still this one when it runs (forwarding_single_part), so a target created,
# changed or disabled anywhere is taken into account by the very next statement, as with a look-up.
_targets_memo: _Targets | None = None


def _version_sql(table: str) -> str:
    """The enabled targets' version: a hash of what decides which statements each one gets."""
    return (
        "SELECT md5(coalesce(string_agg(id::text || ':' || md5(verbs) || ':' || md5(activity_prefixes),"  # noqa: S608
        f" ',' ORDER BY id), '')) FROM {table} WHERE enabled"
    )


def _targets_load() -> _Targets:
    """The enabled targets and their version, read by one statement (one snapshot)."""
    global _targets_memo
    table = connection.ops.quote_name(ForwardTarget._meta.db_table)
    sql = (
        f"SELECT v.version, t.id, t.verbs, t.activity_prefixes, t.endpoint FROM ({_version_sql(table)}) AS v (version)"  # noqa: S608
        f" LEFT JOIN {table} AS t ON t.enabled ORDER BY t.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        rows = cursor.fetchall()
    targets = [
        ForwardTarget(id=pk, verbs=verbs, activity_prefixes=prefixes, endpoint=endpoint)
        for _version, pk, verbs, prefixes, endpoint in rows
        if pk is not None
    ]
    _targets_memo = _Targets(rows[0][0], targets)
    return _targets_memo


@receiver(post_save, sender=ForwardTarget, dispatch_uid="xapi.forwarding.outbox.target_saved")
@receiver(post_delete, sender=ForwardTarget, dispatch_uid="xapi.forwarding.outbox.target_deleted")
def _targets_forget(*args, **kwargs) -> None:
    """A change saved in this process: read the targets again at once rather than after a refused insert."""
    global _targets_memo
    _targets_memo = None


def forwarding_single_part(*, statement) -> SingleInsertPart | None:
    """The outbox rows of one new statement, for the one SQL statement that stores it (xapi.single_insert).

    The rows are computed from the remembered targets; the statement's guard compares their version
    with the targets' as the statement runs, in its own snapshot, and writes nothing when they
    differ (the store then forgets them and asks again). A statement is therefore forwarded to every
    target enabled when it is stored, exactly as with a look-up in a transaction, without that
    look-up's round trip. PostgreSQL only; not while importing from a source (the classic path
    leaves out the targets on the source's host)."""
    if connection.vendor != "postgresql" or _importing_from.get():
        return None
    memo = _targets_memo or _targets_load()
    target_ids = [target.pk for target in memo.targets if statement_matches(target, statement)]
    targets = connection.ops.quote_name(ForwardTarget._meta.db_table)
    outbox = connection.ops.quote_name(OutboxEntry._meta.db_table)
    cte = ""
    if target_ids:
        cte = (
            f", outbox_rows AS (INSERT INTO {outbox} (target_id, statement_id, status, attempts, next_attempt_at,"  # noqa: S608
            " last_error, created_at, delivered_at)"
            " SELECT target, %(id)s, %(fwd_status)s, 0, %(fwd_now)s, '', %(fwd_now)s, NULL"
            " FROM unnest(%(fwd_targets)s::bigint[]) AS target WHERE EXISTS (SELECT 1 FROM new))"
        )
    now = timezone.now()
    return SingleInsertPart(
        guard=f"({_version_sql(targets)}) = %(fwd_version)s",
        cte=cte,
        params={"fwd_version": memo.version, "fwd_targets": target_ids, "fwd_now": now, "fwd_status": Status.PENDING},
        stored=partial(deliver_later, target_ids) if target_ids else None,
        stale=_targets_forget,
    )


def wake_key(target_id: int) -> str:
    return f"relais:xapi-forwarding:queued:{target_id}"


def deliver_later(target_ids: list[int], *, countdown: float | None = None, force: bool = False) -> None:
    """Queue a delivery run per target: by name (the tasks module calls this one), and only when no
    run is queued for the target yet (``xapi.wakeup``), so that a busy store publishes a handful of
    tasks a second, not one per stored batch. Delayed runs (``countdown``) and ``force`` (the
    sweeper) always publish."""
    if countdown and current_app.conf.task_always_eager:
        # In-process mode has no broker to hold a delayed task: the next store or sweep retries.
        return
    for target_id in target_ids:
        if not (countdown or force or wake_needed(wake_key(target_id))):
            continue
        try:
            signature = current_app.signature("xapi_forwarding.deliver", args=(target_id,))
            signature.apply_async(countdown=countdown) if countdown else signature.delay()
        except Exception:
            # The rows are committed: the sweeper sends them when the broker is back.
            logger.warning("could not queue delivery to target %s", target_id, exc_info=True)


def outbox_claim(*, target: ForwardTarget, limit: int, lease: timedelta) -> list[OutboxEntry]:
    """Due rows of ``target``, now leased to the caller until ``now + lease``; oldest first.

    The due rows are locked (``SKIP LOCKED``: rows another worker is claiming are left to it) and
    leased with the columns the delivery needs; on PostgreSQL in one statement (``UPDATE … FROM``
    the locked rows ``RETURNING`` them), whatever the batch size: no list of ids goes back and
    forth."""
    now = timezone.now()
    until = now + lease
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(OutboxEntry._meta.db_table)
        sql = (
            f"WITH due AS (SELECT id FROM {table} WHERE target_id = %s AND status = %s"  # noqa: S608
            " AND next_attempt_at <= %s ORDER BY next_attempt_at, id LIMIT %s FOR UPDATE SKIP LOCKED)"
            f" UPDATE {table} AS o SET next_attempt_at = %s FROM due WHERE o.id = due.id"
            " RETURNING o.id, o.statement_id, o.attempts, o.created_at"
        )
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [target.pk, Status.PENDING, now, limit, until])
            rows = cursor.fetchall()
    else:
        with transaction.atomic():
            rows = list(
                OutboxEntry.objects.select_for_update(skip_locked=True)
                .filter(target=target, status=Status.PENDING, next_attempt_at__lte=now)
                .order_by("next_attempt_at", "id")
                .values_list("id", "statement_id", "attempts", "created_at")[:limit]
            )
            if rows:
                OutboxEntry.objects.filter(id__in=[row[0] for row in rows]).update(next_attempt_at=until)
    # Positional, in the order of OutboxEntry's fields (Django builds an instance from positional
    # values in a third of the time it takes with keywords; test_outbox checks the order).
    return [
        OutboxEntry(pk, target.pk, statement_id, Status.PENDING, attempts, until, "", created_at, None)
        for pk, statement_id, attempts, created_at in sorted(rows)
    ]


@dataclass
class Outcome:
    """What became of a sent batch, by statement id."""

    delivered: set[uuid.UUID] = field(default_factory=set)
    failed: dict[uuid.UUID, str] = field(default_factory=dict)  # retried later
    rejected: dict[uuid.UUID, str] = field(default_factory=dict)  # parked now: sending again cannot help
    retry_at: datetime | None = None  # 429 / 503 Retry-After: the whole target waits
    max_batch: int | None = None  # 413: the target takes batches of this size at most
    put_each: bool = False  # the target refused the batch as a whole: send it one PUT per statement

    def merge(self, other: Outcome) -> None:
        self.delivered |= other.delivered
        self.failed.update(other.failed)
        self.rejected.update(other.rejected)
        self.retry_at = other.retry_at or self.retry_at
        if other.max_batch:
            self.max_batch = min(self.max_batch or other.max_batch, other.max_batch)

    @property
    def error(self) -> str:
        return next(iter(self.failed.values()), "") or next(iter(self.rejected.values()), "")


def backoff_delay(target: ForwardTarget, attempts: int) -> float:
    """Exponential backoff with full-range jitter (0.5× to 1.5×), capped."""
    delay = min(target.backoff_max_seconds, target.backoff_base_seconds * 2 ** max(attempts - 1, 0))
    return delay * random.uniform(0.5, 1.5)


def outbox_record(*, target: ForwardTarget, entries: list[OutboxEntry], outcome: Outcome) -> None:
    now = timezone.now()
    by_statement = {entry.statement_id: entry for entry in entries}
    with transaction.atomic():
        if outcome.delivered:
            _mark_delivered([by_statement[i].id for i in outcome.delivered if i in by_statement], now)
        for statement_id, error in outcome.rejected.items():
            OutboxEntry.objects.filter(id=by_statement[statement_id].id, status=Status.PENDING).update(
                status=Status.DEAD, attempts=by_statement[statement_id].attempts + 1, last_error=error[:2000]
            )
        for statement_id, error in outcome.failed.items():
            entry = by_statement[statement_id]
            if outcome.retry_at is not None:
                # Rate limited: not the statement's fault, no attempt counted.
                changes = {"next_attempt_at": outcome.retry_at, "last_error": error[:2000]}
            else:
                attempts = entry.attempts + 1
                changes = {"attempts": attempts, "last_error": error[:2000]}
                if attempts >= target.max_attempts:
                    changes["status"] = Status.DEAD
                else:
                    changes["next_attempt_at"] = now + timedelta(seconds=backoff_delay(target, attempts))
            OutboxEntry.objects.filter(id=entry.id, status=Status.PENDING).update(**changes)
        target_changes = {}
        if outcome.delivered:
            target_changes["last_success_at"] = now
        if outcome.error:
            target_changes.update(last_error=outcome.error[:2000], last_error_at=now)
        if outcome.retry_at is not None:
            target_changes["paused_until"] = outcome.retry_at
        if target_changes:
            ForwardTarget.objects.filter(pk=target.pk).update(**target_changes)
            for name, value in target_changes.items():
                setattr(target, name, value)


def _mark_delivered(ids: list[int], now: datetime) -> None:
    """One UPDATE; status=pending: a row another worker already marked stays as it is. On PostgreSQL
    the ids are one array parameter: a thousand placeholders cost more to write and parse than the
    update itself."""
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(OutboxEntry._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET status = %s, delivered_at = %s, last_error = ''"  # noqa: S608
                " WHERE id = ANY(%s::bigint[]) AND status = %s",
                [Status.DELIVERED, now, ids, Status.PENDING],
            )
        return
    OutboxEntry.objects.filter(id__in=ids, status=Status.PENDING).update(
        status=Status.DELIVERED, delivered_at=now, last_error=""
    )


def outbox_next_due(*, target: ForwardTarget) -> datetime | None:
    return OutboxEntry.objects.filter(target=target, status=Status.PENDING).aggregate(due=Min("next_attempt_at"))["due"]


def outbox_sweep(*, keep_delivered: timedelta = timedelta(days=7)) -> list[int]:
    """Queue a delivery for every target with due rows (their task was lost, or is a retry); prune old rows.

    Returns the ids of the targets queued.
    """
    now = timezone.now()
    target_ids = sorted(
        OutboxEntry.objects.filter(status=Status.PENDING, next_attempt_at__lte=now, target__enabled=True)
        .filter(Q(target__paused_until__isnull=True) | Q(target__paused_until__lte=now))
        .values_list("target_id", flat=True)
        .distinct()
    )
    # Unconditionally: the task a wake-up flag stands for may be the one that was lost.
    deliver_later(target_ids, force=True)
    OutboxEntry.objects.filter(status=Status.DELIVERED, delivered_at__lt=now - keep_delivered).delete()
    return target_ids


def outbox_replay(*, target: ForwardTarget, entry_ids: list[int] | None = None) -> int:
    """Put dead rows of ``target`` (all, or ``entry_ids``) back in the queue with fresh attempts."""
    rows = OutboxEntry.objects.filter(target=target, status=Status.DEAD)
    if entry_ids is not None:
        rows = rows.filter(id__in=entry_ids)
    with transaction.atomic():
        count = rows.update(status=Status.PENDING, attempts=0, next_attempt_at=timezone.now())
        if count:
            transaction.on_commit(lambda: deliver_later([target.pk]))
    return count


@dataclass
class TargetStatus:
    target: ForwardTarget
    backlog: int
    dead: int
    oldest_pending: datetime | None
    delivered_last_hour: int


def targets_status() -> list[TargetStatus]:
    """Backlog, oldest pending row, dead letters and deliveries in the last hour, per target."""
    hour_ago = timezone.now() - timedelta(hours=1)
    targets = ForwardTarget.objects.order_by("name").annotate(
        backlog=Count("outbox", filter=Q(outbox__status=Status.PENDING)),
        dead=Count("outbox", filter=Q(outbox__status=Status.DEAD)),
        oldest_pending=Min("outbox__created_at", filter=Q(outbox__status=Status.PENDING)),
        delivered_last_hour=Count(
            "outbox", filter=Q(outbox__status=Status.DELIVERED, outbox__delivered_at__gte=hour_ago)
        ),
    )
    return [
        TargetStatus(
            target=t,
            backlog=t.backlog,
            dead=t.dead,
            oldest_pending=t.oldest_pending,
            delivered_last_hour=t.delivered_last_hour,
        )
        for t in targets
    ]


@dataclass
class _Row:
    id: uuid.UUID
    verb_id: str
    object_activity_id: str | None


def target_backfill(
    *, target: ForwardTarget, since: datetime, chunk: int = 2000, progress: Callable[[int], None] | None = None
) -> int:
    """Queue every stored statement since ``since`` that ``target`` wants; rows it already has are kept.

    Returns the number of rows added. Delivery starts when the call returns. ``progress`` is called
    with the number of statements read so far, after each chunk (lms.progress).
    """
    added = read = 0
    now = timezone.now()
    rows = Statement.objects.filter(stored__gte=since).order_by("stored", "id")
    batch: list[OutboxEntry] = []
    for statement_id, verb_id, activity_id in rows.values_list("id", "verb_id", "object_activity_id").iterator(
        chunk_size=chunk
    ):
        read += 1
        if statement_matches(target, _Row(statement_id, verb_id, activity_id)):
            batch.append(OutboxEntry(target=target, statement_id=statement_id, next_attempt_at=now, created_at=now))
        if len(batch) >= chunk:
            added += _insert_new(target, batch)
            batch = []
        if progress is not None and read % chunk == 0:
            progress(read)
    added += _insert_new(target, batch)
    if progress is not None:
        progress(read)
    if added:
        deliver_later([target.pk])
    return added


def _insert_new(target: ForwardTarget, batch: list[OutboxEntry]) -> int:
    if not batch:
        return 0
    existing = set(
        OutboxEntry.objects.filter(target=target, statement_id__in=[row.statement_id for row in batch]).values_list(
            "statement_id", flat=True
        )
    )
    fresh = [row for row in batch if row.statement_id not in existing]
    OutboxEntry.objects.bulk_create(fresh, ignore_conflicts=True)
    return len(fresh)
