"""The Verb."""

from __future__ import annotations

from typing import Any

from .fields import check_properties, expect_object, validate_iri, validate_language_map

VOIDED = "http://adlnet.gov/expapi/verbs/voided"


def validate_verb(value: Any, path: str) -> dict:
    verb = expect_object(value, path)
    check_properties(verb, path, allowed=("id", "display"), required=("id",), name="Verb")
    validate_iri(verb["id"], (path, "id"))
    if "display" in verb:
        validate_language_map(verb["display"], (path, "display"))
    return verb
