"""Production settings, as a server starts them: in a subprocess, with the README's variables."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _readme_production_variables() -> dict[str, str]:
    """The variables the README's "Running it for real" section exports (its `export` command)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Running it for real", 1)[1]
    lines = section[section.index("\nexport ") + len("\nexport ") :].splitlines()
    words = []
    for line in lines:
        code = line.split("#", 1)[0].strip()
        words += code.removesuffix("\\").split()
        if not code.endswith("\\"):
            break
    variables = dict(word.split("=", 1) for word in words)
    assert {"SECRET_KEY", "DATABASE_URL", "CELERY_BROKER_URL", "ALLOWED_HOSTS"} <= set(variables)
    # The README leaves the key to the reader ("…"); a real one is long and random.
    variables["SECRET_KEY"] = secrets.token_urlsafe(50)
    return variables


def _manage(*args: str, **variables: str) -> subprocess.CompletedProcess:
    # What a server sees: only the variables given, none of this test run's (RELAIS_TESTING, DJANGO_*…).
    env = {key: os.environ[key] for key in ("PATH", "HOME", "LANG", "TMPDIR") if key in os.environ}
    env.update(variables)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean_with_the_readme_production_variables():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", **_readme_production_variables())
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_warns_when_https_is_turned_off():
    """The test above could not fail if check --deploy said nothing at all."""
    variables = {**_readme_production_variables(), "SECURE_SSL_REDIRECT": "0", "SECURE_HSTS_SECONDS": "0"}
    result = _manage("check", "--deploy", **variables)
    assert "security.W004" in result.stderr and "security.W008" in result.stderr


EAGER = (
    "from django.conf import settings; print('eager', settings.CELERY_TASK_ALWAYS_EAGER, settings.CELERY_BROKER_URL)"
)


def test_production_without_a_broker_refuses_to_start_with_one_line():
    variables = {k: v for k, v in _readme_production_variables().items() if k != "CELERY_BROKER_URL"}
    result = _manage("check", **variables)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "Relais cannot start: CELERY_BROKER_URL must be set when DJANGO_DEBUG is off "
        "(or set CELERY_TASK_ALWAYS_EAGER=1 to run tasks inside web requests)."
    ]


def test_production_without_a_broker_runs_eager_tasks_when_asked_to():
    variables = {k: v for k, v in _readme_production_variables().items() if k != "CELERY_BROKER_URL"}
    result = _manage("shell", "-c", EAGER, CELERY_TASK_ALWAYS_EAGER="1", **variables)
    assert result.returncode == 0, result.stderr
    assert "eager True memory://" in result.stdout


def test_production_with_a_broker_queues_tasks():
    result = _manage("shell", "-c", EAGER, **_readme_production_variables())
    assert result.returncode == 0, result.stderr
    assert "eager False redis://" in result.stdout


def test_debug_keeps_eager_tasks_without_a_broker():
    result = _manage("shell", "-c", EAGER, DJANGO_DEBUG="1", DATABASE_URL="sqlite:////tmp/relais-debug-eager.sqlite3")
    assert result.returncode == 0, result.stderr
    assert "eager True memory://" in result.stdout
