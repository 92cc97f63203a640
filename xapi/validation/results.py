"""The Result and its Score."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from .fields import (
    check_properties,
    expect_bool,
    expect_number,
    expect_object,
    expect_string,
    fail,
    validate_duration,
    validate_extensions,
)


def validate_score(value: Any, path: str) -> dict:
    score = expect_object(value, path)
    check_properties(score, path, allowed=("scaled", "raw", "min", "max"), name="score")
    numbers = {key: expect_number(score[key], (path, key)) for key in ("scaled", "raw", "min", "max") if key in score}
    if "scaled" in numbers and not -1 <= numbers["scaled"] <= 1:
        fail((path, "scaled"), "score_scaled_range", _("Le score normalisé doit être compris entre -1 et 1."))
    if "min" in numbers and "max" in numbers and numbers["min"] >= numbers["max"]:
        fail((path, "min"), "score_min_max", _("Le score minimal doit être inférieur au score maximal."))
    if "raw" in numbers:
        if "min" in numbers and numbers["raw"] < numbers["min"]:
            fail((path, "raw"), "score_raw_range", _("Le score brut ne peut pas être inférieur au score minimal."))
        if "max" in numbers and numbers["raw"] > numbers["max"]:
            fail((path, "raw"), "score_raw_range", _("Le score brut ne peut pas dépasser le score maximal."))
    return score


def validate_result(value: Any, path: str) -> dict:
    result = expect_object(value, path)
    check_properties(
        result, path, allowed=("score", "success", "completion", "response", "duration", "extensions"), name="result"
    )
    if "score" in result:
        validate_score(result["score"], (path, "score"))
    for key in ("success", "completion"):
        if key in result:
            expect_bool(result[key], (path, key))
    if "response" in result:
        expect_string(result["response"], (path, "response"))
    if "duration" in result:
        validate_duration(result["duration"], (path, "duration"))
    if "extensions" in result:
        validate_extensions(result["extensions"], (path, "extensions"))
    return result
