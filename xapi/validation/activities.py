"""Activities and their definitions, interaction activities included."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from .fields import (
    already_valid,
    check_properties,
    expect_list,
    expect_object,
    expect_string,
    fail,
    known_valid_object,
    valid_object_key,
    validate_extensions,
    validate_iri,
    validate_irl,
    validate_language_map,
)

INTERACTION_TYPES = (
    "true-false", "choice", "fill-in", "long-fill-in", "matching",
    "performance", "sequencing", "likert", "numeric", "other",
)  # fmt: skip
COMPONENT_LISTS = ("choices", "scale", "source", "target", "steps")
# Which component lists each interaction type may carry (xAPI-Data 2.4.4.1, interaction components).
ALLOWED_COMPONENTS = {
    "choice": {"choices"},
    "sequencing": {"choices"},
    "likert": {"scale"},
    "matching": {"source", "target"},
    "performance": {"steps"},
}
DEFINITION_PROPERTIES = (
    "name", "description", "type", "moreInfo", "extensions",
    "interactionType", "correctResponsesPattern", *COMPONENT_LISTS,
)  # fmt: skip


def validate_activity(value: Any, path: str) -> dict:
    """An Activity: objectType "Activity" or absent, an IRI id, an optional definition."""
    key = valid_object_key("activity", value)
    if already_valid(key):
        return value
    activity = expect_object(value, path)
    check_properties(activity, path, allowed=("objectType", "id", "definition"), required=("id",), name="Activity")
    if "objectType" in activity and activity["objectType"] != "Activity":
        fail((path, "objectType"), "object_type", _("La valeur doit être « Activity »."))
    validate_iri(activity["id"], (path, "id"))
    if "definition" in activity:
        validate_definition(activity["definition"], (path, "definition"))
    known_valid_object(key)
    return activity


def validate_definition(value: Any, path: str) -> dict:
    definition = expect_object(value, path)
    check_properties(definition, path, allowed=DEFINITION_PROPERTIES, name="definition")
    for key in ("name", "description"):
        if key in definition:
            validate_language_map(definition[key], (path, key))
    if "type" in definition:
        validate_iri(definition["type"], (path, "type"))
    if "moreInfo" in definition:
        validate_irl(definition["moreInfo"], (path, "moreInfo"))
    if "extensions" in definition:
        validate_extensions(definition["extensions"], (path, "extensions"))
    _validate_interaction(definition, path)
    return definition


def _validate_interaction(definition: dict, path: str) -> None:
    interaction_type = definition.get("interactionType")
    if interaction_type is not None:
        type_path = (path, "interactionType")
        expect_string(interaction_type, type_path)
        if interaction_type not in INTERACTION_TYPES:
            fail(
                type_path,
                "interaction_type",
                _("« %(value)s » n’est pas un type d’interaction : %(types)s.")
                % {"value": interaction_type[:100], "types": ", ".join(INTERACTION_TYPES)},
            )
    if "correctResponsesPattern" in definition:
        pattern_path = (path, "correctResponsesPattern")
        if interaction_type is None:
            fail(
                pattern_path,
                "interaction_type_required",
                _("« correctResponsesPattern » n’a de sens qu’avec un « interactionType »."),
            )
        for index, response in enumerate(expect_list(definition["correctResponsesPattern"], pattern_path)):
            expect_string(response, (pattern_path, index))
    allowed = ALLOWED_COMPONENTS.get(interaction_type, set())
    for key in COMPONENT_LISTS:
        if key not in definition:
            continue
        list_path = (path, key)
        if key not in allowed:
            fail(
                list_path,
                "interaction_component",
                _("La liste « %(key)s » n’est pas admise pour le type d’interaction « %(type)s ».")
                % {"key": key, "type": interaction_type or "—"},
            )
        _validate_components(definition[key], list_path)


def _validate_components(value: Any, path: str) -> None:
    seen: set[str] = set()
    for index, component in enumerate(expect_list(value, path)):
        component_path = (path, index)
        expect_object(component, component_path)
        check_properties(
            component, component_path, allowed=("id", "description"), required=("id",), name="interaction component"
        )
        component_id = expect_string(component["id"], (component_path, "id"), non_empty=True)
        if component_id in seen:
            fail(
                (component_path, "id"),
                "duplicate_component_id",
                _("L’identifiant « %(id)s » apparaît deux fois dans la liste.") % {"id": component_id[:100]},
            )
        seen.add(component_id)
        if "description" in component:
            validate_language_map(component["description"], (component_path, "description"))
