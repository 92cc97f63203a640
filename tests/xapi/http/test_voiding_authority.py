"""Who may void what: a client voids only what it wrote itself, unless the académie trusts it for any actor.

Otherwise any writer could hide another system's statements from every reader and, through forwarding,
withdraw their evidence in the LRSs downstream."""

import uuid

import pytest

from tests.xapi.examples import VOIDED, statement
from xapi.models import Client, Statement
from xapi.services import statement_store
from xapi.trust import client_evidence_set

pytestmark = pytest.mark.django_db


def voiding(target_id) -> dict:
    return statement(
        id=str(uuid.uuid4()),
        verb={"id": VOIDED},
        object={"objectType": "StatementRef", "id": str(target_id)},
    )


def refused(response, path):
    assert response.status_code == 403, response.content
    error = response.json()["error"]
    assert (error["rule"], error["path"]) == ("voiding_not_allowed", path)
    assert "annuler" in error["message"]


def test_a_client_voids_its_own_statements_only(make_api):
    lms, other = make_api(name="LMS"), make_api(name="Autre système")
    (mine,) = lms.stored(statement(id=str(uuid.uuid4())))
    refused(other.post(voiding(mine)), "object.id")
    refused(other.post([statement(id=str(uuid.uuid4())), voiding(mine)]), "[1].object.id")
    put = voiding(mine)
    refused(other.put(put, statement_id=put["id"]), "object.id")
    assert not Statement.objects.get(pk=mine).voided
    assert Statement.objects.count() == 1  # nothing of the refused batches was stored
    lms.stored(voiding(mine))
    assert Statement.objects.get(pk=mine).voided


def test_relais_own_statements_are_voided_only_by_a_trusted_client(make_api):
    relais = statement_store(data=statement(id=str(uuid.uuid4())))  # a learning event Relais recorded itself
    other = make_api(name="Autre système")
    refused(other.post(voiding(relais.pk)), "object.id")
    assert not Statement.objects.get(pk=relais.pk).voided
    client_evidence_set(client=Client.objects.get(pk=other.client.pk), evidence=Client.Evidence.ANY)
    assert other.post(voiding(relais.pk)).status_code == 200
    assert Statement.objects.get(pk=relais.pk).voided


def test_a_statement_and_its_voiding_in_one_batch(make_api):
    lms = make_api(name="LMS")
    target = statement(id=str(uuid.uuid4()))
    lms.stored([target, voiding(target["id"])])
    assert Statement.objects.get(pk=target["id"]).voided
