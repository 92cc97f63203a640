"""The one read of the candidates (issue #20: the incremental path's cost is its round trips).

For a few schools, their consenting teachers with their completed modules and their CRCN Édu levels,
in one statement that PostgreSQL and SQLite both run; plus, on a row of its own, the fingerprint of
the CRCN Édu competencies (`services.framework_competencies` keeps them in memory while it holds).
"""

from datetime import UTC

from django.db import connection
from django.utils.dateparse import parse_datetime

from evidence.models import CompetencyState, CompletedModule
from frameworks.models import Competency, Domain, Framework
from lms.models import Membership

from .models import AmbassadorConsent


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def competencies_fingerprint_sql() -> str:
    """An expression: every (id, code, domain code) of the framework `%(framework)s`'s competencies, in
    one string (some ten characters a competency). Equal strings: the same competencies in the same domains.

    Ordered by the subquery (PostgreSQL's string_agg and SQLite's group_concat take the rows in the
    order it gives); another order would only make the caller read the competencies again, never
    keep stale ones."""
    aggregate = "string_agg" if connection.vendor == "postgresql" else "group_concat"
    return f"""(SELECT coalesce({aggregate}(item, ','), '') FROM (
            SELECT CAST(c.id AS VARCHAR(20)) || ':' || c.code || ':' || d.code AS item
            FROM {_table(Competency)} c
            JOIN {_table(Framework)} f ON f.id = c.framework_id JOIN {_table(Domain)} d ON d.id = c.domain_id
            WHERE f.slug = %(framework)s ORDER BY c.id) ordered)"""  # noqa: S608


def _datetime(value):
    """SQLite gives a raw query's datetimes naive (UTC), as text or parsed by its column's type."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is not None and value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value


def candidates_rows(school_ids: list[int], *, framework: str) -> tuple[list[tuple], str | None]:
    """(rows, fingerprint): a row (school id, user id, modules, competency id, level, evidence_at) for each
    level on `framework` of each consenting teacher of `school_ids` (competency id None when they
    have none), modules being how many distinct modules they completed; the fingerprint of the
    framework's competencies (`competencies_fingerprint_sql`)."""
    if not school_ids:
        return [], None
    placeholders = ", ".join(f"%(school_{i})s" for i in range(len(school_ids)))
    sql = f"""
        WITH members AS (
            SELECT m.school_id, m.user_id FROM {_table(Membership)} m
            JOIN {_table(AmbassadorConsent)} a ON a.user_id = m.user_id
            WHERE m.school_id IN ({placeholders}) AND m.role = %(role)s AND a.consented = %(consented)s
        ), modules AS (
            SELECT cm.user_id, count(DISTINCT cm.activity_id) AS n FROM {_table(CompletedModule)} cm
            WHERE cm.user_id IN (SELECT user_id FROM members) GROUP BY cm.user_id
        ), levels AS (
            SELECT s.user_id, s.competency_id, s.level, s.evidence_at FROM {_table(CompetencyState)} s
            JOIN {_table(Competency)} c ON c.id = s.competency_id
            JOIN {_table(Framework)} f ON f.id = c.framework_id
            WHERE f.slug = %(framework)s AND s.user_id IN (SELECT user_id FROM members)
        )
        SELECT mb.school_id, mb.user_id, coalesce(mo.n, 0), lv.competency_id, lv.level, lv.evidence_at, NULL
        FROM members mb
        LEFT JOIN modules mo ON mo.user_id = mb.user_id
        LEFT JOIN levels lv ON lv.user_id = mb.user_id
        UNION ALL
        SELECT NULL, NULL, NULL, NULL, NULL, NULL, {competencies_fingerprint_sql()}"""  # noqa: S608
    params = {
        **{f"school_{i}": pk for i, pk in enumerate(school_ids)},
        "role": Membership.Role.TEACHER.value,
        "consented": True,
        "framework": framework,
    }
    rows, fingerprint = [], None
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for school_id, user_id, modules, competency_id, level, evidence_at, found in cursor.fetchall():
            if school_id is None:
                fingerprint = found
            else:
                rows.append((school_id, user_id, modules, competency_id, level, _datetime(evidence_at)))
    return rows, fingerprint
