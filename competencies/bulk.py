"""Set-sized writes for the full rebuild and the daily refresh: COPY on PostgreSQL, ORM elsewhere.

With hundreds of thousands of rows, Django's INSERT with bound parameters and its CASE-based
bulk_update cost far more than the database's own work; COPY (and an UPDATE … FROM a temporary
table filled by COPY) leave it to psycopg's C code.
"""

from collections.abc import Iterable, Sequence

from django.db import connection, models


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def rows_copy(model: type[models.Model], columns: Sequence[str], rows: Iterable[tuple]) -> None:
    """Insert `rows` (tuples in `columns` order, column names as in the table)."""
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def rows_update(model: type[models.Model], columns: Sequence[tuple[str, str]], rows: list[tuple]) -> None:
    """UPDATE by primary key: `columns` are (name, SQL type) after the leading `id`; rows are (id, …)."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    temp = quote(f"_upd_{model._meta.db_table}")
    definitions = ", ".join(f"{quote(name)} {sql_type}" for name, sql_type in columns)
    assignments = ", ".join(f"{quote(name)} = u.{quote(name)}" for name, _ in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE {temp} (id bigint PRIMARY KEY, {definitions}) ON COMMIT DROP")
        names = ", ".join(["id", *(quote(name) for name, _ in columns)])
        with cursor.cursor.copy(f"COPY {temp} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(f"UPDATE {table} t SET {assignments} FROM {temp} u WHERE t.id = u.id")  # noqa: S608
        cursor.execute(f"DROP TABLE {temp}")


def table_clear(model: type[models.Model]) -> None:
    """Delete every row in one statement (no per-object signals: derived tables have no dependants)."""
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608
