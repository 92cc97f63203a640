"""Signing Relais's credentials (badges and their revocation lists) as Open Badges 3.0.3 says (§8.2).

A compact JWS whose JOSE header is `alg`, `kid` and `typ: "JWT"` only (the specification allows no
other header), and whose payload is the credential itself with the registered claims `iss`
(issuer.id), `jti` (id), `sub` (credentialSubject.id), `nbf` (validFrom) and `exp` (validUntil).
New keys are RSA 2048 / RS256, the algorithm every Open Badges 3.0 verifier must support. `kid`
is a URL that answers the public JWK; the whole set is at `<badges>/jwks.json`.
"""

import base64
import json
from datetime import datetime

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from django.db import transaction

from .issuer import badges_base_url
from .models import BadgeIssuerKey


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _int_b64(number: int) -> str:
    return b64url(number.to_bytes((number.bit_length() + 7) // 8, "big"))


def key_url(key: BadgeIssuerKey) -> str:
    return f"{badges_base_url()}/keys/{key.pk}"


def public_jwk(key: BadgeIssuerKey) -> dict:
    """The public JWK as published: never a private member (`d`, `p`…), with its `kid` and `alg`."""
    public = {k: v for k, v in key.public_jwk.items() if k in ("kty", "crv", "x", "n", "e")}
    return {**public, "kid": key_url(key), "alg": key.algorithm, "use": "sig"}


def jwk_set() -> dict:
    """Every signing key, current and former, so that every badge Relais issued still verifies."""
    issuer_key()  # a fresh instance publishes the key it will sign with
    return {"keys": [public_jwk(key) for key in BadgeIssuerKey.objects.order_by("pk")]}


@transaction.atomic
def issuer_key() -> BadgeIssuerKey:
    """The newest RS256 key, made on first use (earlier Ed25519 keys only verify old badges)."""
    key = (
        BadgeIssuerKey.objects.select_for_update()
        .filter(algorithm=BadgeIssuerKey.Algorithm.RS256)
        .order_by("-pk")
        .first()
    )
    if key:
        return key
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    numbers = private.public_key().public_numbers()
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    return BadgeIssuerKey.objects.create(
        algorithm=BadgeIssuerKey.Algorithm.RS256,
        private_pem=pem,
        public_jwk={"kty": "RSA", "n": _int_b64(numbers.n), "e": _int_b64(numbers.e)},
    )


def _numeric_date(stamp: str) -> int:
    return int(datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp())


def jwt_claims(credential: dict) -> dict:
    """The credential with the JWT claims Open Badges 3.0.3 maps from it."""
    issuer = credential["issuer"]
    claims = {
        **credential,
        "iss": issuer["id"] if isinstance(issuer, dict) else issuer,
        "jti": credential["id"],
        "sub": credential["credentialSubject"]["id"],
        "nbf": _numeric_date(credential["validFrom"]),
    }
    if credential.get("validUntil"):
        claims["exp"] = _numeric_date(credential["validUntil"])
    return claims


def credential_sign(credential: dict) -> str:
    """The credential as a compact JWS signed with the current key."""
    key = issuer_key()
    private = serialization.load_pem_private_key(key.private_pem.encode(), password=None)
    header = {"alg": "RS256", "kid": key_url(key), "typ": "JWT"}
    payload = json.dumps(jwt_claims(credential), ensure_ascii=False, separators=(",", ":")).encode()
    signing_input = f"{b64url(json.dumps(header, separators=(',', ':')).encode())}.{b64url(payload)}"
    signature = private.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
    return f"{signing_input}.{b64url(signature)}"
