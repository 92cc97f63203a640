"""The PostgreSQL backend (lms/postgresql): no SELECT 1 health check for a connection in steady use."""

import pytest
from django.db import connection, connections

pytestmark = pytest.mark.django_db


def _request(wrapper) -> None:
    """What Django does around a request that queries the database."""
    wrapper.close_if_unusable_or_obsolete()
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT 2")
        assert cursor.fetchone() == (2,)
    wrapper.close_if_unusable_or_obsolete()


def test_a_connection_in_steady_use_is_trusted_and_an_idle_one_checked():
    if connection.vendor != "postgresql":
        assert connection.settings_dict["ENGINE"] == "django.db.backends.sqlite3"
        return
    assert connection.settings_dict["ENGINE"] == "lms.postgresql"
    assert connection.settings_dict["CONN_HEALTH_CHECKS"]
    # A connection of its own, outside the test's transaction, as a server process has.
    wrapper = connections.create_connection("default")
    checks = []
    usable = wrapper.is_usable
    wrapper.is_usable = lambda: checks.append(1) or usable()  # counts the checks, still sends them
    try:
        for _ in range(3):
            _request(wrapper)
        assert checks == []
        first = wrapper.connection
        wrapper.healthy_at -= 5  # idle for five seconds
        _request(wrapper)
        assert checks == [1]
        assert wrapper.connection is first  # checked, found alive, kept
    finally:
        wrapper.close()
