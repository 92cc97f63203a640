"""Celery tasks of the courses app: thin, they call the services."""

from celery import shared_task


@shared_task(name="courses.session_reminders_send")
def session_reminders_send() -> int:
    from .reminders import session_reminders_send as send

    return send()
