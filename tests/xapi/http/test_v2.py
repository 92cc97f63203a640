"""xAPI 2.0 (IEEE 9274.1.1-2023) beside 1.0.3: one test (or more) per requirement 2.0 changed, rejections included."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urlencode

import pytest

from tests.xapi import examples as ex
from tests.xapi.http.attachments import jws, signed_post
from tests.xapi.http.doc_fixtures import Lrs, state_params
from xapi.models import Statement

pytestmark = pytest.mark.django_db

V2 = {"HTTP_X_EXPERIENCE_API_VERSION": "2.0.0"}
V1 = {"HTTP_X_EXPERIENCE_API_VERSION": "1.0.3"}
COACH = {"objectType": "Agent", "mbox": "mailto:coach@example.fr"}
TEAM = {
    "objectType": "Group",
    "mbox": "mailto:equipe@example.fr",
    "member": [{"objectType": "Agent", "mbox": "mailto:eleve@example.fr"}],
}
ROLE = "https://example.fr/roles/coach"


def context_agent(**overrides) -> dict:
    return {"objectType": "contextAgent", "agent": COACH, "relevantTypes": [ROLE], **overrides}


def context_group(**overrides) -> dict:
    return {"objectType": "contextGroup", "group": TEAM, "relevantTypes": [ROLE], **overrides}


def with_context(**context) -> dict:
    return ex.statement(id=str(uuid.uuid4()), context=context)


def refused(response, rule: str | None = None, path: str | None = None) -> dict:
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    if rule is not None:
        assert error["rule"] == rule, error
    if path is not None:
        assert error["path"] == path, error
    return error


def read(api, statement_id: str, version: dict, **params) -> dict:
    response = api.get(params={"statementId": statement_id, **params}, **version)
    assert response.status_code == 200, response.content
    return response.json()


# --- version negotiation --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("asked", "spoken"),
    [("2.0.0", "2.0.0"), ("2.0", "2.0.0"), ("2.0.3", "2.0.0"), ("1.0.3", "1.0.3"), ("1.0", "1.0.3")],
)
def test_each_answer_speaks_the_version_asked_for(api, asked, spoken):
    response = api.get(HTTP_X_EXPERIENCE_API_VERSION=asked)
    assert response.status_code == 200
    assert response["X-Experience-API-Version"] == spoken
    # Errors speak it too.
    response = api.get(params={"limit": "x"}, HTTP_X_EXPERIENCE_API_VERSION=asked)
    assert response.status_code == 400 and response["X-Experience-API-Version"] == spoken


def test_about_lists_both_versions(client):
    response = client.get("/xapi/about")
    assert response.status_code == 200
    assert {"1.0.3", "2.0.0"} <= set(response.json()["version"])


@pytest.mark.parametrize("default", ["2.0.0", "1.0.3"])
def test_without_a_version_the_answer_speaks_the_configured_default(api, settings, default):
    settings.XAPI_DEFAULT_VERSION = default
    response = api.http.get("/xapi/statements", HTTP_AUTHORIZATION=api.authorization)
    assert refused(response, "version_missing")
    assert response["X-Experience-API-Version"] == default
    response = api.get(HTTP_X_EXPERIENCE_API_VERSION="2.1.0")
    assert refused(response, "version_unsupported")
    assert response["X-Experience-API-Version"] == default


# --- context.contextAgents and context.contextGroups -----------------------------------------------


def test_context_agents_and_groups_are_stored_and_returned_to_a_2_0_reader(api):
    statement = with_context(contextAgents=[context_agent()], contextGroups=[context_group(relevantTypes=None)])
    statement["context"]["contextGroups"][0].pop("relevantTypes")
    assert api.post(statement, **V2).status_code == 200
    got = read(api, statement["id"], V2)
    assert got["context"]["contextAgents"] == [context_agent()]
    assert got["context"]["contextGroups"] == [{"objectType": "contextGroup", "group": TEAM}]
    assert got["version"] == "2.0.0"


def test_context_agents_inside_a_substatement(api):
    sub = ex.substatement(context={"contextAgents": [context_agent()], "contextGroups": [context_group()]})
    statement = ex.statement(id=str(uuid.uuid4()), object=sub)
    assert api.post(statement, **V2).status_code == 200
    assert read(api, statement["id"], V2)["object"]["context"]["contextAgents"] == [context_agent()]
    # A 1.0.3 reader gets the SubStatement without them.
    assert "contextAgents" not in read(api, statement["id"], V1)["object"]["context"]


@pytest.mark.parametrize(
    ("context", "rule", "path"),
    [
        ({"contextAgents": context_agent()}, "type", "context.contextAgents"),
        ({"contextAgents": [context_agent(objectType="Agent")]}, "object_type", "context.contextAgents[0].objectType"),
        ({"contextAgents": [{"agent": COACH}]}, "required", "context.contextAgents[0].objectType"),
        ({"contextAgents": [{"objectType": "contextAgent"}]}, "required", "context.contextAgents[0].agent"),
        ({"contextAgents": [context_agent(agent={"name": "sans identifiant"})]}, "missing_ifi", None),
        ({"contextAgents": [context_agent(agent=TEAM)]}, "context_agent_group", None),
        ({"contextAgents": [context_agent(relevantTypes=[])]}, "empty", "context.contextAgents[0].relevantTypes"),
        ({"contextAgents": [context_agent(relevantTypes=["abc"])]}, "iri", "context.contextAgents[0].relevantTypes[0]"),
        ({"contextAgents": [context_agent(relevantTypes=ROLE)]}, "type", "context.contextAgents[0].relevantTypes"),
        ({"contextAgents": [context_agent(role="x")]}, "unknown_property", "context.contextAgents[0].role"),
        ({"contextGroups": [context_group(objectType="Group")]}, "object_type", "context.contextGroups[0].objectType"),
        ({"contextGroups": [{"objectType": "contextGroup"}]}, "required", "context.contextGroups[0].group"),
        ({"contextGroups": [context_group(group=COACH)]}, "object_type", "context.contextGroups[0].group.objectType"),
        (
            {"contextGroups": [context_group(group={"mbox": "mailto:x@example.fr"})]},
            "required",
            "context.contextGroups[0].group.objectType",
        ),
        ({"contextGroups": [context_group(group={"key": "x"})]}, "unknown_property", None),
        ({"contextGroups": [context_group(relevantTypes=[])]}, "empty", "context.contextGroups[0].relevantTypes"),
        ({"contextGroups": [context_group(relevantTypes=["abc"])]}, "iri", "context.contextGroups[0].relevantTypes[0]"),
    ],
)
def test_invalid_context_agents_and_groups_are_refused(api, context, rule, path):
    refused(api.post(with_context(**context), **V2), rule, path)
    # The same inside a SubStatement.
    statement = ex.statement(object=ex.substatement(context=context))
    refused(api.post(statement, **V2), rule, path and "object." + path)
    assert not Statement.objects.exists()


@pytest.mark.parametrize("key", ["contextAgents", "contextGroups"])
def test_a_1_0_3_client_cannot_send_them(api, key):
    value = [context_agent()] if key == "contextAgents" else [context_group()]
    refused(api.post(with_context(**{key: value}), **V1), "unknown_property", f"context.{key}")


def test_related_agents_finds_context_agents_groups_and_their_members(api):
    statement = with_context(contextAgents=[context_agent()], contextGroups=[context_group()])
    other = with_context()
    assert api.post([statement, other], **V2).status_code == 200
    for who in (COACH, TEAM, TEAM["member"][0]):
        params = {"agent": json.dumps(who), "related_agents": "true"}
        found = api.get(params=params, **V2).json()["statements"]
        assert [s["id"] for s in found] == [statement["id"]], who
        # Without related_agents the agent filter is about actor and object only.
        assert api.get(params={"agent": json.dumps(who)}, **V2).json()["statements"] == []


# --- statements served in the reader's version ----------------------------------------------------


@pytest.mark.parametrize("format", ["exact", "ids", "canonical"])
def test_a_1_0_3_reader_gets_a_2_0_statement_in_a_form_1_0_3_accepts(api, format):
    statement = with_context(
        contextAgents=[context_agent()], contextGroups=[context_group()], registration=str(uuid.uuid4())
    )
    assert api.post(statement, **V2).status_code == 200
    got = read(api, statement["id"], V1, format=format)
    assert set(got["context"]) == {"registration"}
    assert got["version"] == "1.0.0"
    listed = api.get(params={"format": format}, **V1).json()["statements"]
    assert set(listed[0]["context"]) == {"registration"} and listed[0]["version"] == "1.0.0"
    # The statement itself is stored once, whole: a 2.0 reader still gets everything.
    assert read(api, statement["id"], V2, format=format)["context"]["contextAgents"]


def test_ids_format_reduces_context_agents_to_their_identifiers(api):
    named = {**COACH, "name": "Coach"}
    statement = with_context(contextAgents=[context_agent(agent=named)])
    assert api.post(statement, **V2).status_code == 200
    got = read(api, statement["id"], V2, format="ids")
    assert got["context"]["contextAgents"][0]["agent"] == COACH


# --- version property -----------------------------------------------------------------------------


def test_statement_version_under_each_version(api):
    for version, status in (("2.0.0", 200), ("2.0.9", 200), ("1.0.3", 200), ("2.1.0", 400), ("3.0", 400)):
        assert api.post(ex.statement(version=version), **V2).status_code == status, version
    refused(api.post(ex.statement(version="2.0.0"), **V1), "version", "version")
    # Without a version: 2.0.0 under 2.0, 1.0.0 under 1.0.3; kept as accepted.
    [v2] = api.post(ex.statement(), **V2).json()
    [v1] = api.post(ex.statement(), **V1).json()
    assert read(api, v2, V2)["version"] == "2.0.0"
    assert read(api, v1, V2)["version"] == "1.0.0"


# --- timestamps (RFC 3339, converted to UTC) ---------------------------------------------------------


def test_a_timestamp_with_an_offset_is_converted_to_utc_under_2_0(api):
    converted = ex.statement(id=str(uuid.uuid4()), timestamp="2023-05-04T12:00:00-05:00")
    kept = ex.statement(id=str(uuid.uuid4()), timestamp="2023-05-04T12:00:00-05:00")
    assert api.post(converted, **V2).status_code == 200
    assert api.post(kept, **V1).status_code == 200
    assert read(api, converted["id"], V2)["timestamp"] == "2023-05-04T17:00:00.000000Z"
    assert read(api, kept["id"], V2)["timestamp"] == "2023-05-04T12:00:00-05:00"  # 1.0.3: as sent
    # A timestamp in UTC already is kept as sent.
    utc = ex.statement(id=str(uuid.uuid4()), timestamp="2023-05-04T17:00:00.12Z")
    assert api.post(utc, **V2).status_code == 200
    assert read(api, utc["id"], V2)["timestamp"] == "2023-05-04T17:00:00.12Z"


@pytest.mark.parametrize("stamp", ["2023-05-04 12:00:00Z", "2023-05-04t12:00:00z", "2023-05-04 13:00:00.5+01:00"])
def test_rfc_3339_spellings_are_read_under_2_0_and_refused_under_1_0_3(api, stamp):
    statement = ex.statement(id=str(uuid.uuid4()), timestamp=stamp)
    refused(api.post(statement, **V1), "timestamp", "timestamp")
    assert api.post(statement, **V2).status_code == 200
    stored = read(api, statement["id"], V2)["timestamp"]
    assert stored.endswith("Z") and "T" in stored
    assert datetime.fromisoformat(stored) == datetime.fromisoformat(stamp.replace(" ", "T").upper())


@pytest.mark.parametrize("stamp", ["2023-05-04T12:00:00-00:00", "2023-05-04T12:00:00-00", "04/05/2023", "2023-05-04"])
def test_timestamps_still_refused_under_2_0(api, stamp):
    refused(api.post(ex.statement(timestamp=stamp), **V2), None, "timestamp")


def test_a_substatement_timestamp_is_converted_too(api):
    statement = ex.statement(id=str(uuid.uuid4()), object=ex.substatement(timestamp="2023-05-04T12:00:00+02:00"))
    assert api.post(statement, **V2).status_code == 200
    assert read(api, statement["id"], V2)["object"]["timestamp"] == "2023-05-04T10:00:00.000000Z"


# --- batches ----------------------------------------------------------------------------------------


def test_a_batch_repeating_an_id_is_refused_under_2_0(api):
    statement = ex.statement(id=str(uuid.uuid4()))
    same_in_upper_case = {**statement, "id": statement["id"].upper()}
    refused(api.post([statement, same_in_upper_case], **V2), "duplicate_id", "[1].id")
    assert not Statement.objects.exists()
    # 1.0.3 stores the same statement once.
    assert api.post([statement, statement], **V1).status_code == 200
    assert Statement.objects.count() == 1


# --- durations compared to the hundredth -------------------------------------------------------------


def test_durations_are_compared_to_the_hundredth(api):
    statement_id = str(uuid.uuid4())
    first = ex.statement(result={"duration": "PT1.2371S"})
    assert api.put(first, statement_id, **V2).status_code == 204
    # The same statement again, its duration differing beyond the hundredth: no conflict.
    assert api.put(ex.statement(result={"duration": "PT1.23S"}), statement_id, **V2).status_code == 204
    # At the hundredth: another statement under that id.
    assert api.put(ex.statement(result={"duration": "PT1.24S"}), statement_id, **V2).status_code == 409
    # The stored duration is the one sent.
    assert read(api, statement_id, V2)["result"]["duration"] == "PT1.2371S"


def test_a_signature_matches_a_statement_whose_duration_differs_beyond_the_hundredth(api, signer):
    key, certificate = signer
    signed = ex.statement(id=str(uuid.uuid4()), result={"duration": "P1DT12H36M0.12S"})
    sent = {**signed, "result": {"duration": "P1DT12H36M0.1237S"}}
    token = jws(json.dumps(signed).encode(), key, x5c=certificate)
    api.version = "2.0.0"
    response = signed_post(api, sent, token)
    assert response.status_code == 200, response.content
    # At the hundredth, the signature is of another statement.
    other = {**signed, "id": str(uuid.uuid4()), "result": {"duration": "P1DT12H36M0.13S"}}
    token = jws(json.dumps({**signed, "id": other["id"]}).encode(), key, x5c=certificate)
    refused(signed_post(api, other, token), "signature_mismatch")


# --- the State resource's concurrency ----------------------------------------------------------------


@pytest.fixture
def lrs(db) -> Lrs:
    return Lrs(["all"])


def test_replacing_a_state_document_needs_if_match_or_if_none_match_under_2_0(lrs):
    params = state_params(stateId="v2")
    # Creating without either header is allowed.
    assert lrs.put("activities/state", params, {"page": 1}, **V2).status_code == 204
    response = lrs.put("activities/state", params, {"page": 2}, **V2)
    assert response.status_code == 409
    assert response.json()["error"]["message"]
    assert lrs.get("activities/state", params, **V2).json() == {"page": 1}
    etag = lrs.get("activities/state", params, **V2)["ETag"]
    assert lrs.put("activities/state", params, {"page": 2}, HTTP_IF_MATCH=etag, **V2).status_code == 204
    assert lrs.put("activities/state", params, {"page": 3}, HTTP_IF_MATCH='"0"', **V2).status_code == 412
    assert lrs.get("activities/state", params, **V2).json() == {"page": 2}
    # POST merges and DELETE removes without the headers, as before.
    assert lrs.post("activities/state", params, {"seen": True}, **V2).status_code == 204
    assert lrs.delete("activities/state", params, **V2).status_code == 204
    # 1.0.3 still lets a PUT replace a state document without the headers.
    assert lrs.put("activities/state", params, {"page": 1}, **V1).status_code == 204
    assert lrs.put("activities/state", params, {"page": 4}, **V1).status_code == 204


# --- the alternate request syntax ---------------------------------------------------------------------


def test_the_alternate_request_syntax_is_refused_under_2_0(api):
    [statement_id] = api.stored(ex.statement())
    form = {"statementId": statement_id, "Authorization": api.authorization}
    for version, status in (("2.0.0", 400), ("1.0.3", 200)):
        body = urlencode({**form, "X-Experience-API-Version": version})
        response = api.http.post("/xapi/statements?method=GET", body, content_type="application/x-www-form-urlencoded")
        assert response.status_code == status, response.content
        assert response["X-Experience-API-Version"] == version
    body = urlencode({**form, "X-Experience-API-Version": "2.0.0"})
    response = api.http.post("/xapi/statements?method=GET", body, content_type="application/x-www-form-urlencoded")
    refused(response, "alternate_syntax_v2")


# --- Last-Modified ----------------------------------------------------------------------------------


def last_modified(response) -> datetime:
    return parsedate_to_datetime(response["Last-Modified"]).astimezone(UTC)


def test_last_modified_on_statements_activities_agents_and_documents(api, lrs):
    agent = {"objectType": "Agent", "mbox": "mailto:lm@example.fr"}
    activity = "https://example.fr/activities/last-modified"
    statement = ex.statement(
        id=str(uuid.uuid4()), actor=agent, object={"id": activity, "definition": {"name": {"fr": "Module"}}}
    )
    assert api.post(statement, **V2).status_code == 200
    stored = Statement.objects.get(id=statement["id"]).stored.replace(microsecond=0)

    single = api.get(params={"statementId": statement["id"]}, **V2)
    listed = api.get(params={"agent": json.dumps(agent)}, **V2)
    activities = api.get("/xapi/activities", {"activityId": activity}, **V2)
    agents = api.get("/xapi/agents", {"agent": json.dumps(agent)}, **V2)
    for response in (single, listed, activities, agents):
        assert response.status_code == 200, response.content
        assert last_modified(response) == stored, response
    # An activity nobody described and an agent with no statement have no modification time.
    assert "Last-Modified" not in api.get("/xapi/activities", {"activityId": activity + "/x"}, **V2)
    assert "Last-Modified" not in api.get("/xapi/agents", {"agent": json.dumps(COACH)}, **V2)
    # Documents and their listings (these already had one).
    params = state_params(stateId="lm")
    assert lrs.put("activities/state", params, {"a": 1}, **V2).status_code == 204
    assert "Last-Modified" in lrs.get("activities/state", params, **V2)
    assert "Last-Modified" in lrs.get("activities/state", state_params(stateId=None), **V2)
