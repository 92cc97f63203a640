"""Fast inserts of new statements and their index rows.

On PostgreSQL the rows go through COPY: with Django's default client-side parameter binding,
quoting large JSON payloads in an INSERT costs more than the database's own work, and COPY
leaves the escaping to psycopg's C code. Elsewhere (SQLite) plain ``bulk_create``.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection

from xapi.json_codec import dumps
from xapi.models import Statement, StatementActivity, StatementAgent

_STATEMENT_COLUMNS = (
    "id", "stored", "timestamp", "actor_key", "verb_id", "object_activity_id", "object_statement_id",
    "registration", "voided", "is_voiding", "authority", "payload", "content_hash",
)  # fmt: skip


class _Json:
    """A value psycopg writes with the jsonb dumper (through ``dumps``: orjson's bytes, no re-encoding)."""

    def __init__(self):
        from psycopg.types.json import Jsonb

        self.wrap = Jsonb

    def __call__(self, value):
        return self.wrap(value, dumps=dumps)


def _copy(table: str, columns: Iterable[str], rows: Iterable[tuple]) -> None:
    quoted = ", ".join(connection.ops.quote_name(column) for column in columns)
    sql = f"COPY {connection.ops.quote_name(table)} ({quoted}) FROM STDIN"
    # cursor.cursor is the psycopg cursor under Django's wrapper (COPY is not in the DB-API), so
    # wrap_database_errors turns its errors into django.db ones (IntegrityError for a taken id).
    with connection.wrap_database_errors, connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)


def statements_insert(statements: list[Statement]) -> None:
    if connection.vendor != "postgresql":
        Statement.objects.bulk_create(statements)
        return
    as_json = _Json()
    # A batch shares one authority dict: serialise it once.
    authorities: dict[int, str] = {}

    def authority_json(value) -> str:
        text = authorities.get(id(value))
        if text is None:
            text = authorities[id(value)] = dumps(value).decode()
        return text

    _copy(
        Statement._meta.db_table,
        _STATEMENT_COLUMNS,
        (
            (
                s.id,
                s.stored,
                s.timestamp,
                s.actor_key,
                s.verb_id,
                s.object_activity_id,
                s.object_statement_id,
                s.registration,
                s.voided,
                s.is_voiding,
                authority_json(s.authority),
                as_json(s.payload),
                s.content_hash,
            )
            for s in statements
        ),
    )


def agent_rows_insert(rows: list[tuple]) -> None:
    """Rows of (statement_id, stored, agent_key, relation)."""
    if connection.vendor != "postgresql":
        StatementAgent.objects.bulk_create(
            StatementAgent(statement_id=row[0], stored=row[1], agent_key=row[2], relation=row[3]) for row in rows
        )
        return
    _copy(StatementAgent._meta.db_table, ("statement_id", "stored", "agent_key", "relation"), rows)


def activity_rows_insert(rows: list[tuple]) -> None:
    """Rows of (statement_id, stored, activity_id, relation)."""
    if connection.vendor != "postgresql":
        StatementActivity.objects.bulk_create(
            StatementActivity(statement_id=row[0], stored=row[1], activity_id=row[2], relation=row[3]) for row in rows
        )
        return
    _copy(StatementActivity._meta.db_table, ("statement_id", "stored", "activity_id", "relation"), rows)
