"""Every statement shape the spec describes is accepted, validated and stored."""

import pytest

from tests.xapi import examples as ex
from xapi.services import statement_store
from xapi.validation import validate_statement

SHAPES = {
    **{f"actor agent by {kind}": ex.statement(actor=ex.agent(kind)) for kind in ex.AGENTS},
    "actor identified group with members": ex.statement(actor=ex.identified_group()),
    "actor identified group without members": ex.statement(actor=ex.identified_group(members=False)),
    "actor anonymous group": ex.statement(actor=ex.anonymous_group()),
    "object agent": ex.statement(object={"objectType": "Agent", **ex.agent("openid")}),
    "object identified group": ex.statement(object=ex.identified_group()),
    "object anonymous group": ex.statement(object=ex.anonymous_group()),
    "object activity without objectType": ex.statement(object={"id": ex.ACTIVITY}),
    "object activity with full definition": ex.statement(
        object={"id": ex.ACTIVITY, "definition": ex.full_definition()}
    ),
    **{f"interaction {kind}": ex.statement(object=ex.interaction(kind)) for kind in ex.INTERACTIONS},
    "interaction likert without scale": ex.statement(
        object={"id": ex.ACTIVITY, "definition": {"interactionType": "likert"}}
    ),
    "object statementref": ex.statement(
        object={"objectType": "StatementRef", "id": "6FBD600F-D17C-4C74-801A-2EC2E53231C9"}
    ),
    "object substatement": ex.statement(object=ex.substatement()),
    "substatement with statementref": ex.statement(
        object=ex.substatement(object={"objectType": "StatementRef", "id": "6fbd600f-d17c-4c74-801a-2ec2e53231c9"})
    ),
    "substatement about an agent": ex.statement(object=ex.substatement(object={"objectType": "Agent", **ex.agent()})),
    "full result": ex.statement(result=ex.full_result()),
    "negative scaled score": ex.statement(result={"score": {"scaled": -1, "raw": -5, "min": -10, "max": 0}}),
    "full context": ex.statement(context=ex.full_context()),
    "context activities as single objects": ex.statement(
        context={"contextActivities": {"parent": {"id": ex.ACTIVITY}, "other": {"id": "http://x.example/o"}}}
    ),
    "context with anonymous team": ex.statement(
        context={"team": ex.anonymous_group(), "instructor": ex.identified_group()}
    ),
    "attachments metadata": ex.statement(
        attachments=[
            ex.attachment(),
            ex.attachment(
                usageType="http://adlnet.gov/expapi/attachments/signature",
                contentType="application/octet-stream",
                display={"en-US": "Signature"},
            ),
        ]
    ),
    "full statement": ex.full_statement(),
    "authority agent": ex.statement(authority=ex.agent("mbox")),
    "authority oauth group": ex.statement(
        authority={"objectType": "Group", "member": [ex.agent("account"), ex.agent("mbox")]}
    ),
    "stored given by the client": ex.statement(stored="2026-01-01T00:00:00Z"),
    "version 1.0": ex.statement(version="1.0"),
    "voiding": ex.voiding("6fbd600f-d17c-4c74-801a-2ec2e53231c9"),
    "IRI with non-ASCII characters": ex.statement(object={"id": "http://relais.example/activités/écrire"}),
    "urn verb": ex.statement(verb={"id": "urn:x-relais:verbs:attended"}),
    "extension value null": ex.statement(context={"extensions": {"http://x.example/e": None}}),
}

LANGUAGE_TAGS = ["fr", "fr-FR", "zh-Hant-TW", "sr-Latn-RS", "de-CH-1901", "en-US-x-twain", "x-private", "i-klingon",
                 "en-GB-oed", "sgn-BE-FR", "es-419", "und", "EN-us", "zh-yue-HK", "en-a-bbb-x-a-ccc"]  # fmt: skip
TIMESTAMPS = [
    "2026-01-15T10:30:00Z",
    "2026-01-15T10:30:00.123Z",
    "2026-01-15T10:30:00.123456789+02:00",
    "2026-01-15T10:30:00+0200",
    "2026-01-15T10:30:00+02",
    "2026-01-15T10:30:00",
    "2026-01-15T10:30Z",
    "20260115T103000Z",
    "2026-01-15T10:30:00.601+00:00",
]
DURATIONS = ["PT1H0M0.1S", "PT4H35M59.14S", "PT16559.14S", "P3Y1M29DT4H35M59.14S", "P3Y", "P4W", "PT0S", "P1D"]


@pytest.mark.parametrize("data", SHAPES.values(), ids=SHAPES.keys())
def test_shape_is_valid(data):
    validate_statement(data)


@pytest.mark.parametrize("tag", LANGUAGE_TAGS)
def test_language_tags(tag):
    validate_statement(ex.statement(verb={"id": ex.COMPLETED, "display": {tag: "x"}}, context={"language": tag}))


@pytest.mark.parametrize("timestamp", TIMESTAMPS)
def test_timestamps(timestamp):
    validate_statement(ex.statement(timestamp=timestamp))


@pytest.mark.parametrize("duration", DURATIONS)
def test_durations(duration):
    validate_statement(ex.statement(result={"duration": duration}))


@pytest.mark.django_db
def test_every_shape_is_stored_as_sent():
    for name, data in SHAPES.items():
        statement = statement_store(data=data)
        for key, value in data.items():
            if key in ("object", "context", "authority", "stored"):
                continue  # normalised or assigned by the store, checked in test_store
            assert statement.payload[key] == value, name
