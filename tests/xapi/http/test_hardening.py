"""The LRS's own hardening: CORS credentials by setting, failed-login throttling, batch size limit."""

from __future__ import annotations

import pytest
from django.test import override_settings

from tests.xapi import examples as ex
from tests.xapi.http.conftest import basic

pytestmark = pytest.mark.django_db

LISTED = "https://relais.example.fr"


# --- CORS --------------------------------------------------------------------------------------------


@override_settings(XAPI_CORS_ORIGINS=[LISTED])
@pytest.mark.parametrize("method", ["options", "get"])
def test_listed_origin_gets_credentials(api, method):
    response = getattr(api.http, method)("/xapi/statements", HTTP_ORIGIN=LISTED, **api._headers({}))
    assert response["Access-Control-Allow-Origin"] == LISTED
    assert response["Access-Control-Allow-Credentials"] == "true"
    assert "Origin" in response["Vary"]


@override_settings(XAPI_CORS_ORIGINS=[LISTED])
@pytest.mark.parametrize("origin", ["https://evil.example", "https://relais.example.fr.evil.example", "null"])
def test_other_origins_get_cors_without_credentials(api, origin):
    for response in (
        api.http.options("/xapi/statements", HTTP_ORIGIN=origin),
        api.get(HTTP_ORIGIN=origin),
        api.post(ex.statement(), HTTP_ORIGIN=origin),
    ):
        assert response.status_code in (200, 204), response.content
        assert response["Access-Control-Allow-Origin"] == "*"
        assert "Access-Control-Allow-Credentials" not in response
        assert "Authorization" in response["Access-Control-Allow-Headers"]


def test_no_origin_listed_by_default(api):
    response = api.get(HTTP_ORIGIN=LISTED)
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response


def test_setting_reads_the_environment(monkeypatch):
    import importlib

    import lms.settings

    monkeypatch.setenv("XAPI_CORS_ORIGINS", "https://A.example/, https://b.example")
    monkeypatch.setenv("XAPI_MAX_BATCH", "250")
    try:
        reloaded = importlib.reload(lms.settings)
        assert reloaded.XAPI_CORS_ORIGINS == ["https://a.example", "https://b.example"]
        assert reloaded.XAPI_MAX_BATCH == 250
    finally:
        monkeypatch.delenv("XAPI_CORS_ORIGINS")
        monkeypatch.delenv("XAPI_MAX_BATCH")
        importlib.reload(lms.settings)


# --- failed logins ---------------------------------------------------------------------------------


@override_settings(XAPI_LOGIN_FAILURES_PER_KEY=(3, 300), XAPI_LOGIN_FAILURES_PER_ADDRESS=(100, 60))
def test_failed_logins_for_one_key_are_throttled_even_with_the_right_secret(api):
    good = api.authorization
    api.authorization = basic(api.client.key, "wrong")
    assert [api.get().status_code for _ in range(3)] == [401, 401, 401]

    throttled = api.get()
    assert throttled.status_code == 429
    assert 0 < int(throttled["Retry-After"]) <= 300
    body = throttled.json()["error"]
    assert body["rule"] == "too_many_failed_logins"
    assert "réessayez dans" in body["message"]
    # Throttled whatever the secret: a guesser must not learn that it guessed right.
    api.authorization = good
    assert api.get().status_code == 429


@override_settings(XAPI_LOGIN_FAILURES_PER_KEY=(100, 300), XAPI_LOGIN_FAILURES_PER_ADDRESS=(4, 60))
def test_failed_logins_from_one_address_are_throttled_across_keys(make_api):
    api = make_api()
    for index in range(4):
        api.authorization = basic(f"guess-{index}", "wrong")
        assert api.get(REMOTE_ADDR="203.0.113.9").status_code == 401
    api.authorization = basic(api.client.key, api.secret)
    assert api.get(REMOTE_ADDR="203.0.113.9").status_code == 429
    # Another address with the same right credentials is not affected.
    assert api.get(REMOTE_ADDR="198.51.100.1").status_code == 200


@override_settings(XAPI_LOGIN_FAILURES_PER_KEY=(2, 300))
def test_successful_requests_do_not_count(api):
    for _ in range(10):
        assert api.get().status_code == 200


# --- batch size ------------------------------------------------------------------------------------


@override_settings(XAPI_MAX_BATCH=3)
def test_batch_larger_than_the_maximum_is_413_and_stores_nothing(api):
    response = api.post([ex.statement() for _ in range(4)])
    assert response.status_code == 413
    body = response.json()["error"]
    assert body["rule"] == "batch_too_large"
    assert "3" in body["message"] and "4" in body["message"]
    assert api.get().json()["statements"] == []
    assert api.post([ex.statement() for _ in range(3)]).status_code == 200
