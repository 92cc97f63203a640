"""The Context, its context activities and the statement it may reference."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from .activities import validate_activity
from .agents import validate_actor, validate_group
from .fields import (
    check_properties,
    child,
    expect_object,
    expect_string,
    fail,
    item,
    validate_extensions,
    validate_language_tag,
    validate_uuid,
)
from .objects import validate_statement_ref

CONTEXT_PROPERTIES = (
    "registration", "instructor", "team", "contextActivities", "revision",
    "platform", "language", "statement", "extensions",
)  # fmt: skip
CONTEXT_ACTIVITY_KEYS = ("parent", "grouping", "category", "other")


def validate_context(value: Any, path: str, *, object_type: str) -> dict:
    """``object_type`` is the objectType of the statement's object: revision and platform need an Activity."""
    context = expect_object(value, path)
    check_properties(context, path, allowed=CONTEXT_PROPERTIES, name="context")
    if "registration" in context:
        validate_uuid(context["registration"], child(path, "registration"))
    if "instructor" in context:
        validate_actor(context["instructor"], child(path, "instructor"))
    if "team" in context:
        team_path = child(path, "team")
        team = expect_object(context["team"], team_path)
        if team.get("objectType") != "Group":
            fail(
                child(team_path, "objectType"),
                "team_group",
                _("L’équipe (« team ») doit être un groupe (objectType « Group »)."),
            )
        validate_group(team, team_path)
    if "contextActivities" in context:
        validate_context_activities(context["contextActivities"], child(path, "contextActivities"))
    for key in ("revision", "platform"):
        if key in context:
            expect_string(context[key], child(path, key))
            if object_type != "Activity":
                fail(
                    child(path, key),
                    "context_requires_activity",
                    _("« %(key)s » n’est admis que si l’objet de la déclaration est une activité.") % {"key": key},
                )
    if "language" in context:
        validate_language_tag(context["language"], child(path, "language"))
    if "statement" in context:
        validate_statement_ref(context["statement"], child(path, "statement"))
    if "extensions" in context:
        validate_extensions(context["extensions"], child(path, "extensions"))
    return context


def validate_context_activities(value: Any, path: str) -> dict:
    """Each key holds one Activity or an array of them; the store returns arrays."""
    activities = expect_object(value, path)
    check_properties(activities, path, allowed=CONTEXT_ACTIVITY_KEYS, name="contextActivities")
    for key, entry in activities.items():
        key_path = child(path, key)
        if isinstance(entry, list):
            for index, activity in enumerate(entry):
                validate_activity(activity, item(key_path, index))
        else:
            validate_activity(entry, key_path)
    return activities
