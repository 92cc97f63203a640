"""What the LRS adds to a valid statement before storing it, and the form statements are compared in."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import UTC, datetime
from typing import Any

from xapi.identity import normalize_mbox
from xapi.json_codec import dumps_sorted
from xapi.validation.fields import parse_timestamp

DEFAULT_VERSION = "1.0.0"


def format_time(value: datetime) -> str:
    """ISO 8601 in UTC with microseconds: the spec asks for at least milliseconds."""
    # Several times faster than strftime (whose years before 1000 are not even padded to four digits).
    return value.astimezone(UTC).isoformat(timespec="microseconds")[:-6] + "Z"


def normalize_for_storage(statement: dict) -> dict:
    """A copy in the shape the LRS returns (xAPI-Data 2.4.4, 2.4.6.2); ``statement`` is left as it is.

    The object gets ``objectType: "Activity"`` when absent, and each contextActivities value that
    arrived as a single Activity becomes an array of one; the same inside a SubStatement.
    Only the objects on those paths (and the statement itself) are copied: the rest is shared with
    ``statement``, and nothing in the store writes into it (a full deep copy cost more than the
    validation on the store's hot path).
    """
    payload = dict(statement)
    _normalize_body(payload)
    obj = payload["object"]
    if obj.get("objectType") == "SubStatement":
        _normalize_body(obj)
    return payload


def json_copy(value: Any) -> Any:
    """A deep copy of parsed JSON; several times faster than copy.deepcopy."""
    if isinstance(value, dict):
        return {key: json_copy(child) for key, child in value.items()}
    if isinstance(value, list):
        return [json_copy(child) for child in value]
    return value


def _normalize_body(body: dict) -> None:
    """Normalise ``body`` (already a copy) in place, copying the nested objects it changes."""
    obj = body["object"] = dict(body["object"])
    obj.setdefault("objectType", "Activity")
    context = body.get("context")
    context_activities = context.get("contextActivities") if isinstance(context, dict) else None
    if context_activities:
        context_activities = {
            key: [value] if isinstance(value, dict) else value for key, value in context_activities.items()
        }
        body["context"] = {**context, "contextActivities": context_activities}


# --- Statement comparison ------------------------------------------------------------------------

# Set or rewritten by the LRS (xAPI-Data 2.3.1): never part of the comparison.
_LRS_ASSIGNED = ("id", "stored", "authority", "version")


def content_hash(payload: dict, *, timestamp: datetime | None) -> str:
    """sha256 of the statement in comparison form (xAPI-Data 2.3.1, "Statement Comparison Requirements").

    Ignored, as the immutability exceptions say: id, stored, authority, version; the serialisation
    of the timestamp (compared as an instant in UTC, and only when the client sent one); Activity
    definitions and Verb display (not part of the statement); the order of Group members; the case
    of e-mail domains and of UUIDs; the seconds of result.duration beyond the hundredth (xAPI 2.0
    Data 4.6 makes the 1.0.3 SHOULD a SHALL). Everything else counts as sent.
    ``payload`` is the statement after ``normalize_for_storage``.
    """
    comparable = {key: value for key, value in payload.items() if key not in _LRS_ASSIGNED}
    comparable = _canonical(comparable, key=None)
    comparable.pop("timestamp", None)
    if timestamp is not None:
        comparable["timestamp"] = format_time(timestamp)
    if isinstance(comparable["object"], dict) and "timestamp" in comparable["object"]:
        # A SubStatement's timestamp is compared as an instant too.
        comparable["object"]["timestamp"] = format_time(parse_timestamp(payload["object"]["timestamp"], ""))
    return hashlib.sha256(dumps_sorted(comparable)).hexdigest()


_SECONDS = re.compile(r"(\d+)(?:[.,](\d*))?S$")


def duration_to_hundredths(duration: str) -> str:
    """The duration with its seconds truncated to the hundredth, in one spelling: PT1.2371S and
    PT1.23S give PT1.23S, PT1S and PT1.0S give PT1.00S."""
    match = _SECONDS.search(duration)
    if match is None:
        return duration
    fraction = (match[2] or "")[:2].ljust(2, "0")
    return f"{duration[: match.start()]}{int(match[1])}.{fraction}S"


_UUID_KEYS = ("registration",)
# Keys whose string values are compared case-insensitively, and how (see _canonical).
_STRING_KEYS = frozenset(("mbox", "mbox_sha1sum", *_UUID_KEYS))


def _canonical(value: Any, *, key: str | None) -> Any:
    # Strings and dicts first, and a plain walk for the common leaves.
    if isinstance(value, str):
        if key in _STRING_KEYS:
            return normalize_mbox(value) if key == "mbox" else value.lower()
        return value
    if isinstance(value, dict):
        return _canonical_dict(value, key)
    if isinstance(value, list):
        return [_canonical(entry, key=key) for entry in value]
    if isinstance(value, float) and value.is_integer():
        # 1 and 1.0 are the same JSON number.
        return int(value)
    return value


def _same_numbers(value: Any) -> Any:
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    if isinstance(value, dict):
        return {key: _same_numbers(child) for key, child in value.items()}
    if isinstance(value, list):
        return [_same_numbers(child) for child in value]
    return value


def _canonical_dict(value: dict, key: str | None) -> dict:
    out = {}
    skip_definition = "id" in value
    for child_key, child_value in value.items():
        if child_key == "extensions":
            # Extension values are opaque JSON, compared as sent except that a number is the same
            # however it is written (1e2 and 100): the stored copy of a statement is read back from
            # PostgreSQL's jsonb, which keeps numbers as values, not as text.
            out[child_key] = _same_numbers(child_value)
        elif (child_key == "definition" and skip_definition) or (child_key == "display" and key == "verb"):
            continue
        elif child_key == "duration" and isinstance(child_value, str):
            out[child_key] = duration_to_hundredths(child_value)
        elif isinstance(child_value, str) and child_key not in _STRING_KEYS:
            out[child_key] = child_value
        else:
            out[child_key] = _canonical(child_value, key=child_key)
    object_type = value.get("objectType")
    if object_type == "StatementRef" and isinstance(out.get("id"), str):
        out["id"] = out["id"].lower()
    if object_type == "Group" and isinstance(out.get("member"), list):
        out["member"] = sorted(out["member"], key=lambda member: json.dumps(member, sort_keys=True))
    return out
