"""The LRS benchmark: POST throughput by batch size, GET latency at 1 M statements, vs raw COPY.

Single statements are compared with a trivial Django view (/bench/ping, routed for the benchmark
only) served by the same gunicorn, the same way (same clients, same threads), measured in turns.
Storage: the bytes each stored statement takes (the statement table and its two index tables:
table, TOAST and every index) beside the average size of its JSON; after the read workload, the
indexes of these tables that no query of it used (pg_stat_user_indexes).
"""

import base64
import json
import os
import random
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

from . import harness
from .statements import VERBS, activity, actor, course, statement

# BENCH_LRS_DB: another database name, when several people bench on one PostgreSQL.
DB_NAME = os.environ.get("BENCH_LRS_DB") or "relais_bench_lrs"
# BENCH_LRS_SINGLES=N: only the single-statement POSTs against the trivial view, N turns of each
# (a minute or so, where the whole benchmark fills a million statements first).
SINGLES_ONLY_ROUNDS = int(os.environ.get("BENCH_LRS_SINGLES") or 0)


def _headers(key: str, secret: str) -> dict:
    token = base64.b64encode(f"{key}:{secret}".encode()).decode()
    return {
        "Authorization": f"Basic {token}",
        "X-Experience-API-Version": "1.0.3",
        "Content-Type": "application/json",
    }


