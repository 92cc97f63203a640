"""Fast inserts of new statements and their index rows.

On PostgreSQL the rows go through COPY: with Django's default client-side parameter binding,
quoting large JSON payloads in an INSERT costs more than the database's own work, and COPY
leaves the escaping to psycopg's C code. Elsewhere (SQLite) plain ``bulk_create``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.db import connection
from psycopg.types.json import Jsonb

from xapi.json_codec import dumps
from xapi.models import Statement, StatementActivity, StatementAgent

_STATEMENT_COLUMNS = (
    "id", "stored", "timestamp", "actor_key", "verb_id", "object_activity_id", "object_statement_id",
    "registration", "voided", "is_voiding", "authority", "payload",
)  # fmt: skip


class _Json:
    """A value psycopg writes with the jsonb dumper (through ``dumps``: orjson's bytes, no re-encoding)."""

    def __init__(self):
        self.wrap = Jsonb

    def __call__(self, value):
        return self.wrap(value, dumps=dumps)


def _copy(table: str, columns: Iterable[str], rows: Iterable[tuple] = (), *, text: str = "") -> None:
    """COPY ``rows`` (tuples psycopg adapts), or ``text`` already in COPY's text format."""
    quoted = ", ".join(connection.ops.quote_name(column) for column in columns)
    sql = f"COPY {connection.ops.quote_name(table)} ({quoted}) FROM STDIN"
    # cursor.cursor is the psycopg cursor under Django's wrapper (COPY is not in the DB-API), so
    # wrap_database_errors turns its errors into django.db ones (IntegrityError for a taken id).
    with connection.wrap_database_errors, connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        if text:
            copy.write(text)
        for row in rows:
            copy.write_row(row)


# What COPY's text format escapes in a value.
_COPY_SPECIAL = re.compile(r"[\\\t\n\r]")
_COPY_ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _index_copy_text(rows: Iterable[tuple]) -> str:
    """(statement_id, stored, key, relation) rows as COPY text lines.

    Index rows are most of what a batch writes (seven per statement in a typical one), and
    psycopg's write_row adapts each value in Python; these lines cost a fraction of that. A
    statement's rows follow each other, so its id and time are formatted once.
    """
    lines = []
    last_id = last_stored = None
    id_text = stored_text = ""
    for statement_id, stored, key, relation in rows:
        if statement_id is not last_id:
            last_id, id_text = statement_id, str(statement_id)
        if stored is not last_stored:
            last_stored, stored_text = stored, stored.isoformat()
        if _COPY_SPECIAL.search(key):
            key = _COPY_SPECIAL.sub(lambda match: _COPY_ESCAPES[match[0]], key)
        lines.append(f"{id_text}\t{stored_text}\t{key}\t{relation}\n")
    return "".join(lines)


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
    columns = ("statement_id", "stored", "agent_key", "relation")
    _copy(StatementAgent._meta.db_table, columns, text=_index_copy_text(rows))


def activity_rows_insert(rows: list[tuple]) -> None:
    """Rows of (statement_id, stored, activity_id, relation)."""
    if connection.vendor != "postgresql":
        StatementActivity.objects.bulk_create(
            StatementActivity(statement_id=row[0], stored=row[1], activity_id=row[2], relation=row[3]) for row in rows
        )
        return
    columns = ("statement_id", "stored", "activity_id", "relation")
    _copy(StatementActivity._meta.db_table, columns, text=_index_copy_text(rows))
