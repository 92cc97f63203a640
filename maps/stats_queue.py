"""The maps' aggregates refreshed once for many stored batches.

A refresh costs a few milliseconds per school (it adds the schools' differences to the roll-ups,
`stats.py`), but refreshing after every stored batch would still run one per batch, each in its
own transaction and under the refresh's lock. Instead each batch marks its teachers' schools (`StatsPending`) in its own
transaction, and one refresh at a time (a PostgreSQL advisory lock) takes every school marked so
far. A process asks for a refresh at most every `DEBOUNCE_SECONDS`, a few seconds later, so that
the batches in between are taken by the same refresh; a beat task every minute takes whatever is
left (a refresh that found another running, a lost task).

Why no mark is lost: a refresh deletes the marks *first* and reads the statistics after. A batch
that marks a school already marked updates the mark's row, so the refresh's delete waits for that
batch to commit, and reads its evidence; a batch whose mark is new is not seen by the delete, and
its mark stays for the next refresh.
"""

from celery import current_app
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from . import sql
from .models import StatsPending
from .stats import LOCK_KEY, stats_refresh

DEBOUNCE_SECONDS = 5
_ASKED = "competencies:stats-refresh-asked"
# The beat's and the debounced refresh's task (maps.tasks.stats_refresh_pending), enqueued by name.
STATS_REFRESH_PENDING = "competencies.stats_refresh_pending"


def schools_mark(school_ids) -> None:
    """Mark these schools for the next refresh."""
    now = timezone.now()
    StatsPending.objects.bulk_create(
        [StatsPending(school_id=pk, marked_at=now) for pk in sorted(set(school_ids))],
        update_conflicts=True,
        unique_fields=["school"],
        update_fields=["marked_at"],
        batch_size=1000,
    )


def schools_mark_for_users(user_ids) -> None:
    """Mark the schools of these teachers, in one statement (the incremental path's)."""
    ids = sorted(set(user_ids))
    if not ids:
        return
    sql.pending_mark_for_users(ids, timezone.now())


def refresh_soon() -> None:
    """Ask for a refresh of the marked schools, unless this process asked a moment ago (then the
    refresh it asked for takes these marks too). Tasks run in the process: at once."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        pending_refresh()
    elif cache.add(_ASKED, 1, timeout=DEBOUNCE_SECONDS):
        current_app.send_task(STATS_REFRESH_PENDING, countdown=DEBOUNCE_SECONDS)


def pending_refresh() -> int:
    """Refresh every marked school, unless another refresh is running; how many were refreshed."""
    with transaction.atomic():
        school_ids = sql.pending_take(LOCK_KEY)
        if school_ids is None:
            return 0
        if school_ids:
            stats_refresh(school_ids)
    return len(school_ids)
