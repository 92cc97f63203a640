"""Forwarding to a second Relais through a real Celery worker: up, down, up again, and a killed worker."""

import time
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from xapi.forwarding.models import ForwardTarget, OutboxEntry
from xapi.forwarding.outbox import outbox_sweep
from xapi.services import statements_store

from .conftest import wait_until
from .statements import about, new_group

pytestmark = [pytest.mark.celery_worker, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

Status = OutboxEntry.Status


def peer_target(peer, **fields) -> ForwardTarget:
    values = {
        "name": "peer",
        "endpoint": peer.endpoint,
        "username": peer.key,
        "batch_size": 20,
        "max_attempts": 100,
        "backoff_base_seconds": 0.2,
        "backoff_max_seconds": 1.0,
        "timeout_seconds": 2,
        **fields,
    }
    target = ForwardTarget(**values)
    target.set_secret(peer.secret)
    target.save()
    return target


def store(statements: list[dict], *, per_call: int = 10) -> list[str]:
    for start in range(0, len(statements), per_call):
        with transaction.atomic():
            statements_store(data=statements[start : start + per_call])
    return [s["id"] for s in statements]


def arrived(peer, group: str, expected: list[str]):
    def check():
        ids = peer.ids_about(group)
        return ids if len(ids) >= len(expected) else None

    return check


def test_statements_arrive_once_while_the_target_is_up_down_and_up_again(peer, worker):
    target = peer_target(peer)
    group = new_group()

    first = store(about(group, 30))
    ids = wait_until(arrived(peer, group, first), timeout=30, message="the first statements on the peer")
    assert sorted(ids) == sorted(first)
    wait_until(
        lambda: OutboxEntry.objects.filter(target=target, status=Status.DELIVERED).count() == 30,
        timeout=20,
        message="the first rows marked delivered",
    )

    peer.kill()
    try:
        second = store(about(group, 30, start=30))
        # The worker tries, fails, and backs off: rows pile up with attempts and an error.
        wait_until(
            lambda: OutboxEntry.objects.filter(target=target, status=Status.PENDING, attempts__gte=2).exists(),
            timeout=30,
            message="retries while the peer is down",
        )
        target.refresh_from_db()
        assert "ConnectionError" in target.last_error
        assert OutboxEntry.objects.filter(target=target, status=Status.PENDING).count() == 30
        assert not OutboxEntry.objects.filter(target=target, status=Status.DEAD).exists()
    finally:
        peer.start()

    everything = first + second
    ids = wait_until(arrived(peer, group, everything), timeout=60, message="the backlog on the peer")
    assert sorted(ids) == sorted(everything)  # each id once, none missing
    wait_until(
        lambda: not OutboxEntry.objects.filter(target=target).exclude(status=Status.DELIVERED).exists(),
        timeout=20,
        message="every row marked delivered",
    )
    assert OutboxEntry.objects.filter(target=target, status=Status.DELIVERED).count() == 60


def test_a_worker_killed_mid_batch_loses_nothing_and_duplicates_nothing(peer, worker):
    # Small batches and a short lease (5 s + 3 × timeout) so that the test sees the lease expire.
    target = peer_target(peer, name="peer-kill", batch_size=5, timeout_seconds=1)
    group = new_group()
    statements = about(group, 400)
    expected = store(statements, per_call=100)

    wait_until(
        lambda: OutboxEntry.objects.filter(target=target, status=Status.DELIVERED).count() >= 20,
        timeout=60,
        interval=0.02,
        message="the worker to start delivering",
    )
    worker.kill()
    killed_at = timezone.now()
    pending = OutboxEntry.objects.filter(target=target, status=Status.PENDING)
    assert pending.exists(), "the worker finished before it could be killed: make the batch slower"
    left, leased = pending.count(), pending.filter(next_attempt_at__gt=killed_at).count()

    worker.start()
    # The killed task's message waits for Redis's visibility timeout (an hour): the sweeper, run
    # here as beat would, hands the rows over once their lease has expired.
    deadline = time.monotonic() + 60
    while OutboxEntry.objects.filter(target=target, status=Status.PENDING).exists():
        assert time.monotonic() < deadline, "the sweeper did not get the rows delivered within 60 s"
        outbox_sweep()
        time.sleep(0.5)

    ids = peer.ids_about(group)
    assert len(ids) == len(set(ids)) == 400
    assert sorted(ids) == sorted(expected)
    assert OutboxEntry.objects.filter(target=target, status=Status.DELIVERED).count() == 400
    print(f"\nworker killed with {left} rows pending, {leased} of them leased by the killed batch")


def test_the_sweeper_delivers_rows_whose_task_never_reached_a_worker(peer, worker):
    target = peer_target(peer, name="peer-sweep")
    group = new_group()
    # Rows as a broker outage leaves them: committed, but their task was never queued.
    statements = about(group, 10)
    ForwardTarget.objects.filter(pk=target.pk).update(enabled=False)
    expected = store(statements)
    assert not OutboxEntry.objects.filter(target=target).exists()  # disabled: not queued at all
    ForwardTarget.objects.filter(pk=target.pk).update(enabled=True)
    now = timezone.now()
    OutboxEntry.objects.bulk_create(
        OutboxEntry(target=target, statement_id=i, next_attempt_at=now - timedelta(seconds=1), created_at=now)
        for i in expected
    )
    assert outbox_sweep() == [target.pk]
    ids = wait_until(arrived(peer, group, expected), timeout=30, message="swept rows on the peer")
    assert sorted(ids) == sorted(expected)
