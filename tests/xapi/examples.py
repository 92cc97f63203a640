"""Statements of every shape xAPI 1.0.3 describes, built fresh for each test."""

from __future__ import annotations

import copy
import uuid

import pytest

from xapi.errors import StatementValidationError
from xapi.validation import validate_statement

ACTIVITY = "http://relais.example/activities/module-1"
COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
VOIDED = "http://adlnet.gov/expapi/verbs/voided"
SHA1 = "ebd31e95054c018b10727ccffd2ef2ec3a016ee9"
SHA256 = "672fa5fa658017f1b72d65036f13379c6ab05d4ab3b6664908d8acf0b6a0c634"

AGENTS = {
    "mbox": {"objectType": "Agent", "name": "Camille", "mbox": "mailto:camille@example.fr"},
    "mbox_sha1sum": {"mbox_sha1sum": SHA1},
    "openid": {"openid": "http://openid.example.org/camille"},
    "account": {"account": {"homePage": "https://relais.example", "name": "2f5e6b1c"}},
}


def agent(kind: str = "account") -> dict:
    return copy.deepcopy(AGENTS[kind])


def identified_group(*, members: bool = True) -> dict:
    group = {
        "objectType": "Group",
        "name": "Équipe",
        "account": {"homePage": "https://relais.example", "name": "team-1"},
    }
    if members:
        group["member"] = [agent("mbox"), agent("openid")]
    return group


def anonymous_group() -> dict:
    return {"objectType": "Group", "member": [agent("mbox"), agent("account")]}


def statement(**overrides) -> dict:
    """The smallest valid statement, with ``overrides`` applied at the top level."""
    data = {
        "actor": agent(),
        "verb": {"id": COMPLETED, "display": {"fr-FR": "a terminé", "en-US": "completed"}},
        "object": {"objectType": "Activity", "id": ACTIVITY},
    }
    data.update(copy.deepcopy(overrides))
    return data


def full_definition() -> dict:
    return {
        "name": {"fr-FR": "Module 1", "en-US": "Module 1"},
        "description": {"fr-FR": "Un module"},
        "type": "http://adlnet.gov/expapi/activities/cmi.interaction",
        "moreInfo": "https://relais.example/modules/1",
        "extensions": {"http://relais.example/ext/duration": 45},
        "interactionType": "choice",
        "correctResponsesPattern": ["golf[,]tetris"],
        "choices": [
            {"id": "golf", "description": {"en-US": "Golf Example"}},
            {"id": "tetris", "description": {"en-US": "Tetris Example"}},
        ],
    }


# One definition per interaction type, with the components each one uses (xAPI-Data, Appendix C).
INTERACTIONS = {
    "true-false": {"correctResponsesPattern": ["true"]},
    "choice": {"choices": [{"id": "a"}, {"id": "b"}], "correctResponsesPattern": ["a[,]b"]},
    "fill-in": {"correctResponsesPattern": ["Bob's your uncle"]},
    "long-fill-in": {"correctResponsesPattern": ["{case_matters=false}{lang=en}To store and provide access"]},
    "matching": {
        "source": [{"id": "ben", "description": {"en-US": "Ben"}}],
        "target": [{"id": "3", "description": {"en-US": "Running"}}],
        "correctResponsesPattern": ["ben[.]3"],
    },
    "performance": {
        "steps": [{"id": "pong", "description": {"en-US": "Net pong"}}],
        "correctResponsesPattern": ["pong[.]1:[,]"],
    },
    "sequencing": {"choices": [{"id": "tim"}, {"id": "ben"}], "correctResponsesPattern": ["tim[,]ben"]},
    "likert": {"scale": [{"id": "likert_0"}, {"id": "likert_1"}], "correctResponsesPattern": ["likert_1"]},
    "numeric": {"correctResponsesPattern": ["4[:]"]},
    "other": {"correctResponsesPattern": ["(35.937432,-86.868896)"]},
}


