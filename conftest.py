"""Root conftest."""

import os

# Playwright's sync API runs an event loop in the test thread; the ORM calls
# the journeys make between browser steps are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
