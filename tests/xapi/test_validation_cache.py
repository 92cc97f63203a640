"""The validators remember strings they found valid: that must never let an invalid value through."""

import pytest

from xapi.errors import StatementValidationError
from xapi.validation.fields import validate_iri, validate_irl, validate_language_map


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
