"""The evaluation's raw SQL, all of it: the set-based reads that feed `refresh.py`.

One implementation for PostgreSQL and SQLite: table names come from the models, values (enum
values, ids, days) are parameters, and the only vendor-specific pieces are the small helpers below
(a UTC day as a whole number, loading a scratch table, writing the
derived rows: COPY on PostgreSQL, `bulk_create` elsewhere).

`levels_at` is `level_history`'s rule in SQL: the level of each (user, competency, day) from the
evidence dated on or before that day, aged as of that day. The weights are not computed by the
database: a small table of every (kind, age step) → weight is filled from `levels.proof_weight`
itself, so the sums are the same whole numbers as the Python rule's, on both databases.

`statements_seen` (PostgreSQL) reads the courses' statements once and keeps one row per learner, IRI
and verb: when first, the durations declared, the first answer. The learner is the actor's
pseudonymous account (`refresh.actor_users`), the writer must be trusted for the actor (evidence's
rule, `evidence.sql.trust_sql`); `refresh.statements_seen_python` is the same rule in Python (SQLite),
and `tests/evaluation/test_seen_sql.py` holds the two equal.
"""

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection

from evidence.levels import AGE_STEP_DAYS, CERTIFIED_VALID_DAYS, KIND_WEIGHTS, THRESHOLD, Proof, proof_weight
from evidence.models import Evidence
from evidence.sql import sql_enums as evidence_enums
from evidence.sql import sql_tables as evidence_tables
from evidence.sql import trust_sql as evidence_trust
from evidence.trust import OWN_AUTHORITY_NAMES
from xapi.trust import clients_home, sources_home

EPOCH = date(1970, 1, 1)
LOAD_CHUNK = 50_000
POINTS, WEIGHTS = "evaluation_points", "evaluation_weights"
IRIS, SEEN = "evaluation_iris", "evaluation_seen"
UUID_PATTERN = "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"


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
    if connection.vendor == "postgresql":
        _copy(cursor, name, rows)
        return
    width = columns.count(",") + 1
    for start in range(0, len(rows), LOAD_CHUNK):
        chunk = rows[start : start + LOAD_CHUNK]
        cursor.executemany(f"INSERT INTO {name} VALUES ({', '.join(['%s'] * width)})", chunk)  # noqa: S608


def _copy(cursor, table: str, rows: Iterable[tuple], columns: list[str] | None = None) -> None:
    """COPY `rows` into `table` (PostgreSQL): no statement text built, no parameter per value."""
    names = f" ({', '.join(columns)})" if columns else ""
    with cursor.copy(f"COPY {table}{names} FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def rows_write(model, objects: list) -> None:
    """Insert `objects` (unsaved instances of `model`, their primary key left to the database): by
    COPY on PostgreSQL, several times faster than `bulk_create` for the refresh's hundreds of
    thousands of rows; `bulk_create` elsewhere."""
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objects, batch_size=2000)
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    json_fields = {f.attname for f in fields if f.get_internal_type() == "JSONField"}
    attnames = [f.attname for f in fields]

    def value(obj, name):
        raw = getattr(obj, name)
        return json.dumps(raw) if name in json_fields and raw is not None else raw

    with connection.cursor() as cursor:
        rows = (tuple(value(obj, name) for name in attnames) for obj in objects)
        _copy(cursor, _t(model), rows, [connection.ops.quote_name(f.column) for f in fields])


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


@dataclass(frozen=True)
class Seen:
    """What one learner did with one IRI by one verb, from the statements that count."""

    user: int
    verb: str
    iri: str
    first_at: datetime  # the earliest statement's timestamp
    durations: frozenset[str]  # the distinct result.duration strings declared
    first_result: dict | None  # answered: the earliest statement's result ({} when none); else None


