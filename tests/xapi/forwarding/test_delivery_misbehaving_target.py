"""Delivery against a real, misbehaving HTTP server: 500, timeouts, unreadable answers, 429, 409."""

import json
import threading
import time
import uuid
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from xapi.forwarding.delivery import target_deliver
from xapi.forwarding.models import ForwardTarget, OutboxEntry
from xapi.forwarding.outbox import outbox_replay, targets_status
from xapi.models import Statement
from xapi.services import statements_store

from .statements import about, new_group

pytestmark = pytest.mark.django_db

Status = OutboxEntry.Status


class FakeLrs(ThreadingHTTPServer):
    """Answers every request according to ``mode``; remembers what it was sent."""

    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.mode = "ok"
        self.requests: list[tuple[str, str]] = []
        self.sizes: list[int] = []  # statements per POST
        self.copy: dict | None = None  # what GET ?statementId= answers after a 409

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/xapi/"


class _Handler(BaseHTTPRequestHandler):
    server: FakeLrs

    def log_message(self, *args):
        pass

    def _answer(self, status: int, body: bytes = b"", headers: dict | None = None):
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _body(self):
        return json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"null")

    def do_POST(self):
        data = self._body()
        self.server.requests.append(("POST", self.path))
        self.server.sizes.append(len(data))
        mode = self.server.mode
        if mode == "413" and len(data) > 3:
            return self._answer(413, b"batch too large: 3 at most")
        if mode == "500":
            return self._answer(500, b"boom")
        if mode == "timeout":
            time.sleep(1.5)
            return self._answer(200, b"[]")
        if mode == "malformed":
            return self._answer(200, b"<html>not json")
        if mode == "429":
            return self._answer(429, b"slow down", {"Retry-After": "120"})
        if mode.startswith("409"):
            return self._answer(409, b"conflict")
        return self._answer(200, json.dumps([s["id"] for s in data]).encode(), {"Content-Type": "application/json"})

    def do_PUT(self):
        self._body()
        self.server.requests.append(("PUT", self.path))
        if self.server.mode.startswith("409"):
            return self._answer(409, b"conflict")
        return self._answer(204)

    def do_GET(self):
        self.server.requests.append(("GET", self.path))
        query = parse_qs(urlsplit(self.path).query)
        if "statementId" in query and self.server.copy is not None:
            return self._answer(200, json.dumps(self.server.copy).encode(), {"Content-Type": "application/json"})
        return self._answer(404)


@pytest.fixture
def fake():
    server = FakeLrs()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def make_target(fake, **fields) -> ForwardTarget:
    values = {
        "name": "fake",
        "endpoint": fake.endpoint,
        "username": "k",
        "batch_size": 50,
        "max_attempts": 3,
        "backoff_base_seconds": 10,
        "backoff_max_seconds": 60,
        "timeout_seconds": 0.5,
        **fields,
    }
    target = ForwardTarget(**values)
    target.set_secret("s")
    target.save()
    return target


def make_due(target):
    OutboxEntry.objects.filter(target=target, status=Status.PENDING).update(next_attempt_at=timezone.now())


@pytest.mark.parametrize(
    ("mode", "error"),
    [("500", "HTTP 500"), ("timeout", "ReadTimeout"), ("malformed", "réponse illisible")],
)
def test_failures_are_retried_with_backoff_reported_then_parked_and_replayable(fake, mode, error):
    target = make_target(fake)
    statements_store(data=about(new_group(), 4))
    fake.mode = mode

    before = timezone.now()
    assert target_deliver(target_id=target.pk) == 0
    rows = OutboxEntry.objects.filter(target=target)
    assert {(r.status, r.attempts) for r in rows.all()} == {(Status.PENDING, 1)}
    # Backoff with jitter: 10 s × (0.5 … 1.5) after the first failure.
    assert all(before + timedelta(seconds=4) < r.next_attempt_at < before + timedelta(seconds=16) for r in rows.all())
    assert all(error in r.last_error for r in rows.all())
    target.refresh_from_db()
    assert error in target.last_error and target.last_error_at is not None

    assert target_deliver(target_id=target.pk) == 0  # not due yet: nothing sent
    sent = len(fake.requests)
    for _attempt in range(2):
        make_due(target)
        target_deliver(target_id=target.pk)
    assert len(fake.requests) == sent + 2
    assert {(r.status, r.attempts) for r in rows.all()} == {(Status.DEAD, 3)}
    status = next(s for s in targets_status() if s.target.pk == target.pk)
    assert (status.backlog, status.dead) == (0, 4)

    fake.mode = "ok"
    assert outbox_replay(target=target) == 4
    assert target_deliver(target_id=target.pk) == 4
    assert {r.status for r in rows.all()} == {Status.DELIVERED}
    status = next(s for s in targets_status() if s.target.pk == target.pk)
    assert (status.backlog, status.dead, status.delivered_last_hour) == (0, 0, 4)


