"""The `more` IRL: keyset pages that stay right while statements keep arriving."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.xapi import examples as ex
from xapi.models import Statement

pytestmark = pytest.mark.django_db


def page(api, url_or_params):
    response = api.get(url_or_params) if isinstance(url_or_params, str) else api.get(params=url_or_params)
    assert response.status_code == 200, response.content
    body = response.json()
    return [s["id"] for s in body["statements"]], body["more"]


def all_pages(api, params):
    seen, more = page(api, params)
    while more:
        ids, more = page(api, more)
        seen += ids
    return seen


def age_all(seconds=10):
    # Stored times in the past, so the first page's consistent-through bound is after all of them.
    Statement.objects.update(stored=timezone.now() - timedelta(seconds=seconds))


def test_pages_cover_everything_once_newest_first(api):
    ids = api.stored([ex.statement() for _ in range(7)])
    assert all_pages(api, {"limit": "3"}) == list(reversed(ids))


def test_pages_ascending(api):
    ids = api.stored([ex.statement() for _ in range(7)])
    age_all()
    # Same stored time for all: the id breaks ties, so the order is by id and still complete.
    expected = sorted(ids)
    assert all_pages(api, {"limit": "2", "ascending": "true"}) == expected


def test_statements_arriving_between_pages_neither_shift_nor_repeat(api):
    ids = api.stored([ex.statement() for _ in range(6)])
    first, more = page(api, {"limit": "2"})
    api.stored([ex.statement() for _ in range(3)])  # newer than everything listed
    rest = []
    while more:
        batch, more = page(api, more)
        rest += batch
    assert first + rest == list(reversed(ids))


def test_ascending_result_is_frozen_at_the_first_pages_consistent_through(api):
    old = api.stored([ex.statement() for _ in range(5)])
    age_all()
    first, more = page(api, {"limit": "2", "ascending": "true"})
    api.stored([ex.statement() for _ in range(3)])  # stored after the first page: not part of this result
    rest = []
    while more:
        batch, more = page(api, more)
        rest += batch
    assert first + rest == sorted(old)


def test_more_keeps_the_filters(api):
    wanted = api.stored([ex.statement() for _ in range(4)])
    api.stored([ex.statement(verb={"id": "http://adlnet.gov/expapi/verbs/attempted"}) for _ in range(4)])
    assert all_pages(api, {"limit": "1", "verb": ex.COMPLETED}) == list(reversed(wanted))


def test_a_voided_statement_between_pages_is_left_out(api):
    ids = api.stored([ex.statement() for _ in range(4)])
    first, more = page(api, {"limit": "2"})
    api.stored(ex.voiding(ids[0]))
    rest, _ = page(api, more)
    assert first + rest == [ids[3], ids[2], ids[1]]


def test_a_forged_more_token_is_400(api):
    response = api.get("/xapi/statements/more/abc:def")
    assert response.status_code == 400
    assert response.json()["error"]["rule"] == "more_invalid"


def test_more_takes_no_parameters(api):
    api.stored([ex.statement() for _ in range(3)])
    _ids, more = page(api, {"limit": "1"})
    assert api.get(more, params={"limit": "5"}).status_code == 400


def test_more_needs_credentials(api):
    api.stored([ex.statement() for _ in range(3)])
    _ids, more = page(api, {"limit": "1"})
    api.authorization = None
    assert api.get(more).status_code == 401


def test_head_on_more(api):
    api.stored([ex.statement() for _ in range(3)])
    _ids, more = page(api, {"limit": "1"})
    response = api.head(more)
    assert response.status_code == 200 and response.content == b""