def interaction(kind: str) -> dict:
    definition = {"type": "http://adlnet.gov/expapi/activities/cmi.interaction", "interactionType": kind}
    definition.update(copy.deepcopy(INTERACTIONS[kind]))
    return {"objectType": "Activity", "id": f"http://relais.example/interactions/{kind}", "definition": definition}


def full_result() -> dict:
    return {
        "score": {"scaled": 0.95, "raw": 95, "min": 0, "max": 100},
        "success": True,
        "completion": True,
        "response": "golf[,]tetris",
        "duration": "PT1H0M0.1S",
        "extensions": {"http://relais.example/ext/level": "http://relais.example/levels/4", "http://x.example/n": None},
    }


def full_context() -> dict:
    return {
        "registration": str(uuid.uuid4()),
        "instructor": agent("mbox"),
        "team": identified_group(),
        "contextActivities": {
            "parent": [{"id": "http://relais.example/courses/1", "objectType": "Activity"}],
            "grouping": [{"id": "http://relais.example/catalogue"}],
            "category": [{"id": "http://relais.example/frameworks/crcn"}],
            "other": [
                {
                    "id": "http://relais.example/competencies/crcn/3.1",
                    "definition": {"type": "http://adlnet.gov/expapi/activities/objective"},
                }
            ],
        },
        "revision": "2",
        "platform": "Relais",
        "language": "fr-FR",
        "statement": {"objectType": "StatementRef", "id": str(uuid.uuid4())},
        "extensions": {"http://relais.example/ext/school": "0951001X"},
    }


def attachment(**overrides) -> dict:
    data = {
        "usageType": "http://adlnet.gov/expapi/attachments/certificate",
        "display": {"fr-FR": "Attestation"},
        "description": {"fr-FR": "Attestation de formation"},
        "contentType": "application/pdf",
        "length": 12345,
        "sha2": SHA256,
        "fileUrl": "https://relais.example/files/attestation.pdf",
    }
    data.update(overrides)
    return data


def substatement(**overrides) -> dict:
    data = {
        "objectType": "SubStatement",
        "actor": agent("mbox"),
        "verb": {"id": "http://adlnet.gov/expapi/verbs/attended", "display": {"fr-FR": "a assisté"}},
        "object": {"objectType": "Activity", "id": "http://relais.example/sessions/42"},
        "result": {"completion": True},
        "context": {
            "contextActivities": {"parent": {"id": "http://relais.example/courses/1"}},
            "instructor": agent("openid"),
        },
        "timestamp": "2026-01-15T09:00:00Z",
    }
    data.update(copy.deepcopy(overrides))
    return data


def full_statement() -> dict:
    """Every top-level property a client may send."""
    return statement(
        id=str(uuid.uuid4()),
        object={"objectType": "Activity", "id": ACTIVITY, "definition": full_definition()},
        result=full_result(),
        context=full_context(),
        timestamp="2026-01-15T10:30:00.123+01:00",
        version="1.0.3",
        attachments=[attachment()],
    )


def voiding(target_id: str, **overrides) -> dict:
    return statement(
        verb={"id": VOIDED, "display": {"en-US": "voided"}},
        object={"objectType": "StatementRef", "id": target_id},
        **overrides,
    )


def set_path(data: dict, path: str, value) -> dict:
    """Set ``value`` at a dotted path with [i] indexes; ``...`` as value deletes the key."""
    tokens = []
    for part in path.split("."):
        name, _, rest = part.partition("[")
        tokens.append(name)
        if rest:
            tokens.extend(int(index) for index in rest.rstrip("]").split("]["))
    target = data
    for token in tokens[:-1]:
        target = target[token]
    if value is ...:
        del target[tokens[-1]]
    else:
        target[tokens[-1]] = value
    return data


def reject(data, path, rule):
    with pytest.raises(StatementValidationError) as info:
        validate_statement(data)
    assert (info.value.path, info.value.rule) == (path, rule), info.value.message
    assert info.value.message
