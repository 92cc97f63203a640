"""Rejection rules for objects, activity definitions and SubStatements."""

import pytest

from tests.xapi import examples as ex
from tests.xapi.examples import reject


def with_definition(**definition):
    return ex.statement(object={"id": ex.ACTIVITY, "definition": definition})


def with_interaction(kind, **changes):
    activity = ex.interaction(kind)
    activity["definition"].update(changes)
    return ex.statement(object=activity)


OBJECT_CASES = {
    "activity without id": (ex.statement(object={"objectType": "Activity"}), "object.id", "required"),
    "activity id not an IRI": (ex.statement(object={"id": "ab=c://should.fail.com"}), "object.id", "iri"),
    "activity id without scheme": (ex.statement(object={"id": "relais.example/a"}), "object.id", "iri"),
    "objectType in lower case": (
        ex.statement(object={"objectType": "activity", "id": ex.ACTIVITY}),
        "object.objectType",
        "object_type",
    ),
    "objectType unknown": (
        ex.statement(object={"objectType": "Thing", "id": ex.ACTIVITY}),
        "object.objectType",
        "object_type",
    ),
    "activity extra property": (
        ex.statement(object={"id": ex.ACTIVITY, "name": "x"}),
        "object.name",
        "unknown_property",
    ),
    "agent object without objectType": (
        ex.statement(object={"mbox": "mailto:a@example.fr"}),
        "object.objectType",
        "required",
    ),
    "statementref without id": (ex.statement(object={"objectType": "StatementRef"}), "object.id", "required"),
    "statementref id not a UUID": (
        ex.statement(object={"objectType": "StatementRef", "id": "1234"}),
        "object.id",
        "uuid",
    ),
    "statementref extra property": (
        ex.statement(object={"objectType": "StatementRef", "id": "6fbd600f-d17c-4c74-801a-2ec2e53231c9", "verb": {}}),
        "object.verb",
        "unknown_property",
    ),
    "definition a string": (ex.statement(object={"id": ex.ACTIVITY, "definition": "x"}), "object.definition", "type"),
    "definition name a string": (with_definition(name="Module"), "object.definition.name", "type"),
    "definition name a number": (with_definition(name=12345), "object.definition.name", "type"),
    "definition description bad tag": (
        with_definition(description={"français": "x"}),
        "object.definition.description.français",
        "language_tag",
    ),
    "definition type not an IRI": (with_definition(type="should fail"), "object.definition.type", "iri"),
    "definition moreInfo not an IRL": (with_definition(moreInfo="should fail"), "object.definition.moreInfo", "irl"),
    "definition extensions a string": (with_definition(extensions="x"), "object.definition.extensions", "type"),
    "definition extension key not an IRI": (
        with_definition(extensions={"valid": {"en-US": "valid"}}),
        "object.definition.extensions.valid",
        "extension_key",
    ),
    "definition extra property": (with_definition(title={"fr": "x"}), "object.definition.title", "unknown_property"),
    "interactionType unknown": (
        with_definition(interactionType="essay"),
        "object.definition.interactionType",
        "interaction_type",
    ),
    "interactionType wrong case": (
        with_definition(interactionType="Choice"),
        "object.definition.interactionType",
        "interaction_type",
    ),
    "interactionType a number": (with_definition(interactionType=12345), "object.definition.interactionType", "type"),
    "interactionType an IRI": (
        with_definition(interactionType="http://adlnet.gov/expapi/activities/cmi.interaction"),
        "object.definition.interactionType",
        "interaction_type",
    ),
    "correctResponsesPattern without interactionType": (
        with_definition(correctResponsesPattern=["a"]),
        "object.definition.correctResponsesPattern",
        "interaction_type_required",
    ),
    "correctResponsesPattern a string": (
        with_interaction("fill-in", correctResponsesPattern="a"),
        "object.definition.correctResponsesPattern",
        "type",
    ),
    "correctResponsesPattern item a number": (
        with_interaction("numeric", correctResponsesPattern=[4]),
        "object.definition.correctResponsesPattern[0]",
        "type",
    ),
    "choices without interactionType": (
        with_definition(choices=[{"id": "a"}]),
        "object.definition.choices",
        "interaction_component",
    ),
    "choices on a likert": (
        with_interaction("likert", choices=[{"id": "a"}]),
        "object.definition.choices",
        "interaction_component",
    ),
    "steps on a matching": (
        with_interaction("matching", steps=[{"id": "a"}]),
        "object.definition.steps",
        "interaction_component",
    ),
    "duplicate component id": (
        with_interaction("choice", choices=[{"id": "a"}, {"id": "a"}]),
        "object.definition.choices[1].id",
        "duplicate_component_id",
    ),
    "component without id": (
        with_interaction("likert", scale=[{"description": {"en": "x"}}]),
        "object.definition.scale[0].id",
        "required",
    ),
    "component description a string": (
        with_interaction("performance", steps=[{"id": "a", "description": "x"}]),
        "object.definition.steps[0].description",
        "type",
    ),
    "component extra property": (
        with_interaction("sequencing", choices=[{"id": "a", "score": 1}]),
        "object.definition.choices[0].score",
        "unknown_property",
    ),
    "components not a list": (
        with_interaction("matching", source={"id": "a"}),
        "object.definition.source",
        "type",
    ),
}

