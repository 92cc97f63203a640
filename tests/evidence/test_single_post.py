"""A single statement POSTed to the LRS still gives its evidence and levels, through the Redis
announcement list and its drain task as in production, and in the in-process mode of tests."""

import base64
import json
import os
import uuid

import pytest
import redis
from celery import current_app
from django.test import Client as Browser

from evidence.models import CompetencyState, Evidence
from frameworks.alignment import statement_alignment
from frameworks.models import Competency
from tests.conftest import make_user
from xapi import announcing
from xapi.http.auth import client_create
from xapi.models import Client

pytestmark = pytest.mark.django_db

PASSED = "http://adlnet.gov/expapi/verbs/passed"
REDIS_URL = os.environ.get("RELAIS_TEST_SINGLE_POST_REDIS_URL", "redis://127.0.0.1:6379/12")


@pytest.fixture
def teacher_and_statement(frameworks):
    competency = Competency.objects.get(framework__slug="crcn-edu", code="1.1")
    user = make_user("unique@example.fr")
    context_activities, extensions = statement_alignment(competencies=[competency], level=3)
    statement = {
        "id": str(uuid.uuid4()),
        "actor": user.xapi_actor(),
        "verb": {"id": PASSED},
        "object": {"id": f"https://example.org/quiz/{uuid.uuid4()}", "objectType": "Activity"},
        "context": {"contextActivities": context_activities},
        "result": {"success": True, "score": {"scaled": 1.0}, "extensions": extensions},
    }
    return user, statement


def _post_one(statement) -> None:
    client, secret = client_create(name="Plateforme", scopes=["statements/write"], evidence=Client.Evidence.ANY)
    response = Browser().post(
        "/xapi/statements",
        json.dumps(statement),
        content_type="application/json",
        HTTP_X_EXPERIENCE_API_VERSION="1.0.3",
        HTTP_AUTHORIZATION="Basic " + base64.b64encode(f"{client.key}:{secret}".encode()).decode(),
    )
    assert response.status_code == 200, response.content
    assert response.json() == [statement["id"]]


def _derived(user, statement) -> bool:
    return (
        Evidence.objects.filter(statement_id=statement["id"]).exists()
        and CompetencyState.objects.filter(user=user, competency__code="1.1", level=3).exists()
    )


def test_in_process_the_evidence_is_derived_after_the_commit(teacher_and_statement, django_capture_on_commit_callbacks):
    user, statement = teacher_and_statement
    with django_capture_on_commit_callbacks(execute=True):
        _post_one(statement)
    assert _derived(user, statement)


@pytest.fixture
def redis_broker(monkeypatch):
    """Celery as in production: a Redis broker, tasks published, not run in the request."""
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError:
        pytest.skip("no Redis at " + REDIS_URL)
    client.delete(announcing.LIST_KEY, announcing.WAKE_KEY)
    conf = current_app.conf
    saved = {"broker_url": conf.broker_url, "task_always_eager": conf.task_always_eager}
    conf.update(broker_url=REDIS_URL, task_always_eager=False)
    published = []
    # The drain task is published to the broker; this test is its worker (below), so it only notes it.
    monkeypatch.setattr(announcing.current_app, "signature", lambda name: _Noted(name, published))
    try:
        yield client, published
    finally:
        conf.update(saved)
        client.delete(announcing.LIST_KEY, announcing.WAKE_KEY)


class _Noted:
    def __init__(self, name, published):
        self.name, self.published = name, published

    def delay(self):
        self.published.append(self.name)


def test_through_redis_the_drain_task_derives_the_evidence(
    teacher_and_statement, redis_broker, django_capture_on_commit_callbacks, monkeypatch
):
    user, statement = teacher_and_statement
    client, published = redis_broker
    with django_capture_on_commit_callbacks(execute=True):
        _post_one(statement)
    # The request appended the statement to the list and queued one drain task; nothing derived yet.
    assert client.llen(announcing.LIST_KEY) == 1
    assert published == ["xapi.announce_drain"]
    assert not _derived(user, statement)

    # The worker runs the drain on the same list; the evidence task it queues runs here, in the process.
    current_app.conf.task_always_eager = True
    monkeypatch.setattr("xapi.wakeup.broker_redis", lambda: client)
    assert announcing.announced_drain() == 1
    assert client.llen(announcing.LIST_KEY) == 0
    assert _derived(user, statement)
