"""statements_store: order, atomicity, duplicates inside a batch, and the query budget."""

import uuid

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from tests.xapi import examples as ex
from xapi.errors import StatementConflict, StatementValidationError
from xapi.models import Statement, StatementActivity, StatementAgent
from xapi.services import statement_store, statements_store

pytestmark = pytest.mark.django_db


def batch(size):
    return [
        ex.statement(id=str(uuid.uuid4()), actor=ex.agent("mbox"), result={"score": {"raw": i}}) for i in range(size)
    ]


def test_returns_statements_in_input_order_with_increasing_stored():
    data = batch(5)
    stored = statements_store(data=data)
    assert [str(s.id) for s in stored] == [d["id"] for d in data]
    assert [s.stored for s in stored] == sorted(s.stored for s in stored)
    assert len({s.stored for s in stored}) == 5


def test_empty_batch_stores_nothing():
    assert statements_store(data=[]) == []


def test_not_a_list_is_refused():
    with pytest.raises(StatementValidationError) as info:
        statements_store(data=ex.statement())
    assert (info.value.path, info.value.rule) == ("", "type")


def test_an_invalid_statement_rejects_the_whole_batch_and_names_its_index():
    data = batch(3)
    data[2]["context"] = {"contextActivities": {"other": [{"id": ex.ACTIVITY}, {"id": "pas un IRI"}]}}
    with pytest.raises(StatementValidationError) as info:
        statements_store(data=data)
    assert (info.value.path, info.value.rule) == ("[2].context.contextActivities.other[1].id", "iri")
    assert Statement.objects.count() == 0


def test_a_conflict_rejects_the_whole_batch():
    existing = statement_store(data=ex.statement(id=str(uuid.uuid4())))
    data = batch(3)
    data[1] = ex.statement(id=str(existing.id), result={"success": False})
    with pytest.raises(StatementConflict):
        statements_store(data=data)
    assert Statement.objects.count() == 1
    others = [d["id"] for d in data if d["id"] != str(existing.id)]
    assert StatementAgent.objects.filter(statement_id__in=others).count() == 0


def test_already_stored_statements_are_returned_not_duplicated():
    data = batch(3)
    statements_store(data=data[:2])
    stored = statements_store(data=data)
    assert [str(s.id) for s in stored] == [d["id"] for d in data]
    assert Statement.objects.count() == 3


def test_same_id_twice_with_different_content_is_refused():
    data = batch(3)
    data[2] = dict(data[0], result={"success": True})
    with pytest.raises(StatementValidationError) as info:
        statements_store(data=data)
    assert (info.value.path, info.value.rule) == ("[2].id", "duplicate_id")
    assert Statement.objects.count() == 0


def test_same_statement_twice_in_a_batch_is_stored_once():
    data = batch(2)
    stored = statements_store(data=[data[0], data[1], data[0]])
    assert stored[0] is stored[2]
    assert Statement.objects.count() == 2


def test_voiding_inside_the_batch():
    target = ex.statement(id=str(uuid.uuid4()))
    stored = statements_store(data=[target, ex.voiding(target["id"])])
    assert Statement.objects.get(id=stored[0].id).voided
    assert stored[0].voided


def test_voiding_before_its_target_inside_the_batch():
    target = ex.statement(id=str(uuid.uuid4()))
    statements_store(data=[ex.voiding(target["id"]), target])
    assert Statement.objects.get(id=target["id"]).voided


def test_voiding_a_voiding_statement_of_the_same_batch_is_refused():
    first = ex.voiding(str(uuid.uuid4()), id=str(uuid.uuid4()))
    with pytest.raises(StatementValidationError) as info:
        statements_store(data=[first, ex.voiding(first["id"])])
    assert (info.value.path, info.value.rule) == ("[1].object.id", "voiding_voiding_statement")
    assert Statement.objects.count() == 0


