"""Celery tasks of courses: thin, they call services."""

from celery import shared_task

from . import reminders
from .cmi5 import launches_expire
from .follow_ups import follow_ups_send as follow_ups_run


@shared_task(name="courses.cmi5_launches_expire", acks_late=True)
def cmi5_launches_expire() -> int:
    """cmi5 sessions past their lifetime end (token dead, `abandoned` recorded) even if nobody comes back."""
    return launches_expire()


@shared_task(name="courses.session_reminders_send")
def session_reminders_send() -> int:
    return reminders.session_reminders_send()


@shared_task(name="courses.follow_ups_send")
def follow_ups_send() -> int:
    """Daily: the follow-up questionnaire, some weeks after each course completion (once each)."""
    return follow_ups_run()