def statements_seen(iris_by_course: dict[int, list[str]], answered: str) -> Iterator[tuple[int, list[Seen]]]:
    """(course id, its `Seen` rows) for each course of `iris_by_course`, in its order (PostgreSQL).

    One pass over the statements (a hash join on the courses' IRIs) groups them per course, learner,
    IRI and verb into a scratch table, read back one course at a time: Python holds one course's
    groups, never a statement. The first answer is the earliest by timestamp, then stored, then id."""
    t = evidence_tables()
    trust_joins, trusted = evidence_trust(t)
    base = settings.RELAIS_BASE_URL.rstrip("/")
    prefixes = [f"account:{base}|", f"account:{base}/|"]  # a homePage with or without its final slash
    params = {
        **evidence_enums(),
        "home": base,
        "own_authorities": list(OWN_AUTHORITY_NAMES),
        "clients_home": clients_home(),
        "sources_home": sources_home(),
        "prefix_1": prefixes[0],
        "prefix_2": prefixes[1],
        "uuid_pattern": UUID_PATTERN,
        "answered": answered,
    }
    name = "lower(CASE WHEN left(st.actor_key, {n1}) = %(prefix_1)s THEN substr(st.actor_key, {s1})"
    name += " WHEN left(st.actor_key, {n2}) = %(prefix_2)s THEN substr(st.actor_key, {s2}) END)"
    name = name.format(n1=len(prefixes[0]), s1=len(prefixes[0]) + 1, n2=len(prefixes[1]), s2=len(prefixes[1]) + 1)
    sql = f"""
        CREATE TEMPORARY TABLE {SEEN} AS
        SELECT i.course_id, u.id AS user_id, st.verb_id, st.object_activity_id AS iri,
               MIN(st.timestamp) AS first_at,
               array_agg(DISTINCT st.payload #>> '{{result,duration}}')
                   FILTER (WHERE jsonb_typeof(st.payload #> '{{result,duration}}') = 'string') AS durations,
               (array_agg(st.payload -> 'result' ORDER BY st.timestamp, st.stored, st.id)
                   FILTER (WHERE st.verb_id = %(answered)s))[1] AS first_result
        FROM {t["statement"]} st
        JOIN {IRIS} i ON i.iri = st.object_activity_id
        CROSS JOIN LATERAL (SELECT {name} AS uuid) n
        -- The account name compared with the user's UUID as `str(uuid)` writes it, through the index.
        JOIN {_t(get_user_model())} u ON u.xapi_uuid = (CASE WHEN n.uuid ~ %(uuid_pattern)s THEN n.uuid END)::uuid
        {trust_joins}
        WHERE NOT st.voided AND NOT st.is_voiding AND {trusted}
        GROUP BY i.course_id, u.id, st.verb_id, st.object_activity_id"""  # noqa: S608
    owner = {iri: course for course, iris in iris_by_course.items() for iri in iris}
    with connection.cursor() as cursor:
        _scratch(cursor, IRIS, "iri varchar, course_id bigint", sorted(owner.items()))
        cursor.execute(f"ANALYZE {IRIS}")
        cursor.execute(f"DROP TABLE IF EXISTS {SEEN}")
        cursor.execute(sql, params)
        cursor.execute(f"CREATE INDEX ON {SEEN} (course_id)")
        cursor.execute(f"ANALYZE {SEEN}")
        for course in iris_by_course:
            cursor.execute(
                f"SELECT user_id, verb_id, iri, first_at, durations, first_result FROM {SEEN} WHERE course_id = %s",  # noqa: S608
                [course],
            )
            yield (
                course,
                [
                    Seen(user, verb, iri, at, frozenset(durations or ()), _json(result))
                    for user, verb, iri, at, durations, result in cursor.fetchall()
                ],
            )
        cursor.execute(f"DROP TABLE {SEEN}")
        cursor.execute(f"DROP TABLE {IRIS}")


def _json(value) -> dict | None:
    """A jsonb value as read (text or already loaded): None stays None, anything but an object is {}."""
    if value is None:
        return None
    if isinstance(value, str):
        value = json.loads(value)
    return value if isinstance(value, dict) else {}
