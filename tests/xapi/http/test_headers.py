"""Headers of every LRS answer, through the test client and through a real gunicorn."""

import http.client
import json
import os
import socket
import subprocess
import sys
import time
import uuid
from datetime import datetime

import pytest

from tests.conftest import ROOT, database_url_of_test_db
from tests.xapi import examples as ex
from tests.xapi.http.conftest import basic
from xapi.http.auth import client_create


def consistent_through(response) -> datetime:
    return datetime.fromisoformat(response["X-Experience-API-Consistent-Through"].replace("Z", "+00:00"))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "call",
    [
        lambda api: api.get(),
        lambda api: api.head(),
        lambda api: api.post(ex.statement()),
        lambda api: api.put(ex.statement(), str(uuid.uuid4())),
        lambda api: api.get(params={"statementId": str(uuid.uuid4())}),  # 404
        lambda api: api.post(b"{broken"),  # 400
        lambda api: api.get(params={"limit": "x"}),  # 400
    ],
    ids=["get", "head", "post", "put", "404", "400-body", "400-param"],
)
def test_version_and_consistent_through_on_every_answer(api, call):
    response = call(api)
    assert response["X-Experience-API-Version"] == "1.0.3"
    assert consistent_through(response).tzinfo is not None


@pytest.mark.django_db
def test_errors_without_credentials_or_version_carry_the_headers_too(api):
    response = api.http.get("/xapi/statements")  # neither version nor credentials
    assert response.status_code == 400
    assert "X-Experience-API-Consistent-Through" in response


@pytest.mark.django_db
def test_missing_or_unsupported_version_is_400(api):
    for version in ("0.9", "0.95", "1.1.0", "2.1.0", "3.0.0", "1.0.0-beta", "2.0.0-rc1", "1", "2", "1.00", "v1.0.3"):
        response = api.get(HTTP_X_EXPERIENCE_API_VERSION=version)
        assert response.status_code == 400, version
        assert response.json()["error"]["rule"] == "version_unsupported"
    for version in ("1.0.1", "1.0.3", " 1.0.2 ", "2.0.0", "2.0"):
        assert api.get(HTTP_X_EXPERIENCE_API_VERSION=version).status_code == 200, version


@pytest.mark.django_db
def test_version_1_0_is_read_as_1_0_0_and_later_patches_are_accepted(api):
    # xAPI-Communication, versioning: "MUST accept requests with a version header of 1.0 as if the
    # version header was 1.0.0"; only 1.1.0 and later are refused.
    for version in ("1.0", "1.0.4", "1.0.10"):
        response = api.get(HTTP_X_EXPERIENCE_API_VERSION=version)
        assert response.status_code == 200, version
        assert response["X-Experience-API-Version"] == "1.0.3"


@pytest.mark.django_db
def test_cors_preflight(api):
    response = api.http.options("/xapi/statements", HTTP_ORIGIN="https://lms.example")
    assert response.status_code == 200
    # An origin not in XAPI_CORS_ORIGINS may call with HTTP Basic, never with the visitor's cookies.
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response
    assert "Authorization" in response["Access-Control-Allow-Headers"]
    assert "X-Experience-API-Version" in response["Access-Control-Allow-Headers"]


# --- a real server --------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def gunicorn():
    port = free_port()
    (ROOT / "test-artifacts").mkdir(exist_ok=True)
    env = {**os.environ, "DATABASE_URL": database_url_of_test_db(), "RELAIS_TESTING": "1"}
    log = open(ROOT / "test-artifacts" / "gunicorn-test.log", "w")  # noqa: SIM115 (closed below)
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "lms.wsgi:application", "-b", f"127.0.0.1:{port}", "-w", "1"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError("gunicorn exited: " + (ROOT / "test-artifacts" / "gunicorn-test.log").read_text())
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("gunicorn did not listen within 30 s")
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def raw_request(port, method, path, headers, body=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_exactly_one_date_header_through_gunicorn(gunicorn):
    client, secret = client_create(name="gunicorn", scopes=["all"])
    headers = {"Authorization": basic(client.key, secret), "X-Experience-API-Version": "1.0.3"}
    answers = [
        raw_request(gunicorn, "POST", "/xapi/statements", {**headers, "Content-Type": "application/json"},
                    json.dumps(ex.statement())),
        raw_request(gunicorn, "GET", "/xapi/statements", headers),
        raw_request(gunicorn, "HEAD", "/xapi/statements", headers),
        raw_request(gunicorn, "GET", "/xapi/statements?limit=x", headers),
        raw_request(gunicorn, "GET", "/xapi/statements", {"X-Experience-API-Version": "1.0.3"}),
        raw_request(gunicorn, "GET", "/xapi/about", {}),
    ]  # fmt: skip
    assert [a.status for a in answers] == [200, 200, 200, 400, 401, 200]
    for answer in answers:
        assert len(answer.headers.get_all("Date")) == 1, answer.headers.items()
        assert len(answer.headers.get_all("X-Experience-API-Consistent-Through")) == 1
    # Each answer speaks the version asked for; /about, asked without one, the newest (XAPI_DEFAULT_VERSION).
    assert [a.headers["X-Experience-API-Version"] for a in answers] == ["1.0.3"] * 5 + ["2.0.0"]
