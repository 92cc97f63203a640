"""Celery tasks of the store: thin, they call its services."""

from celery import shared_task

from .announcing import announced_drain


@shared_task(name="xapi.announce_drain", acks_late=True, ignore_result=True)
def announce_drain() -> int:
    return announced_drain()
