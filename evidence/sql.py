"""The rules of `evidence.py` and `levels.py` written in SQL, for PostgreSQL.

On PostgreSQL the database derives evidence from the stored JSON itself and computes levels in a
few set statements: the full rebuild reads five million statements without sending one payload to
Python, and the incremental path turns a new statement into evidence and levels in two round trips.
SQLite (the demo) runs the Python rules. Tests hold the two equal on statements of every shape
(`tests/evidence/test_evidence_sql.py`, `test_levels_set_based.py`, the rebuild tests), and CI
runs them on PostgreSQL.
"""

from datetime import date, datetime

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection

from frameworks.alignment import base_iri, level_extension
from frameworks.models import Competency, Framework
from xapi.models import Client, Statement
from xapi.trust import clients_home, sources_home

from .derive import COMPLETED, MODULE_TYPE, VERB_KINDS
from .levels import AGE_STEP_DAYS, CERTIFIED_VALID_DAYS, HALF_LIFE_STEPS, KIND_WEIGHTS, THRESHOLD
from .models import CompetencyState, CompletedModule, Evidence, LevelChange
from .trust import OWN_AUTHORITY_NAMES, sources_installed


def sql_tables() -> dict[str, str]:
    quote = connection.ops.quote_name
    models = {
        "statement": Statement,
        "user": get_user_model(),
        "evidence": Evidence,
        "module": CompletedModule,
        "competency": Competency,
        "framework": Framework,
        "state": CompetencyState,
        "change": LevelChange,
        "client": Client,
    }
    if sources_installed():
        # Optional app (`sources_installed`): by name, its module may not be importable.
        models["source"] = apps.get_model("xapi_forwarding", "PullSource")
    return {name: quote(model._meta.db_table) for name, model in models.items()}


def sql_enums() -> dict:
    """The enum values the statements compare with, as parameters (renaming a choice changes the SQL)."""
    return {
        **{f"kind_{kind.value}": kind.value for kind in Evidence.Kind},
        "trust_any": Client.Evidence.ANY.value,
        "trust_bound": Client.Evidence.BOUND.value,
    }


def _params(statement_ids: list[str] | None) -> dict:
    base = base_iri()
    return {
        **sql_enums(),
        "home": settings.RELAIS_BASE_URL,
        "verbs": list(VERB_KINDS),
        "kinds": [str(kind) for kind in VERB_KINDS.values()],
        "extension": level_extension(),
        "level_base": base + "/",
        "certification": base + "/certifications/",
        "completed": COMPLETED,
        "module_type": MODULE_TYPE,
        "ids": statement_ids,
        "own_authorities": list(OWN_AUTHORITY_NAMES),
        "clients_home": clients_home(),
        "sources_home": sources_home(),
    }


def trust_sql(t: dict[str, str], *, alias: str = "st", actor_key: str = "st.actor_key") -> tuple[str, str]:
    """`trust.Trust.trusts` in SQL: (joins, condition) on the statement row `alias`, whose writer must
    be trusted for the actor whose key is `actor_key`.

    The writer's policy is read by a left join on the client key (unique index) or the source
    name (unique index) taken from the authority: one index probe per statement on the incremental
    path, a hash join in the full rebuild, never a per-row subquery.
    """
    account = f"{alias}.authority #>> '{{account,name}}'"
    home = f"rtrim({alias}.authority #>> '{{account,homePage}}', '/')"
    joins = f"""
        LEFT JOIN {t["client"]} {alias}_c ON {home} = %(clients_home)s AND {alias}_c.key = {account}"""
    condition = f"""({home} = %(home)s AND {account} = ANY(%(own_authorities)s)
              OR {alias}_c.evidence = %(trust_any)s
              OR ({alias}_c.evidence = %(trust_bound)s AND {alias}_c.bound_actor_key <> ''
                  AND {alias}_c.bound_actor_key = {actor_key})"""
    if "source" in t:
        joins += f"""
        LEFT JOIN {t["source"]} {alias}_s ON {home} = %(sources_home)s AND {alias}_s.name = {account}
            AND {alias}_s.evidence = %(trust_any)s"""
        condition += f"""
              OR {alias}_s.id IS NOT NULL"""
    return joins, condition + ")"


def _not_voided_by_trusted(t: dict[str, str]) -> str:
    """`st` is not voided, or only by writers not trusted for its actor (`trust.voided_by_trusted`).

    The subquery runs for voided statements only (the OR stops at NOT st.voided), through the
    partial index on object_statement_id."""
    joins, trusted = trust_sql(t, alias="v", actor_key="st.actor_key")
    return f"""(NOT st.voided OR NOT EXISTS (
            SELECT 1 FROM {t["statement"]} v {joins}
            WHERE v.is_voiding AND v.object_statement_id = st.id AND {trusted}))"""  # noqa: S608


