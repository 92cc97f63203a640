"""The outbox's claim and its marking of delivered rows, on the test database (SQLite or PostgreSQL)."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from xapi.forwarding.models import ForwardTarget, OutboxEntry
from xapi.forwarding.outbox import Outcome, outbox_claim, outbox_record

pytestmark = pytest.mark.django_db

Status = OutboxEntry.Status


def _target(name: str = "academie") -> ForwardTarget:
    target = ForwardTarget(name=name, endpoint=f"http://127.0.0.1:9/{name}/", username="k", enabled=True)
    target.set_secret("s")
    target.save()
    return target


def _rows(target: ForwardTarget, count: int, *, due_in: timedelta = timedelta(0), attempts: int = 0):
    now = timezone.now()
    return OutboxEntry.objects.bulk_create(
        OutboxEntry(
            target=target,
            statement_id=uuid.uuid4(),
            next_attempt_at=now + due_in,
            created_at=now - timedelta(seconds=1),
            attempts=attempts,
        )
        for _ in range(count)
    )


def test_the_claimed_entries_carry_what_the_delivery_reads():
    target = _target()
    (row,) = _rows(target, 1, attempts=2)
    (entry,) = outbox_claim(target=target, limit=10, lease=timedelta(minutes=1))
    # Built from positional values: a field added or moved in OutboxEntry must show here.
    assert (entry.id, entry.target_id, entry.statement_id, entry.attempts) == (row.id, target.pk, row.statement_id, 2)
    assert (entry.status, entry.last_error, entry.delivered_at) == (Status.PENDING, "", None)
    assert entry.created_at == OutboxEntry.objects.get(pk=row.pk).created_at
    assert entry.next_attempt_at == OutboxEntry.objects.get(pk=row.pk).next_attempt_at > timezone.now()


def test_a_claim_takes_the_oldest_due_rows_of_its_target_and_leases_them():
    target, other = _target(), _target("autre")
    rows = _rows(target, 5)
    later = _rows(target, 2, due_in=timedelta(minutes=5))
    _rows(other, 3)

    first = outbox_claim(target=target, limit=3, lease=timedelta(minutes=1))
    assert [e.id for e in first] == [r.id for r in rows[:3]]
    # Leased: the next claim takes the rest, not these again, nor rows not yet due, nor another target's.
    second = outbox_claim(target=target, limit=10, lease=timedelta(minutes=1))
    assert [e.id for e in second] == [r.id for r in rows[3:]]
    assert outbox_claim(target=target, limit=10, lease=timedelta(minutes=1)) == []
    assert set(OutboxEntry.objects.filter(pk__in=[r.id for r in later]).values_list("attempts", flat=True)) == {0}


def test_delivered_rows_are_marked_in_one_go_and_a_row_marked_meanwhile_stays_as_it_is():
    target = _target()
    _rows(target, 4)
    entries = outbox_claim(target=target, limit=10, lease=timedelta(minutes=1))
    OutboxEntry.objects.filter(pk=entries[0].id).update(status=Status.DEAD, last_error="parked")
    outbox_record(target=target, entries=entries, outcome=Outcome(delivered={e.statement_id for e in entries}))
    statuses = dict(OutboxEntry.objects.values_list("id", "status"))
    assert statuses == {entries[0].id: Status.DEAD} | {e.id: Status.DELIVERED for e in entries[1:]}
    assert OutboxEntry.objects.filter(status=Status.DELIVERED, delivered_at__isnull=True).count() == 0
