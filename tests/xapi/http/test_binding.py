"""A client bound to one learner (and registration), whatever its scopes: it writes, reads and keeps documents
only about that learner; it never voids; every refusal is a 403 naming the rule. Unbound clients are unchanged."""

import json
import uuid

import pytest

from xapi.http.auth import client_create
from xapi.models import Client
from xapi.trust import client_evidence_set

from .conftest import Api, basic

LEARNER = {"objectType": "Agent", "account": {"homePage": "https://relais.example", "name": "apprenante"}}
OTHER = {"objectType": "Agent", "account": {"homePage": "https://relais.example", "name": "collegue"}}
REGISTRATION = str(uuid.uuid4())
ACTIVITY = "https://contenus.example.org/a"


@pytest.fixture
def bound(db):
    client, secret = client_create(
        name="lié", scopes=["all"], bound_actor=LEARNER, bound_registration=uuid.UUID(REGISTRATION)
    )
    return Api(basic(client.key, secret))


def statement(actor=LEARNER, registration=REGISTRATION, verb="experienced", **extra):
    data = {
        "id": str(uuid.uuid4()),
        "actor": actor,
        "verb": {"id": f"http://adlnet.gov/expapi/verbs/{verb}"},
        "object": {"objectType": "Activity", "id": ACTIVITY},
        **extra,
    }
    if registration:
        data["context"] = {"registration": registration}
    return data


def refused(response, rule):
    assert response.status_code == 403, response.content
    assert response.json()["error"]["rule"] == rule
    assert response.json()["error"]["message"]


def test_writes_only_about_its_learner_in_its_registration(bound, api):
    assert bound.post(statement()).status_code == 200
    refused(bound.post(statement(actor=OTHER)), "bound_actor")
    refused(bound.post(statement(actor={**LEARNER, "objectType": "Group"})), "bound_actor")
    refused(bound.post(statement(registration=str(uuid.uuid4()))), "bound_registration")
    refused(bound.post(statement(registration=None)), "bound_registration")
    theirs = statement(actor=OTHER)
    refused(bound.put(theirs, theirs["id"]), "bound_actor")
    refused(bound.post(statement(object=OTHER)), "bound_other_agent")
    # Validation errors come first: a malformed statement is a 400, not a 403.
    assert bound.post({"actor": "x"}).status_code == 400
    # An unbound client still writes about anyone.
    assert api.post(statement(actor=OTHER)).status_code == 200


def test_never_voids(bound, api):
    (target,) = bound.stored(statement())
    void = statement(verb="voided")
    void["object"] = {"objectType": "StatementRef", "id": target}
    refused(bound.post(void), "bound_voiding")
    # The LMS may, when the académie trusts it for any actor (a client voids only what it wrote otherwise).
    assert api.post(void).status_code == 403
    client_evidence_set(client=Client.objects.get(pk=api.client.pk), evidence=Client.Evidence.ANY)
    assert api.post(void).status_code == 200


def test_reads_only_its_learner(bound, api):
    api.stored([statement(), statement(actor=OTHER), statement(registration=str(uuid.uuid4()))])
    listed = bound.get(params={}).json()["statements"]
    assert len(listed) == 1 and listed[0]["actor"]["account"]["name"] == "apprenante"
    refused(bound.get(params={"agent": json.dumps(OTHER)}), "bound_read_agent")
    refused(bound.get(params={"registration": str(uuid.uuid4())}), "bound_read_registration")
    assert bound.get(params={"agent": json.dumps(LEARNER)}).status_code == 200
    refused(bound.get("/xapi/agents", {"agent": json.dumps(OTHER)}), "bound_read_agent")
    assert len(api.get(params={}).json()["statements"]) == 3


def test_documents_of_its_learner_only(bound):
    def state(agent=LEARNER, registration=REGISTRATION):
        params = {"activityId": ACTIVITY, "agent": json.dumps(agent), "stateId": "s"}
        if registration:
            params["registration"] = registration
        return "/xapi/activities/state?" + "&".join(f"{k}={v}" for k, v in _quoted(params).items())

    put = bound.http.put
    headers = bound._headers({})
    assert put(state(), b'{"a": 1}', content_type="application/json", **headers).status_code == 204
    refused(put(state(agent=OTHER), b"{}", content_type="application/json", **headers), "bound_document_agent")
    refused(bound.get(state(agent=OTHER)), "bound_document_agent")
    refused(bound.get(state(registration=None)), "bound_document_registration")
    profile = "/xapi/agents/profile?" + "&".join(
        f"{k}={v}" for k, v in _quoted({"agent": json.dumps(OTHER), "profileId": "p"}).items()
    )
    refused(bound.get(profile), "bound_document_agent")
    activity_profile = "/xapi/activities/profile?" + "&".join(
        f"{k}={v}" for k, v in _quoted({"activityId": ACTIVITY, "profileId": "p"}).items()
    )
    refused(put(activity_profile, b"{}", content_type="application/json", **headers), "bound_activity_profile")
    assert bound.get(activity_profile).status_code == 404  # reading it is allowed


def _quoted(params):
    from urllib.parse import quote

    return {k: quote(v, safe="") for k, v in params.items()}
