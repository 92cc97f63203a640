"""The maps' raw SQL, all of it: the set-based statements that rebuild the derived aggregates
(`aggregates_rebuild`, `school_rows_rebuild`, `rollups_rebuild`, called by `stats.stats_refresh`) and
the refresh queue's (`stats_queue`).

Table names come from the models; every value is a parameter: ids through `{f:column}` /
`{d:column}` (an `IN (…)` list of placeholders) and enum values through `{v:name}` (`_values`, read
from the models' choices), so that renaming a choice changes the SQL with it.
"""

import re
from collections.abc import Iterable

from django.db import connection
from django.db.models import QuerySet

from ambassadors.models import AmbassadorPolicy, AmbassadorProposal
from evidence.models import CompetencyState, CompletedModule, Evidence, LevelChange
from frameworks.models import Competency as CompetencyModel
from lms.models import Departement, Membership, School

from .models import (
    COVERAGE_STATUSES,
    LEVEL_COLUMNS,
    MAX_STAT_LEVEL,
    DepartementActivityMonth,
    DepartementCompetencyStat,
    DepartementDomainMonth,
    DepartementStat,
    SchoolActivityMonth,
    SchoolCompetencyStat,
    SchoolDomainMonth,
    SchoolStat,
    StatsPending,
)

CHUNK = 900  # ids per IN (…) list: under SQLite's oldest variable limit


