"""Database helpers of the derived tables' writes (the set-based ones are in `evidence_sql.py`)."""

from django.db import connection, models


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def table_clear(model: type[models.Model]) -> None:
    """Delete every row in one statement (no per-object signals: derived tables have no dependants)."""
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608


def tables_vacuum(models_: list[type[models.Model]]) -> bool:
    """`VACUUM ANALYZE` of these tables, as production will read them after a bulk rewrite: the dead
    copies gone, the statistics fresh (autovacuum may be off, or behind). PostgreSQL only, and only
    outside a transaction (VACUUM cannot run in one); whether it ran."""
    if not is_postgresql() or connection.in_atomic_block:
        return False
    tables = ", ".join(connection.ops.quote_name(model._meta.db_table) for model in models_)
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {tables}")
    return True
