"""A real OpenID Connect provider for the sign-in tests, and a person's way through it.

The provider is node's oidc-provider (tests/sso/provider/server.mjs), started once per test session on
127.0.0.1 (`make install-test` installs it). Relais is driven by Django's test client, the provider by
an HTTP session of its own (its cookies are the person's provider session), so each sign-in goes
through the real authorization, token, userinfo, JWKS and end-session endpoints.
"""

import os
import re
import shutil
import socket
import subprocess
import time
from html import unescape
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urljoin, urlparse, urlunparse

import pytest
import requests

from lms.sso.config import oidc_apps_from_env

PROVIDER_DIR = Path(__file__).resolve().parent / "provider"
LOG = Path(__file__).resolve().parents[2] / "test-artifacts" / "oidc-provider.log"
CALLBACK = "/comptes/oidc/{provider_id}/login/callback/"

# The people the provider knows. ProConnect gives no school; the académie's directory does (`rne`).
ACCOUNTS = {
    "agent-camille": {
        "email": "camille.martin@ac-versailles.fr",
        "given_name": "Camille",
        "usual_name": "Martin",
        "uid": "cmartin",
        "siret": "19950645300017",
    },
    "agent-dominique": {
        "email": "dominique.petit@ac-versailles.fr",
        "given_name": "Dominique",
        "usual_name": "Petit",
        "uid": "dpetit",
        "siret": "19950645300017",
    },
    "ac-sacha": {
        "email": "sacha.bernard@ac-versailles.fr",
        "email_verified": True,
        "given_name": "Sacha",
        "family_name": "Bernard",
        "rne": ["0951001X$UAJ$PU$N$T3$ECOLE$340"],
    },
    "ac-unverified": {
        "email": "gestion@example.fr",
        "email_verified": False,
        "given_name": "Quelqu'un",
        "family_name": "D'autre",
    },
}


class OIDCProvider:
    def __init__(self, issuer: str):
        self.issuer = issuer
        self.discovery = requests.get(issuer + "/.well-known/openid-configuration", timeout=10).json()

    def add_accounts(self, accounts: dict) -> None:
        requests.post(self.issuer + "/test/accounts", json=accounts, timeout=10).raise_for_status()

    def register_client(self, base_url: str, provider_id: str, *, signed_userinfo: bool) -> dict:
        """Dynamic Client Registration (RFC 7591), as an administrator registers Relais with a provider."""
        metadata = {
            "redirect_uris": [base_url + CALLBACK.format(provider_id=provider_id)],
            "post_logout_redirect_uris": [base_url + "/"],
            "token_endpoint_auth_method": "client_secret_post",
            "response_types": ["code"],
            "grant_types": ["authorization_code"],
        }
        if signed_userinfo:
            metadata["userinfo_signed_response_alg"] = "RS256"  # as ProConnect answers
        response = requests.post(self.discovery["registration_endpoint"], json=metadata, timeout=10)
        response.raise_for_status()
        return response.json()

    def apps(self, base_url: str) -> list[dict]:
        """Relais's providers, configured from environment variables as a deployment would."""
        proconnect = self.register_client(base_url, "proconnect", signed_userinfo=True)
        academie = self.register_client(base_url, "ac-test", signed_userinfo=False)
        env = {
            "RELAIS_OIDC_PROVIDERS": "proconnect,ac-test",
            "RELAIS_OIDC_PROCONNECT_SERVER_URL": self.issuer,
            "RELAIS_OIDC_PROCONNECT_CLIENT_ID": proconnect["client_id"],
            "RELAIS_OIDC_PROCONNECT_SECRET": proconnect["client_secret"],
            "RELAIS_OIDC_AC_TEST_NAME": "Académie de test",
            "RELAIS_OIDC_AC_TEST_SERVER_URL": self.issuer + "/.well-known/openid-configuration",
            "RELAIS_OIDC_AC_TEST_CLIENT_ID": academie["client_id"],
            "RELAIS_OIDC_AC_TEST_SECRET": academie["client_secret"],
            "RELAIS_OIDC_AC_TEST_SCOPES": "openid email profile etablissement",
            "RELAIS_OIDC_AC_TEST_UAI_CLAIM": "rne",
        }
        return oidc_apps_from_env(env)


