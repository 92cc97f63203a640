"""/xapi/activities/state: storage, listing, merge, registration scoping, DELETE all, validation."""

from __future__ import annotations

import hashlib
import json
import time
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import pytest

from tests.xapi.http.doc_fixtures import ACTIVITY, AGENT, OTHER_AGENT, REGISTRATION, Lrs, state_params

pytestmark = pytest.mark.django_db


@pytest.fixture
def lrs(db) -> Lrs:
    """A client with every right."""
    return Lrs(["all"])


def test_put_then_get_returns_the_document_with_etag_and_last_modified(lrs):
    document = {"page": 3, "score": 0.5}
    assert lrs.put("activities/state", state_params(), document).status_code == 204

    response = lrs.get("activities/state", state_params())

    assert response.status_code == 200
    assert json.loads(response.content) == document
    assert response["Content-Type"] == "application/json"
    assert response["ETag"] == '"' + hashlib.sha1(response.content, usedforsecurity=False).hexdigest() + '"'
    assert response["Last-Modified"].endswith("GMT")
    assert response["X-Experience-API-Version"] == "1.0.3"


def test_binary_document_keeps_its_bytes_and_content_type(lrs):
    content = bytes(range(256))
    lrs.put("activities/state", state_params(), content, content_type="application/octet-stream")

    response = lrs.get("activities/state", state_params())

    assert response.content == content
    assert response["Content-Type"] == "application/octet-stream"


def test_put_replaces_without_concurrency_headers(lrs):
    # Communication 3.1.s3: the State resource permits writes without If-Match / If-None-Match.
    lrs.put("activities/state", state_params(), {"a": 1})
    assert lrs.put("activities/state", state_params(), {"b": 2}).status_code == 204
    assert json.loads(lrs.get("activities/state", state_params()).content) == {"b": 2}


def test_unknown_document_is_404(lrs):
    response = lrs.get("activities/state", state_params(stateId="absent"))
    assert response.status_code == 404
    assert response.json()["error"]["status"] == 404


def test_head_answers_headers_without_body(lrs):
    lrs.put("activities/state", state_params(), {"a": 1})
    get = lrs.get("activities/state", state_params())

    head = lrs.head("activities/state", state_params())

    assert head.status_code == 200
    assert head.content == b""
    assert head["ETag"] == get["ETag"]
    assert head["Last-Modified"] == get["Last-Modified"]


# --- POST merge (Communication 2.2.s7-s8) --------------------------------------------------------


def test_post_creates_when_absent(lrs):
    assert lrs.post("activities/state", state_params(), {"x": "foo"}).status_code == 204
    assert json.loads(lrs.get("activities/state", state_params()).content) == {"x": "foo"}


def test_post_merges_top_level_properties_only(lrs):
    lrs.put("activities/state", state_params(), {"x": "foo", "y": "bar", "car": {"make": "Ford", "model": "Escape"}})

    assert (
        lrs.post("activities/state", state_params(), {"x": "bash", "z": "faz", "car": {"make": "Dodge"}}).status_code
        == 204
    )

    merged = json.loads(lrs.get("activities/state", state_params()).content)
    assert merged == {"x": "bash", "y": "bar", "z": "faz", "car": {"make": "Dodge"}}


def test_post_merge_changes_the_etag(lrs):
    lrs.put("activities/state", state_params(), {"a": 1})
    before = lrs.get("activities/state", state_params())["ETag"]
    lrs.post("activities/state", state_params(), {"b": 2})
    after = lrs.get("activities/state", state_params())
    assert after["ETag"] != before
    assert after["ETag"] == '"' + hashlib.sha1(after.content, usedforsecurity=False).hexdigest() + '"'


@pytest.mark.parametrize(
    ("stored", "stored_type", "posted", "posted_type"),
    [
        ({"a": 1}, None, b"abc", "text/plain"),
        ({"a": 1}, None, b"abc", "application/x-www-form-urlencoded"),
        (b"\x00\x01", "application/octet-stream", {"b": 2}, None),
        ([1, 2], None, {"b": 2}, None),
        ({"a": 1}, None, [1, 2], None),
        ({"a": 1}, None, b"1", "application/json"),
        ({"a": 1}, None, b'{"b": 2', "application/json"),
    ],
)
def test_post_merge_refused_when_either_side_is_not_a_json_object(lrs, stored, stored_type, posted, posted_type):
    lrs.put("activities/state", state_params(), stored, content_type=stored_type)
    before = lrs.get("activities/state", state_params())

    response = lrs.post("activities/state", state_params(), posted, content_type=posted_type)

    assert response.status_code == 400
    assert response.json()["error"]["message"]
    after = lrs.get("activities/state", state_params())
    assert after.content == before.content and after["ETag"] == before["ETag"]


