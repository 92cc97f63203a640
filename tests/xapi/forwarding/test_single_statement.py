"""A single statement is forwarded to every target enabled when it is stored, even when the store
remembers the targets (xapi.forwarding.outbox.forwarding_single_part): a target created, changed or
disabled by another process is taken into account by the very next statement."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.xapi import examples as ex
from xapi.forwarding.models import ForwardTarget, OutboxEntry
from xapi.services import statement_store

pytestmark = pytest.mark.django_db

PASSED = "http://adlnet.gov/expapi/verbs/passed"


def _elsewhere(name: str, **fields) -> ForwardTarget:
    """A target created as by another process: bulk_create sends no post_save, so nothing in this
    process forgets the targets it remembers."""
    ForwardTarget.objects.bulk_create(
        [ForwardTarget(name=name, endpoint=f"http://127.0.0.1:9/{name}/", username="k", **fields)]
    )
    return ForwardTarget.objects.get(name=name)


def _queued(target: ForwardTarget) -> set[str]:
    return {str(i) for i in OutboxEntry.objects.filter(target=target).values_list("statement_id", flat=True)}


def test_a_target_created_elsewhere_gets_the_next_single_statement():
    first = statement_store(data=ex.statement())  # the targets (none) are remembered from now on
    target = _elsewhere("peer")
    second = statement_store(data=ex.statement())
    assert _queued(target) == {str(second.id)}
    assert str(first.id) not in _queued(target)


def test_a_filter_changed_or_a_target_disabled_elsewhere_counts_at_once():
    target = _elsewhere("peer", verbs=PASSED)
    other_verb = statement_store(data=ex.statement())
    passed = statement_store(data=ex.statement(verb={"id": PASSED}))
    assert _queued(target) == {str(passed.id)}
    ForwardTarget.objects.filter(pk=target.pk).update(verbs="")  # update(): no signal either
    any_verb = statement_store(data=ex.statement())
    assert _queued(target) == {str(passed.id), str(any_verb.id)}
    ForwardTarget.objects.filter(pk=target.pk).update(enabled=False)
    statement_store(data=ex.statement())
    assert _queued(target) == {str(passed.id), str(any_verb.id)}
    assert str(other_verb.id) not in _queued(target)


def test_on_postgresql_the_targets_are_not_looked_up_for_each_statement():
    target = _elsewhere("peer")
    statement_store(data=ex.statement())
    with CaptureQueriesContext(connection) as captured:
        stored = statement_store(data=ex.statement())
    assert _queued(target) >= {str(stored.id)}
    if connection.vendor == "postgresql":
        # The savepoint of the test's transaction, the one INSERT (outbox row included), its release.
        inserts = [q["sql"] for q in captured if q["sql"].lstrip().startswith("WITH new AS")]
        assert len(inserts) == 1 and "xapi_forwarding_outboxentry" in inserts[0]
        assert len(captured) <= 3, [q["sql"] for q in captured]
