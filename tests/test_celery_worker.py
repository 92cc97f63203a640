"""A real Celery worker on the local Redis derives levels from a stored statement."""

import os
import subprocess
import sys
import time
import uuid

import pytest
import redis
from django.db import transaction

from evidence.models import CompetencyState
from frameworks.alignment import statement_alignment
from frameworks.models import Competency
from lms.celery import app
from tests.conftest import ROOT, database_url_of_test_db, reset_connection_pools
from xapi.services import statement_store

REDIS_URL = os.environ.get("RELAIS_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def worker():
    client = redis.Redis.from_url(REDIS_URL)
    client.flushdb()  # a database of its own: nothing but this test's queue lives there
    env = {
        **os.environ,
        "CELERY_BROKER_URL": REDIS_URL,
        "DATABASE_URL": database_url_of_test_db(),
        "RELAIS_TESTING": "1",
    }
    log = open(ROOT / "celery-test-worker.log", "w")  # noqa: SIM115 (closed below)
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "lms", "worker", "--pool=solo", "--loglevel=INFO", "-n", "test@%h"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    previous = dict(app.conf)
    reset_connection_pools()
    app.conf.update(task_always_eager=False, broker_url=REDIS_URL)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError("the Celery worker exited: " + (ROOT / "celery-test-worker.log").read_text())
            if " ready." in (ROOT / "celery-test-worker.log").read_text():
                break
            time.sleep(0.2)
        else:
            raise RuntimeError("the Celery worker was not ready within 60 s")
        yield process
    finally:
        app.conf.update(task_always_eager=previous["task_always_eager"], broker_url=previous["broker_url"])
        process.terminate()
        process.wait(timeout=30)
        log.close()


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_worker_turns_a_statement_into_a_level(frameworks, teacher, worker):
    competency = Competency.objects.select_related("framework").get(framework__slug="crcn-edu", code="4.2")
    context_activities, extensions = statement_alignment(competencies=[competency], level=3)
    with transaction.atomic():
        statement_store(
            data={
                "id": str(uuid.uuid4()),
                "actor": teacher.xapi_actor(),
                "verb": {"id": "http://adlnet.gov/expapi/verbs/passed"},
                "object": {"id": "http://example.org/quiz/1"},
                "context": {"contextActivities": context_activities},
                "result": {"success": True, "score": {"scaled": 1.0}, "extensions": extensions},
            }
        )
    # Nothing ran in this process: the task went through Redis to the worker.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        state = CompetencyState.objects.filter(user=teacher, competency=competency).first()
        if state:
            break
        time.sleep(0.2)
    assert state is not None, "the worker did not derive the level within 60 s"
    assert state.level == 3
    log = (ROOT / "celery-test-worker.log").read_text()
    # The request published no task per statement: its ids went through Redis to one drain task,
    # which handed them to the competencies in the worker.
    assert "xapi.announce_drain" in log
    assert "competencies.statements_process" in log
