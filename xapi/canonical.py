"""What the LRS adds to a valid statement before storing it, and the form statements are compared in."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from xapi.identity import normalize_mbox
from xapi.validation.fields import parse_timestamp

DEFAULT_VERSION = "1.0.0"


def format_time(value: datetime) -> str:
    """ISO 8601 in UTC with microseconds: the spec asks for at least milliseconds."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def normalize_for_storage(statement: dict) -> dict:
    """A deep copy in the shape the LRS returns (xAPI-Data 2.4.4, 2.4.6.2).

    The object gets ``objectType: "Activity"`` when absent, and each contextActivities value that
    arrived as a single Activity becomes an array of one; the same inside a SubStatement.
    """
    payload = json_copy(statement)
    _normalize_body(payload)
    obj = payload["object"]
    if obj.get("objectType") == "SubStatement":
        _normalize_body(obj)
    return payload


def json_copy(value: Any) -> Any:
    """A deep copy of parsed JSON; several times faster than copy.deepcopy on the store's hot path."""
    if isinstance(value, dict):
        return {key: json_copy(child) for key, child in value.items()}
    if isinstance(value, list):
        return [json_copy(child) for child in value]
    return value


def _normalize_body(body: dict) -> None:
    body["object"].setdefault("objectType", "Activity")
    context_activities = body.get("context", {}).get("contextActivities")
    if context_activities:
        for key, value in context_activities.items():
            if isinstance(value, dict):
                context_activities[key] = [value]


# --- Statement comparison ------------------------------------------------------------------------

# Set or rewritten by the LRS (xAPI-Data 2.3.1): never part of the comparison.
_LRS_ASSIGNED = ("id", "stored", "authority", "version")


def content_hash(payload: dict, *, timestamp: datetime | None) -> str:
    """sha256 of the statement in comparison form (xAPI-Data 2.3.1, "Statement Comparison Requirements").

    Ignored, as the immutability exceptions say: id, stored, authority, version; the serialisation
    of the timestamp (compared as an instant in UTC, and only when the client sent one); Activity
    definitions and Verb display (not part of the statement); the order of Group members; the case
    of e-mail domains and of UUIDs. Everything else, result.duration included, counts as sent.
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
    serialised = json.dumps(comparable, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(serialised.encode()).hexdigest()


_UUID_KEYS = ("registration",)


def _canonical(value: Any, *, key: str | None) -> Any:
    if isinstance(value, dict):
        out = {}
        for child_key, child_value in value.items():
            if child_key == "extensions":
                # Extension values are opaque JSON: compared as sent, numbers included.
                out[child_key] = child_value
            elif (child_key == "definition" and "id" in value) or (child_key == "display" and key == "verb"):
                continue
            else:
                out[child_key] = _canonical(child_value, key=child_key)
        if value.get("objectType") == "StatementRef" and isinstance(out.get("id"), str):
            out["id"] = out["id"].lower()
        if value.get("objectType") == "Group" and isinstance(out.get("member"), list):
            out["member"] = sorted(out["member"], key=lambda member: json.dumps(member, sort_keys=True))
        return out
    if isinstance(value, list):
        return [_canonical(entry, key=key) for entry in value]
    if key == "mbox" and isinstance(value, str):
        return normalize_mbox(value)
    if key == "mbox_sha1sum" and isinstance(value, str):
        return value.lower()
    if key in _UUID_KEYS and isinstance(value, str):
        return value.lower()
    if isinstance(value, float) and value.is_integer():
        # 1 and 1.0 are the same JSON number.
        return int(value)
    return value
