"""The xAPI versions this LRS speaks: 1.0.3 (and the 1.0.x it stands for) and 2.0.0 (IEEE 9274.1.1-2023).

Statements are stored once; what changes with the version is how a request is read (validation,
alternate syntax, signatures) and how a statement is written back (``statement_for_version``).
The version of the request being served is kept in a context variable so that the validators deep
inside a statement (context, timestamps) need not take it as a parameter through every level;
``speaking`` sets it for the length of a block.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

V1 = "1.0.3"
V2 = "2.0.0"
# What /about lists.
ABOUT_VERSIONS = ("1.0.0", "1.0.1", "1.0.2", "1.0.3", "2.0.0")
# What a request may announce: "1.0" counts as "1.0.0" and "2.0" as "2.0.0"; any patch release of
# either is compatible under semantic versioning. 0.x, 1.1 and 2.1 or later are refused.
_V1_HEADER = re.compile(r"^1\.0(?:\.\d+)?$")
_V2_HEADER = re.compile(r"^2\.0(?:\.\d+)?$")

_current: ContextVar[str] = ContextVar("xapi_version", default=V1)


def negotiate(header: str) -> str | None:
    """The version (V1 or V2) a request's X-Experience-API-Version asks for; None when unsupported."""
    value = header.strip()
    if _V2_HEADER.match(value):
        return V2
    if _V1_HEADER.match(value):
        return V1
    return None


def current() -> str:
    return _current.get()


def is_v2() -> bool:
    return _current.get() == V2


@contextmanager
def speaking(version: str) -> Iterator[None]:
    """Serve (validate, format) in ``version`` for the length of the block."""
    token = _current.set(version)
    try:
        yield
    finally:
        _current.reset(token)


# Context properties 2.0 added; a 1.0.3 reader is not given them.
V2_CONTEXT_PROPERTIES = ("contextAgents", "contextGroups")


def statement_for_version(payload: dict, version: str) -> dict:
    """The stored statement as a client of ``version`` must see it.

    A 2.0 statement read in 1.0.3 loses what 1.0.3 has no room for (context.contextAgents and
    context.contextGroups, in the statement and in a SubStatement object) and says version 1.0.0
    when it said 2.0.x, since 1.0.3 only admits 1.0.x there. The stored statement is not changed.
    """
    if version == V2:
        return payload
    result = payload
    if not str(payload.get("version", "1.0.0")).startswith("1.0"):
        result = {**result, "version": "1.0.0"}
    context = payload.get("context")
    if isinstance(context, dict) and any(key in context for key in V2_CONTEXT_PROPERTIES):
        result = {**result, "context": {k: v for k, v in context.items() if k not in V2_CONTEXT_PROPERTIES}}
    obj = payload.get("object")
    if isinstance(obj, dict) and obj.get("objectType") == "SubStatement":
        inner = statement_for_version(obj, version)
        if inner is not obj:
            result = {**result, "object": inner}
    return result
