"""/xapi/activities/profile and /xapi/agents/profile, and the concurrency rules of Communication 3.1."""

from __future__ import annotations

import json

import pytest

from tests.xapi.http.doc_fixtures import ACTIVITY, AGENT, OTHER_AGENT, Lrs, state_params

pytestmark = pytest.mark.django_db


@pytest.fixture
def lrs(db) -> Lrs:
    """A client with every right."""
    return Lrs(["all"])


RESOURCES = {
    "activities/profile": {"activityId": ACTIVITY, "profileId": "réglages"},
    "agents/profile": {"agent": AGENT, "profileId": "préférences"},
}
BAD_TAG = '"' + "1" * 40 + '"'


@pytest.fixture(params=sorted(RESOURCES))
def resource(request):
    return request.param, dict(RESOURCES[request.param])


def etag_of(lrs, path, params):
    return lrs.get(path, params)["ETag"]


def test_put_new_document_then_get(lrs, resource):
    path, params = resource
    assert lrs.put(path, params, {"theme": "sombre"}, HTTP_IF_NONE_MATCH="*").status_code == 204
    response = lrs.get(path, params)
    assert response.status_code == 200
    assert json.loads(response.content) == {"theme": "sombre"}
    assert response["Content-Type"] == "application/json"
    assert len(response["ETag"]) == 42 and response["ETag"][0] == response["ETag"][-1] == '"'


def test_put_new_document_without_headers_is_400_and_stores_nothing(lrs, resource):
    # The ADL conformance suite (XAPI-00273, Communication 2.7) asks for 400 here; the text of
    # 3.1.s4.b13 only speaks of existing documents (xAPI-Spec issue #1064): the suite is followed.
    path, params = resource
    response = lrs.put(path, params, b"texte", content_type="text/plain")
    assert response.status_code == 400
    assert "If-None-Match" in response.json()["error"]["message"]
    assert lrs.get(path, params).status_code == 404


def test_put_new_document_with_if_none_match_star_is_stored(lrs, resource):
    path, params = resource
    assert lrs.put(path, params, b"texte", content_type="text/plain", HTTP_IF_NONE_MATCH="*").status_code == 204
    response = lrs.get(path, params)
    assert response.content == b"texte"
    assert response["Content-Type"] == "text/plain"


def test_put_over_existing_without_headers_is_409_and_changes_nothing(lrs, resource):
    path, params = resource
    lrs.put(path, params, {"v": 1}, HTTP_IF_NONE_MATCH="*")
    before = etag_of(lrs, path, params)

    response = lrs.put(path, params, {"v": 2})

    assert response.status_code == 409
    error = response.json()["error"]
    assert "If-Match" in error["message"] and "ETag" in error["message"]
    assert etag_of(lrs, path, params) == before


def test_put_with_matching_if_match_replaces(lrs, resource):
    path, params = resource
    lrs.put(path, params, {"v": 1}, HTTP_IF_NONE_MATCH="*")
    tag = etag_of(lrs, path, params)

    assert lrs.put(path, params, {"v": 2}, HTTP_IF_MATCH=tag).status_code == 204
    assert json.loads(lrs.get(path, params).content) == {"v": 2}
    # The old tag no longer matches.
    assert lrs.put(path, params, {"v": 3}, HTTP_IF_MATCH=tag).status_code == 412


@pytest.mark.parametrize("if_match", [BAD_TAG, "W/" + BAD_TAG])
def test_put_with_stale_if_match_is_412(lrs, resource, if_match):
    path, params = resource
    lrs.put(path, params, {"v": 1}, HTTP_IF_NONE_MATCH="*")
    response = lrs.put(path, params, {"v": 2}, HTTP_IF_MATCH=if_match)
    assert response.status_code == 412
    assert json.loads(lrs.get(path, params).content) == {"v": 1}