def post_throughput(base: str, headers: dict, *, batch: int, total: int, threads: int, seed: int) -> float:
    """Statements/s stored through POST /xapi/statements by `threads` concurrent clients."""
    import requests

    rng = random.Random(seed)
    batches = [[statement(rng) for _ in range(batch)] for _ in range(total // batch)]
    bodies = [json.dumps(b) for b in batches]

    def send(chunk: list[str]) -> None:
        with requests.Session() as session:
            for body in chunk:
                response = session.post(base + "/xapi/statements", data=body, headers=headers, timeout=60)
                if response.status_code != 200:
                    raise RuntimeError(f"POST failed: {response.status_code} {response.text[:300]}")

    chunks = [bodies[i::threads] for i in range(threads)]
    started = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(send, chunks))
    return total / (time.perf_counter() - started)


def trivial_rate(base: str, *, total: int, threads: int) -> float:
    """Requests/s of the trivial view, by the same clients as post_throughput."""
    import requests

    def send(count: int) -> None:
        with requests.Session() as session:
            for _ in range(count):
                response = session.get(base + "/bench/ping", timeout=60)
                if response.status_code != 200:
                    raise RuntimeError(f"GET /bench/ping failed: {response.status_code}")

    started = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(send, [total // threads] * threads))
    return total // threads * threads / (time.perf_counter() - started)


TABLES = ("xapi_statement", "xapi_statementagent", "xapi_statementactivity")


def storage_rows() -> list[tuple[str, str, str, str]]:
    """Bytes per stored statement: table (with TOAST) and indexes of the store's three tables."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*), avg(octet_length(payload::text)) FROM xapi_statement")
        count, json_size = cursor.fetchone()
        cursor.execute(
            """SELECT relname, pg_relation_size(oid) + coalesce(pg_total_relation_size(NULLIF(reltoastrelid, 0)), 0),
                      pg_indexes_size(oid)
               FROM pg_class WHERE relname = ANY(%s) AND relkind = 'r'""",
            [list(TABLES)],
        )
        sizes = {name: (table, indexes) for name, table, indexes in cursor.fetchall()}
    total = sum(table + indexes for table, indexes in sizes.values())
    detail = ", ".join(f"{name[5:]} {t / count:,.0f} + {i / count:,.0f}" for name, (t, i) in sizes.items())
    return [
        ("average statement JSON (bytes)", f"{json_size:,.0f}", "—", ""),
        (f"stored bytes per statement, tables + indexes ({detail})", f"{total / count:,.0f}", "—", ""),
    ]


def index_scans() -> dict[str, int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexrelname, idx_scan FROM pg_stat_user_indexes WHERE relname = ANY(%s)", [list(TABLES)]
        )
        return dict(cursor.fetchall())


def raw_copy_rate(db_url: str, *, total: int, seed: int) -> float:
    """Statements/s for a plain COPY of the same JSON into a bare table (the ceiling)."""
    import psycopg

    rng = random.Random(seed)
    rows = [statement(rng) for _ in range(total)]
    with psycopg.connect(db_url.replace("postgres://", "postgresql://")) as conn:
        conn.execute("DROP TABLE IF EXISTS bench_raw")
        conn.execute(
            "CREATE TABLE bench_raw (id uuid PRIMARY KEY, stored timestamptz NOT NULL, payload jsonb NOT NULL)"
        )
        conn.commit()
        started = time.perf_counter()
        for i in range(0, total, 100):  # the same batches of 100, one transaction each
            with conn.cursor() as cur, cur.copy("COPY bench_raw (id, stored, payload) FROM STDIN") as copy:
                now = datetime.now(UTC)
                for s in rows[i : i + 100]:
                    copy.write_row((s["id"], now, json.dumps(s)))
            conn.commit()
        elapsed = time.perf_counter() - started
        conn.execute("DROP TABLE bench_raw")
        conn.commit()
    return total / elapsed


def fill(target: int, *, seed: int) -> None:
    """Bring the store to `target` statements through the store service, in batches of 1,000."""
    from xapi.models import Statement
    from xapi.services import statements_store

    rng = random.Random(seed)
    have = Statement.objects.count()
    started = time.perf_counter()
    while have < target:
        n = min(1000, target - have)
        statements_store(data=[statement(rng) for _ in range(n)])
        have += n
        if have % 100_000 == 0:
            print(f"  filled {have:,} statements ({have / (time.perf_counter() - started):,.0f}/s)", flush=True)


def stored_range() -> tuple[datetime, datetime]:
    """The first and last `stored` time in the store: since/until windows are drawn inside it."""
    from django.db.models import Max, Min

    from xapi.models import Statement

    bounds = Statement.objects.aggregate(first=Min("stored"), last=Max("stored"))
    return bounds["first"], bounds["last"]


def get_latencies(
    base: str,
    headers: dict,
    *,
    requests_per_query: int,
    seed: int,
    stored: tuple[datetime, datetime],
    page_sizes: list[int] | None = None,
) -> dict[str, list[float]]:
    """p50/p95 inputs per query kind. The since/until windows are 1 % of the stored range (about
    10,000 statements at 1 M), so each page of 100 and the `more` pages after it are full; the
    statement count of every such page goes to ``page_sizes``."""
    import requests

    rng = random.Random(seed)
    timings: dict[str, list[float]] = {"agent+verb": [], "activity+related": [], "since/until paging": []}
    first, last = stored
    window = (last - first) / 100
    with requests.Session() as session:

        def timed(name, url, params=None):
            t = time.perf_counter()
            response = session.get(url, params=params, headers=headers, timeout=60)
            timings[name].append((time.perf_counter() - t) * 1000)
            if response.status_code != 200:
                raise RuntimeError(f"GET failed: {response.status_code} {response.text[:300]}")
            return response.json()

        for _ in range(requests_per_query):
            timed(
                "agent+verb",
                base + "/xapi/statements",
                {"agent": json.dumps(actor(rng.randrange(10_000))), "verb": rng.choice(VERBS), "limit": 25},
            )
            timed(
                "activity+related",
                base + "/xapi/statements",
                {"activity": course(rng.randrange(2_000)), "related_activities": "true", "limit": 25},
            )
            since = first + (last - first - window) * rng.random()
            page = timed(
                "since/until paging",
                base + "/xapi/statements",
                {"since": since.isoformat(), "until": (since + window).isoformat(), "limit": 100},
            )
            if page_sizes is not None:
                page_sizes.append(len(page["statements"]))
            for _ in range(2):
                if not page.get("more"):
                    break
                page = timed("since/until paging", base + page["more"])
                if page_sizes is not None:
                    page_sizes.append(len(page["statements"]))
        # One activity query per activity id too: not related, the object index.
        timed("agent+verb", base + "/xapi/statements", {"activity": activity(1), "limit": 25})
    return timings


def singles_compared(base: str, headers: dict, *, total: int, rounds: int) -> tuple[list[float], list[float]]:
    """Single-statement POSTs and the trivial view in turns, ``rounds`` times each: the machine's load
    changes, both rates see the same. Returns (single rates, trivial rates)."""
    singles, trivials = [], []
    for round_ in range(rounds):
        trivials.append(trivial_rate(base, total=total, threads=6))
        singles.append(post_throughput(base, headers, batch=1, total=total, threads=6, seed=1 + round_))
    return singles, trivials


def singles_rows(singles: list[float], trivials: list[float]) -> list[tuple[str, str, str, str]]:
    single, trivial = sum(singles) / len(singles), sum(trivials) / len(trivials)
    ratio = single / trivial
    return [
        ("POST batches of 1 (statements/s)", f"{single:,.0f}", "—", ""),
        ("trivial Django view, same gunicorn and clients (requests/s)", f"{trivial:,.0f}", "—", ""),
        ("single-statement POST / trivial view", f"{ratio:.2f}", "≥ 0.50", "yes" if ratio >= 0.5 else "no"),
    ]


def run_singles(*, rounds: int, quick: bool) -> list[tuple[str, str, str, str]]:
    """Only the single-statement comparison (BENCH_LRS_SINGLES), on an empty store."""
    db_url = harness.database_recreate(DB_NAME)
    harness.django_setup(db_url)
    from xapi.http.auth import client_create

    client, secret = client_create(name="bench", scopes=["all"])
    headers = _headers(client.key, secret)
    with harness.gunicorn(db_url) as base:
        singles, trivials = singles_compared(base, headers, total=1_000 if quick else 2_000, rounds=rounds)
    turns = ", ".join(f"{s:,.0f}/{t:,.0f}" for s, t in zip(singles, trivials, strict=True))
    return [*singles_rows(singles, trivials), ("each turn, POST/trivial (per s)", turns, "—", "")]


def run(*, statements: int = 1_000_000, quick: bool = False) -> list[tuple[str, str, str, str]]:
    if SINGLES_ONLY_ROUNDS:
        return run_singles(rounds=SINGLES_ONLY_ROUNDS, quick=quick)
    db_url = harness.database_recreate(DB_NAME)
    harness.django_setup(db_url)
    from xapi.http.auth import client_create

    client, secret = client_create(name="bench", scopes=["all"])
    headers = _headers(client.key, secret)
    rows = []
    sizes = {1: 2_000, 10: 10_000, 100: 50_000} if not quick else {1: 1_000, 10: 2_000, 100: 5_000}
    rates = {}
    with harness.gunicorn(db_url) as base:
        # Single statements and the trivial view in turns, twice: the machine's load changes.
        singles, trivials = singles_compared(base, headers, total=sizes[1], rounds=2)
        rows += singles_rows(singles, trivials)
        for batch, total in sizes.items():
            if batch == 1:
                continue
            rates[batch] = post_throughput(base, headers, batch=batch, total=total, threads=6, seed=batch)
            target = "≥ 5,000/s" if batch == 100 else "—"
            met = ("yes" if rates[batch] >= 5000 else "no") if batch == 100 else ""
            rows.append((f"POST batches of {batch} (statements/s)", f"{rates[batch]:,.0f}", target, met))
        raw = raw_copy_rate(db_url, total=sizes[100], seed=7)
        ratio = rates[100] / raw
        rows.append(("raw COPY of the same JSON, batches of 100 (statements/s)", f"{raw:,.0f}", "—", ""))
        rows.append(("Relais / raw (batches of 100)", f"{ratio:.2f}", "≥ 0.50", "yes" if ratio >= 0.5 else "no"))
        print(f"  filling the store to {statements:,} statements…", flush=True)
        fill(statements, seed=11)
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
            cursor.execute("SELECT pg_stat_reset()")  # index scans counted from the read workload on
        rows += storage_rows()
        page_sizes: list[int] = []
        timings = get_latencies(
            base,
            headers,
            requests_per_query=50 if quick else 200,
            seed=5,
            stored=stored_range(),
            page_sizes=page_sizes,
        )
        mean_page = sum(page_sizes) / len(page_sizes) if page_sizes else 0
        for name, values in timings.items():
            p50, p95 = harness.median(values), harness.percentile(values, 0.95)
            label = f"{name}, pages of 100 (mean {mean_page:.0f} statements)" if name == "since/until paging" else name
            rows.append(
                (
                    f"GET {label} at {statements:,} (p50 / p95 ms)",
                    f"{p50:.1f} / {p95:.1f}",
                    "p95 ≤ 20",
                    "yes" if p95 <= 20 else "no",
                )
            )
    time.sleep(1)  # gunicorn's database sessions have ended and flushed their statistics
    unused = sorted(name for name, scans in index_scans().items() if not scans)
    rows.append(("indexes the read workload did not use", ", ".join(unused) or "none", "—", ""))
    return rows
