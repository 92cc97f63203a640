"""Helpers of the attachment and signed-statement tests (1.0.3 and 2.0): parts, multipart bodies, JWS."""

import base64
import hashlib
import json

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from xapi.http.multipart import build_multipart

SIGNATURE = "http://adlnet.gov/expapi/attachments/signature"
CONTENT = "Bonjour, voici la pièce jointe.\n".encode()


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def attachment_for(content: bytes, **overrides) -> dict:
    data = {
        "usageType": "http://adlnet.gov/expapi/attachments/example",
        "display": {"fr-FR": "Exemple"},
        "contentType": "text/plain",
        "length": len(content),
        "sha2": sha(content),
    }
    data.update(overrides)
    return data


def part(content: bytes, content_type="text/plain", *, hash_header=None, encoding="binary") -> tuple[dict, bytes]:
    headers = {"Content-Type": content_type, "X-Experience-API-Hash": hash_header or sha(content)}
    if encoding:
        headers["Content-Transfer-Encoding"] = encoding
    return headers, content


def post_multipart(api, document, *parts):
    body, content_type = build_multipart(
        [({"Content-Type": "application/json"}, json.dumps(document).encode()), *parts]
    )
    return api.post(body, content_type=content_type)


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def jws(payload: bytes, key, *, alg="RS256", x5c=None) -> bytes:
    header = {"alg": alg}
    if x5c:
        header["x5c"] = [x5c]
    signing_input = f"{b64url(json.dumps(header).encode())}.{b64url(payload)}"
    digest = {"RS256": hashes.SHA256(), "RS384": hashes.SHA384(), "RS512": hashes.SHA512(), "HS256": hashes.SHA256()}
    signature = key.sign(signing_input.encode(), padding.PKCS1v15(), digest[alg])
    return f"{signing_input}.{b64url(signature)}".encode()


def signed_post(api, statement, token: bytes, *, content_type="application/octet-stream"):
    sent = {**statement, "attachments": [attachment_for(token, usageType=SIGNATURE, contentType=content_type)]}
    return post_multipart(api, sent, part(token, content_type))
