"""The per-process memo of authenticated LRS clients: a changed client is refused within seconds at most."""

import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.xapi import examples as ex
from tests.xapi.http.conftest import basic
from xapi.models import Client

pytestmark = pytest.mark.django_db


def client_look_ups(queries) -> int:
    return sum('FROM "xapi_client"' in query["sql"] for query in queries)


def test_a_client_sending_again_is_not_looked_up_again(api):
    assert api.get().status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert api.get().status_code == 200
    assert client_look_ups(queries) == 0


def test_a_client_deactivated_by_another_process_is_refused_once_the_memo_ends(api, settings):
    # Another process (the lrs_client command, another worker's admin) sends no signal to this one.
    settings.XAPI_CLIENT_MEMO_SECONDS = 0.3
    assert api.post(ex.statement()).status_code == 200
    Client.objects.filter(pk=api.client.pk).update(is_active=False)
    time.sleep(0.35)
    response = api.post(ex.statement())
    assert response.status_code == 401, response.content
    assert response.json()["error"]["rule"] == "bad_credentials"


def test_a_client_deactivated_in_this_process_is_refused_at_once(api):
    assert api.post(ex.statement()).status_code == 200
    client = Client.objects.get(pk=api.client.pk)
    client.is_active = False
    client.save(update_fields=["is_active"])  # as the admin's deactivate view does
    assert api.post(ex.statement()).status_code == 401


def test_a_deleted_client_is_refused_at_once(api):
    assert api.get().status_code == 200
    Client.objects.get(pk=api.client.pk).delete()
    assert api.get().status_code == 401


def test_a_changed_scope_applies_at_once(api):
    assert api.post(ex.statement()).status_code == 200
    client = Client.objects.get(pk=api.client.pk)
    client.scopes = ["statements/read"]
    client.save()
    assert api.post(ex.statement()).status_code == 403
    assert api.get().status_code == 200


def test_a_remembered_client_with_a_wrong_secret_is_refused(api):
    assert api.get().status_code == 200
    api.authorization = basic(api.client.key, api.secret + "x")
    response = api.get()
    assert response.status_code == 401
    assert response.json()["error"]["rule"] == "bad_credentials"


def test_each_request_gets_its_own_client_instance(api, monkeypatch):
    # What a request hangs on its Client (the cmi5 rules keep the launch there) must not reach the next.
    seen = []
    monkeypatch.setattr("xapi.http.auth.binding.bound_client_alive", seen.append)
    api.get()
    api.get()
    assert len(seen) == 2 and seen[0] is not seen[1]
    assert seen[1].pk == api.client.pk and seen[1].scopes == ["all"] and not seen[1]._state.adding
