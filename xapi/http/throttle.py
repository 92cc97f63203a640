"""Failed HTTP Basic logins to the LRS, counted per client key and per address, as allauth counts site logins.

Counters live in Django's cache (Redis when ``CACHE_URL`` is set, so every process shares them) in
fixed windows: ``XAPI_LOGIN_FAILURES_PER_KEY`` = (count, seconds) failures of one key, and
``XAPI_LOGIN_FAILURES_PER_ADDRESS`` failures from one address, before the next attempt with that key
or from that address is answered 429 until the window ends, right credentials or not (otherwise a
guesser would still learn when it guessed right).

A client that keeps succeeding does not pay a cache round trip on every request: each process
remembers for PASS_MEMO_SECONDS that a (key, address) pair passed the check, and forgets it on that
pair's first failure. The slack this leaves is at most one attempt per process after another process
crossed the limit, not a way around it: every failure is still counted in the shared cache.
"""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

from .errors import TooManyRequests

PASS_MEMO_SECONDS = 2.0
_PASS_MEMO_MAX = 10_000
# (key, address) -> time.monotonic() until which this process does not ask the cache again.
_passed: dict[tuple[str, str], float] = {}


def _limits() -> list[tuple[str, int, int]]:
    """(kind, count, seconds) for each counter."""
    per_key = getattr(settings, "XAPI_LOGIN_FAILURES_PER_KEY", (5, 300))
    per_address = getattr(settings, "XAPI_LOGIN_FAILURES_PER_ADDRESS", (10, 60))
    return [("key", *per_key), ("address", *per_address)]


def _cache_keys(key: str, address: str, now: float) -> list[tuple[str, int, int, int]]:
    """(cache key, limit, seconds left in the window, window length) per counter."""
    values = {"key": key, "address": address}
    out = []
    for kind, count, seconds in _limits():
        window = int(now // seconds)
        # Hashed: a key is whatever a caller sent (any length, any character), and cache keys are not.
        digest = hashlib.sha256(values[kind].encode("utf-8", errors="replace")).hexdigest()[:32]
        left = seconds - int(now % seconds)
        out.append((f"xapi-login-failed:{kind}:{seconds}:{window}:{digest}", count, left, seconds))
    return out


def login_allowed(*, key: str, address: str) -> None:
    """Raise 429 when this key or this address has failed too often in the current window."""
    now = time.monotonic()
    if _passed.get((key, address), 0.0) > now:
        return
    counters = _cache_keys(key, address, time.time())
    counts = cache.get_many([cache_key for cache_key, *_rest in counters])
    for cache_key, limit, left, _seconds in counters:
        if counts.get(cache_key, 0) >= limit:
            raise TooManyRequests(
                _(
                    "Trop d'échecs d'authentification pour cette clé de client ou depuis cette adresse. "
                    "Vérifiez la clé et le secret du client, puis réessayez dans %(n)s secondes."
                )
                % {"n": left},
                rule="too_many_failed_logins",
                headers={"Retry-After": str(left)},
            )
    if len(_passed) >= _PASS_MEMO_MAX:
        _passed.clear()
    _passed[(key, address)] = now + PASS_MEMO_SECONDS


def login_failed(*, key: str, address: str) -> None:
    """Count one failed attempt against this key and this address."""
    _passed.pop((key, address), None)
    for cache_key, _limit, _left, seconds in _cache_keys(key, address, time.time()):
        # add() then incr(): the first failure of a window creates the counter, with the window's lifetime.
        if not cache.add(cache_key, 1, timeout=seconds + 1):
            try:
                cache.incr(cache_key)
            except ValueError:  # expired between add() and incr()
                cache.add(cache_key, 1, timeout=seconds + 1)