def providers_setting(apps: list[dict]) -> dict:
    from django.conf import settings

    setting = dict(settings.SOCIALACCOUNT_PROVIDERS["openid_connect"])
    setting["APPS"] = apps
    return {"openid_connect": setting}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def oidc_provider():
    node = shutil.which("node")
    if node is None or not (PROVIDER_DIR / "node_modules" / "oidc-provider").is_dir():
        pytest.fail("The test OpenID Connect provider is not installed: run `make install-test` (needs node and npm).")
    # A fixed port when the machine's ports are shared out (RELAIS_TEST_OIDC_PORT), else any free one.
    port = int(os.environ.get("RELAIS_TEST_OIDC_PORT") or _free_port())
    LOG.parent.mkdir(exist_ok=True)
    with LOG.open("w") as log:
        process = subprocess.Popen(
            [node, "server.mjs"],
            cwd=PROVIDER_DIR,
            env={**os.environ, "PORT": str(port)},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    issuer = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if requests.get(issuer + "/.well-known/openid-configuration", timeout=1).ok:
                break
        except requests.ConnectionError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"The test OpenID Connect provider did not start: {LOG.read_text()[-2000:]}")
        time.sleep(0.1)
    provider = OIDCProvider(issuer)
    provider.add_accounts(ACCOUNTS)
    yield provider
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


class Person:
    """Someone with a browser: Relais's test client on one side, their provider session on the other."""

    def __init__(self, client, provider: OIDCProvider):
        self.client = client
        self.provider = provider
        self.op = requests.Session()

    def start(self, provider_id: str, next_url: str | None = None) -> str:
        """Press the provider's button on the login page: the authorization URL Relais sends the person to."""
        url = f"/comptes/oidc/{provider_id}/login/" + (f"?{urlencode({'next': next_url})}" if next_url else "")
        response = self.client.post(url)
        assert response.status_code == 302, response.content.decode()[:500]
        return response["Location"]

    def at_provider(self, url: str, *, login: str | None = None, refuse: bool = False) -> tuple[str, bool]:
        """Walk the provider's pages from `url` until it sends the person back; (that URL, was a login asked)."""
        asked = False
        response = self.op.get(url, allow_redirects=False, timeout=10)
        for _ in range(10):
            if response.is_redirect:
                location = urljoin(response.url, response.headers["location"])
                if not location.startswith(self.provider.issuer):
                    return location, asked
                response = self.op.get(location, allow_redirects=False, timeout=10)
            elif response.status_code == 200 and "/interaction/" in response.url:
                asked = True
                assert login or refuse, "the provider asks who signs in"
                uid = urlparse(response.url).path.split("/")[2]
                action = "abort" if refuse else "login"
                response = self.op.post(
                    f"{self.provider.issuer}/interaction/{uid}/{action}",
                    data={"login": login or ""},
                    allow_redirects=False,
                    timeout=10,
                )
            else:
                raise AssertionError(f"unexpected provider answer {response.status_code}: {response.text[:500]}")
        raise AssertionError("the provider never sent the person back")

    def back(self, url: str):
        """The provider's redirect, followed in Relais."""
        return self.client.get(url)

    def sign_in(self, provider_id: str, login: str, next_url: str | None = None):
        callback, _ = self.at_provider(self.start(provider_id, next_url), login=login)
        return self.back(callback)

    def confirm_provider_logout(self, end_session_url: str) -> str:
        """At the provider's end-session page, say yes; the URL it sends the person back to."""
        page = self.op.get(end_session_url, timeout=10)
        assert page.status_code == 200, page.text[:500]
        action = unescape(re.search(r'<form[^>]*action="([^"]+)"', page.text).group(1))
        xsrf = re.search(r'name="xsrf" value="([^"]+)"', page.text).group(1)
        response = self.op.post(
            urljoin(page.url, action), data={"xsrf": xsrf, "logout": "yes"}, allow_redirects=False, timeout=10
        )
        assert response.is_redirect, response.text[:500]
        return urljoin(response.url, response.headers["location"])


def with_query(url: str, **changes) -> str:
    """`url` with some query parameters replaced (an attacker's or a stale browser's request)."""
    parts = urlparse(url)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    query.update(changes)
    return urlunparse(parts._replace(query=urlencode(query)))
