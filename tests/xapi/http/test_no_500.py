"""Inputs that once answered 500 (issue 14) get a clear 400 naming what is wrong, on every resource."""

from __future__ import annotations

import json
import uuid

import pytest

from tests.xapi import examples as ex
from tests.xapi.http.doc_fixtures import Lrs

pytestmark = pytest.mark.django_db

LONG_INTEGER = 10**19 + 7
EDGE_TIMES = ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00"]


def refused(response, *, path: str | None = None, words: tuple[str, ...] = ()) -> dict:
    assert response.status_code == 400, (response.status_code, response.content[:300])
    body = response.json()["error"]
    if path is not None:
        assert body["path"] == path, body
    for word in words:
        assert word in body["message"], body
    return body


@pytest.fixture
def lrs(db) -> Lrs:
    return Lrs(["all"])


def post(lrs, data):
    body = data if isinstance(data, bytes) else json.dumps(data).encode()
    return lrs.request("POST", "statements", body=body, content_type="application/json")


# --- NUL and lone surrogates ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("statement", "path"),
    [
        (ex.statement(object={"id": "http://relais.example/a\x00b"}), "object.id"),
        (ex.statement(verb={"id": ex.COMPLETED, "display": {"fr-FR": "fini\x00"}}), "verb.display.fr-FR"),
        (ex.statement(result={"response": "\x00"}), "result.response"),
        (ex.statement(context={"extensions": {"http://relais.example/x": {"k\x00": 1}}}), None),
        (ex.statement(actor={"name": "\x00", "mbox": "mailto:a@b.fr"}), None),
    ],
)
def test_nul_anywhere_in_a_statement_is_400(lrs, statement, path):
    body = refused(post(lrs, statement), path=path)
    assert body["rule"] in {"nul_character", "iri"}
    assert lrs.get("statements").json()["statements"] == []


def test_nul_in_one_statement_of_a_batch_names_its_index(lrs):
    batch = [ex.statement(), ex.statement(result={"response": "a\x00"})]
    body = refused(post(lrs, batch), path="[1].result.response")
    assert "U+0000" in body["message"]


def test_lone_surrogate_is_400_even_beside_a_long_integer(lrs):
    # A 19+ digit integer sends the body through the standard json module, which accepts "\ud800".
    raw = json.dumps(ex.statement(result={"response": "\ud800", "extensions": {"http://x.example/n": 1}}))
    refused(post(lrs, raw.replace('"n": 1', f'"n": {LONG_INTEGER}').encode()))
    refused(post(lrs, raw.encode()))


@pytest.mark.parametrize("name", ["verb", "activity", "registration", "since", "Unknown"])
def test_nul_in_a_statements_parameter_is_400(lrs, name):
    refused(lrs.get("statements", {name: "\x00"}), path=name)


@pytest.mark.parametrize(
    "agent",
    [
        '{"mbox":"mailto:a\\u0000@b.fr"}',
        '{"account":{"homePage":"http://a.example","name":"\\u0000"}}',
        '{"mbox":"mailto:\\ud800@b.fr"}',
        "[" * 3000 + "]" * 3000,
    ],
)
def test_agent_parameter_with_nul_surrogate_or_deep_nesting_is_400(lrs, agent):
    refused(lrs.get("statements", {"agent": agent}), path="agent")
    refused(lrs.get("agents", {"agent": agent}), path="agent")
    refused(lrs.get("activities/state", {"agent": agent, "activityId": ex.ACTIVITY}), path="agent")


def test_nul_in_the_basic_key_is_401_not_500(lrs):
    import base64

    lrs.authorization = "Basic " + base64.b64encode(b"ab\x00cd:secret").decode()
    assert lrs.get("statements").status_code == 401


# --- identifiers wider than their indexed column (PostgreSQL refuses the insert) -------------------

LONG = "http://relais.example/" + "a" * 3000


@pytest.mark.parametrize(
    ("statement", "words"),
    [
        (ex.statement(verb={"id": LONG}), ("verbe", "512")),
        (ex.statement(object={"id": LONG}), ("activité", "2048")),
        (ex.statement(context={"contextActivities": {"parent": [{"id": LONG}]}}), ("activité",)),
        (ex.statement(actor={"mbox": "mailto:" + "m" * 600 + "@example.fr"}), ("agent", "512")),
        (ex.statement(actor={"account": {"homePage": "http://a.example", "name": "n" * 600}}), ("agent",)),
        (ex.statement(context={"instructor": {"openid": LONG}}), ("agent",)),
    ],
)
def test_identifier_wider_than_its_index_column_is_400(lrs, statement, words):
    body = refused(post(lrs, [ex.statement(), statement]), words=words)
    assert body["rule"] == "too_long" and body["path"].startswith("[1]")
    assert lrs.get("statements").json()["statements"] == []


def test_nul_in_a_multipart_part_header_is_400(lrs):
    body = (
        b"--zz\r\nContent-Type: application/json\r\n\r\n"
        + json.dumps(ex.statement()).encode()
        + b"\r\n--zz\r\nContent-Type: text/plain\x00\r\nX-Experience-API-Hash: x\r\n\r\nx\r\n--zz--\r\n"
    )
    refused(lrs.request("POST", "statements", body=body, content_type="multipart/mixed; boundary=zz"))


# --- calendar edges -------------------------------------------------------------------------------