def _source(t: dict[str, str], *, by_id: bool) -> str:
    """The statements that may give evidence or a completed module, with their teacher: a CTE body.

    Only statements whose writer is trusted for them (`trust.py`)."""
    where_ids = "AND st.id = ANY(%(ids)s::uuid[])" if by_id else ""
    trust_joins, trusted = trust_sql(t)
    return f"""
        SELECT st.id, st.timestamp, st.verb_id, st.payload, u.id AS user_id
        FROM {t["statement"]} st
        CROSS JOIN LATERAL (SELECT lower(replace(btrim(replace(replace(
            st.payload #>> '{{actor,account,name}}', 'urn:', ''), 'uuid:', ''), '{{}}'), '-', '')) AS hex) n
        -- The account name read as a UUID as evidence.uuid_text reads it, compared through the index.
        JOIN {t["user"]} u ON u.xapi_uuid = (CASE WHEN n.hex ~ '^[0-9a-f]{{32}}$' THEN n.hex END)::uuid
        {trust_joins}
        WHERE {_not_voided_by_trusted(t)} AND st.verb_id = ANY(%(verbs)s) {where_ids}
          AND rtrim(st.payload #>> '{{actor,account,homePage}}', '/') = %(home)s
          AND {trusted}"""  # noqa: S608


def _elements(array: str) -> str:
    """The elements of a JSON array expression; none when it is missing or not an array."""
    return f"jsonb_array_elements(CASE WHEN jsonb_typeof({array}) = 'array' THEN {array} ELSE '[]' END)"


def _evidence_select(t: dict[str, str]) -> str:
    """Evidence rows (statement_id, user_id, competency_id, level, kind, occurred_at, activity_id) from `src`."""
    return f"""
        SELECT a.id, a.user_id, c.id, a.level, a.kind, a.timestamp, a.activity_id
        FROM (
            SELECT s.id, s.user_id, s.timestamp, s.payload, m[1] AS slug, m[2]::smallint AS level,
                   left(coalesce(s.payload #>> '{{object,id}}', ''), 500) AS activity_id,
                   CASE
                     WHEN EXISTS (
                       SELECT 1 FROM {_elements("s.payload #> '{context,contextActivities,category}'")} cat
                       WHERE starts_with(cat ->> 'id', %(certification)s)) THEN %(kind_certified)s
                     WHEN k.kind IN (%(kind_assessment)s, %(kind_completion)s)
                          AND NOT coalesce(s.payload -> 'result' ? 'score', false)
                       THEN CASE WHEN jsonb_typeof(s.payload #> '{{context,instructor}}') = 'object'
                                      AND s.payload #> '{{context,instructor}}' <> '{{}}'::jsonb
                                 THEN %(kind_validated_task)s ELSE %(kind_completion)s END
                     ELSE k.kind
                   END AS kind
            FROM src s
            JOIN unnest(%(verbs)s::text[], %(kinds)s::text[]) k(verb, kind) ON k.verb = s.verb_id
            CROSS JOIN LATERAL regexp_match(
                substr(s.payload -> 'result' -> 'extensions' ->> %(extension)s, length(%(level_base)s) + 1),
                '^([^/]*)/niveaux/([0-9]{{1,2}})$') m
            WHERE starts_with(s.payload -> 'result' -> 'extensions' ->> %(extension)s, %(level_base)s)
              AND s.payload #> '{{result,success}}' IS DISTINCT FROM 'false'::jsonb
        ) a
        CROSS JOIN LATERAL (
            -- A competency named twice in one statement is evidenced once.
            SELECT DISTINCT o ->> 'id' AS iri FROM {_elements("a.payload #> '{context,contextActivities,other}'")} o
        ) o
        JOIN {t["competency"]} c ON c.iri = o.iri
        JOIN {t["framework"]} f ON f.id = c.framework_id AND f.slug = a.slug"""  # noqa: S608


def _module_select() -> str:
    """CompletedModule rows (statement_id, user_id, activity_id, completed_at) from `src`."""
    return """
        SELECT s.id, s.user_id, left(coalesce(s.payload #>> '{object,id}', ''), 500), s.timestamp
        FROM src s
        WHERE s.verb_id = %(completed)s AND s.payload #>> '{object,definition,type}' = %(module_type)s"""


