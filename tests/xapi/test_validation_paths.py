"""Validators build an error's path only when they report the error: the written paths stay exact."""

import pytest

from xapi.errors import StatementValidationError
from xapi.validation import validate_statement
from xapi.validation.fields import path_text


def _statement(**extra):
    return {
        "actor": {"mbox": "mailto:a@example.org"},
        "verb": {"id": "http://example.org/verbs/did"},
        "object": {"id": "http://example.org/activities/a"},
        **extra,
    }


def _path(value, path=""):
    with pytest.raises(StatementValidationError) as info:
        validate_statement(value, path)
    return info.value.path


def test_paths_of_properties_items_and_batch_positions():
    other = [{"id": "http://example.org/a"}, {"id": "not an iri"}]
    context = {"contextActivities": {"other": other}}
    assert _path(_statement(context=context)) == "context.contextActivities.other[1].id"
    assert _path(_statement(context=context), "[3]") == "[3].context.contextActivities.other[1].id"
    assert _path(_statement(actor={"mbox": "nope"})) == "actor.mbox"
    assert _path(_statement(result={"score": {"scaled": 2}})) == "result.score.scaled"
    assert _path(_statement(verb={"id": "http://example.org/v", "display": {"en": None}})) == "verb.display.en"
    assert _path(_statement(unknown=1), "[0]") == "[0].unknown"


def test_the_path_of_a_nul_character_deep_inside_an_extension():
    deep = "bad\x00"
    for _ in range(300):
        deep = {"k": [deep]}
    path = _path(_statement(result={"extensions": {"http://example.org/x": deep}}))
    assert path == "result.extensions.http://example.org/x" + ".k[0]" * 300


def test_path_text_writes_pairs_as_the_strings_they_stand_for():
    assert path_text("") == ""
    assert path_text(("", "id")) == "id"
    assert path_text((("", "object"), "id")) == "object.id"
    assert path_text(("", 0)) == "[0]"
    assert path_text((("[2]", "context"), "team")) == "[2].context.team"
    assert path_text((("a", "b"), "")) == "a.b."
