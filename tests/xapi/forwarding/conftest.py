"""Real processes for the forwarding tests: a second Relais instance (the peer LRS) and a Celery worker.

The peer runs gunicorn on 127.0.0.1 with its own database and no broker. Its database starts as a
copy of this run's freshly migrated test database (SQLite: a file copy; PostgreSQL: CREATE DATABASE
… TEMPLATE), which is what ``manage.py migrate`` would give, in a second instead of a minute and a
half; when the copy is not possible it falls back to ``migrate``.
"""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis
import requests
from django.db import connection, connections

from lms.celery import app
from tests.conftest import database_url_of_test_db, reset_connection_pools

ROOT = Path(__file__).resolve().parents[3]
REDIS_URL = os.environ.get("RELAIS_TEST_FORWARDING_REDIS_URL", "redis://127.0.0.1:6379/13")
LOGS = ROOT / "tests-forwarding-logs"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(predicate, *, timeout: float, interval: float = 0.1, message: str = "condition"):
    """Poll ``predicate`` until it returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {message}")
        time.sleep(interval)


class Peer:
    """A second Relais, reached over HTTP only: it can be killed and started again on the same port."""

    def __init__(self, database_url: str, tmp: Path):
        self.database_url = database_url
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.endpoint = self.base + "/xapi/"
        self.env = {
            key: value for key, value in os.environ.items() if key not in ("CELERY_BROKER_URL", "RELAIS_TESTING")
        }
        self.env.update(
            DATABASE_URL=database_url,
            SECRET_KEY="peer-secret-key-for-tests",
            DJANGO_DEBUG="0",
            # A production-like peer without a broker, served over plain HTTP on the loopback.
            CELERY_TASK_ALWAYS_EAGER="1",
            SECURE_SSL_REDIRECT="0",
            ALLOWED_HOSTS="127.0.0.1",
            RELAIS_BASE_URL=self.base,
            LOG_LEVEL="WARNING",
            DJANGO_SETTINGS_MODULE="lms.settings",
        )
        self.process: subprocess.Popen | None = None
        self.log_path = LOGS / "peer.log"
        self.key = self.secret = ""

    def manage(self, *args: str) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if done.returncode:
            raise RuntimeError(f"peer manage.py {' '.join(args)} failed: {done.stderr[-2000:]}")
        return done.stdout

    def create_client(self) -> None:
        lines = dict(
            line.split(": ", 1)
            for line in self.manage("lrs_client", "create", "peer", "--scope", "all").split("\n")
            if ": " in line
        )
        self.key, self.secret = lines["key"].strip(), lines["secret"].strip()

    def start(self) -> None:
        log = open(self.log_path, "a")  # noqa: SIM115 (the process owns it)
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "lms.wsgi",
                "-w",
                "2",
                "-b",
                f"127.0.0.1:{self.port}",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: killed with its workers at once
        )
        log.close()

        def up():
            if self.process.poll() is not None:
                raise RuntimeError("the peer exited: " + self.log_path.read_text()[-3000:])
            try:
                return requests.get(self.endpoint + "about", timeout=2).status_code == 200
            except requests.RequestException:
                return False

        wait_until(up, timeout=60, interval=0.2, message="the peer to answer")

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
            wait_until(self._port_free, timeout=15, message="the peer's port to be free")

    def _port_free(self) -> bool:
        with socket.socket() as s:
            return s.connect_ex(("127.0.0.1", self.port)) != 0

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)

    # --- the peer's LRS, through HTTP ---------------------------------------------------------

    @property
    def auth(self) -> tuple[str, str]:
        return (self.key, self.secret)

    def headers(self) -> dict:
        return {"X-Experience-API-Version": "1.0.3"}

    def post(self, statements: list[dict]) -> list[str]:
        response = requests.post(
            self.endpoint + "statements", json=statements, auth=self.auth, headers=self.headers(), timeout=30
        )
        assert response.status_code == 200, response.text
        return response.json()

    def ids_about(self, activity_prefix_id: str) -> list[str]:
        """Every statement id the peer returns for one activity (related), with repetitions if any."""
        ids = []
        url, params = (
            self.endpoint + "statements",
            {"activity": activity_prefix_id, "related_activities": "true", "limit": "500"},
        )
        while url:
            response = requests.get(url, params=params, auth=self.auth, headers=self.headers(), timeout=30)
            assert response.status_code == 200, response.text
            body = response.json()
            ids += [s["id"] for s in body["statements"]]
            url, params = (self.base + body["more"]) if body["more"] else "", None
        return ids


def _peer_database(tmp: Path) -> tuple[str, bool]:
    """A copy of the migrated test database for the peer; (url, migrated)."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        path = tmp / "peer.sqlite3"
        source = sqlite3.connect(settings["NAME"])
        target = sqlite3.connect(path)
        with target:
            source.backup(target)
        source.close()
        target.close()
        return f"sqlite:///{path}", True
    import psycopg

    name = f"relais_peer_{os.getpid()}"
    admin = database_url_of_test_db().rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin.replace("postgres://", "postgresql://"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connections.close_all()
        try:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{settings["NAME"]}"')
            migrated = True
        except psycopg.errors.ObjectInUse:
            conn.execute(f'CREATE DATABASE "{name}"')
            migrated = False
    return admin.rsplit("/", 1)[0] + "/" + name, migrated


def _drop_peer_database(url: str) -> None:
    if not url.startswith("postgres"):
        return
    import psycopg

    admin, name = url.rsplit("/", 1)
    with psycopg.connect((admin + "/postgres").replace("postgres://", "postgresql://"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def peer(django_db_setup, django_db_blocker, tmp_path_factory):
    LOGS.mkdir(exist_ok=True)
    (LOGS / "peer.log").write_text("")
    tmp = tmp_path_factory.mktemp("peer")
    with django_db_blocker.unblock():
        url, migrated = _peer_database(tmp)
    instance = Peer(url, tmp)
    if not migrated:
        instance.manage("migrate", "-v0")
    instance.create_client()
    instance.start()
    try:
        yield instance
    finally:
        instance.stop()
        _drop_peer_database(url)


class Worker:
    """A Celery worker of the main instance, on Redis, against the test database."""

    def __init__(self, log_name: str = "worker"):
        self.env = {
            **os.environ,
            "CELERY_BROKER_URL": REDIS_URL,
            "DATABASE_URL": database_url_of_test_db(),
            "RELAIS_TESTING": "1",
        }
        self.process: subprocess.Popen | None = None
        self.log_path = LOGS / f"{log_name}.log"
        self.starts = 0

    def start(self) -> None:
        self.starts += 1
        log = open(self.log_path, "a")  # noqa: SIM115 (the process owns it)
        log.write(f"\n--- start {self.starts} ---\n")
        log.flush()
        offset = self.log_path.stat().st_size
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "lms",
                "worker",
                "--pool=solo",
                "--loglevel=INFO",
                "-n",
                f"fwd{uuid.uuid4().hex[:6]}@%h",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()

        def ready():
            if self.process.poll() is not None:
                raise RuntimeError("the Celery worker exited: " + self.log_path.read_text()[-3000:])
            with open(self.log_path) as f:
                f.seek(offset)
                return " ready." in f.read()

        wait_until(ready, timeout=60, interval=0.2, message="the Celery worker")

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def worker(request):
    """A started worker; the test process queues tasks to it through Redis. Its log: one file per test."""
    LOGS.mkdir(exist_ok=True)
    redis.Redis.from_url(REDIS_URL).flushdb()
    instance = Worker(f"worker-{request.node.name[:60]}")
    instance.log_path.write_text("")
    previous = {"task_always_eager": app.conf.task_always_eager, "broker_url": app.conf.broker_url}
    reset_connection_pools()
    app.conf.update(task_always_eager=False, broker_url=REDIS_URL)
    try:
        instance.start()
        yield instance
    finally:
        instance.stop()
        app.conf.update(**previous)
        reset_connection_pools()
