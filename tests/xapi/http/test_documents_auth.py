"""Who may use the document, agents and activities resources: 401 without credentials, 403 without the scope."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.conftest import make_user
from tests.xapi.http.doc_fixtures import ACTIVITY, AGENT, Lrs, state_params

pytestmark = pytest.mark.django_db

PROFILE = {"activityId": ACTIVITY, "profileId": "p"}
AGENT_PROFILE = {"agent": AGENT, "profileId": "p"}


def test_no_credentials_is_401():
    response = Client().get("/xapi/activities/state", HTTP_X_EXPERIENCE_API_VERSION="1.0.3")
    assert response.status_code == 401
    assert "WWW-Authenticate" in response


def test_wrong_secret_is_401():
    lrs = Lrs(["state"])
    lrs.authorization = "Basic Zm9vOmJhcg=="  # foo:bar
    assert lrs.get("activities/state", state_params()).status_code == 401


@pytest.mark.parametrize(
    ("scopes", "path", "params", "read", "write"),
    [
        (["state"], "activities/state", state_params(), 404, 204),
        (["all/read"], "activities/state", state_params(), 404, 403),
        (["profile"], "activities/state", state_params(), 403, 403),
        (["statements/write", "statements/read"], "activities/state", state_params(), 403, 403),
        (["profile"], "activities/profile", PROFILE, 404, 204),
        (["profile"], "agents/profile", AGENT_PROFILE, 404, 204),
        (["all/read"], "agents/profile", AGENT_PROFILE, 404, 403),
        (["state"], "activities/profile", PROFILE, 403, 403),
        (["define"], "agents/profile", AGENT_PROFILE, 403, 403),
    ],
)
def test_document_scopes(scopes, path, params, read, write):
    lrs = Lrs(scopes)
    assert lrs.get(path, params).status_code == read
    assert lrs.put(path, params, {"a": 1}, HTTP_IF_NONE_MATCH="*").status_code == write
    assert lrs.post(path, params, {"a": 1}).status_code == write
    assert lrs.delete(path, params).status_code == write


@pytest.mark.parametrize(
    ("scopes", "status"),
    [(["define"], 200), (["all/read"], 200), (["statements/read"], 200), (["state"], 403), (["statements/write"], 403)],
)
def test_definition_reads_need_a_definitions_scope(scopes, status):
    lrs = Lrs(scopes)
    assert lrs.get("activities", {"activityId": ACTIVITY}).status_code == status
    assert lrs.get("agents", {"agent": AGENT}).status_code == status


def test_scope_is_checked_before_parameters():
    # A client without the right learns nothing about what a valid request would be.
    assert Lrs(["profile"]).get("activities/state", {}).status_code == 403


@pytest.mark.parametrize(
    "path_and_query",
    [
        "activities/state?activityId=http%3A%2F%2Fx.example%2Fa&agent=%7B%22mbox%22%3A%22mailto%3Aa%40b.fr%22%7D",
        "activities/profile?activityId=http%3A%2F%2Fx.example%2Fa&profileId=p",
        "agents/profile?agent=%7B%22mbox%22%3A%22mailto%3Aa%40b.fr%22%7D&profileId=p",
        "activities?activityId=http%3A%2F%2Fx.example%2Fa",
        "agents?agent=%7B%22mbox%22%3A%22mailto%3Aa%40b.fr%22%7D",
    ],
)
def test_logged_in_teacher_is_403(path_and_query):
    client = Client()
    client.force_login(make_user("enseignante@example.fr"))
    response = client.get("/xapi/" + path_and_query, HTTP_X_EXPERIENCE_API_VERSION="1.0.3")
    assert response.status_code == 403
    assert response.json()["error"]["rule"] == "scope"


def test_missing_version_header_is_400():
    lrs = Lrs(["all"])
    response = lrs.http.get("/xapi/activities/state", HTTP_AUTHORIZATION=lrs.authorization)
    assert response.status_code == 400
