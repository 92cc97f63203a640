"""Celery tasks: thin, they take ids and call services (names kept from the former `competencies`).

`stats_queue` enqueues `stats_refresh_pending` by its name (`STATS_REFRESH_PENDING`), so that the
service does not import the task module that imports it."""

from celery import shared_task

from . import stats_queue


@shared_task(name="competencies.stats_refresh_for_users", acks_late=True)
def stats_refresh_for_users(user_ids: list[int]) -> int:
    """The maps' aggregates of the schools of these teachers (tasks queued before the coalesced
    refresh: `stats_queue`)."""
    stats_queue.schools_mark_for_users(user_ids)
    return stats_queue.pending_refresh()


@shared_task(name="competencies.stats_refresh_schools", acks_late=True)
def stats_refresh_schools(school_ids: list[int]) -> int:
    """The maps' aggregates of these schools (tasks queued before the coalesced refresh:
    `stats_queue`)."""
    stats_queue.schools_mark(school_ids)
    return stats_queue.pending_refresh()


@shared_task(name=stats_queue.STATS_REFRESH_PENDING, acks_late=True)
def stats_refresh_pending() -> int:
    """The schools still marked (a refresh found another running, or its task was lost): on beat."""
    return stats_queue.pending_refresh()
