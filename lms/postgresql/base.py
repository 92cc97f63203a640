"""Django's PostgreSQL backend; the persistent connection's health check skipped while it is in steady use.

With ``CONN_HEALTH_CHECKS`` Django sends ``SELECT 1`` before the first query of every request, so
that a connection the server dropped while it sat idle is replaced instead of failing the request.
That is one round trip more per request: as much as the whole store of a single xAPI statement
(xapi.single_insert). A connection that ended a request without error less than
``HEALTHY_SECONDS`` ago is trusted without the check; an idle one is still checked. The price: a
server restart within that second fails the requests already holding a connection (500, the
connection is then dropped and the next request opens a new one), as without health checks.
"""

from __future__ import annotations

import time

from django.db.backends.postgresql import base

HEALTHY_SECONDS = 1.0


class DatabaseWrapper(base.DatabaseWrapper):
    # time.monotonic() when a request last finished with this connection and no database error.
    healthy_at: float | None = None

    def close_if_health_check_failed(self):
        if (
            self.connection is not None
            and not self.health_check_done
            and self.healthy_at is not None
            and time.monotonic() - self.healthy_at < HEALTHY_SECONDS
        ):
            self.health_check_done = True
            return
        super().close_if_health_check_failed()

    def close_if_unusable_or_obsolete(self):
        # Called as a request starts and as it ends; health_check_done means the request used the
        # connection (checked or trusted), errors_occurred that a query failed.
        if self.connection is not None and self.health_check_done and not self.errors_occurred:
            self.healthy_at = time.monotonic()
        super().close_if_unusable_or_obsolete()
        if self.connection is None:
            self.healthy_at = None