SUBSTATEMENT_CASES = {
    "with an id": (
        ex.statement(object=ex.substatement(id="6fbd600f-d17c-4c74-801a-2ec2e53231c9")),
        "object.id",
        "substatement_property",
    ),
    "with stored": (
        ex.statement(object=ex.substatement(stored="2026-01-01T00:00:00Z")),
        "object.stored",
        "substatement_property",
    ),
    "with version": (ex.statement(object=ex.substatement(version="1.0.0")), "object.version", "substatement_property"),
    "with authority": (
        ex.statement(object=ex.substatement(authority=ex.agent())),
        "object.authority",
        "substatement_property",
    ),
    "nested SubStatement": (
        ex.statement(object=ex.substatement(object=ex.substatement())),
        "object.object.objectType",
        "nested_substatement",
    ),
    "without verb": (
        ex.statement(object={k: v for k, v in ex.substatement().items() if k != "verb"}),
        "object.verb",
        "required",
    ),
    "unknown property": (ex.statement(object=ex.substatement(foo=1)), "object.foo", "unknown_property"),
    "actor without IFI": (ex.statement(object=ex.substatement(actor={"name": "x"})), "object.actor", "missing_ifi"),
    "activity id not an IRI": (
        ex.statement(object=ex.substatement(object={"id": "ab=c://should.fail.com"})),
        "object.object.id",
        "iri",
    ),
    "timestamp offset -00:00": (
        ex.statement(object=ex.substatement(timestamp="2008-09-15T15:53:00.601-00:00")),
        "object.timestamp",
        "timestamp_offset",
    ),
    "duration invalid": (
        ex.statement(object=ex.substatement(result={"duration": "PA1H0M0S"})),
        "object.result.duration",
        "duration",
    ),
    "revision on an agent object": (
        ex.statement(object=ex.substatement(object={"objectType": "Agent", **ex.agent()}, context={"revision": "1"})),
        "object.context.revision",
        "context_requires_activity",
    ),
}


@pytest.mark.parametrize(("data", "path", "rule"), OBJECT_CASES.values(), ids=OBJECT_CASES.keys())
def test_object_rules(data, path, rule):
    reject(data, path, rule)


@pytest.mark.parametrize(("data", "path", "rule"), SUBSTATEMENT_CASES.values(), ids=SUBSTATEMENT_CASES.keys())
def test_substatement_rules(data, path, rule):
    reject(data, path, rule)