def test_inside_a_callers_transaction_a_failure_rolls_back_only_the_store():
    with transaction.atomic():
        kept = statement_store(data=ex.statement(id=str(uuid.uuid4())))
        with pytest.raises(StatementConflict):
            statement_store(data=ex.statement(id=str(kept.id), result={"success": True}))
        assert Statement.objects.filter(id=kept.id).exists()
    assert Statement.objects.count() == 1


def test_query_budget_does_not_grow_with_the_batch():
    # 40 keeps every bulk insert under SQLite's 999 parameters; past that Django splits them.
    with CaptureQueriesContext(connection) as small:
        statements_store(data=batch(2))
    with CaptureQueriesContext(connection) as large:
        statements_store(data=batch(40))
    assert len(large.captured_queries) == len(small.captured_queries)
    # lookup + three bulk inserts + the forwarding targets read for the outbox, plus savepoints
    writes = [q["sql"] for q in large.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert len(writes) <= 5, writes


def test_index_rows_for_a_batch():
    statements_store(data=batch(10))
    assert StatementAgent.objects.count() == 20  # actor (direct) + authority (related) each
    assert StatementActivity.objects.count() == 10


def test_an_id_stored_concurrently_is_looked_up_again(monkeypatch):
    from xapi import services

    data = ex.statement(id=str(uuid.uuid4()))
    first = statement_store(data=data)
    real_lookup = services._lookup
    calls = []

    def blind_once(ids, voidable):
        # The first lookup misses, as if another request committed the row just after it.
        calls.append(ids)
        return [] if len(calls) == 1 else real_lookup(ids, voidable)

    monkeypatch.setattr(services, "_lookup", blind_once)
    again = statement_store(data=data)
    assert again.id == first.id and len(calls) == 2
    assert Statement.objects.count() == 1

    calls.clear()
    with pytest.raises(StatementConflict):
        statement_store(data=dict(data, result={"success": True}))


def test_new_statements_are_inserted_without_looking_their_ids_up(monkeypatch):
    from xapi import services

    calls = []
    real_lookup = services._lookup
    monkeypatch.setattr(services, "_lookup", lambda ids, voidable: calls.append(ids) or real_lookup(ids, voidable))
    data = batch(5)
    statements_store(data=data)
    assert calls == []
    # One of them again, among new ones: the primary key refuses it, the batch is looked up and
    # the stored statement is returned, with no duplicate and no conflict.
    again = [*batch(2), data[3]]
    stored = statements_store(data=again)
    assert len(calls) == 1 and uuid.UUID(data[3]["id"]) in calls[0]
    assert [str(s.id) for s in stored] == [d["id"] for d in again]
    assert Statement.objects.count() == 7
    assert StatementAgent.objects.filter(statement_id=data[3]["id"]).count() == 2


def test_a_statement_voided_before_it_arrives_is_stored_voided_without_a_look_up(monkeypatch):
    from xapi import services

    target_id = str(uuid.uuid4())
    voiding = statement_store(data=ex.voiding(target_id))
    monkeypatch.setattr(services, "_lookup", lambda ids, voidable: pytest.fail("no look-up expected"))
    stored = statements_store(data=[ex.statement(id=target_id), *batch(2)])
    assert stored[0].voided and not stored[1].voided
    assert Statement.objects.get(id=target_id).voided
    assert not Statement.objects.get(id=voiding.id).voided


def test_a_batch_with_a_voiding_statement_looks_its_target_up(monkeypatch):
    from xapi import services

    target = statement_store(data=ex.statement(id=str(uuid.uuid4())))
    calls = []
    real_lookup = services._lookup
    monkeypatch.setattr(services, "_lookup", lambda ids, voidable: calls.append(ids) or real_lookup(ids, voidable))
    statements_store(data=[*batch(2), ex.voiding(str(target.id))])
    assert len(calls) == 1 and target.id in calls[0]
    assert Statement.objects.get(id=target.id).voided
