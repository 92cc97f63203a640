"""Property-based fuzzing of the LRS over HTTP, against a live server on the test database: never a 500.

Thousands of generated and mutated statements, raw bodies, statement queries and document requests
(see ``fuzz_strategies``) go through a real socket to Django's live server, so that every layer runs as
in production: request parsing, the view, validation, the store (COPY on PostgreSQL), the database.
Bounded by ``max_examples`` and derandomized: the same inputs on every run, so CI never flakes.
"""

from __future__ import annotations

import base64
import http.client
from urllib.parse import urlencode, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.xapi.http import fuzz_strategies as fz
from xapi.http.auth import client_create

pytestmark = pytest.mark.django_db(transaction=True)


def fuzz(examples: int) -> settings:
    """Fixed inputs (derandomize, no example database), no deadline: a live server has latency."""
    return settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        print_blob=False,
        suppress_health_check=list(HealthCheck),
    )


class LiveLrs:
    """Sends raw requests to /xapi on the live server as one LRS client; counts what it sent."""

    def __init__(self, url: str, key: str, secret: str):
        parts = urlsplit(url)
        self.host, self.port = parts.hostname, parts.port
        self.authorization = "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode()
        self.sent = 0

    def request(self, method: str, resource: str, params=None, body: bytes = b"", headers=None) -> tuple[int, bytes]:
        query = urlencode(params or {}, encoding="utf-8", errors="surrogatepass")
        path = f"/xapi/{resource}" + (f"?{query}" if query else "")
        all_headers = {"X-Experience-API-Version": "1.0.3", "Authorization": self.authorization, **(headers or {})}
        connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
        try:
            connection.request(method, path, body=body or None, headers=all_headers)
            response = connection.getresponse()
            content = response.read()
        finally:
            connection.close()
        self.sent += 1
        assert response.status < 500, (method, path, headers, body[:300], response.status, content[:300])
        return response.status, content


@pytest.fixture
def lrs(live_server):
    client, secret = client_create(name="Fuzz", scopes=["all"])
    caller = LiveLrs(live_server.url, client.key, secret)
    yield caller
    print(f"{caller.sent} requests")  # shown with -s: the size of the run


@fuzz(600)
@given(statement=st.one_of(fz.statements(), fz.mutated_statements()), method=st.sampled_from(["POST", "PUT"]))
def test_statements_never_answer_500(lrs, statement, method):
    json_header = {"Content-Type": "application/json"}
    if method == "PUT":
        statement_id = statement.get("id") if isinstance(statement, dict) else None
        params = {
            "statementId": statement_id if isinstance(statement_id, str) else "6f1a0c4e-1c3b-4a77-9d5e-0e0b1f2c3d4e"
        }
        lrs.request("PUT", "statements", params, fz.encode(statement), json_header)
    else:
        lrs.request("POST", "statements", None, fz.encode(statement), json_header)
        # A batch of the same statement, and of it beside a valid one: the batch paths run too.
        lrs.request("POST", "statements", None, fz.encode([statement, fz.ex.statement()]), json_header)


@fuzz(150)
@given(body=fz.raw_bodies())
def test_raw_bodies_never_answer_500(lrs, body):
    lrs.request("POST", "statements", None, body, {"Content-Type": "application/json"})


@fuzz(600)
@given(params=fz.statement_queries())
def test_statement_queries_never_answer_500(lrs, params):
    lrs.request("GET", "statements", params)


@fuzz(600)
@given(request=fz.document_requests())
def test_document_requests_never_answer_500(lrs, request):
    method, resource, params, body, headers = request
    if resource in ("activities", "agents"):
        method, body = "GET", b""
    lrs.request(method, resource, params, body if method in ("PUT", "POST") else b"", headers)
