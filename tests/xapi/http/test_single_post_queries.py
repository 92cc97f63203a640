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
        # The transaction's start and end, one statement for the statement and its index rows
        # (xapi.single_insert), the forwarding targets.
        assert len(queries) <= 4, queries
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
