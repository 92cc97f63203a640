"""Celery tasks: thin."""

from celery import shared_task

from .refresh import evaluation_refresh


@shared_task(name="evaluation.refresh", acks_late=True)
def refresh() -> float:
    """Rebuild the evaluation's derived tables (nightly, after the levels; or asked from a page)."""
    return evaluation_refresh()
