"""The maps' aggregates refreshed once for many stored batches.

A one-school refresh also rebuilds its département's roll-ups (about a second at national scale),
so refreshing after every stored batch would make the worker's queue grow without end under a
steady ingest. Instead each batch marks its schools (`StatsPending`), and one refresh at a time
(a PostgreSQL advisory lock) takes every school marked so far. A refresh that finds the lock taken
leaves its schools to the one running, or to the beat task that runs every minute; a school
marked again while a refresh runs stays marked for the next one.
"""

from django.db import connection, transaction
from django.utils import timezone

from .bulk import is_postgresql
from .models import StatsPending
from .stats import stats_refresh

# pg_advisory_xact_lock key of the refresh (any number no other lock in the database uses).
LOCK_KEY = 0x5E1A15


def schools_mark(school_ids, *, at=None) -> None:
    """Mark these schools for the next refresh (again if they already wait: the newest mark counts)."""
    at = at or timezone.now()
    StatsPending.objects.bulk_create(
        [StatsPending(school_id=pk, marked_at=at) for pk in sorted(set(school_ids))],
        update_conflicts=True,
        unique_fields=["school"],
        update_fields=["marked_at"],
        batch_size=1000,
    )


def pending_refresh() -> int:
    """Refresh every marked school, unless another refresh is running; how many were refreshed."""
    with transaction.atomic():
        if is_postgresql():
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [LOCK_KEY])
                if not cursor.fetchone()[0]:
                    return 0
        started = timezone.now()
        school_ids = set(StatsPending.objects.filter(marked_at__lte=started).values_list("school_id", flat=True))
        if not school_ids:
            return 0
        stats_refresh(school_ids)
        # A mark newer than `started` may have come with evidence this refresh did not see.
        StatsPending.objects.filter(school_id__in=school_ids, marked_at__lte=started).delete()
    return len(school_ids)
