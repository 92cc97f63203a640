"""An LRS client for the statement tests: Django's test client with Basic credentials and the version header."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from django.test import Client as DjangoClient

from xapi.http.auth import client_create

VERSION = "1.0.3"


def basic(key: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode()


class Api:
    """Calls /xapi/<resource> as one LRS client, in ``version`` unless a call says otherwise."""

    def __init__(self, authorization: str | None, *, client: DjangoClient | None = None, version: str = VERSION):
        self.http = client or DjangoClient()
        self.authorization = authorization
        self.version = version

    def _headers(self, headers: dict) -> dict:
        out = {"HTTP_X_EXPERIENCE_API_VERSION": self.version}
        if self.authorization:
            out["HTTP_AUTHORIZATION"] = self.authorization
        out.update(headers)
        return out

    def get(self, path="/xapi/statements", params=None, **headers):
        return self.http.get(path, params or {}, **self._headers(headers))

    def head(self, path="/xapi/statements", params=None, **headers):
        return self.http.head(path, params or {}, **self._headers(headers))

    def post(self, data, path="/xapi/statements", content_type="application/json", **headers):
        body = data if isinstance(data, bytes | str) else json.dumps(data)
        return self.http.post(path, body, content_type=content_type, **self._headers(headers))

    def put(self, data, statement_id, content_type="application/json", **headers):
        body = data if isinstance(data, bytes | str) else json.dumps(data)
        path = f"/xapi/statements?statementId={statement_id}"
        return self.http.put(path, body, content_type=content_type, **self._headers(headers))

    def stored(self, data) -> list[str]:
        response = self.post(data)
        assert response.status_code == 200, response.content
        return response.json()


@pytest.fixture
def make_api(db):
    """make_api(scopes=[...], name=...) -> an Api with a fresh client's credentials (``.client``, ``.secret``)."""

    def make(scopes=("all",), name="LMS de test") -> Api:
        client, secret = client_create(name=name, scopes=list(scopes))
        api = Api(basic(client.key, secret))
        api.client, api.secret = client, secret
        return api

    return make


@pytest.fixture
def api(make_api) -> Api:
    return make_api()


@pytest.fixture(scope="module")
def signer():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Relais test")])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    return key, base64.b64encode(certificate.public_bytes(serialization.Encoding.DER)).decode()
