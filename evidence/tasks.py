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