@pytest.mark.parametrize("body", [b"1", b"true", b'"texte"'])
def test_post_of_a_new_document_stores_any_json_value(lrs, body):
    assert lrs.post("activities/state", state_params(), body, content_type="application/json").status_code == 204
    assert lrs.get("activities/state", state_params()).content == body


def test_put_of_invalid_json_announced_as_json_is_400(lrs):
    response = lrs.put("activities/state", state_params(), b"{nope", content_type="application/json")
    assert response.status_code == 400
    assert lrs.get("activities/state", state_params()).status_code == 404


# --- listing, since, registration ---------------------------------------------------------------


def test_get_without_state_id_lists_ids(lrs):
    for state_id in ("b", "a"):
        lrs.put("activities/state", state_params(stateId=state_id), {"id": state_id})
    lrs.put("activities/state", state_params(stateId="elsewhere", agent=OTHER_AGENT), {"x": 1})

    response = lrs.get("activities/state", state_params(stateId=None))

    assert response.status_code == 200
    assert response.json() == ["a", "b"]
    assert response["ETag"].startswith('"')
    assert response["Last-Modified"]


def test_empty_listing_is_an_empty_array(lrs):
    assert lrs.get("activities/state", state_params(stateId=None)).json() == []


def test_since_lists_only_documents_updated_after_it(lrs):
    lrs.put("activities/state", state_params(stateId="old"), {"a": 1})
    time.sleep(0.01)
    since = datetime.now(UTC)
    time.sleep(0.01)
    lrs.put("activities/state", state_params(stateId="new"), {"a": 2})

    listed = lrs.get("activities/state", state_params(stateId=None, since=since.isoformat()))

    assert listed.json() == ["new"]
    future = (since + timedelta(hours=1)).isoformat().replace("+00:00", "Z")
    assert lrs.get("activities/state", state_params(stateId=None, since=future)).json() == []


def test_since_with_a_state_id_is_accepted_and_ignored(lrs):
    lrs.put("activities/state", state_params(), {"a": 1})
    future = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    assert lrs.get("activities/state", state_params(since=future)).status_code == 200


def test_registration_scopes_documents(lrs):
    lrs.put("activities/state", state_params(registration=REGISTRATION), {"with": True})
    lrs.put("activities/state", state_params(), {"without": True})

    with_registration = lrs.get("activities/state", state_params(registration=REGISTRATION.upper()))
    without = lrs.get("activities/state", state_params())

    assert json.loads(with_registration.content) == {"with": True}
    assert json.loads(without.content) == {"without": True}
    other = "00000000-0000-4000-8000-000000000000"
    assert lrs.get("activities/state", state_params(registration=other)).status_code == 404
    listed = lrs.get("activities/state", state_params(stateId=None, registration=other))
    assert listed.json() == []


def test_delete_one_document(lrs):
    lrs.put("activities/state", state_params(), {"a": 1})
    assert lrs.delete("activities/state", state_params()).status_code == 204
    assert lrs.get("activities/state", state_params()).status_code == 404
    # Deleting what is not there is still 204: the end state is the one asked for.
    assert lrs.delete("activities/state", state_params()).status_code == 204


def test_delete_without_state_id_deletes_the_context_only(lrs):
    lrs.put("activities/state", state_params(stateId="a"), {"a": 1})
    lrs.put("activities/state", state_params(stateId="b", registration=REGISTRATION), {"b": 1})
    lrs.put("activities/state", state_params(stateId="c", agent=OTHER_AGENT), {"c": 1})
    lrs.put("activities/state", state_params(stateId="d", activityId=ACTIVITY + "/other"), {"d": 1})

    assert lrs.delete("activities/state", state_params(stateId=None)).status_code == 204

    assert lrs.get("activities/state", state_params(stateId=None)).json() == []
    assert lrs.get("activities/state", state_params(stateId="c", agent=OTHER_AGENT)).status_code == 200
    assert lrs.get("activities/state", state_params(stateId="d", activityId=ACTIVITY + "/other")).status_code == 200


def test_delete_all_with_registration_keeps_other_registrations(lrs):
    lrs.put("activities/state", state_params(stateId="a"), {"a": 1})
    lrs.put("activities/state", state_params(stateId="b", registration=REGISTRATION), {"b": 1})

    lrs.delete("activities/state", state_params(stateId=None, registration=REGISTRATION))

    assert lrs.get("activities/state", state_params(stateId="a")).status_code == 200
    assert lrs.get("activities/state", state_params(stateId="b", registration=REGISTRATION)).status_code == 404


def test_the_same_agent_spelled_differently_is_the_same_context(lrs):
    lrs.put("activities/state", state_params(agent={"mbox": "mailto:Camille@Example.FR"}), {"a": 1})
    same = {"objectType": "Agent", "name": "Camille", "mbox": "mailto:Camille@example.fr"}
    assert lrs.get("activities/state", state_params(agent=same)).status_code == 200


