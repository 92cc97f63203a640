"""Celery tasks: thin, they take ids and call services (names kept from the former `competencies`)."""

from celery import shared_task

from lms.models import School

from . import services


@shared_task(name="competencies.ambassadors_propose", acks_late=True)
def ambassadors_propose() -> int:
    """The nightly pass: every school's proposals, then the coverage figures (the maps listen), then
    the ambassadors pages' suggestions warmed."""
    return services.ambassadors_propose_nightly()


@shared_task(name="competencies.ambassadors_propose_schools", acks_late=True)
def ambassadors_propose_schools(school_ids: list[int]) -> int:
    """A manager's "recompute" over a large scope, off the request."""
    return services.ambassadors_propose_announced(schools=School.objects.filter(pk__in=school_ids)).proposed
