"""Database helpers of the derived tables' writes (the set-based ones are in `evidence_sql.py`)."""

from django.db import connection, models


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def table_clear(model: type[models.Model]) -> None:
    """Delete every row in one statement (no per-object signals: derived tables have no dependants)."""
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608
