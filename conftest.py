"""Root conftest: environment for the test settings, set before Django loads."""

import os

os.environ.setdefault("RELAIS_TESTING", "1")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop
