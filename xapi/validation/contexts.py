"""The Context, its context activities and the statement it may reference."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from xapi import versions

from .activities import validate_activity
from .agents import validate_actor, validate_agent, validate_group
from .fields import (
    check_properties,
    expect_list,
    expect_object,
    expect_string,
    fail,
    validate_extensions,
    validate_iri,
    validate_language_tag,
    validate_uuid,
)
from .objects import validate_statement_ref

CONTEXT_PROPERTIES = (
    "registration", "instructor", "team", "contextActivities", "revision",
    "platform", "language", "statement", "extensions",
)  # fmt: skip
# xAPI 2.0 (IEEE 9274.1.1) adds the agents and groups the context involves, each with its roles.
CONTEXT_PROPERTIES_V2 = (*CONTEXT_PROPERTIES, *versions.V2_CONTEXT_PROPERTIES)
CONTEXT_AGENT_PROPERTIES = ("objectType", "agent", "relevantTypes")
CONTEXT_GROUP_PROPERTIES = ("objectType", "group", "relevantTypes")
CONTEXT_ACTIVITY_KEYS = ("parent", "grouping", "category", "other")


def validate_context(value: Any, path: str, *, object_type: str) -> dict:
    """``object_type`` is the objectType of the statement's object: revision and platform need an Activity."""
    context = expect_object(value, path)
    allowed = CONTEXT_PROPERTIES_V2 if versions.is_v2() else CONTEXT_PROPERTIES
    check_properties(context, path, allowed=allowed, name="context")
    if "registration" in context:
        validate_uuid(context["registration"], (path, "registration"))
    if "instructor" in context:
        validate_actor(context["instructor"], (path, "instructor"))
    if "team" in context:
        team_path = (path, "team")
        team = expect_object(context["team"], team_path)
        if team.get("objectType") != "Group":
            fail(
                (team_path, "objectType"),
                "team_group",
                _("L’équipe (« team ») doit être un groupe (objectType « Group »)."),
            )
        validate_group(team, team_path)
    if "contextActivities" in context:
        validate_context_activities(context["contextActivities"], (path, "contextActivities"))
    for key in ("revision", "platform"):
        if key in context:
            expect_string(context[key], (path, key))
            if object_type != "Activity":
                fail(
                    (path, key),
                    "context_requires_activity",
                    _("« %(key)s » n’est admis que si l’objet de la déclaration est une activité.") % {"key": key},
                )
    if "language" in context:
        validate_language_tag(context["language"], (path, "language"))
    if "statement" in context:
        validate_statement_ref(context["statement"], (path, "statement"))
    if "extensions" in context:
        validate_extensions(context["extensions"], (path, "extensions"))
    if "contextAgents" in context:
        _validate_context_entries(context["contextAgents"], (path, "contextAgents"), kind="agent")
    if "contextGroups" in context:
        _validate_context_entries(context["contextGroups"], (path, "contextGroups"), kind="group")
    return context


def _validate_context_entries(value: Any, path: str, *, kind: str) -> None:
    """contextAgents / contextGroups (xAPI 2.0): arrays of contextAgent / contextGroup objects.

    Each has objectType "contextAgent" (or "contextGroup"), an Agent in ``agent`` (a Group in
    ``group``), and optionally ``relevantTypes``: a non-empty array of IRIs.
    """
    object_type = "contextAgent" if kind == "agent" else "contextGroup"
    properties = CONTEXT_AGENT_PROPERTIES if kind == "agent" else CONTEXT_GROUP_PROPERTIES
    for index, entry in enumerate(expect_list(value, path)):
        entry_path = (path, index)
        expect_object(entry, entry_path)
        check_properties(entry, entry_path, allowed=properties, required=("objectType", kind), name=object_type)
        if entry["objectType"] != object_type:
            fail(
                (entry_path, "objectType"),
                "object_type",
                _("La valeur doit être « %(type)s ».") % {"type": object_type},
            )
        member_path = (entry_path, kind)
        if kind == "agent":
            if isinstance(entry["agent"], dict) and entry["agent"].get("objectType") == "Group":
                fail(
                    (member_path, "objectType"),
                    "context_agent_group",
                    _("« agent » d’un contextAgent est un agent ; un groupe va dans « contextGroups »."),
                )
            validate_agent(entry["agent"], member_path)
        else:
            validate_group(entry["group"], member_path)
        if "relevantTypes" in entry:
            types_path = (entry_path, "relevantTypes")
            for type_index, relevant in enumerate(expect_list(entry["relevantTypes"], types_path, non_empty=True)):
                validate_iri(relevant, (types_path, type_index))


def validate_context_activities(value: Any, path: str) -> dict:
    """Each key holds one Activity or an array of them; the store returns arrays."""
    activities = expect_object(value, path)
    check_properties(activities, path, allowed=CONTEXT_ACTIVITY_KEYS, name="contextActivities")
    for key, entry in activities.items():
        key_path = (path, key)
        if isinstance(entry, list):
            for index, activity in enumerate(entry):
                validate_activity(activity, (key_path, index))
        else:
            validate_activity(entry, key_path)
    return activities