# --- validation ---------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["GET", "PUT", "POST", "DELETE"])
@pytest.mark.parametrize(
    ("override", "path"),
    [
        ({"activityId": None}, "activityId"),
        ({"activityId": "1"}, "activityId"),
        ({"activityId": "true"}, "activityId"),
        ({"activityId": "pas un iri"}, "activityId"),
        ({"agent": None}, "agent"),
        ({"agent": "not JSON"}, "agent"),
        ({"agent": "1"}, "agent"),
        ({"agent": {"key": "value"}}, "agent"),
        ({"agent": {"objectType": "Group", "member": [AGENT]}}, "agent"),
        ({"agent": {"mbox": "mailto:a@b.fr", "openid": "http://o.example/a"}}, "agent"),
        ({"registration": "not UUID"}, "registration"),
        ({"registration": "1"}, "registration"),
        ({"ActivityId": ACTIVITY}, "ActivityId"),
        ({"foo": "bar"}, "foo"),
    ],
)
def test_invalid_parameters_are_400_naming_the_parameter(lrs, method, override, path):
    response = lrs.request(method, "activities/state", state_params(**override), {"a": 1})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["path"].split(".")[0] == path
    assert path.split(".")[0] in error["message"] or error["rule"] == "unknown_parameter"


@pytest.mark.parametrize("method", ["PUT", "POST"])
def test_writes_need_a_state_id(lrs, method):
    response = lrs.request(method, "activities/state", state_params(stateId=None), {"a": 1})
    assert response.status_code == 400
    assert response.json()["error"]["path"] == "stateId"


@pytest.mark.parametrize("since", ["not a timestamp", "1", "true", "2024-13-45T00:00:00Z"])
def test_invalid_since_is_400(lrs, since):
    response = lrs.get("activities/state", state_params(stateId=None, since=since))
    assert response.status_code == 400
    assert response.json()["error"]["path"] == "since"


def test_since_is_not_a_write_parameter(lrs):
    response = lrs.put("activities/state", state_params(since="2024-01-01T00:00:00Z"), {"a": 1})
    assert response.status_code == 400


def test_repeated_parameter_is_400(lrs):
    query = urlencode([("activityId", ACTIVITY), ("activityId", ACTIVITY), ("agent", json.dumps(AGENT))])
    response = lrs.http.get(
        "/xapi/activities/state?" + query,
        HTTP_X_EXPERIENCE_API_VERSION="1.0.3",
        HTTP_AUTHORIZATION=lrs.authorization,
    )
    assert response.status_code == 400


@pytest.mark.parametrize("value", ["a\x00b", "x" * 3000])
def test_hostile_ids_are_400_not_500(lrs, value):
    assert lrs.put("activities/state", state_params(stateId=value), {"a": 1}).status_code == 400
    agent = {"account": {"homePage": "https://relais.example", "name": value}}
    assert lrs.put("activities/state", state_params(agent=agent), {"a": 1}).status_code == 400


def test_empty_state_id_on_get_is_400(lrs):
    assert lrs.get("activities/state", state_params(stateId="")).status_code == 400


# --- alternate request syntax (Communication 1.3) ------------------------------------------------


def test_alternate_syntax_put_then_get(lrs):
    form = {
        "activityId": ACTIVITY,
        "agent": json.dumps(AGENT),
        "stateId": "alt",
        "X-Experience-API-Version": "1.0.3",
        "Authorization": lrs.authorization,
        "Content-Type": "application/json",
        "content": json.dumps({"via": "form"}),
    }
    response = lrs.http.post(
        "/xapi/activities/state?method=PUT", data=urlencode(form), content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 204

    get = lrs.http.post(
        "/xapi/activities/state?method=GET",
        data=urlencode({k: v for k, v in form.items() if k not in {"content", "Content-Type"}}),
        content_type="application/x-www-form-urlencoded",
    )
    assert get.status_code == 200
    assert json.loads(get.content) == {"via": "form"}
    assert get["Content-Type"] == "application/json"


def test_alternate_syntax_carries_if_match(lrs):
    lrs.put("activities/state", state_params(stateId="alt"), {"a": 1})
    form = {
        "activityId": ACTIVITY,
        "agent": json.dumps(AGENT),
        "stateId": "alt",
        "X-Experience-API-Version": "1.0.3",
        "Authorization": lrs.authorization,
        "If-Match": '"' + "0" * 40 + '"',
        "content": json.dumps({"a": 2}),
    }
    response = lrs.http.post(
        "/xapi/activities/state?method=PUT", data=urlencode(form), content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 412
