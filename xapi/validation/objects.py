"""The statement's object: Activity, Agent, Group or StatementRef (SubStatement lives in statements)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from .activities import validate_activity
from .agents import IFIS, validate_agent, validate_group
from .fields import check_properties, expect_object, expect_string, fail, validate_uuid

OBJECT_TYPES = ("Activity", "Agent", "Group", "StatementRef", "SubStatement")


def object_type(value: dict) -> str:
    """The objectType of a statement object; Activity when absent, as the spec says."""
    return value.get("objectType", "Activity")


def validate_statement_ref(value: Any, path: str) -> dict:
    ref = expect_object(value, path)
    check_properties(ref, path, allowed=("objectType", "id"), required=("objectType", "id"), name="StatementRef")
    if ref["objectType"] != "StatementRef":
        fail((path, "objectType"), "object_type", _("La valeur doit être « StatementRef »."))
    validate_uuid(ref["id"], (path, "id"))
    return ref


def validate_object(value: Any, path: str) -> dict:
    """Dispatch on objectType; the caller has already handled SubStatement."""
    obj = expect_object(value, path)
    kind = object_type(obj)
    if "objectType" not in obj and any(key in obj for key in (*IFIS, "member")):
        # As a statement object an Agent or Group must say so (xAPI-Data 2.4.2.1, 2.4.4.2).
        fail(
            (path, "objectType"),
            "required",
            _("Un agent ou un groupe en objet de la déclaration doit porter « objectType » (« Agent » ou « Group »)."),
        )
    if kind == "Activity":
        return validate_activity(obj, path)
    if kind == "Agent":
        return validate_agent(obj, path)
    if kind == "Group":
        return validate_group(obj, path)
    if kind == "StatementRef":
        return validate_statement_ref(obj, path)
    expect_string(kind, (path, "objectType"))
    fail(
        (path, "objectType"),
        "object_type",
        _("« %(value)s » n’est pas un objectType admis : %(types)s.")
        % {"value": kind[:100], "types": ", ".join(OBJECT_TYPES)},
    )
