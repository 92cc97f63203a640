"""The one call the store makes into forwarding, kept free of model imports.

``xapi.services`` calls :func:`forwarding_enqueue` inside its transaction. When the forwarding app
is not installed nothing is registered and the call does nothing, so the store never depends on it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

_listener: Callable[..., None] | None = None


def register(listener: Callable[..., None]) -> None:
    global _listener
    _listener = listener


def forwarding_enqueue(*, statements: Sequence) -> None:
    """Write outbox rows for newly stored ``statements`` (xapi.models.Statement) in the caller's transaction."""
    if _listener is not None and statements:
        _listener(statements=statements)