def evidence_insert(statement_ids: list[str]) -> tuple[set[tuple[int, int]], set[int]]:
    """Derive and insert the evidence and completed modules of `statement_ids` in one statement.

    Returns the (user id, competency id) pairs that received evidence and the users who completed
    a module. Rows already there (a task run again) are left as they are.
    """
    t = sql_tables()
    sql = f"""
        WITH src AS ({_source(t, by_id=True)}),
        ev AS (
            INSERT INTO {t["evidence"]} (statement_id, user_id, competency_id, level, kind, occurred_at, activity_id)
            {_evidence_select(t)}
            ON CONFLICT DO NOTHING RETURNING user_id, competency_id
        ),
        md AS (
            INSERT INTO {t["module"]} (statement_id, user_id, activity_id, completed_at)
            {_module_select()}
            ON CONFLICT DO NOTHING RETURNING user_id
        )
        SELECT user_id, competency_id FROM ev UNION ALL SELECT user_id, NULL FROM md"""  # noqa: S608
    pairs: set[tuple[int, int]] = set()
    module_users: set[int] = set()
    with connection.cursor() as cursor:
        cursor.execute(sql, _params(statement_ids))
        for user_id, competency_id in cursor.fetchall():
            if competency_id is None:
                module_users.add(user_id)
            else:
                pairs.add((user_id, competency_id))
    return pairs, module_users


