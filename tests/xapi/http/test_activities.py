"""/xapi/activities: the Activity object with the best definition held (Communication 2.5)."""

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


ACTIVITY = "http://relais.example/activities/quiz-7"


def test_unknown_activity_is_an_activity_with_its_id(lrs):
    response = lrs.get("activities", {"activityId": ACTIVITY})
    assert response.status_code == 200
    assert response.json() == {"objectType": "Activity", "id": ACTIVITY}
    assert response["ETag"].startswith('"') and len(response["ETag"]) == 42


def test_returns_the_object_as_stored(lrs):
    activity = {"objectType": "Activity", "id": ACTIVITY, "definition": examples.full_definition()}
    statement_store(data=examples.statement(object=activity))

    assert lrs.get("activities", {"activityId": ACTIVITY}).json() == activity


def test_latest_definition_wins_and_bare_mentions_do_not_erase_it(lrs):
    old = {"name": {"fr-FR": "Quiz (ancien)"}}
    new = {"name": {"fr-FR": "Quiz 7"}, "description": {"fr-FR": "Dix questions"}}
    statement_store(data=examples.statement(object={"id": ACTIVITY, "definition": old}))
    statement_store(data=examples.statement(object={"id": ACTIVITY, "definition": new}))
    statement_store(data=examples.statement(object={"id": ACTIVITY}))

    activity = lrs.get("activities", {"activityId": ACTIVITY}).json()

    assert activity == {"objectType": "Activity", "id": ACTIVITY, "definition": new}


def test_definition_from_context_activities(lrs):
    parent = {"id": ACTIVITY, "definition": {"name": {"fr-FR": "Parcours"}}}
    statement_store(data=examples.statement(context={"contextActivities": {"parent": [parent]}}))

    activity = lrs.get("activities", {"activityId": ACTIVITY}).json()

    assert activity == {"objectType": "Activity", **parent}


def test_voided_statements_are_ignored(lrs):
    stored = statement_store(
        data=examples.statement(object={"id": ACTIVITY, "definition": {"name": {"fr-FR": "Retiré"}}})
    )
    statement_store(
        data=examples.statement(
            verb={"id": examples.VOIDED}, object={"objectType": "StatementRef", "id": str(stored.id)}
        )
    )
    assert lrs.get("activities", {"activityId": ACTIVITY}).json() == {"objectType": "Activity", "id": ACTIVITY}


@pytest.mark.parametrize("params", [{}, {"activityId": "1"}, {"activityId": "true"}, {"activityId": {"key": "v"}}])
def test_invalid_activity_id_is_400(lrs, params):
    response = lrs.get("activities", params)
    assert response.status_code == 400
    assert response.json()["error"]["path"] == "activityId"


def test_unknown_parameter_is_400(lrs):
    assert lrs.get("activities", {"activityId": ACTIVITY, "agent": examples.agent()}).status_code == 400


def test_head(lrs):
    head = lrs.head("activities", {"activityId": ACTIVITY})
    assert head.status_code == 200 and head.content == b""
