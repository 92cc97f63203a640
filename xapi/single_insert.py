"""One new statement and its index rows in one SQL statement, on PostgreSQL.

A single-statement POST is what cmi5 content and browsers send. Through the batch path (a look-up
of stored voiding statements, then a COPY per table: two round trips each) it cost seven round
trips to the database; here it is one. Whether a stored voiding statement already targets the new
one is asked inside the INSERT, and the id's primary key still refuses an id already stored
(IntegrityError), which sends the store down its look-up path: same statement again, or conflict.

One SQL statement is atomic by itself: outside a caller's transaction it runs in autocommit, with
no BEGIN and no COMMIT (two round trips fewer). The outbox rows of the forwarding targets are part
of it (``xapi.forwarding.hook.SingleInsertPart``), with a guard: when it is false as the statement
runs, nothing is written and the caller asks again.
"""

from __future__ import annotations

from django.db import connection

from xapi.forwarding.hook import SingleInsertPart
from xapi.json_codec import dumps
from xapi.models import Statement, StatementActivity, StatementAgent


def _sql(part: SingleInsertPart) -> str:
    quote = connection.ops.quote_name
    statements = quote(Statement._meta.db_table)
    agents = quote(StatementAgent._meta.db_table)
    activities = quote(StatementActivity._meta.db_table)
    # The voiding look-up is written as the batch path's (_voided_by_stored) so that it uses the
    # partial index on object_statement_id.
    return f"""
        WITH new AS (
            INSERT INTO {statements} (id, stored, timestamp, actor_key, verb_id, object_activity_id,
                object_statement_id, registration, voided, is_voiding, authority, payload)
            SELECT %(id)s, %(stored)s, %(timestamp)s, %(actor_key)s, %(verb_id)s, %(object_activity_id)s,
                %(object_statement_id)s, %(registration)s,
                EXISTS (SELECT 1 FROM {statements} WHERE is_voiding AND object_statement_id IS NOT NULL
                        AND object_statement_id = %(id)s),
                false, %(authority)s::jsonb, %(payload)s::jsonb
            WHERE {part.guard}
            RETURNING voided
        ), agent_rows AS (
            INSERT INTO {agents} (statement_id, stored, agent_key, relation)
            SELECT %(id)s, %(stored)s, key, relation
            FROM unnest(%(agent_keys)s::text[], %(agent_relations)s::text[]) AS row (key, relation)
            WHERE EXISTS (SELECT 1 FROM new)
        ), activity_rows AS (
            INSERT INTO {activities} (statement_id, stored, activity_id, relation)
            SELECT %(id)s, %(stored)s, key, relation
            FROM unnest(%(activity_ids)s::text[], %(activity_relations)s::text[]) AS row (key, relation)
            WHERE EXISTS (SELECT 1 FROM new)
        ){part.cte}
        SELECT voided FROM new
    """  # noqa: S608 (table names from the models, values as parameters)


# The SQL text per (guard, cte): a handful of distinct texts, each built once.
_SQL: dict[tuple[str, str], str] = {}


def statement_insert_one(
    statement: Statement, agents: list[tuple[str, str]], activities: list[tuple[str, str]], *, part: SingleInsertPart
) -> bool:
    """Insert a new, non-voiding ``statement`` with its (key, relation) index rows and ``part``; set
    its ``voided``. False when ``part``'s guard was false: nothing was written.

    Raises IntegrityError when the id is stored already. PostgreSQL only.
    """
    key = (part.guard, part.cte)
    sql = _SQL.get(key)
    if sql is None:
        sql = _SQL[key] = _sql(part)
    s = statement
    params = {
        "id": s.id,
        "stored": s.stored,
        "timestamp": s.timestamp,
        "actor_key": s.actor_key,
        "verb_id": s.verb_id,
        "object_activity_id": s.object_activity_id,
        "object_statement_id": s.object_statement_id,
        "registration": s.registration,
        "authority": dumps(s.authority).decode(),
        "payload": dumps(s.payload).decode(),
        "agent_keys": [key for key, _relation in agents],
        "agent_relations": [str(relation) for _key, relation in agents],
        "activity_ids": [key for key, _relation in activities],
        "activity_relations": [str(relation) for _key, relation in activities],
        **part.params,
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return False
    s.voided = row[0]
    return True
