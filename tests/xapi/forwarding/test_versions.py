"""Targets and sources speak a version: a 1.0.3 target gets 1.0.3 statements, a 2.0 one 2.0 statements,
and a 2.0 source's statements (contextAgents included) are pulled whole. The peer is a real Relais."""

import time
import uuid

import pytest
import requests
from django.core.management import call_command

from xapi.forwarding.models import ForwardTarget, OutboxEntry, PullSource
from xapi.models import Statement
from xapi.services import statements_store
from xapi.versions import V2, speaking

from .statements import new_group

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PEER_CONSISTENCY_LAG = 2.2
COACH = {"objectType": "Agent", "mbox": "mailto:coach@example.fr"}


def with_context_agents(group: str) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "actor": {"objectType": "Agent", "account": {"homePage": "https://ent.example.fr", "name": "u1"}},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"},
        "object": {"id": f"{group}/page/1"},
        "context": {
            "contextActivities": {"grouping": [{"id": group}]},
            "contextAgents": [
                {"objectType": "contextAgent", "agent": COACH, "relevantTypes": ["https://example.fr/roles/coach"]}
            ],
        },
    }


def peer_statement(peer, statement_id: str, version: str) -> dict:
    response = requests.get(
        peer.endpoint + "statements",
        params={"statementId": statement_id},
        auth=peer.auth,
        headers={"X-Experience-API-Version": version},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    assert response.headers["X-Experience-API-Version"] == version
    return response.json()


def target(peer, name: str, version: str) -> ForwardTarget:
    target = ForwardTarget(name=name, endpoint=peer.endpoint, username=peer.key, batch_size=10, xapi_version=version)
    target.set_secret(peer.secret)
    target.save()
    return target


@pytest.mark.parametrize("version", ["1.0.3", "2.0.0"])
def test_a_target_gets_statements_in_its_own_version(peer, version):
    group = new_group()
    statement = with_context_agents(group)
    with speaking(V2):
        statements_store(data=[statement])
    forward = target(peer, f"peer-{version.replace('.', '')}", version)

    # In-process Celery (no broker): the delivery runs before the command returns.
    call_command("forward_backfill", forward.name, "--since", "2026-01-01")

    entry = OutboxEntry.objects.get(target=forward, statement_id=statement["id"])
    # A 1.0.3 LRS (the peer, spoken to in 1.0.3) refuses contextAgents: delivered means converted.
    assert (entry.status, entry.last_error) == (OutboxEntry.Status.DELIVERED, "")
    copy = peer_statement(peer, statement["id"], "2.0.0")
    if version == "1.0.3":
        assert "contextAgents" not in copy["context"]
        assert copy["version"] == "1.0.0"
    else:
        assert copy["context"]["contextAgents"][0]["agent"] == COACH
        assert copy["version"] == "2.0.0"
    assert copy["context"]["contextActivities"]["grouping"] == [{"id": group}]


def test_a_2_0_source_is_pulled_whole_and_a_1_0_3_one_refuses_nothing_it_cannot_read(peer):
    group = new_group()
    statement = with_context_agents(group)
    response = requests.post(
        peer.endpoint + "statements",
        json=[statement],
        auth=peer.auth,
        headers={"X-Experience-API-Version": "2.0.0"},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    source = PullSource(
        name="peer-v2",
        endpoint=peer.endpoint,
        username=peer.key,
        query={"activity": group, "related_activities": True},
        xapi_version="2.0.0",
    )
    source.set_secret(peer.secret)
    source.save()
    time.sleep(PEER_CONSISTENCY_LAG)

    call_command("pull_now", "peer-v2")

    pulled = Statement.objects.get(id=statement["id"])
    assert pulled.payload["context"]["contextAgents"][0]["agent"] == COACH
    assert pulled.payload["version"] == "2.0.0"
    # The coach is indexed: related_agents finds the statement through them.
    assert pulled.agent_index.filter(agent_key__contains="coach@example.fr").exists()

    # The same statement read by a 1.0.3 source arrives without what 1.0.3 cannot say, and is stored.
    Statement.objects.filter(id=statement["id"]).delete()
    PullSource.objects.filter(name="peer-v2").update(xapi_version="1.0.3", more_url="", last_stored=None)
    call_command("pull_now", "peer-v2")
    pulled = Statement.objects.get(id=statement["id"])
    assert "contextAgents" not in pulled.payload["context"]
    source.refresh_from_db()
    assert source.rejected_count == 0