def test_if_match_accepts_lists_unquoted_tags_and_star(lrs, resource):
    path, params = resource
    lrs.put(path, params, {"v": 1}, HTTP_IF_NONE_MATCH="*")
    tag = etag_of(lrs, path, params)
    assert lrs.put(path, params, {"v": 2}, HTTP_IF_MATCH=f"{BAD_TAG}, {tag}").status_code == 204
    assert lrs.put(path, params, {"v": 3}, HTTP_IF_MATCH=etag_of(lrs, path, params).strip('"')).status_code == 204
    assert lrs.put(path, params, {"v": 4}, HTTP_IF_MATCH="*").status_code == 204


def test_if_match_on_a_missing_document_is_412(lrs, resource):
    path, params = resource
    assert lrs.put(path, params, {"v": 1}, HTTP_IF_MATCH="*").status_code == 412
    assert lrs.put(path, params, {"v": 1}, HTTP_IF_MATCH=BAD_TAG).status_code == 412
    assert lrs.get(path, params).status_code == 404


def test_if_none_match_star_on_existing_is_412(lrs, resource):
    path, params = resource
    lrs.put(path, params, {"v": 1}, HTTP_IF_NONE_MATCH="*")
    assert lrs.put(path, params, {"v": 2}, HTTP_IF_NONE_MATCH="*").status_code == 412
    assert lrs.post(path, params, {"w": 2}, HTTP_IF_NONE_MATCH="*").status_code == 412
    assert json.loads(lrs.get(path, params).content) == {"v": 1}


def test_post_honours_if_match(lrs, resource):
    path, params = resource
    lrs.put(path, params, {"v": 1}, HTTP_IF_NONE_MATCH="*")
    assert lrs.post(path, params, {"w": 2}, HTTP_IF_MATCH=BAD_TAG).status_code == 412
    assert lrs.post(path, params, {"w": 2}, HTTP_IF_MATCH=etag_of(lrs, path, params)).status_code == 204
    assert json.loads(lrs.get(path, params).content) == {"v": 1, "w": 2}


def test_post_without_headers_merges(lrs, resource):
    # POST headers are a SHOULD* for the client (3.1.s3.b2): without them the merge happens.
    path, params = resource
    lrs.post(path, params, {"car": "Honda"})
    assert lrs.post(path, params, {"type": "Civic"}).status_code == 204
    assert json.loads(lrs.get(path, params).content) == {"car": "Honda", "type": "Civic"}


def test_post_merge_into_non_json_document_is_400(lrs, resource):
    path, params = resource
    lrs.put(path, params, b"/ asdf / undefined", content_type="application/octet-stream", HTTP_IF_NONE_MATCH="*")
    response = lrs.post(path, params, {"a": 1})
    assert response.status_code == 400
    assert "application/json" in response.json()["error"]["message"]
    assert lrs.get(path, params).content == b"/ asdf / undefined"


def test_post_of_non_json_into_json_document_is_400(lrs, resource):
    path, params = resource
    lrs.post(path, params, {"a": 1})
    for body, content_type in [(b"abcdefg", "application/octet-stream"), (b"abcdefg", "not/json")]:
        assert lrs.post(path, params, body, content_type=content_type).status_code == 400
    assert lrs.post(path, params, b'{"a": 2}{', content_type="application/json").status_code == 400
    assert json.loads(lrs.get(path, params).content) == {"a": 1}


def test_delete_honours_if_match(lrs, resource):
    path, params = resource
    lrs.put(path, params, {"v": 1}, HTTP_IF_NONE_MATCH="*")
    assert lrs.delete(path, params, HTTP_IF_MATCH=BAD_TAG).status_code == 412
    assert lrs.get(path, params).status_code == 200
    assert lrs.delete(path, params, HTTP_IF_MATCH=etag_of(lrs, path, params)).status_code == 204
    assert lrs.get(path, params).status_code == 404


def test_delete_missing_document_is_204(lrs, resource):
    path, params = resource
    assert lrs.delete(path, params).status_code == 204


