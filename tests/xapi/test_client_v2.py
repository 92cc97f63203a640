"""An xAPI 2.0 client over a live server: real HTTP (requests), every call announcing 2.0.0.

TinCanPython (tests/xapi/test_tincan.py) speaks 1.0.3 only; this walks a 2.0 client's day:
discover the versions, send statements with context agents, read them back, find them through
related_agents, and keep a state document with ETag concurrency.
"""

import uuid
from email.utils import parsedate_to_datetime

import pytest
import requests

from xapi.http.auth import client_create

pytestmark = pytest.mark.django_db(transaction=True)

VERSION = {"X-Experience-API-Version": "2.0.0"}
LEARNER = {"objectType": "Agent", "account": {"homePage": "https://relais.example", "name": "camille"}}
MENTOR = {"objectType": "Agent", "mbox": "mailto:mentor@example.fr"}
ACTIVITY = "https://relais.example/activities/module-2"


@pytest.fixture
def lrs(live_server):
    client, secret = client_create(name="client xAPI 2.0", scopes=["all"])
    session = requests.Session()
    session.auth = (client.key, secret)
    session.headers.update(VERSION)
    session.base = live_server.url + "/xapi/"
    yield session
    session.close()


def statement(**extra) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "actor": LEARNER,
        "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
        "object": {"id": ACTIVITY, "definition": {"name": {"fr-FR": "Module 2"}}},
        "context": {
            "contextAgents": [
                {"objectType": "contextAgent", "agent": MENTOR, "relevantTypes": ["https://relais.example/mentor"]}
            ]
        },
        "timestamp": "2026-03-01T10:00:00+01:00",
        **extra,
    }


def test_a_2_0_client_discovers_writes_and_reads(lrs):
    about = requests.get(lrs.base + "about", timeout=10)
    assert "2.0.0" in about.json()["version"]

    sent = [statement(), statement(result={"duration": "PT12M3.4S"})]
    response = lrs.post(lrs.base + "statements", json=sent, timeout=10)
    assert response.status_code == 200, response.text
    assert response.headers["X-Experience-API-Version"] == "2.0.0"
    assert response.json() == [s["id"] for s in sent]

    response = lrs.get(lrs.base + "statements", params={"statementId": sent[0]["id"]}, timeout=10)
    got = response.json()
    assert got["version"] == "2.0.0"
    assert got["timestamp"] == "2026-03-01T09:00:00.000000Z"  # converted to UTC
    assert got["context"]["contextAgents"][0]["agent"] == MENTOR
    assert parsedate_to_datetime(response.headers["Last-Modified"])

    # The mentor finds both statements through related_agents.
    params = {"agent": '{"mbox": "mailto:mentor@example.fr"}', "related_agents": "true"}
    found = lrs.get(lrs.base + "statements", params=params, timeout=10).json()
    assert sorted(s["id"] for s in found["statements"]) == sorted(s["id"] for s in sent)

    # A batch repeating an id is refused, and nothing of it is stored.
    twice = statement()
    response = lrs.post(lrs.base + "statements", json=[twice, twice], timeout=10)
    assert response.status_code == 400
    missing = lrs.get(lrs.base + "statements", params={"statementId": twice["id"]}, timeout=10)
    assert missing.status_code == 404


def test_a_2_0_client_keeps_its_state_with_etags(lrs):
    url = lrs.base + "activities/state"
    params = {"activityId": ACTIVITY, "agent": '{"mbox": "mailto:eleve@example.fr"}', "stateId": "bookmark"}
    assert lrs.put(url, params=params, json={"page": 1}, timeout=10).status_code == 204
    current = lrs.get(url, params=params, timeout=10)
    etag = current.headers["ETag"]
    assert current.headers["Last-Modified"]

    # Overwriting blindly is a conflict in 2.0; with the ETag it goes through, with a stale one it fails.
    assert lrs.put(url, params=params, json={"page": 2}, timeout=10).status_code == 409
    assert lrs.put(url, params=params, json={"page": 2}, headers={"If-Match": etag}, timeout=10).status_code == 204
    assert lrs.put(url, params=params, json={"page": 3}, headers={"If-Match": etag}, timeout=10).status_code == 412
    assert lrs.get(url, params=params, timeout=10).json() == {"page": 2}

    # The alternate request syntax is gone in 2.0.
    form = {"X-Experience-API-Version": "2.0.0", **params}
    response = requests.post(url + "?method=GET", data=form, auth=lrs.auth, timeout=10)
    assert response.status_code == 400
    assert response.json()["error"]["rule"] == "alternate_syntax_v2"
    assert response.headers["X-Experience-API-Version"] == "2.0.0"
