"""The Verb."""

from __future__ import annotations

from typing import Any

from .fields import (
    already_valid,
    check_properties,
    expect_object,
    known_valid_object,
    valid_object_key,
    validate_iri,
    validate_language_map,
)

VOIDED = "http://adlnet.gov/expapi/verbs/voided"


def validate_verb(value: Any, path: str) -> dict:
    key = valid_object_key("verb", value)
    if already_valid(key):
        return value
    verb = expect_object(value, path)
    check_properties(verb, path, allowed=("id", "display"), required=("id",), name="Verb")
    validate_iri(verb["id"], (path, "id"))
    if "display" in verb:
        validate_language_map(verb["display"], (path, "display"))
    known_valid_object(key)
    return verb
