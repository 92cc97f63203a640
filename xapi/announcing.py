"""Telling the other apps what the store committed (``xapi.signals.statement_stored``), in bulk.

Sending the signal in the request meant one Celery publish per store call (the competencies'
receiver queues its task): about 4 ms, most of a single-statement POST. With a Redis broker the
request instead appends the call's ids to a Redis list and raises a wake-up flag, one round trip
(``xapi.wakeup``); the first call after the flag was cleared also queues ``xapi.announce_drain``,
and that task sends the signal in the worker for everything stored meanwhile, merged. The
receivers then publish one task per merged chunk instead of one per request. Items leave the list
only after the signal was sent for them: a worker killed mid-drain leaves them to the next drain
(at least once; the receivers' work is idempotent by statement id). A beat entry drains every
minute in case a drain task was lost.

Without a Redis broker (tasks run in the process: tests, demo) the signal is sent right after the
commit, as before.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial

from celery import current_app
from django.db import transaction

from xapi.models import Statement
from xapi.signals import statement_stored
from xapi.wakeup import drain_lock, items_drop, items_peek, items_push_and_wake, wake_done

logger = logging.getLogger(__name__)

LIST_KEY = "relais:xapi:stored"
WAKE_KEY = "relais:xapi:stored:queued"
LOCK_KEY = "relais:xapi:stored:drain"
# Ids per signal sent by the drain (the receivers' tasks take them in one go).
CHUNK_IDS = 2000


@dataclass
class _Held:
    at: datetime | None
    statement_ids: list[str] = field(default_factory=list)
    voided_ids: list[str] = field(default_factory=list)
    verb_ids: list[str] = field(default_factory=list)


_held: ContextVar[_Held | None] = ContextVar("xapi_announcements_held", default=None)


@contextmanager
def statements_announced_together(*, at: datetime | None = None) -> Iterator[None]:
    """Announce every statement stored inside the block once, after it, in one `statement_stored`.

    For a replay of past events (the demo's history, an import): `at` says when they happened, and
    receivers process them as of then (levels dated `at`). Use it outside any transaction, or the
    announcement waits for the enclosing commit, like every other. The signal is sent in this
    process, not through the drain: the replay's days must be processed in order."""
    held = _Held(at)
    token = _held.set(held)
    try:
        yield
    finally:
        _held.reset(token)
    if held.statement_ids or held.voided_ids:
        transaction.on_commit(partial(_send, held.statement_ids, held.voided_ids, held.verb_ids, at=held.at))


def statements_announce(*, statement_ids: list[str], voided_ids: list[str], verb_ids: list[str]) -> None:
    """Called after the store's commit: the signal now, or through the list and one drain task."""
    held = _held.get()
    if held is not None:
        held.statement_ids += statement_ids
        held.voided_ids += voided_ids
        held.verb_ids += verb_ids
        return
    publish = items_push_and_wake(LIST_KEY, [[statement_ids, voided_ids, verb_ids]], WAKE_KEY)
    if publish is None:
        _send(statement_ids, voided_ids, verb_ids)
    elif publish:
        try:
            current_app.signature("xapi.announce_drain").delay()
        except Exception:
            # The ids wait in Redis: the next store call, or the beat's drain, takes them.
            wake_done(WAKE_KEY)
            logger.warning("could not queue the announcement drain", exc_info=True)


def announced_drain() -> int:
    """Send the signal for everything in the list, in chunks; the number of store calls taken."""
    wake_done(WAKE_KEY)
    taken = 0
    with drain_lock(LOCK_KEY) as got:
        if not got:
            # Another drain has been running for a minute: ask again a little later.
            current_app.signature("xapi.announce_drain").apply_async(countdown=5)
            return 0
        while True:
            items = items_peek(LIST_KEY, 500)
            if not items:
                break
            statement_ids: list[str] = []
            voided_ids: list[str] = []
            verb_ids: list[str] = []
            count = 0
            for stored, voided, verbs in items:
                statement_ids += stored
                voided_ids += voided
                verb_ids += verbs
                count += 1
                if len(statement_ids) + len(voided_ids) >= CHUNK_IDS:
                    break
            _send(statement_ids, voided_ids, verb_ids)
            items_drop(LIST_KEY, count)
            taken += count
    return taken


def _send(statement_ids: list[str], voided_ids: list[str], verb_ids: list[str], *, at: datetime | None = None) -> None:
    extra = {"at": at} if at is not None else {}
    # The data is committed: a failing receiver must not turn the caller's success into an error.
    for receiver, response in statement_stored.send_robust(
        sender=Statement, statement_ids=statement_ids, voided_ids=voided_ids, verb_ids=verb_ids, **extra
    ):
        if isinstance(response, Exception):
            logger.error("statement_stored receiver %r failed", receiver, exc_info=response)