@pytest.mark.parametrize("value", EDGE_TIMES)
def test_edge_of_calendar_timestamp_in_a_statement_is_400(lrs, value):
    refused(post(lrs, ex.statement(timestamp=value)), path="timestamp", words=("9999",))


@pytest.mark.parametrize("value", EDGE_TIMES)
@pytest.mark.parametrize("name", ["since", "until"])
def test_edge_of_calendar_since_until_is_400(lrs, value, name):
    refused(lrs.get("statements", {name: value}), path=name)


@pytest.mark.parametrize("value", EDGE_TIMES)
def test_edge_of_calendar_since_on_document_resources_is_400(lrs, value):
    params = {"activityId": ex.ACTIVITY, "agent": ex.agent("mbox"), "since": value}
    refused(lrs.get("activities/state", params), path="since")
    refused(lrs.get("activities/profile", {"activityId": ex.ACTIVITY, "since": value}), path="since")
    refused(lrs.get("agents/profile", {"agent": ex.agent("mbox"), "since": value}), path="since")


def test_edge_of_calendar_that_stays_in_range_is_stored(lrs):
    assert post(lrs, ex.statement(timestamp="0001-01-01T00:00:00-01:00")).status_code == 200
    assert post(lrs, ex.statement(timestamp="9999-12-31T23:59:59+01:00")).status_code == 200


# --- deep JSON next to a long integer --------------------------------------------------------------


@pytest.mark.parametrize("depth", [1100, 100_000])
def test_deep_body_next_to_a_long_integer_is_400(lrs, depth):
    body = ("[" + str(LONG_INTEGER) + "," + "[" * depth + "]" * depth + "]").encode()
    assert refused(post(lrs, body))["rule"] == "invalid_json"


@pytest.mark.parametrize("digits", [4301, 20_000])
def test_integer_past_python_digit_limit_is_400(lrs, digits):
    raw = json.dumps(ex.statement(result={"extensions": {"http://a.example/n": 0}})).encode()
    body = raw.replace(b'"http://a.example/n": 0', b'"http://a.example/n": 1' + b"0" * (digits - 1))
    assert refused(post(lrs, body))["rule"] == "invalid_json"
    refused(lrs.get("statements", {"agent": '{"mbox":"mailto:a@b.fr","n":1' + "0" * digits + "}"}), path="agent")


def test_deep_json_document_is_400(lrs):
    body = ("[" + str(LONG_INTEGER) + "," + "[" * 5000 + "]" * 5000 + "]").encode()
    params = {"activityId": ex.ACTIVITY, "profileId": "p"}
    response = lrs.request("PUT", "activities/profile", params, body, "application/json", HTTP_IF_NONE_MATCH="*")
    refused(response)


# --- IRIs with bidi formatting, durations with weeks ------------------------------------------------


@pytest.mark.parametrize("mark", ["\u200e", "\u200f", "\u202a", "\u202e", "\u2066", "\u2069"])
def test_iri_with_bidi_formatting_character_is_400(lrs, mark):
    body = refused(post(lrs, ex.statement(object={"id": f"http://relais.example/{mark}a"})), path="object.id")
    assert body["rule"] == "iri"


@pytest.mark.parametrize("duration", ["P4W1D", "P1Y2M3W4D", "P1WT1H", "P1Y2M3W4DT5H6M7S"])
def test_duration_mixing_weeks_with_other_units_is_400(lrs, duration):
    refused(post(lrs, ex.statement(result={"duration": duration})), path="result.duration", words=("PnW",))


@pytest.mark.parametrize("duration", ["P4W", "P1.5W", "P1Y2M3DT4H5M6.7S", "PT0S"])
def test_valid_durations_are_stored(lrs, duration):
    assert post(lrs, ex.statement(result={"duration": duration})).status_code == 200


# --- conformance (ADL suite, 1.0.3) ----------------------------------------------------------------


def test_format_ids_substatement_activity_is_its_id_alone(lrs):
    group = {"objectType": "Group", "mbox": "mailto:groupe@example.fr", "name": "Équipe"}
    activity = {"objectType": "Activity", "id": ex.ACTIVITY, "definition": ex.full_definition()}
    sub = {"objectType": "SubStatement", "actor": group, "verb": {"id": ex.COMPLETED}, "object": activity}
    statement_id = str(uuid.uuid4())
    assert post(lrs, ex.statement(id=statement_id, object=sub)).status_code == 200

    got = lrs.get("statements", {"statementId": statement_id, "format": "ids"}).json()

    assert got["object"]["object"] == {"id": ex.ACTIVITY}
    assert got["object"]["actor"] == {"objectType": "Group", "mbox": "mailto:groupe@example.fr"}


def test_activities_merges_language_maps_of_every_statement(lrs):
    english = {"id": ex.ACTIVITY, "definition": {"name": {"en-US": "example meeting"}, "type": "http://a.example/t"}}
    french = {"id": ex.ACTIVITY, "definition": {"name": {"fr-FR": "réunion"}, "description": {"fr-FR": "Une"}}}
    assert post(lrs, [ex.statement(object=english), ex.statement(object=french)]).status_code == 200

    activity = lrs.get("activities", {"activityId": ex.ACTIVITY}).json()

    assert activity["definition"]["name"] == {"en-US": "example meeting", "fr-FR": "réunion"}
    assert activity["definition"]["description"] == {"fr-FR": "Une"}
    assert activity["definition"]["type"] == "http://a.example/t"