def evidence_insert_all() -> tuple[int, int]:
    """Derive the evidence and completed modules of every stored statement (tables emptied first by
    the caller); (evidence rows, module rows)."""
    t = sql_tables()
    params = _params(None)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""WITH src AS ({_source(t, by_id=False)})
                INSERT INTO {t["evidence"]}
                    (statement_id, user_id, competency_id, level, kind, occurred_at, activity_id)
                {_evidence_select(t)}""",
            params,
        )
        evidence = cursor.rowcount
        cursor.execute(
            f"""WITH src AS ({_source(t, by_id=False)})
                INSERT INTO {t["module"]} (statement_id, user_id, activity_id, completed_at)
                {_module_select()}""",
            params,
        )
        return evidence, cursor.rowcount


# --- levels ---------------------------------------------------------------------------------------


def _levels_select(t: dict[str, str], evidence_source: str) -> str:
    """(user_id, competency_id, level, at) for every pair of `evidence_source` (a table or a CTE of
    evidence rows) that holds a level: `levels.level_from` in SQL.

    Weights are the same whole numbers (C's pow() on both sides, truncated), summed per level, then
    the highest level whose support (that level or above) reaches the threshold.
    """
    kind_weight = " ".join(f"WHEN %(kind_{kind})s THEN {weight}" for kind, weight in KIND_WEIGHTS.items())
    return f"""
        WITH weighted AS (
            SELECT user_id, competency_id, level,
                   floor((CASE kind {kind_weight} ELSE 0 END)::float8 * power(0.5::float8, (
                       greatest(0, (%(as_of)s::date - (occurred_at AT TIME ZONE 'UTC')::date)
                                   - CASE WHEN kind = %(kind_certified)s THEN {CERTIFIED_VALID_DAYS} ELSE 0 END)
                       / {AGE_STEP_DAYS})::float8 / {HALF_LIFE_STEPS}))::bigint AS weight
            FROM {evidence_source} WHERE level > 0
        ), per_level AS (
            SELECT user_id, competency_id, level, sum(weight) AS weight FROM weighted GROUP BY 1, 2, 3
        ), support AS (
            SELECT user_id, competency_id, level,
                   sum(weight) OVER (PARTITION BY user_id, competency_id ORDER BY level DESC) AS support
            FROM per_level
        ), levels AS (
            SELECT user_id, competency_id,
                   coalesce(max(level) FILTER (WHERE support >= {THRESHOLD}), 0) AS level
            FROM support GROUP BY 1, 2
        )
        SELECT l.user_id, l.competency_id, l.level, latest.at
        FROM levels l JOIN (
            SELECT user_id, competency_id, max(occurred_at) AS at FROM {evidence_source} GROUP BY 1, 2
        ) latest USING (user_id, competency_id)
        WHERE l.level > 0"""  # noqa: S608


def levels_recompute_all(*, as_of: date, now: datetime) -> int:
    """Every level from every piece of evidence, in a few set statements; how many levels changed."""
    t = sql_tables()
    params = {**sql_enums(), "as_of": as_of, "now": now}
    with connection.cursor() as cursor:
        # Each computed level with the id of the row it replaces, read before any write: the writes
        # below then never read the table they write (an anti-join on a table being filled can
        # read every row it has inserted, once per row).
        cursor.execute(f"ANALYZE {t['state']}")
        cursor.execute(
            f"""CREATE TEMPORARY TABLE _levels ON COMMIT DROP AS
                SELECT c.*, s.id AS state_id FROM ({_levels_select(t, t["evidence"])}) c
                LEFT JOIN {t["state"]} s ON s.user_id = c.user_id AND s.competency_id = c.competency_id""",  # noqa: S608
            params,
        )
        cursor.execute("CREATE UNIQUE INDEX ON _levels (user_id, competency_id)")
        cursor.execute("ANALYZE _levels")
        cursor.execute(
            f"""
            INSERT INTO {t["change"]} (user_id, competency_id, previous, level, changed_at)
            SELECT coalesce(l.user_id, s.user_id), coalesce(l.competency_id, s.competency_id),
                   coalesce(s.level, 0), coalesce(l.level, 0), %(now)s
            FROM _levels l FULL JOIN {t["state"]} s ON s.user_id = l.user_id AND s.competency_id = l.competency_id
            WHERE coalesce(s.level, 0) <> coalesce(l.level, 0)
            """,  # noqa: S608
            params,
        )
        changed = cursor.rowcount
        cursor.execute(
            f"""DELETE FROM {t["state"]} s WHERE NOT EXISTS (
                SELECT 1 FROM _levels l WHERE l.user_id = s.user_id AND l.competency_id = s.competency_id)"""  # noqa: S608
        )
        cursor.execute(
            f"""
            UPDATE {t["state"]} s SET level = l.level, evidence_at = l.at, updated_at = %(now)s
            FROM _levels l WHERE l.state_id = s.id
              AND (s.level <> l.level OR s.evidence_at IS DISTINCT FROM l.at)
            """,  # noqa: S608
            params,
        )
        cursor.execute(
            f"""
            INSERT INTO {t["state"]} (user_id, competency_id, level, evidence_at, updated_at)
            SELECT l.user_id, l.competency_id, l.level, l.at, %(now)s FROM _levels l WHERE l.state_id IS NULL
            """,  # noqa: S608
            params,
        )
        cursor.execute("DROP TABLE _levels")
    return changed


def levels_update(pairs: set[tuple[int, int]], *, as_of: date, now: datetime) -> list[tuple[int, str, int, int]]:
    """The levels of `pairs` (user id, competency id) brought to their evidence in one statement,
    each change kept in LevelChange; returns (user id, framework slug, previous level, level) of each."""
    if not pairs:
        return []
    t = sql_tables()
    users, competencies = zip(*sorted(pairs), strict=True)
    sql = f"""
        WITH pairs AS (
            SELECT * FROM unnest(%(users)s::bigint[], %(competencies)s::bigint[]) p(user_id, competency_id)
        ), ev AS (
            SELECT e.user_id, e.competency_id, e.level, e.kind, e.occurred_at
            FROM {t["evidence"]} e JOIN pairs p USING (user_id, competency_id)
        ), computed AS ({_levels_select(t, "ev")}),
        diff AS (
            SELECT p.user_id, p.competency_id, s.id, coalesce(s.level, 0) AS previous,
                   coalesce(c.level, 0) AS level, c.at, s.evidence_at
            FROM pairs p
            LEFT JOIN computed c USING (user_id, competency_id)
            LEFT JOIN {t["state"]} s ON s.user_id = p.user_id AND s.competency_id = p.competency_id
        ), history AS (
            INSERT INTO {t["change"]} (user_id, competency_id, previous, level, changed_at)
            SELECT user_id, competency_id, previous, level, %(now)s FROM diff WHERE previous <> level
            RETURNING user_id, competency_id, previous, level
        ), deleted AS (
            DELETE FROM {t["state"]} WHERE id IN (SELECT id FROM diff WHERE level = 0 AND previous <> 0)
        ), updated AS (
            UPDATE {t["state"]} s SET level = d.level, evidence_at = d.at, updated_at = %(now)s
            FROM diff d WHERE s.id = d.id AND d.level > 0
              AND (d.previous <> d.level OR d.evidence_at IS DISTINCT FROM d.at)
        ), created AS (
            INSERT INTO {t["state"]} (user_id, competency_id, level, evidence_at, updated_at)
            SELECT user_id, competency_id, level, at, %(now)s FROM diff WHERE id IS NULL AND level > 0
        )
        SELECT h.user_id, f.slug, h.previous, h.level FROM history h
        JOIN {t["competency"]} c ON c.id = h.competency_id JOIN {t["framework"]} f ON f.id = c.framework_id"""  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(
            sql, {**sql_enums(), "users": list(users), "competencies": list(competencies), "as_of": as_of, "now": now}
        )
        return [tuple(row) for row in cursor.fetchall()]


def derived_tables_lock() -> None:
    """PostgreSQL: lock the derived tables against writers until the transaction ends (reads go on)."""
    tables = ", ".join(
        connection.ops.quote_name(m._meta.db_table) for m in (Evidence, CompletedModule, CompetencyState)
    )
    with connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {tables} IN EXCLUSIVE MODE")
