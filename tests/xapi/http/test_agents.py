"""/xapi/agents: the Person object (Communication 2.4)."""

from __future__ import annotations

import pytest

from tests.xapi import examples
from tests.xapi.http.doc_fixtures import Lrs
from xapi.services import statement_store

pytestmark = pytest.mark.django_db


@pytest.fixture
def lrs(db) -> Lrs:
    """A client with every right."""
    return Lrs(["all"])


def test_unknown_agent_gets_a_person_from_the_request(lrs):
    response = lrs.get("agents", {"agent": {"objectType": "Agent", "mbox": "mailto:inconnu@example.fr"}})
    assert response.status_code == 200
    assert response.json() == {"objectType": "Person", "mbox": ["mailto:inconnu@example.fr"]}
    assert response["ETag"].startswith('"') and len(response["ETag"]) == 42


@pytest.mark.parametrize("kind", sorted(examples.AGENTS))
def test_each_identifier_comes_back_as_an_array(lrs, kind):
    agent = examples.agent(kind)
    person = lrs.get("agents", {"agent": agent}).json()
    ifi = next(key for key in ("mbox", "mbox_sha1sum", "openid", "account") if key in agent)
    assert person["objectType"] == "Person"
    assert person[ifi] == [agent[ifi]]
    assert set(person) <= {"objectType", "name", ifi}


def test_names_come_from_the_request_and_from_statements(lrs):
    actor = {"objectType": "Agent", "name": "Camille M.", "mbox": "mailto:camille@example.fr"}
    statement_store(data=examples.statement(actor=actor))
    statement_store(data=examples.statement(actor={**actor, "name": "Camille Martin"}))
    statement_store(data=examples.statement(actor={"name": "Quelqu'un d'autre", "mbox": "mailto:autre@example.fr"}))

    person = lrs.get("agents", {"agent": {"name": "Camille", "mbox": "mailto:camille@example.fr"}}).json()

    assert person["name"][0] == "Camille"
    assert set(person["name"]) == {"Camille", "Camille M.", "Camille Martin"}
    assert person["mbox"] == ["mailto:camille@example.fr"]


@pytest.mark.parametrize(
    "agent",
    [None, "not JSON", "1", {"key": "value"}, {"objectType": "Group", "member": [examples.agent("mbox")]}],
)
def test_invalid_agent_is_400(lrs, agent):
    params = {} if agent is None else {"agent": agent}
    response = lrs.get("agents", params)
    assert response.status_code == 400
    assert response.json()["error"]["path"].startswith("agent")


def test_unknown_parameter_is_400(lrs):
    assert lrs.get("agents", {"agent": examples.agent(), "profileId": "x"}).status_code == 400


def test_head_and_other_methods(lrs):
    head = lrs.head("agents", {"agent": examples.agent()})
    assert head.status_code == 200 and head.content == b""
    assert lrs.put("agents", {"agent": examples.agent()}, {"a": 1}).status_code == 405
