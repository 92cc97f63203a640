"""The forwarding benchmark: statements/s delivered by one Celery worker to a second Relais (gunicorn).

Drain: the statements are stored and queued first with the target disabled, then the target is
enabled and one sweep queues the delivery: the time measured is the worker draining the outbox
into the peer, for each batch size and each number of batches in flight
(XAPI_FORWARDING_CONCURRENCY), both databases on the local PostgreSQL.

Steady load: statements stored at a steady rate (1,000/s, in batches of 100 every 0.1 s) for 5
minutes (30 s with --quick) while the worker forwards them; the delivery lag of each statement is
the time from its outbox row's creation (its storing) to the row marked delivered.
"""

import os
import subprocess
import sys
import time

from . import harness

# BENCH_FWD_DB: another name when two runs share the PostgreSQL server (the peer's is <name>_peer).
DB_NAME = os.environ.get("BENCH_FWD_DB", "relais_bench_fwd")
PEER_DB_NAME = DB_NAME + "_peer"


PEER_ENV = {"CELERY_BROKER_URL": "memory://", "CELERY_TASK_ALWAYS_EAGER": "0"}


def _cpu_seconds() -> dict[str, float]:
    """CPU seconds (user + system) so far of this process's descendants, by side: the Celery worker
    (the sender) and gunicorn (the peer's master and workers). Read from /proc (Linux)."""
    ticks = os.sysconf("SC_CLK_TCK")
    parents, usage, commands = {}, {}, {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{entry}/cmdline", "rb") as cmdline:
                commands[int(entry)] = cmdline.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        parents[int(entry)] = int(fields[1])
        usage[int(entry)] = (int(fields[11]) + int(fields[12])) / ticks

    def descends(pid: int) -> bool:
        while pid > 1:
            pid = parents.get(pid, 0)
            if pid == os.getpid():
                return True
        return False

    sides = {"sender": 0.0, "peer": 0.0}
    for pid, seconds in usage.items():
        if descends(pid):
            if "celery" in commands[pid]:
                sides["sender"] += seconds
            elif "gunicorn" in commands[pid]:
                sides["peer"] += seconds
    return sides


def _worker_idle(timeout: float = 300) -> None:
    """Wait until the worker has taken every queued task (the evidence work of the statements just
    stored), so that the drain's clock measures forwarding alone."""
    import redis

    client = redis.Redis.from_url(harness.BROKER_URL)
    deadline = time.monotonic() + timeout
    quiet = 0
    while quiet < 3 and time.monotonic() < deadline:
        quiet = quiet + 1 if client.llen("celery") == 0 else 0
        time.sleep(0.5)


def _peer_client(peer_url: str) -> tuple[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": peer_url,
        "SECRET_KEY": "bench-only-secret",
        "DJANGO_DEBUG": "0",
        "CELERY_TASK_ALWAYS_EAGER": "1",
    }
    env.pop("CELERY_BROKER_URL", None)
    out = subprocess.run(
        [sys.executable, "manage.py", "lrs_client", "create", "bench-peer", "--scope", "all"],
        cwd=harness.ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    values = dict(line.split(": ", 1) for line in out.splitlines() if ": " in line)
    return values["key"].strip(), values["secret"].strip()


def _peer_database(main_url: str) -> str:
    import psycopg
    from django.db import connections

    connections.close_all()
    with psycopg.connect(harness.PG_ADMIN_URL.replace("postgres://", "postgresql://"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{PEER_DB_NAME}" WITH (FORCE)')
        # A copy of the freshly migrated main database: a second migrate would take a minute.
        conn.execute(f'CREATE DATABASE "{PEER_DB_NAME}" TEMPLATE "{DB_NAME}"')
    return harness.database_url(PEER_DB_NAME)


def _worker(db_url: str, *, concurrency: int):
    env = {
        **os.environ,
        "DATABASE_URL": db_url,
        "CELERY_BROKER_URL": harness.BROKER_URL,
        "LOG_LEVEL": "WARNING",
        "XAPI_FORWARDING_CONCURRENCY": str(concurrency),
    }
    log = open(harness.ROOT / "bench" / "celery-forwarding.log", "w")  # noqa: SIM115
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "lms", "worker", "--pool=solo", "--loglevel=INFO", "-n", "bench@%h"],
        cwd=harness.ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while " ready." not in (harness.ROOT / "bench" / "celery-forwarding.log").read_text():
        if time.monotonic() > deadline or process.poll() is not None:
            raise RuntimeError("the Celery worker did not start: see bench/celery-forwarding.log")
        time.sleep(0.2)
    return process, log


def drain_rate(*, total: int, batch_size: int, seed: int) -> float:
    """Statements/s from enabling the target to the last outbox row marked delivered."""
    import random

    from django.utils import timezone

    from xapi.forwarding.models import ForwardTarget, OutboxEntry
    from xapi.forwarding.outbox import outbox_sweep, target_backfill
    from xapi.services import statements_store

    from .statements import statement

    target = ForwardTarget.objects.get(name="bench-peer")
    ForwardTarget.objects.filter(pk=target.pk).update(enabled=False, batch_size=batch_size)
    target.refresh_from_db()
    OutboxEntry.objects.all().delete()
    rng = random.Random(seed)
    since = timezone.now()
    for start in range(0, total, 1000):
        statements_store(data=[statement(rng) for _ in range(min(1000, total - start))])
    # The outbox rows, as the store writes them for an enabled target; the task this queues finds
    # the target disabled and stops, so the clock starts with the sweep below.
    target_backfill(target=target, since=since)
    _worker_idle()
    pending = OutboxEntry.objects.filter(target=target, status=OutboxEntry.Status.PENDING)
    cpu_before = _cpu_seconds()
    started = time.perf_counter()
    ForwardTarget.objects.filter(pk=target.pk).update(enabled=True)
    outbox_sweep()
    deadline = time.monotonic() + 600
    while pending.exists():
        if time.monotonic() > deadline:
            raise RuntimeError("forwarding did not drain within 10 minutes")
        time.sleep(0.05)
    elapsed = time.perf_counter() - started
    cpu_after = _cpu_seconds()
    per_thousand = {side: (cpu_after[side] - cpu_before[side]) * 1000 / total for side in cpu_after}
    print(
        f"  CPU seconds per 1,000 statements: sender {per_thousand['sender']:.3f}, peer {per_thousand['peer']:.3f}",
        file=sys.stderr,
    )
    dead = OutboxEntry.objects.filter(target=target, status=OutboxEntry.Status.DEAD).count()
    if dead:
        raise RuntimeError(f"{dead} rows dead-lettered: {target.last_error}")
    return total / elapsed


def steady_lag(*, rate: int, seconds: int, batch_size: int, seed: int) -> tuple[float, float, float, int, float]:
    """(p50, p95, max) delivery lag in seconds, the statements stored and the rate achieved, at
    ``rate`` statements/s asked (a loaded machine may not store that fast: the rate achieved says)."""
    import random

    from django.db import connection

    from xapi.forwarding.models import ForwardTarget, OutboxEntry
    from xapi.services import statements_store

    from .statements import statement

    target = ForwardTarget.objects.get(name="bench-peer")
    ForwardTarget.objects.filter(pk=target.pk).update(enabled=True, batch_size=batch_size)
    OutboxEntry.objects.all().delete()
    rng = random.Random(seed)
    per_tick, tick = rate // 10, 0.1
    started = time.perf_counter()
    stored = 0
    behind = 0.0
    while (elapsed := time.perf_counter() - started) < seconds:
        due = int(elapsed / tick) + 1
        while stored < due * per_tick:
            statements_store(data=[statement(rng) for _ in range(per_tick)])
            stored += per_tick
        behind = max(behind, time.perf_counter() - started - due * tick)
        time.sleep(max(0.0, due * tick - (time.perf_counter() - started)))
    ingest_seconds = time.perf_counter() - started
    if behind > 1:
        print(f"  the load generator fell {behind:.1f} s behind its schedule", file=sys.stderr)
    pending = OutboxEntry.objects.filter(target=target, status=OutboxEntry.Status.PENDING)
    deadline = time.monotonic() + 600
    while pending.exists():
        if time.monotonic() > deadline:
            raise RuntimeError("forwarding did not catch up within 10 minutes of the load's end")
        time.sleep(0.1)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY lag), percentile_cont(0.95) WITHIN GROUP
                (ORDER BY lag), max(lag), count(*) FROM (SELECT extract(epoch FROM delivered_at - created_at) AS lag
                FROM {OutboxEntry._meta.db_table} WHERE target_id = %s AND status = 'delivered') AS lags""",  # noqa: S608
            [target.pk],
        )
        p50, p95, worst, count = cursor.fetchone()
    if count != stored:
        raise RuntimeError(f"{stored} statements stored, {count} delivered")
    return p50, p95, worst, stored, stored / ingest_seconds


def run(*, quick: bool = False) -> list[tuple[str, str, str, str]]:
    db_url = harness.database_recreate(DB_NAME)
    harness.django_setup(db_url)
    peer_url = _peer_database(db_url)
    key, secret = _peer_client(peer_url)
    from xapi.forwarding.models import ForwardTarget

    rows = []
    # The peer is another deployment: its background work (announcements, evidence) is its own
    # workers', not this worker's. On the broker the worker reads, the peer's tasks would be run by
    # it, against the sender's database; with an in-process broker they are left undone here.
    with harness.gunicorn(peer_url, extra_env=PEER_ENV) as peer_base:
        target = ForwardTarget(name="bench-peer", endpoint=peer_base + "/xapi/", username=key, enabled=False)
        target.set_secret(secret)
        target.save()
        total = 4_000 if quick else 20_000
        for concurrency in (1, 4):
            process, log = _worker(db_url, concurrency=concurrency)
            try:
                for batch_size in (100, 500, 1000):
                    rate = drain_rate(total=total, batch_size=batch_size, seed=batch_size + concurrency)
                    label = f"batches of {batch_size}, {concurrency} in flight"
                    print(f"  {label}: {rate:,.0f} statements/s", file=sys.stderr)
                    rows.append(
                        (f"forwarding to a peer Relais, 1 worker, POST {label} (statements/s)",
                         f"{rate:,.0f}", "≥ 5,000/s" if concurrency > 1 else "—",
                         ("yes" if rate >= 5000 else "no") if concurrency > 1 else "")
                    )  # fmt: skip
                if concurrency > 1:
                    seconds = 30 if quick else 300
                    p50, p95, worst, stored, achieved = steady_lag(rate=1000, seconds=seconds, batch_size=500, seed=3)
                    rows.append(
                        (f"delivery lag at a steady 1,000 statements/s asked ({achieved:,.0f}/s achieved) for "
                         f"{seconds} s, batches of 500, {concurrency} in flight ({stored:,} statements; "
                         "p50 / p95 / max s)",
                         f"{p50:.2f} / {p95:.2f} / {worst:.2f}", "p95 ≤ 5", "yes" if p95 <= 5 else "no")
                    )  # fmt: skip
            finally:
                process.terminate()
                process.wait(timeout=30)
                log.close()
    return rows


if __name__ == "__main__":
    harness.print_table(run(quick="--quick" in sys.argv))
