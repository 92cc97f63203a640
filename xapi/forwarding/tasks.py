"""Celery tasks: thin, they take ids and call the forwarding services.

The services queue these tasks by name (``outbox.deliver_later``), so this module is the only one
that imports both sides.
"""

from celery import shared_task

from .delivery import target_deliver
from .outbox import outbox_sweep
from .pull import source_pull, sources_due


@shared_task(name="xapi_forwarding.deliver", acks_late=True, ignore_result=True)
def deliver(target_id: int) -> int:
    return target_deliver(target_id=target_id)


@shared_task(name="xapi_forwarding.sweep", acks_late=True, ignore_result=True)
def sweep() -> int:
    return len(outbox_sweep())


@shared_task(name="xapi_forwarding.pull", acks_late=True, ignore_result=True)
def pull(source_id: int) -> int:
    return source_pull(source_id=source_id).imported


@shared_task(name="xapi_forwarding.pull_due", acks_late=True, ignore_result=True)
def pull_due() -> int:
    """Queue a pull for every enabled source whose interval has elapsed."""
    sources = sources_due()
    for source_id in sources:
        pull.delay(source_id)
    return len(sources)
