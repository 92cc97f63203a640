"""The calls the store makes into forwarding, kept free of model imports.

``xapi.services`` calls :func:`forwarding_enqueue` inside its transaction. When the forwarding app
is not installed nothing is registered and the call does nothing, so the store never depends on it.

A single new statement on PostgreSQL is stored by one SQL statement (``xapi.single_insert``), with
no transaction around it; :func:`forwarding_single_part` gives what forwarding adds to that
statement: its outbox rows, written only if the forwarding targets are still those the rows were
computed from (a guard the statement evaluates in its own snapshot).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class SingleInsertPart:
    """What forwarding adds to the one SQL statement of a single new statement (xapi.single_insert)."""

    # An SQL boolean: when false as the statement runs, nothing at all is written.
    guard: str = "true"
    # One more data-modifying CTE (with its leading comma); it may use %(id)s and the CTE ``new``.
    cte: str = ""
    params: dict = field(default_factory=dict)
    # Run once the statement is stored (on commit).
    stored: Callable[[], None] | None = None
    # The guard was false: forget what the part was computed from before asking again.
    stale: Callable[[], None] | None = None


NOTHING = SingleInsertPart()

_listener: Callable[..., None] | None = None
_single: Callable[..., SingleInsertPart | None] | None = None


def register(listener: Callable[..., None], single: Callable[..., SingleInsertPart | None] | None = None) -> None:
    global _listener, _single
    _listener = listener
    _single = single


def forwarding_enqueue(*, statements: Sequence) -> None:
    """Write outbox rows for newly stored ``statements`` (xapi.models.Statement) in the caller's transaction."""
    if _listener is not None and statements:
        _listener(statements=statements)


def forwarding_single_part(*, statement) -> SingleInsertPart | None:
    """The forwarding part of the single-statement insert of ``statement``; None when forwarding
    cannot take part (the store then writes through a transaction and ``forwarding_enqueue``)."""
    if _listener is None:
        return NOTHING
    if _single is None:
        return None
    return _single(statement=statement)
