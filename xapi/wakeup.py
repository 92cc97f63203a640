"""Waking a worker at most once per queued task, and handing it work through Redis lists.

A Celery publish costs a few milliseconds (kombu's producer, serialisation, the broker's round
trip): once per stored statement it was most of a single-statement POST. Two cheap Redis calls
replace it where the work can be taken in bulk:

- ``wake_needed(key)`` is a ``SET key NX``: the caller publishes the task only when no task for
  that key is already queued. The task calls ``wake_done(key)`` *before* it looks for work, so
  anything committed after that point raises the flag again and queues a new task: at most one
  task waits per key, and no work is left without one.
- ``items_push`` / ``items_peek`` / ``items_drop`` are a Redis list: producers append, the one
  drainer reads from the head and drops what it handled only after handling it (a drainer killed
  in between leaves the items for the next one: at least once, never lost).

Without a Redis broker (tasks run in the process: tests, demo) every call says "publish" and the
lists are not used: callers do the work directly, as before.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager

import redis
from celery import current_app

logger = logging.getLogger(__name__)

_clients: dict[str, redis.Redis] = {}


def broker_redis() -> redis.Redis | None:
    """A client of the Celery broker when it is Redis and tasks go through it; else None."""
    conf = current_app.conf
    url = conf.broker_url or ""
    if conf.task_always_eager or not url.startswith(("redis://", "rediss://", "unix://")):
        return None
    client = _clients.get(url)
    if client is None:
        client = _clients[url] = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)
    return client


def wake_needed(key: str, *, ttl: int = 30) -> bool:
    """Whether the caller must publish the task for ``key`` (no such task is known to be queued).

    The flag expires after ``ttl`` seconds, so a task lost with its worker is queued again by the
    next caller (and the periodic sweeps cover the rest)."""
    client = broker_redis()
    if client is None:
        return True
    try:
        return bool(client.set(key, 1, nx=True, ex=ttl))
    except redis.RedisError:
        logger.warning("wake-up flag %s unreadable: publishing", key, exc_info=True)
        return True


def wake_done(key: str) -> None:
    """Called by the task before it looks for work: later callers queue a new one."""
    client = broker_redis()
    if client is None:
        return
    try:
        client.delete(key)
    except redis.RedisError:
        logger.warning("wake-up flag %s not cleared", key, exc_info=True)


def items_push_and_wake(list_key: str, items: list, wake_key: str, *, ttl: int = 30) -> bool | None:
    """Append ``items`` (JSON-able) to ``list_key`` and raise ``wake_key``, in one round trip.

    Returns whether the caller must publish the draining task, or None when there is no Redis
    broker (or it failed): then the caller does the work another way (a direct publish)."""
    client = broker_redis()
    if client is None:
        return None
    try:
        pipe = client.pipeline(transaction=False)
        pipe.rpush(list_key, *[json.dumps(item, separators=(",", ":")) for item in items])
        pipe.set(wake_key, 1, nx=True, ex=ttl)
        _, raised = pipe.execute()
    except redis.RedisError:
        logger.warning("could not append to %s: publishing directly", list_key, exc_info=True)
        return None
    return bool(raised)


@contextmanager
def drain_lock(name: str, *, timeout: int = 300, wait: float = 60) -> Iterator[bool]:
    """One drainer at a time per list; yields whether this one got the lock."""
    client = broker_redis()
    if client is None:
        yield True
        return
    lock = client.lock(name, timeout=timeout, blocking_timeout=wait)
    got = lock.acquire()
    try:
        yield got
    finally:
        if got:
            try:
                lock.release()
            except redis.exceptions.LockError:
                logger.warning("drain lock %s expired before its release", name)


def items_peek(list_key: str, count: int) -> list:
    client = broker_redis()
    if client is None:
        return []
    return [json.loads(raw) for raw in client.lrange(list_key, 0, count - 1)]


def items_drop(list_key: str, count: int) -> None:
    """Drop the first ``count`` items, once they have been handled."""
    client = broker_redis()
    if client is not None and count:
        client.ltrim(list_key, count, -1)
