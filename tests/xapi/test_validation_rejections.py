"""One case per rejection rule: the error names the JSON path and the rule."""

import pytest

from tests.xapi import examples as ex
from tests.xapi.examples import reject


def without(data, key):
    del data[key]
    return data


STATEMENT_CASES = {
    "not an object": ([], "", "type"),
    "actor missing": (without(ex.statement(), "actor"), "actor", "required"),
    "verb missing": (without(ex.statement(), "verb"), "verb", "required"),
    "object missing": (without(ex.statement(), "object"), "object", "required"),
    "unknown property": (ex.statement(foo=1), "foo", "unknown_property"),
    "key in the wrong case": (ex.statement(Result={}), "Result", "unknown_property"),
    "objectType on a statement": (ex.statement(objectType="Statement"), "objectType", "unknown_property"),
    "null value": (ex.statement(result=None), "result", "null_value"),
    "nested null": (ex.statement(context={"registration": None}), "context.registration", "null_value"),
    "id not a UUID": (ex.statement(id="not-a-uuid"), "id", "uuid"),
    "id in braces": (ex.statement(id="{6fbd600f-d17c-4c74-801a-2ec2e53231c9}"), "id", "uuid"),
    "id as a URN": (ex.statement(id="urn:uuid:6fbd600f-d17c-4c74-801a-2ec2e53231c9"), "id", "uuid"),
    "version 2": (ex.statement(version="2.0.0"), "version", "version"),
    "version 0.95": (ex.statement(version="0.95"), "version", "version"),
    "version as a number": (ex.statement(version=1.0), "version", "type"),
    "stored not a timestamp": (ex.statement(stored="hier"), "stored", "timestamp"),
    "timestamp a sentence": (ex.statement(timestamp="should fail"), "timestamp", "timestamp"),
    "timestamp a US date": (ex.statement(timestamp="01/011/2015"), "timestamp", "timestamp"),
    "timestamp a number": (ex.statement(timestamp=1700000000), "timestamp", "type"),
    "timestamp offset -00": (ex.statement(timestamp="2008-09-15T15:53:00.601-00"), "timestamp", "timestamp_offset"),
    "timestamp offset -0000": (ex.statement(timestamp="2008-09-15T15:53:00.601-0000"), "timestamp", "timestamp_offset"),
    "timestamp offset -00:00": (
        ex.statement(timestamp="2008-09-15T15:53:00.601-00:00"),
        "timestamp",
        "timestamp_offset",
    ),
    "timestamp month 13": (ex.statement(timestamp="2008-13-15T15:53:00Z"), "timestamp", "timestamp"),
    "voiding an activity": (
        ex.statement(verb={"id": ex.VOIDED}),
        "object",
        "voiding_object",
    ),
    "authority group of three": (
        ex.statement(authority={"objectType": "Group", "member": [ex.agent("mbox"), ex.agent("openid"), ex.agent()]}),
        "authority",
        "authority_group",
    ),
    "authority identified group": (
        ex.statement(authority=ex.identified_group()),
        "authority",
        "authority_group",
    ),
    "authority without IFI": (ex.statement(authority={"name": "x"}), "authority", "missing_ifi"),
    "attachments not an array": (ex.statement(attachments={}), "attachments", "type"),
}

