"""What one single-statement POST costs the database: bounded, so that it cannot grow unnoticed."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.xapi import examples as ex

pytestmark = pytest.mark.django_db


def test_a_single_statement_post_takes_few_queries(api):
    api.stored(ex.statement())  # the client is remembered from now on (xapi.http.auth)
    with CaptureQueriesContext(connection) as captured:
        api.stored(ex.statement())
    queries = [query["sql"] for query in captured]
    assert not any('FROM "xapi_client"' in sql for sql in queries)
    if connection.vendor == "postgresql":
        # The savepoint of the test's transaction, one statement for the statement, its index rows
        # and its outbox rows (xapi.single_insert), the savepoint's release.
        assert len(queries) <= 3, queries
        assert not any('FROM "xapi_forwarding_forwardtarget" WHERE' in sql and "INSERT" not in sql for sql in queries)
        assert sum('INSERT INTO "xapi_statement"' in sql for sql in queries) == 1
        assert not any("COPY" in sql for sql in queries)
    else:
        # The savepoint and its release, the voiding look-up, three inserts, the forwarding targets.
        assert len(queries) <= 7, queries


def test_a_single_statement_sent_again_is_answered_without_a_second_copy(api):
    statement = ex.statement(id=str(uuid.uuid4()))
    [first] = api.stored(statement)
    assert api.stored(statement) == [first]
    changed = {**statement, "verb": {"id": "http://adlnet.gov/expapi/verbs/failed"}}
    assert api.post(changed).status_code == 409
    assert len(api.get().json()["statements"]) == 1


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_a_single_statement_is_one_round_trip(api):
    """No BEGIN, no COMMIT: the one SQL statement is its own transaction (PostgreSQL)."""
    api.stored(ex.statement())
    with CaptureQueriesContext(connection) as captured:
        [stored] = api.stored(ex.statement())
    queries = [query["sql"] for query in captured]
    if connection.vendor == "postgresql":
        # The statement's own queries; after them, in this in-process mode of tests, the receivers of
        # the announcement (with a broker: one Redis round trip, xapi.announcing).
        # No BEGIN before the INSERT, no COMMIT after it.
        assert queries[0].lstrip().startswith("WITH new AS"), queries
        assert len(queries) == 1 or queries[1].split()[0] not in {"COMMIT", "RELEASE"}, queries
    else:
        assert any(sql.startswith("INSERT") for sql in queries)
    assert api.get(params={"statementId": stored}).status_code == 200
