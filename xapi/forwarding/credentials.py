"""Secrets of external LRSs, encrypted at rest with a key derived from SECRET_KEY.

Rotating SECRET_KEY makes the stored secrets unreadable: the admin then asks for them again
(delivery fails with a clear error meanwhile) rather than sending garbage.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


def _fernet() -> Fernet:
    digest = hashlib.sha256(b"xapi.forwarding:" + settings.SECRET_KEY.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def secret_encrypt(secret: str) -> str:
    return _fernet().encrypt(secret.encode()).decode() if secret else ""


def secret_decrypt(token: str) -> str:
    """The clear secret; empty when none is stored or it was encrypted under another SECRET_KEY."""
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        return ""