def test_429_with_retry_after_pauses_the_target_without_counting_an_attempt(fake):
    target = make_target(fake)
    statements_store(data=about(new_group(), 2))
    fake.mode = "429"
    target_deliver(target_id=target.pk)
    target.refresh_from_db()
    assert timedelta(seconds=110) < target.paused_until - timezone.now() <= timedelta(seconds=120)
    rows = OutboxEntry.objects.filter(target=target)
    assert {(r.status, r.attempts) for r in rows.all()} == {(Status.PENDING, 0)}
    make_due(target)
    sent = len(fake.requests)
    target_deliver(target_id=target.pk)  # paused: nothing sent before Retry-After
    assert len(fake.requests) == sent


def test_a_batch_too_large_for_the_peer_is_split_and_the_smaller_size_kept(fake):
    # The peer's XAPI_MAX_BATCH (3 here) is below the target's batch size: 413, never a dead end.
    target = make_target(fake, batch_size=8)
    statements_store(data=about(new_group(), 8))
    fake.mode = "413"
    assert target_deliver(target_id=target.pk) == 8
    assert fake.sizes == [8, 4, 2, 2, 4, 2, 2]
    assert {r.status for r in OutboxEntry.objects.filter(target=target)} == {Status.DELIVERED}
    # The next run claims no more than the size the peer took.
    fake.sizes.clear()
    fake.requests.clear()
    statements_store(data=about(new_group(), 5))
    assert target_deliver(target_id=target.pk) == 5
    assert sorted(fake.sizes) == [2, 2]  # and the fifth alone, as a PUT
    assert sorted(method for method, _ in fake.requests) == ["POST", "POST", "PUT"]


def test_409_is_delivered_when_the_target_has_the_same_statement(fake):
    target = make_target(fake)
    [stored] = statements_store(data=about(new_group(), 1))
    fake.mode = "409"
    # The target's copy: same statement, its own stored, authority and version.
    fake.copy = {**stored.payload, "stored": "2026-05-01T00:00:00Z", "authority": {"mbox": "mailto:lrs@example.org"}}
    assert target_deliver(target_id=target.pk) == 1
    assert OutboxEntry.objects.get(target=target).status == Status.DELIVERED
    assert [method for method, _ in fake.requests] == ["PUT", "GET"]


def test_409_with_other_content_is_parked_as_a_conflict(fake):
    target = make_target(fake)
    stored = statements_store(data=about(new_group(), 2))
    fake.mode = "409"
    fake.copy = {**stored[0].payload, "verb": {"id": "http://adlnet.gov/expapi/verbs/failed"}}
    target_deliver(target_id=target.pk)
    rows = OutboxEntry.objects.filter(target=target)
    assert {r.status for r in rows.all()} == {Status.DEAD}
    assert all("conflit" in r.last_error for r in rows.all())
    # POST refused, then one PUT (and a GET of the target's copy) per statement.
    assert [m for m, _ in fake.requests] == ["POST", "PUT", "GET", "PUT", "GET"]


def test_filters_choose_what_a_target_receives(fake):
    make_target(fake, verbs="http://adlnet.gov/expapi/verbs/completed")
    group = new_group()
    prefixed = make_target(fake, name="prefixed", activity_prefixes=group + "/page/1")
    statements = about(group, 12)
    statements[0]["verb"] = {"id": "http://adlnet.gov/expapi/verbs/completed"}
    statements_store(data=statements)
    assert [str(r.statement_id) for r in OutboxEntry.objects.filter(target__name="fake")] == [statements[0]["id"]]
    # page/1, page/10, page/11.
    assert OutboxEntry.objects.filter(target=prefixed).count() == 3
    voiding = {
        "id": str(uuid.uuid4()),
        "actor": statements[1]["actor"],
        "verb": {"id": "http://adlnet.gov/expapi/verbs/voided"},
        "object": {"objectType": "StatementRef", "id": statements[1]["id"]},
    }
    statements_store(data=[voiding])
    assert OutboxEntry.objects.filter(statement_id=voiding["id"]).count() == 2  # voiding always goes
    assert Statement.objects.get(id=statements[1]["id"]).voided


def test_the_outbox_row_is_written_in_the_statements_transaction(fake):
    target = make_target(fake)
    group = new_group()
    with pytest.raises(RuntimeError), __import__("django.db").db.transaction.atomic():
        statements_store(data=about(group, 3))
        assert OutboxEntry.objects.filter(target=target).count() == 3
        raise RuntimeError("the caller's transaction fails")
    assert not OutboxEntry.objects.filter(target=target).exists()
    assert not Statement.objects.filter(object_activity_id__startswith=group).exists()
