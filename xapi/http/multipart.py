"""multipart/mixed bodies of statements with attachments (xAPI-Communication 1.5.2), both ways."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .errors import BadRequest


@dataclass
class Part:
    headers: dict[str, str]  # names lowercased
    content: bytes

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


def _boundary(content_type_header: str) -> str:
    for param in content_type_header.split(";")[1:]:
        name, _sep, value = param.strip().partition("=")
        if name.strip().lower() == "boundary":
            value = value.strip()
            if len(value) >= 2 and value[0] == value[-1] == '"':
                value = value[1:-1]
            if value:
                return value
    raise BadRequest(_("Corps multipart/mixed sans paramètre « boundary »."), rule="multipart_boundary")


def _broken(detail: str) -> BadRequest:
    return BadRequest(_("Corps multipart/mixed illisible : %(d)s") % {"d": detail}, rule="multipart_malformed")


def parse_multipart(body: bytes, content_type_header: str) -> list[Part]:
    """The parts of a multipart/mixed body (RFC 2046 5.1); a clean 400 for anything malformed."""
    delimiter = b"--" + _boundary(content_type_header).encode("latin-1")
    # The first delimiter may start the body; every later one follows a CRLF.
    if body.startswith(delimiter):
        rest = body[len(delimiter) :]
    else:
        start = body.find(b"\r\n" + delimiter)
        if start < 0:
            raise _broken(_("délimiteur introuvable"))
        rest = body[start + 2 + len(delimiter) :]
    parts: list[Part] = []
    separator = b"\r\n" + delimiter
    while True:
        if rest.startswith(b"--"):
            return parts  # the close delimiter; what follows is the epilogue
        line_end = rest.find(b"\r\n")
        if line_end < 0 or rest[:line_end].strip(b" \t"):
            raise _broken(_("ligne de délimiteur invalide"))
        rest = rest[line_end + 2 :]
        end = rest.find(separator)
        if end < 0:
            raise _broken(_("délimiteur de fin manquant"))
        parts.append(_part(rest[:end]))
        rest = rest[end + len(separator) :]


def _part(raw: bytes) -> Part:
    if raw.startswith(b"\r\n"):
        head, content = b"", raw[2:]
    else:
        head, sep, content = raw.partition(b"\r\n\r\n")
        if not sep:
            raise _broken(_("en-têtes de partie non terminés"))
    headers: dict[str, str] = {}
    for line in head.split(b"\r\n"):
        if not line:
            continue
        name, sep, value = line.decode("latin-1").partition(":")
        # A NUL would end up in Attachment.content_type, which PostgreSQL cannot store.
        if not sep or not name.strip() or "\x00" in value:
            raise _broken(_("en-tête de partie invalide"))
        headers[name.strip().lower()] = value.strip()
    return Part(headers=headers, content=content)


def build_multipart(parts: list[tuple[dict[str, str], bytes]]) -> tuple[bytes, str]:
    """A multipart/mixed body and its Content-Type header value."""
    boundary = "xapi-" + secrets.token_hex(16)
    chunks: list[bytes] = []
    for headers, content in parts:
        chunks.append(f"--{boundary}\r\n".encode())
        for name, value in headers.items():
            chunks.append(f"{name}: {value}\r\n".encode("latin-1"))
        chunks.append(b"\r\n")
        chunks.append(content)
        chunks.append(b"\r\n")
    chunks.append(f"--{boundary}--\r\n".encode())
    return b"".join(chunks), f'multipart/mixed; boundary="{boundary}"'
