"""An LRS client for the document, agents and activities resource tests: Basic credentials with chosen scopes."""

from __future__ import annotations

import base64
import json
from urllib.parse import urlencode

from django.test import Client

from xapi.http.auth import client_create

VERSION = "1.0.3"
ACTIVITY = "http://relais.example/activities/module-1"
AGENT = {"objectType": "Agent", "account": {"homePage": "https://relais.example", "name": "2f5e6b1c"}}
OTHER_AGENT = {"objectType": "Agent", "mbox": "mailto:dominique@example.fr"}
REGISTRATION = "8f2e4c1a-3b5d-4e6f-9a7b-1c2d3e4f5a6b"


def _shared_client(cache: list = []) -> Client:  # noqa: B006 - the default list is the cache
    """One test client for every test: building one loads the middleware, which is slow (WhiteNoise scans files).

    Basic credentials travel with each request, so no state leaks from one test to the next.
    """
    if not cache:
        cache.append(Client())
    return cache[0]


class Lrs:
    """Sends xAPI requests as one LRS client; ``params`` values that are dicts are sent as JSON."""

    def __init__(self, scopes: list[str]):
        client, secret = client_create(name="tests", scopes=scopes)
        self.authorization = "Basic " + base64.b64encode(f"{client.key}:{secret}".encode()).decode()
        self.http = _shared_client()

    def request(self, method: str, path: str, params: dict | None = None, body=b"", content_type=None, **headers):
        query = urlencode({k: json.dumps(v) if isinstance(v, dict) else v for k, v in (params or {}).items()})
        url = f"/xapi/{path}" + (f"?{query}" if query else "")
        if isinstance(body, dict | list):
            body = json.dumps(body)
            content_type = content_type or "application/json"
        extra = {"HTTP_X_EXPERIENCE_API_VERSION": VERSION, "HTTP_AUTHORIZATION": self.authorization}
        extra.update(headers)  # WSGI names: HTTP_IF_MATCH=...
        if content_type is not None:
            extra["content_type"] = content_type
        return self.http.generic(method, url, data=body, **extra)

    def get(self, path, params=None, **headers):
        return self.request("GET", path, params, **headers)

    def head(self, path, params=None, **headers):
        return self.request("HEAD", path, params, **headers)

    def put(self, path, params, body, content_type=None, **headers):
        return self.request("PUT", path, params, body, content_type, **headers)

    def post(self, path, params, body, content_type=None, **headers):
        return self.request("POST", path, params, body, content_type, **headers)

    def delete(self, path, params, **headers):
        return self.request("DELETE", path, params, **headers)


def state_params(**overrides) -> dict:
    params = {"activityId": ACTIVITY, "agent": AGENT, "stateId": "progression"}
    params.update(overrides)
    return {k: v for k, v in params.items() if v is not None}
