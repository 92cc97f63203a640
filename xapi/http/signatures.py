"""Signed statements (xAPI-Data 2.6): the JWS attachment is checked before the statement is stored."""

from __future__ import annotations

import base64
import binascii
import json
import uuid

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from django.utils.translation import gettext as _

from xapi import json_codec
from xapi.canonical import content_hash, normalize_for_storage
from xapi.errors import StatementValidationError
from xapi.validation import validate_statement
from xapi.validation.attachments import SIGNATURE_USAGE_TYPE

_ALGORITHMS = {"RS256": hashes.SHA256, "RS384": hashes.SHA384, "RS512": hashes.SHA512}


def is_signature(attachment: dict) -> bool:
    return attachment.get("usageType") == SIGNATURE_USAGE_TYPE


def _reject(path: str, rule: str, message: str) -> StatementValidationError:
    return StatementValidationError(path, rule, message)


def _b64url(value: str) -> bytes:
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


def signature_check(statement: dict, jws: bytes, *, path: str) -> None:
    """Raise StatementValidationError (400) unless ``jws`` is a valid signature of ``statement``.

    The JWS must be compact, use RS256/RS384/RS512, carry as payload the statement as it was
    before the signature was attached (compared by the spec's statement comparison, ignoring what
    the LRS may assign), and, when its header holds an ``x5c`` chain, verify against the first
    certificate's public key. Without ``x5c`` there is no key to verify with: the spec only asks
    that the signature be well formed and match the statement then.
    """
    try:
        header_b64, payload_b64, signature_b64 = jws.decode("ascii").strip().split(".")
        header = json_codec.loads(_b64url(header_b64))
        payload_bytes = _b64url(payload_b64)
        signature = _b64url(signature_b64)
    except (UnicodeDecodeError, ValueError, binascii.Error):
        raise _reject(path, "signature_malformed", _("La signature n'est pas un JWS compact valide.")) from None
    if not isinstance(header, dict) or header.get("alg") not in _ALGORITHMS:
        raise _reject(path, "signature_algorithm", _("La signature doit utiliser l'algorithme RS256, RS384 ou RS512."))
    try:
        original = json_codec.loads(payload_bytes)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise _reject(path, "signature_payload", _("Le contenu signé n'est pas une déclaration JSON valide.")) from None
    if not _equivalent(original, statement):
        raise _reject(
            path, "signature_mismatch", _("La déclaration signée ne correspond pas à la déclaration envoyée.")
        )
    if "x5c" in header:
        _verify_with_certificate(header, f"{header_b64}.{payload_b64}".encode("ascii"), signature, path=path)


def _without_signatures(statement: dict) -> dict:
    copy = dict(statement)
    attachments = [a for a in copy.get("attachments") or () if not (isinstance(a, dict) and is_signature(a))]
    if attachments:
        copy["attachments"] = attachments
    else:
        copy.pop("attachments", None)
    return copy


def _equivalent(original, received: dict) -> bool:
    try:
        validate_statement(original)
    except StatementValidationError:
        return False
    if "id" in original and "id" in received and uuid.UUID(original["id"]) != uuid.UUID(received["id"]):
        return False
    # Timestamps are left out (the LRS may set one); id, stored, authority and version are
    # ignored by content_hash itself.
    original_hash = content_hash(normalize_for_storage(_without_signatures(original)), timestamp=None)
    received_hash = content_hash(normalize_for_storage(_without_signatures(received)), timestamp=None)
    return original_hash == received_hash


def _verify_with_certificate(header: dict, signing_input: bytes, signature: bytes, *, path: str) -> None:
    chain = header["x5c"]
    try:
        if not isinstance(chain, list) or not chain:
            raise ValueError("x5c")
        certificate = x509.load_der_x509_certificate(base64.b64decode(chain[0], validate=True))
    except (ValueError, TypeError, binascii.Error):
        raise _reject(path, "signature_certificate", _("Le certificat x5c de la signature est illisible.")) from None
    key = certificate.public_key()
    if not isinstance(key, rsa.RSAPublicKey):
        raise _reject(path, "signature_certificate", _("Le certificat x5c doit porter une clé RSA."))
    try:
        key.verify(signature, signing_input, padding.PKCS1v15(), _ALGORITHMS[header["alg"]]())
    except InvalidSignature:
        raise _reject(
            path, "signature_invalid", _("La signature ne correspond pas au certificat x5c fourni.")
        ) from None