def test_delete_needs_a_profile_id(lrs, resource):
    path, params = resource
    del params["profileId"]
    response = lrs.delete(path, params)
    assert response.status_code == 400
    assert response.json()["error"]["path"] == "profileId"


def test_listing_and_since(lrs, resource):
    path, params = resource
    lrs.put(path, {**params, "profileId": "b"}, {"v": 1}, HTTP_IF_NONE_MATCH="*")
    lrs.put(path, {**params, "profileId": "a"}, {"v": 1}, HTTP_IF_NONE_MATCH="*")
    listing = {k: v for k, v in params.items() if k != "profileId"}

    assert lrs.get(path, listing).json() == ["a", "b"]
    assert lrs.get(path, {**listing, "since": "2000-01-01T00:00:00Z"}).json() == ["a", "b"]
    assert lrs.get(path, {**listing, "since": "2999-01-01T00:00:00Z"}).json() == []
    assert lrs.get(path, {**listing, "since": "pas une date"}).status_code == 400


def test_profiles_are_scoped_to_their_activity_or_agent(lrs):
    lrs.put("activities/profile", RESOURCES["activities/profile"], {"v": 1}, HTTP_IF_NONE_MATCH="*")
    lrs.put("agents/profile", RESOURCES["agents/profile"], {"v": 1}, HTTP_IF_NONE_MATCH="*")
    other_activity = {**RESOURCES["activities/profile"], "activityId": ACTIVITY + "/2"}
    other_agent = {**RESOURCES["agents/profile"], "agent": OTHER_AGENT}
    assert lrs.get("activities/profile", other_activity).status_code == 404
    assert lrs.get("agents/profile", other_agent).status_code == 404


def test_state_and_profile_documents_do_not_mix(lrs):
    lrs.put(
        "activities/profile",
        {"activityId": ACTIVITY, "profileId": "progression"},
        {"profile": True},
        HTTP_IF_NONE_MATCH="*",
    )
    assert lrs.get("activities/state", state_params()).status_code == 404


@pytest.mark.parametrize(
    ("path", "params", "name"),
    [
        ("activities/profile", {"profileId": "p"}, "activityId"),
        ("activities/profile", {"activityId": "1", "profileId": "p"}, "activityId"),
        ("activities/profile", {"activityId": ACTIVITY, "profileId": "p", "agent": AGENT}, "agent"),
        ("activities/profile", {"activityId": ACTIVITY, "profileId": "p", "registration": "x"}, "registration"),
        ("agents/profile", {"profileId": "p"}, "agent"),
        ("agents/profile", {"agent": "not Agent", "profileId": "p"}, "agent"),
        ("agents/profile", {"agent": {"not_actor": "yup"}, "profileId": "p"}, "agent"),
        ("agents/profile", {"agent": {"objectType": "Group", "mbox": "mailto:g@x.fr"}, "profileId": "p"}, "agent"),
        ("agents/profile", {"agent": AGENT, "profileId": "p", "activityId": ACTIVITY}, "activityId"),
        ("agents/profile", {"agent": AGENT, "profileid": "p"}, "profileid"),
    ],
)
@pytest.mark.parametrize("method", ["GET", "PUT", "POST", "DELETE"])
def test_invalid_profile_parameters_are_400(lrs, path, params, name, method):
    response = lrs.request(method, path, params, {"a": 1})
    assert response.status_code == 400
    assert response.json()["error"]["path"].split(".")[0] == name


def test_broken_agent_encoding_is_400(lrs):
    query = "profileId=p&agent=%7B%22objectType%22%22%22Agent%22"
    response = lrs.http.post(
        "/xapi/agents/profile?" + query,
        data=b"{}",
        content_type="application/json",
        HTTP_X_EXPERIENCE_API_VERSION="1.0.3",
        HTTP_AUTHORIZATION=lrs.authorization,
    )
    assert response.status_code == 400
    assert response.json()["error"]["path"] == "agent"