def _t(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _month(column: str) -> str:
    """SQL for the first day (UTC) of the month of a datetime column."""
    if connection.vendor == "postgresql":
        return f"CAST(date_trunc('month', {column} AT TIME ZONE 'UTC') AS date)"
    return f"strftime('%%Y-%%m-01', {column})"


def _in(column: str, ids: list | None) -> tuple[str, list]:
    if ids is None:
        return "1 = 1", []
    return f"{column} IN ({', '.join(['%s'] * len(ids))})", list(ids)


def _school_statements() -> list[tuple]:
    """(table, SQL with {f} / {f2} school filters) rebuilding the per-school tables."""
    school, dep, membership = _t(School), _t(Departement), _t(Membership)
    proposal, policy = _t(AmbassadorProposal), _t(AmbassadorPolicy)
    levels = ", ".join(f"SUM(CASE WHEN cs.level = {i} THEN 1 ELSE 0 END)" for i in range(1, MAX_STAT_LEVEL + 1))
    return [
        (
            SchoolStat,
            f"""
            INSERT INTO {_t(SchoolStat)} (school_id, departement_id, kind, sector, teachers, confirmed, pending,
                coverage)
            SELECT s.id, s.departement_id, s.kind, s.sector, COALESCE(t.n, 0), COALESCE(p.confirmed, 0),
              COALESCE(p.pending, 0),
              CASE WHEN COALESCE(p.confirmed, 0) > 0 THEN {{v:covered}}
                   WHEN s.kind = {{v:ecole}} AND s.circonscription_code <> ''
                        AND COALESCE(pol.ecoles_by_circonscription, {{v:ecoles_by_circonscription}})
                        AND c.code IS NOT NULL THEN {{v:circonscription}}
                   WHEN COALESCE(p.pending, 0) > 0 THEN {{v:pending}}
                   ELSE {{v:uncovered}} END
            FROM {school} s
            JOIN {dep} d ON d.id = s.departement_id
            LEFT JOIN {policy} pol ON pol.academie_id = d.academie_id
            LEFT JOIN (SELECT school_id, COUNT(*) AS n FROM {membership}
                       WHERE role = {{v:teacher}} AND {{f:school_id}} GROUP BY school_id) t ON t.school_id = s.id
            LEFT JOIN (SELECT school_id,
                              SUM(CASE WHEN status = {{v:confirmed}} THEN 1 ELSE 0 END) AS confirmed,
                              SUM(CASE WHEN status = {{v:proposed}} THEN 1 ELSE 0 END) AS pending
                       FROM {proposal} WHERE {{f:school_id}} GROUP BY school_id) p ON p.school_id = s.id
            LEFT JOIN (SELECT DISTINCT s2.circonscription_code AS code FROM {proposal} p2
                       JOIN {school} s2 ON s2.id = p2.school_id
                       WHERE p2.status = {{v:confirmed}} AND s2.kind = {{v:ecole}} AND s2.circonscription_code <> '') c
                   ON c.code = s.circonscription_code
            WHERE {{f:s.id}}
            """,  # noqa: S608 (table names from the models, values as parameters)
        ),
        (
            SchoolCompetencyStat,
            f"""
            INSERT INTO {_t(SchoolCompetencyStat)} (school_id, competency_id, level_sum, {", ".join(LEVEL_COLUMNS)})
            SELECT m.school_id, cs.competency_id, SUM(cs.level), {levels}
            FROM {membership} m JOIN {_t(CompetencyState)} cs ON cs.user_id = m.user_id
            WHERE m.role = {{v:teacher}} AND {{f:m.school_id}}
            GROUP BY m.school_id, cs.competency_id
            """,  # noqa: S608 (table names from the models, values as parameters)
        ),
        (
            SchoolDomainMonth,
            f"""
            INSERT INTO {_t(SchoolDomainMonth)} (school_id, domain_id, month, delta)
            SELECT m.school_id, c.domain_id, {_month("lc.changed_at")}, SUM(lc.level - lc.previous)
            FROM {membership} m
            JOIN {_t(LevelChange)} lc ON lc.user_id = m.user_id
            JOIN {_t(CompetencyModel)} c ON c.id = lc.competency_id
            WHERE m.role = {{v:teacher}} AND {{f:m.school_id}}
            GROUP BY 1, 2, 3
            """,  # noqa: S608 (table names from the models, values as parameters)
        ),
        (
            SchoolActivityMonth,
            f"""
            INSERT INTO {_t(SchoolActivityMonth)} (school_id, month, completions, attendances, teachers)
            SELECT school_id, month,
                   COUNT(DISTINCT CASE WHEN src = 'c' THEN sid END),
                   COUNT(DISTINCT CASE WHEN src = 'a' THEN sid END),
                   COUNT(DISTINCT user_id)
            FROM (
              SELECT m.school_id AS school_id, {_month("cm.completed_at")} AS month, cm.user_id AS user_id,
                     'c' AS src, cm.statement_id AS sid
              FROM {membership} m JOIN {_t(CompletedModule)} cm ON cm.user_id = m.user_id
              WHERE m.role = {{v:teacher}} AND {{f:m.school_id}}
              UNION ALL
              SELECT m.school_id, {_month("e.occurred_at")}, e.user_id, 'a', e.statement_id
              FROM {membership} m JOIN {_t(Evidence)} e ON e.user_id = m.user_id
              WHERE m.role = {{v:teacher}} AND e.kind = {{v:attendance}} AND {{f:m.school_id}}
            ) x
            GROUP BY school_id, month
            """,  # noqa: S608 (table names from the models, values as parameters)
        ),
    ]


def _rollup_statements() -> list[tuple]:
    """(table, SQL with {d} département filters) rebuilding the roll-ups from the per-school tables, each
    school's rows in the group `SchoolStat` says they are counted in (its département, kind and sector)."""
    stat = _t(SchoolStat)
    sums = ", ".join(f"SUM(x.{c})" for c in ["level_sum", *LEVEL_COLUMNS])
    counts = ", ".join(f"SUM(CASE WHEN k.coverage = {{v:{c}}} THEN 1 ELSE 0 END)" for c in COVERAGE_STATUSES)
    return [
        (
            DepartementStat,
            f"""
            INSERT INTO {_t(DepartementStat)} (departement_id, kind, sector, schools, teachers,
                {", ".join(COVERAGE_STATUSES)}, proposals_pending)
            SELECT k.departement_id, k.kind, k.sector, COUNT(*), SUM(k.teachers), {counts}, SUM(k.pending)
            FROM {stat} k
            WHERE {{d:k.departement_id}}
            GROUP BY 1, 2, 3
            """,  # noqa: S608 (table names from the models, values as parameters)
        ),
        (
            DepartementCompetencyStat,
            f"""
            INSERT INTO {_t(DepartementCompetencyStat)} (departement_id, kind, sector, competency_id,
                level_sum, {", ".join(LEVEL_COLUMNS)})
            SELECT k.departement_id, k.kind, k.sector, x.competency_id, {sums}
            FROM {stat} k JOIN {_t(SchoolCompetencyStat)} x ON x.school_id = k.school_id
            WHERE {{d:k.departement_id}}
            GROUP BY 1, 2, 3, 4
            """,  # noqa: S608 (table names from the models, values as parameters)
        ),
        (
            DepartementDomainMonth,
            f"""
            INSERT INTO {_t(DepartementDomainMonth)} (departement_id, kind, sector, domain_id, month, delta)
            SELECT k.departement_id, k.kind, k.sector, x.domain_id, x.month, SUM(x.delta)
            FROM {stat} k JOIN {_t(SchoolDomainMonth)} x ON x.school_id = k.school_id
            WHERE {{d:k.departement_id}}
            GROUP BY 1, 2, 3, 4, 5
            """,  # noqa: S608 (table names from the models, values as parameters)
        ),
        (
            DepartementActivityMonth,
            f"""
            INSERT INTO {_t(DepartementActivityMonth)} (departement_id, kind, sector, month,
                completions, attendances, teachers)
            SELECT k.departement_id, k.kind, k.sector, x.month, SUM(x.completions), SUM(x.attendances),
                   SUM(x.teachers)
            FROM {stat} k JOIN {_t(SchoolActivityMonth)} x ON x.school_id = k.school_id
            WHERE {{d:k.departement_id}}
            GROUP BY 1, 2, 3, 4
            """,  # noqa: S608 (table names from the models, values as parameters)
        ),
    ]


NATIONAL = {
    # roll-up → (keys besides kind and sector, summed columns)
    DepartementStat: ([], ["schools", "teachers", *COVERAGE_STATUSES, "proposals_pending"]),
    DepartementCompetencyStat: (["competency_id"], ["level_sum", *LEVEL_COLUMNS]),
    DepartementDomainMonth: (["domain_id", "month"], ["delta"]),
    DepartementActivityMonth: (["month"], ["completions", "attendances", "teachers"]),
}


def _national_statements() -> list[tuple]:
    """(table, SQL) rebuilding the national rows (département NULL) from the départements' rows."""
    statements = []
    for model, (keys, values) in NATIONAL.items():
        table = _t(model)
        group = ", ".join(["kind", "sector", *keys])
        sums = ", ".join(f"SUM({v})" for v in values)
        statements.append(
            (
                model,
                f"INSERT INTO {table} (departement_id, {group}, {', '.join(values)})"  # noqa: S608
                f" SELECT CAST(NULL AS integer), {group}, {sums} FROM {table}"
                f" WHERE departement_id IS NOT NULL GROUP BY {group}",
            )
        )
    return statements


def _values() -> dict:
    """The enum values the statements compare with, passed as parameters (`{v:name}`): renaming a
    choice changes the SQL with it."""
    return {
        "teacher": Membership.Role.TEACHER.value,
        "ecole": School.Kind.ECOLE.value,
        "confirmed": AmbassadorProposal.Status.CONFIRMED.value,
        "proposed": AmbassadorProposal.Status.PROPOSED.value,
        "attendance": Evidence.Kind.ATTENDANCE.value,
        "ecoles_by_circonscription": AmbassadorPolicy._meta.get_field("ecoles_by_circonscription").default,
        **{status: status for status in COVERAGE_STATUSES},
    }


def _fill(template: str, key: str, ids: list | None) -> tuple[str, list]:
    """Replace every {key:column} of `template` with `column IN (ids)` and every {v:name} with a
    placeholder of the value `name` (`_values`); returns the SQL and its params, in the text's order."""
    params: list = []
    values = _values()

    def repl(match):
        if match.group(1) == "v":
            params.append(values[match.group(2)])
            return "%s"
        clause, ids_params = _in(match.group(2), ids)
        params.extend(ids_params)
        return clause

    sql = re.sub(r"\{(" + key + r"|v):([a-z_.0-9]+)\}", repl, template)
    return sql, params


def chunks(ids: list | None) -> Iterable[list | None]:
    if ids is None:
        yield None
        return
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def school_rows_rebuild(*, school_ids: list[int] | None, coverage_ids: list[int] | None = None) -> None:
    """Delete and rebuild the per-school rows of `school_ids` (None: every school); `SchoolStat` of
    `coverage_ids` (default: the same schools)."""
    coverage_ids = school_ids if coverage_ids is None else coverage_ids
    with connection.cursor() as cursor:
        for model, template in _school_statements():
            for chunk in chunks(coverage_ids if model is SchoolStat else school_ids):
                where, params = _in("school_id", chunk)
                cursor.execute(f"DELETE FROM {_t(model)} WHERE {where}", params)  # noqa: S608
                sql, params = _fill(template, "f", chunk)
                cursor.execute(sql, params)


def rollups_rebuild(*, departement_ids: list[int] | None) -> None:
    """Delete and rebuild the roll-ups of `departement_ids` (None: all of them), then the national rows."""
    with connection.cursor() as cursor:
        for model, template in _rollup_statements():
            for chunk in chunks(departement_ids):
                where, params = _in("departement_id", chunk)
                cursor.execute(f"DELETE FROM {_t(model)} WHERE {where}", params)  # noqa: S608
                sql, params = _fill(template, "d", chunk)
                cursor.execute(sql, params)
        for model, sql in _national_statements():
            cursor.execute(f"DELETE FROM {_t(model)} WHERE departement_id IS NULL")  # noqa: S608
            cursor.execute(sql)


def aggregates_rebuild() -> None:
    """Delete and rebuild every per-school row, roll-up and national row."""
    school_rows_rebuild(school_ids=None)
    rollups_rebuild(departement_ids=None)


def refresh_lock(lock_key: int) -> None:
    """One refresh at a time (PostgreSQL): wait for the lock, held until the caller's transaction ends.
    A session that holds it already (`pending_take`) takes it again at once."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [lock_key])


def pending_mark_for_users(user_ids: list[int], now) -> None:
    """Mark the schools of these teachers, in one statement."""
    quote = connection.ops.quote_name
    placeholders = ", ".join(["%s"] * len(user_ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO {quote(StatsPending._meta.db_table)} (school_id, marked_at)
                SELECT DISTINCT school_id, %s FROM {quote(Membership._meta.db_table)} WHERE user_id IN ({placeholders})
                ON CONFLICT (school_id) DO UPDATE SET marked_at = excluded.marked_at""",  # noqa: S608
            [now, *user_ids],
        )


