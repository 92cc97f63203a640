"""The validators remember strings they found valid: that must never let an invalid value through."""

import json

import pytest

from xapi import versions
from xapi.errors import StatementValidationError
from xapi.validation.activities import validate_activity
from xapi.validation.agents import validate_actor
from xapi.validation.fields import (
    already_valid,
    valid_object_key,
    validate_iri,
    validate_irl,
    validate_language_map,
)
from xapi.validation.verbs import validate_verb


def test_a_known_iri_is_still_checked_for_its_type_and_others_are_still_checked():
    assert validate_iri("http://cache.example/a", "id") == "http://cache.example/a"
    assert validate_irl("http://cache.example/a", "homePage") == "http://cache.example/a"
    with pytest.raises(StatementValidationError) as info:
        validate_iri("http://cache.example/a b", "id")
    assert info.value.rule == "iri"
    with pytest.raises(StatementValidationError) as info:
        validate_iri(["http://cache.example/a"], "id")
    assert info.value.rule == "type"


def test_a_known_language_tag_with_a_value_that_is_not_a_string_is_refused():
    validate_language_map({"fr-FR": "bonjour"}, "display")
    with pytest.raises(StatementValidationError) as info:
        validate_language_map({"fr-FR": 3}, "display")
    assert (info.value.path, info.value.rule) == ("display.fr-FR", "type")
    with pytest.raises(StatementValidationError) as info:
        validate_language_map({"fr-FR": "bonjour", "pas une langue": "x"}, "display")
    assert info.value.rule == "language_tag"


def test_objects_found_valid_are_remembered_by_their_json_text():
    activity = {"objectType": "Activity", "id": "http://cache.example/remembered", "definition": {"name": {"fr": "A"}}}
    verb = {"id": "http://cache.example/verb", "display": {"fr-FR": "a fait"}}
    actor = {"objectType": "Agent", "account": {"homePage": "http://cache.example", "name": "remembered"}}
    assert validate_activity(activity, "object") is activity
    assert validate_verb(verb, "verb") is verb
    assert validate_actor(actor, "actor") is actor
    for kind, value in (("activity", activity), ("verb", verb), ("actor", actor)):
        assert already_valid(valid_object_key(kind, value))
        # an equal object built apart is the same text, known too
        assert already_valid(valid_object_key(kind, json.loads(json.dumps(value))))
    # not under another version: the rules differ between 1.0.3 and 2.0
    with versions.speaking(versions.V2):
        assert not already_valid(valid_object_key("activity", activity))


def test_an_object_close_to_a_known_valid_one_is_still_checked():
    activity = {"objectType": "Activity", "id": "http://cache.example/close", "definition": {"name": {"fr": "A"}}}
    validate_activity(activity, "object")
    broken = {**activity, "definition": {"name": {"fr": 3}}}
    with pytest.raises(StatementValidationError) as info:
        validate_activity(broken, "object")
    assert (info.value.path, info.value.rule) == ("object.definition.name.fr", "type")
    actor = {"objectType": "Agent", "account": {"homePage": "http://cache.example", "name": "close"}}
    validate_actor(actor, "actor")
    with pytest.raises(StatementValidationError) as info:
        validate_actor({**actor, "mbox": "mailto:x@cache.example"}, "actor")
    assert info.value.rule == "multiple_ifi"
    with pytest.raises(StatementValidationError) as info:
        validate_verb({"id": "http://cache.example/verb", "display": {"fr-FR": None}}, "verb")
    assert info.value.rule == "null_value"
    # an invalid object is never remembered: refused again, with its error
    for _attempt in range(2):
        with pytest.raises(StatementValidationError) as info:
            validate_activity({"id": "pas un iri"}, "object")
        assert (info.value.path, info.value.rule) == ("object.id", "iri")
    assert not already_valid(valid_object_key("activity", {"id": "pas un iri"}))
