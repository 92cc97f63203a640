"""Celery tasks: thin, they take ids and call services."""

from datetime import datetime

from celery import shared_task

from . import services


@shared_task(name="competencies.statements_process", acks_late=True)
def statements_process(statement_ids: list[str], voided_ids: list[str] | None = None, at: str | None = None) -> int:
    """`at` (ISO 8601): a replay of past events, processed as of then."""
    return services.statements_process(
        statement_ids=statement_ids, voided_ids=voided_ids or [], at=datetime.fromisoformat(at) if at else None
    )


@shared_task(name="competencies.writer_evidence_rederive", acks_late=True)
def writer_evidence_rederive(authority: dict) -> int:
    """What one writer's statements give, derived again after its trust policy changed."""
    return services.writer_evidence_rederive(authority=authority)


@shared_task(name="competencies.levels_refresh", acks_late=True)
def levels_refresh() -> int:
    return services.levels_refresh()


@shared_task(name="competencies.ambassadors_propose", acks_late=True)
def ambassadors_propose() -> int:
    from .ambassadors import activity_tops
    from .ambassadors import ambassadors_propose as propose
    from .models import AmbassadorPolicy
    from .stats import stats_refresh

    proposed = propose().proposed
    stats_refresh(None)  # coverage
    for level in AmbassadorPolicy.RequiredLevel.values:
        activity_tops(level, refresh=True)  # warm the suggestions of the ambassadors pages
    return proposed


@shared_task(name="competencies.ambassadors_propose_schools", acks_late=True)
def ambassadors_propose_schools(school_ids: list[int]) -> int:
    """A manager's "recompute" over a large scope, off the request."""
    from lms.models import School

    from .ambassadors import ambassadors_propose as propose
    from .stats import stats_refresh

    report = propose(schools=School.objects.filter(pk__in=school_ids))
    stats_refresh(set(school_ids))
    return report.proposed


@shared_task(name="competencies.stats_refresh_for_users", acks_late=True)
def stats_refresh_for_users(user_ids: list[int]) -> int:
    """The maps' aggregates of the schools of these teachers (tasks queued before the coalesced
    refresh: `stats_queue`)."""
    from .stats_queue import pending_refresh, schools_mark_for_users

    schools_mark_for_users(user_ids)
    return pending_refresh()


@shared_task(name="competencies.stats_refresh_schools", acks_late=True)
def stats_refresh_schools(school_ids: list[int]) -> int:
    """The maps' aggregates of these schools (tasks queued before the coalesced refresh:
    `stats_queue`)."""
    from .stats_queue import pending_refresh, schools_mark

    schools_mark(school_ids)
    return pending_refresh()


@shared_task(name="competencies.stats_refresh_pending", acks_late=True)
def stats_refresh_pending() -> int:
    """The schools still marked (a refresh found another running, or its task was lost): on beat."""
    from .stats_queue import pending_refresh

    return pending_refresh()