def pending_take(lock_key: int) -> set[int] | None:
    """Delete every mark and return their schools, inside the caller's transaction; None when
    another refresh holds the lock (PostgreSQL)."""
    table = connection.ops.quote_name(StatsPending._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [lock_key])
            if not cursor.fetchone()[0]:
                return None
        cursor.execute(f"DELETE FROM {table} RETURNING school_id")  # noqa: S608
        return {row[0] for row in cursor.fetchall()}


def school_and_zone_sums(queryset: QuerySet, aliases: list[str]) -> list[tuple]:
    """One scan of per-school competency rows (`queryset`, with `school_id`, `competency_id`,
    `level_sum`, `evaluated` and the zone columns `aliases`), grouped both per school and per zone ×
    competency (PostgreSQL GROUPING SETS). Rows: (is_school_row, school_id, competency_id, level_sum,
    evaluated, *zone values)."""
    inner, params = queryset.query.sql_with_params()
    keys = ", ".join(f"x.{alias}" for alias in aliases)
    statement = (
        f"SELECT GROUPING(x.school_id), x.school_id, x.competency_id, SUM(x.level_sum), SUM(x.evaluated),"  # noqa: S608
        f" {keys} FROM ({inner}) x GROUP BY GROUPING SETS ((x.school_id), ({keys}, x.competency_id))"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall()
