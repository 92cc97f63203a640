"""statement_stored: once per committed store call, never before commit, never after a rollback."""

import uuid

import pytest
from django.db import transaction

from tests.xapi import examples as ex
from xapi.services import statement_store, statements_store
from xapi.signals import statement_stored

pytestmark = pytest.mark.django_db


@pytest.fixture
def received():
    calls = []

    def receiver(sender, **kwargs):
        calls.append(kwargs)

    statement_stored.connect(receiver, weak=False, dispatch_uid="test-receiver")
    yield calls
    statement_stored.disconnect(dispatch_uid="test-receiver")


def test_sent_after_commit_with_the_new_ids(received, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        statement = statement_store(data=ex.statement())
        assert received == []
    assert len(callbacks) == 1
    callbacks[0]()
    assert received == [
        {"signal": statement_stored, "statement_ids": [str(statement.id)], "voided_ids": [], "verb_ids": [ex.COMPLETED]}
    ]


def test_once_per_batch(received, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        stored = statements_store(data=[ex.statement(), ex.statement(), ex.statement()])
    assert len(received) == 1
    assert received[0]["statement_ids"] == [str(s.id) for s in stored]


def test_voided_ids(received, django_capture_on_commit_callbacks):
    target = statement_store(data=ex.statement())
    received.clear()
    with django_capture_on_commit_callbacks(execute=True):
        voiding = statement_store(data=ex.voiding(str(target.id)))
    assert received[0]["statement_ids"] == [str(voiding.id)]
    assert received[0]["voided_ids"] == [str(target.id)]
    assert received[0]["verb_ids"] == [ex.VOIDED]


def test_a_statement_arriving_already_voided_is_announced_as_voided(received, django_capture_on_commit_callbacks):
    target_id = str(uuid.uuid4())
    statement_store(data=ex.voiding(target_id))
    received.clear()
    with django_capture_on_commit_callbacks(execute=True):
        statement_store(data=ex.statement(id=target_id))
    assert received == [
        {
            "signal": statement_stored,
            "statement_ids": [target_id],
            "voided_ids": [target_id],
            "verb_ids": [ex.COMPLETED],
        }
    ]


def test_not_sent_for_a_duplicate(received, django_capture_on_commit_callbacks):
    data = ex.statement(id=str(uuid.uuid4()))
    statement_store(data=data)
    with django_capture_on_commit_callbacks() as callbacks:
        statement_store(data=data)
    assert callbacks == []


def test_not_sent_when_the_callers_transaction_rolls_back(received, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(RuntimeError), transaction.atomic():
        statement_store(data=ex.statement())
        raise RuntimeError
    assert callbacks == []


def test_a_failing_receiver_does_not_fail_the_store(django_capture_on_commit_callbacks, caplog):
    def broken(sender, **kwargs):
        raise ValueError("boom")

    statement_stored.connect(broken, weak=False, dispatch_uid="test-broken")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            statement_store(data=ex.statement())
    finally:
        statement_stored.disconnect(dispatch_uid="test-broken")
    assert "receiver" in caplog.text
