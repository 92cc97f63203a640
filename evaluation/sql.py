"""The evaluation's raw SQL, all of it: the set-based reads that feed `refresh.py`.

One implementation for PostgreSQL and SQLite: table names come from the models, values (enum
values, ids, days) are parameters, and the only vendor-specific pieces are the small helpers below
(a UTC day as a whole number, loading a scratch table).

`levels_at` is `level_history`'s rule in SQL: the level of each (user, competency, day) from the
evidence dated on or before that day, aged as of that day. The weights are not computed by the
database: a small table of every (kind, age step) → weight is filled from `levels.proof_weight`
itself, so the sums are the same whole numbers as the Python rule's, on both databases.
"""

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta

from django.db import connection

from evidence.levels import AGE_STEP_DAYS, CERTIFIED_VALID_DAYS, KIND_WEIGHTS, THRESHOLD, Proof, proof_weight
from evidence.models import Evidence

EPOCH = date(1970, 1, 1)
LOAD_CHUNK = 50_000
POINTS, WEIGHTS = "evaluation_points", "evaluation_weights"


def _t(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def day_number(day: date) -> int:
    """Days since 1970-01-01 (what `_utc_day` gives for a datetime of that UTC day)."""
    return (day - EPOCH).days


def _utc_day(column: str) -> str:
    """SQL for the UTC day of a datetime column, as days since 1970-01-01."""
    if connection.vendor == "postgresql":
        return f"(CAST({column} AT TIME ZONE 'UTC' AS date) - DATE '1970-01-01')"
    # SQLite stores datetimes as UTC text ('YYYY-MM-DD HH:MM:SS…').
    return f"CAST(julianday(substr({column}, 1, 10)) - 2440587.5 AS INTEGER)"


def _scratch(cursor, name: str, columns: str, rows: list[tuple]) -> None:
    """A temporary table `name` holding `rows` (made again if it is there)."""
    cursor.execute(f"DROP TABLE IF EXISTS {name}")
    cursor.execute(f"CREATE TEMPORARY TABLE {name} ({columns})")
    width = columns.count(",") + 1
    for start in range(0, len(rows), LOAD_CHUNK):
        chunk = rows[start : start + LOAD_CHUNK]
        if connection.vendor == "postgresql":
            types = [column.split()[1] for column in columns.split(",")]
            arrays = ", ".join(f"%s::{kind}[]" for kind in types)
            columns_of_chunk = [list(c) for c in zip(*chunk, strict=True)]
            cursor.execute(f"INSERT INTO {name} SELECT * FROM unnest({arrays})", columns_of_chunk)  # noqa: S608
        else:
            cursor.executemany(f"INSERT INTO {name} VALUES ({', '.join(['%s'] * width)})", chunk)  # noqa: S608


def weight_table() -> list[tuple[str, int, int]]:
    """(kind, age step, weight) for every kind and step until every weight is 0: `proof_weight`'s
    own figures (the step counted after a certified result's validity)."""
    rows, step = [], 0
    origin = datetime(2000, 1, 1, tzinfo=UTC)
    while True:
        weights = []
        for kind in KIND_WEIGHTS:
            age = step * AGE_STEP_DAYS + (CERTIFIED_VALID_DAYS if kind == Evidence.Kind.CERTIFIED else 0)
            weight = proof_weight(Proof(1, kind, origin), as_of=origin.date() + timedelta(days=age))
            weights.append((kind, step, weight))
        rows += weights
        if not any(weight for _kind, _step, weight in weights):
            return rows
        step += 1


def levels_at(points: Iterable[tuple[int, int, date]]) -> dict[tuple[int, int, date], int]:
    """The level at each (user id, competency id, day) (0: none), from the evidence in one query."""
    points = list(set(points))
    result = dict.fromkeys(points, 0)
    if not points:
        return result
    weights = weight_table()
    last_step = max(step for _kind, step, _weight in weights)  # every weight is 0 from there on
    by_number = {}
    for user, competency, day in points:
        by_number[(user, competency, day_number(day))] = (user, competency, day)
    day = _utc_day("e.occurred_at")
    quarters = f"a.age / {AGE_STEP_DAYS}"
    step = f"CASE WHEN a.age < 0 THEN 0 WHEN {quarters} > {last_step} THEN {last_step} ELSE {quarters} END"
    sql = f"""
        WITH aged AS (
            SELECT p.user_id, p.competency_id, p.day, e.level, e.kind,
                   p.day - {day} - CASE WHEN e.kind = %s THEN {CERTIFIED_VALID_DAYS} ELSE 0 END AS age
            FROM {POINTS} p
            JOIN {_t(Evidence)} e ON e.user_id = p.user_id AND e.competency_id = p.competency_id
            WHERE e.level > 0 AND {day} <= p.day
        ), per_level AS (
            SELECT a.user_id, a.competency_id, a.day, a.level, SUM(w.weight) AS weight
            FROM aged a JOIN {WEIGHTS} w ON w.kind = a.kind AND w.step = {step}
            GROUP BY a.user_id, a.competency_id, a.day, a.level
        ), support AS (
            SELECT user_id, competency_id, day, level,
                   SUM(weight) OVER (PARTITION BY user_id, competency_id, day ORDER BY level DESC) AS support
            FROM per_level
        )
        SELECT user_id, competency_id, day, MAX(level) FROM support
        WHERE support >= {THRESHOLD} GROUP BY user_id, competency_id, day"""  # noqa: S608
    with connection.cursor() as cursor:
        _scratch(cursor, WEIGHTS, "kind varchar, step integer, weight bigint", weights)
        _scratch(cursor, POINTS, "user_id bigint, competency_id bigint, day integer", list(by_number))
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {POINTS}")
        cursor.execute(sql, [Evidence.Kind.CERTIFIED.value])
        for user, competency, number, level in cursor.fetchall():
            result[by_number[(user, competency, number)]] = level
        cursor.execute(f"DROP TABLE {POINTS}")
        cursor.execute(f"DROP TABLE {WEIGHTS}")
    return result