AGENT_CASES = {
    "no IFI": (ex.statement(actor={"name": "Camille"}), "actor", "missing_ifi"),
    "two IFIs": (ex.statement(actor={**ex.agent("mbox"), **ex.agent("openid")}), "actor.openid", "multiple_ifi"),
    "mbox without mailto": (ex.statement(actor={"mbox": "camille@example.fr"}), "actor.mbox", "mailto"),
    "mbox without @": (ex.statement(actor={"mbox": "mailto:camille"}), "actor.mbox", "mailto"),
    "mbox empty": (ex.statement(actor={"mbox": ""}), "actor.mbox", "mailto"),
    "mbox_sha1sum not hex": (ex.statement(actor={"mbox_sha1sum": "xyz"}), "actor.mbox_sha1sum", "sha1"),
    "openid not a URI": (ex.statement(actor={"openid": "camille"}), "actor.openid", "iri"),
    "account without name": (
        ex.statement(actor={"account": {"homePage": "https://relais.example"}}),
        "actor.account.name",
        "required",
    ),
    "account without homePage": (ex.statement(actor={"account": {"name": "x"}}), "actor.account.homePage", "required"),
    "account homePage not an IRL": (
        ex.statement(actor={"account": {"homePage": "relais", "name": "x"}}),
        "actor.account.homePage",
        "irl",
    ),
    "account extra property": (
        ex.statement(actor={"account": {"homePage": "https://r.example", "name": "x", "id": 1}}),
        "actor.account.id",
        "unknown_property",
    ),
    "account name a number": (
        ex.statement(actor={"account": {"homePage": "https://r.example", "name": 7}}),
        "actor.account.name",
        "type",
    ),
    "objectType in lower case": (
        ex.statement(actor={**ex.agent(), "objectType": "agent"}),
        "actor.objectType",
        "object_type",
    ),
    "objectType unknown": (
        ex.statement(actor={**ex.agent(), "objectType": "Person"}),
        "actor.objectType",
        "object_type",
    ),
    "name a number": (ex.statement(actor={**ex.agent(), "name": 3}), "actor.name", "type"),
    "agent with members": (ex.statement(actor={**ex.agent(), "member": []}), "actor.member", "unknown_property"),
    "anonymous group without members": (
        ex.statement(actor={"objectType": "Group", "name": "x"}),
        "actor.member",
        "anonymous_group_members",
    ),
    "anonymous group with no member": (
        ex.statement(actor={"objectType": "Group", "member": []}),
        "actor.member",
        "empty",
    ),
    "group member is a group": (
        ex.statement(actor={"objectType": "Group", "member": [ex.identified_group(members=False)]}),
        "actor.member[0].objectType",
        "group_member",
    ),
    "group member without IFI": (
        ex.statement(actor={"objectType": "Group", "member": [ex.agent(), {"name": "x"}]}),
        "actor.member[1]",
        "missing_ifi",
    ),
    "identified group with two IFIs": (
        ex.statement(actor={**ex.identified_group(), "mbox": "mailto:team@example.fr"}),
        "actor.account",
        "multiple_ifi",
    ),
    "actor not an object": (ex.statement(actor="mailto:x@example.fr"), "actor", "type"),
}

VERB_CASES = {
    "id not an IRI": (ex.statement(verb={"id": "completed"}), "verb.id", "iri"),
    "id missing": (ex.statement(verb={"display": {"fr": "fait"}}), "verb.id", "required"),
    "id empty": (ex.statement(verb={"id": ""}), "verb.id", "iri"),
    "id with a space": (ex.statement(verb={"id": "http://x.example/a verb"}), "verb.id", "iri"),
    "display a string": (ex.statement(verb={"id": ex.COMPLETED, "display": "completed"}), "verb.display", "type"),
    "display bad language tag": (
        ex.statement(verb={"id": ex.COMPLETED, "display": {"en_US": "completed"}}),
        "verb.display.en_US",
        "language_tag",
    ),
    "display value a number": (
        ex.statement(verb={"id": ex.COMPLETED, "display": {"en-US": 1}}),
        "verb.display.en-US",
        "type",
    ),
    "extra property": (ex.statement(verb={"id": ex.COMPLETED, "type": "x"}), "verb.type", "unknown_property"),
}


@pytest.mark.parametrize(("data", "path", "rule"), STATEMENT_CASES.values(), ids=STATEMENT_CASES.keys())
def test_statement_rules(data, path, rule):
    reject(data, path, rule)


@pytest.mark.parametrize(("data", "path", "rule"), AGENT_CASES.values(), ids=AGENT_CASES.keys())
def test_agent_rules(data, path, rule):
    reject(data, path, rule)


@pytest.mark.parametrize(("data", "path", "rule"), VERB_CASES.values(), ids=VERB_CASES.keys())
def test_verb_rules(data, path, rule):
    reject(data, path, rule)
