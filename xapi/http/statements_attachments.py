"""Attachments of statements over HTTP: matching request parts to statements, storing, answering."""

from __future__ import annotations

import hashlib
import json

from django.utils.translation import gettext as _

from xapi import json_codec
from xapi.errors import StatementValidationError
from xapi.models import Attachment

from .errors import BadRequest
from .multipart import Part, build_multipart, parse_multipart
from .signatures import is_signature, signature_check


def statements_from_multipart(body: bytes, content_type_header: str) -> tuple[object, dict[str, Part]]:
    """The statement JSON (first part) and the attachment parts keyed by their declared sha2."""
    parts = parse_multipart(body, content_type_header)
    if not parts:
        raise BadRequest(_("Corps multipart/mixed sans partie."), rule="multipart_empty")
    first, *rest = parts
    if first.content_type != "application/json":
        raise BadRequest(
            _("La première partie d'un corps multipart/mixed doit être la déclaration en application/json."),
            rule="multipart_first_part",
        )
    try:
        data = json_codec.loads(first.content)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BadRequest(
            _("La première partie n'est pas du JSON valide : %(e)s") % {"e": error}, rule="invalid_json", path="$"
        ) from None
    by_hash: dict[str, Part] = {}
    for index, part in enumerate(rest, start=1):
        declared = part.headers.get("x-experience-api-hash", "").strip().lower()
        if not declared:
            raise BadRequest(
                _("La partie %(n)d n'a pas d'en-tête X-Experience-API-Hash.") % {"n": index}, rule="attachment_hash"
            )
        if part.headers.get("content-transfer-encoding", "").strip().lower() != "binary":
            raise BadRequest(
                _("La partie %(n)d doit porter « Content-Transfer-Encoding: binary ».") % {"n": index},
                rule="attachment_encoding",
            )
        if hashlib.sha256(part.content).hexdigest() != declared:
            raise BadRequest(
                _("Le contenu de la partie %(n)d ne correspond pas à son X-Experience-API-Hash.") % {"n": index},
                rule="attachment_hash_mismatch",
            )
        by_hash[declared] = part
    return data, by_hash


def attachments_check(statements: list, parts: dict[str, Part], *, batch: bool) -> None:
    """Every attachment without fileUrl has its part, every part is used, signatures are valid.

    Run before storing: what it rejects is a 400 and nothing is stored.
    """
    used: set[str] = set()
    for index, statement in enumerate(statements):
        if not isinstance(statement, dict) or not isinstance(statement.get("attachments"), list):
            continue  # the store's validation reports the malformed statement itself
        prefix = f"[{index}]." if batch else ""
        for position, attachment in enumerate(statement["attachments"]):
            if not isinstance(attachment, dict):
                continue
            path = f"{prefix}attachments[{position}]"
            sha2 = str(attachment.get("sha2", "")).lower()
            part = parts.get(sha2)
            if part is None:
                if "fileUrl" not in attachment or is_signature(attachment):
                    raise StatementValidationError(
                        path,
                        "attachment_missing",
                        _("La pièce jointe %(h)s n'a ni fileUrl ni partie dans le corps multipart.") % {"h": sha2},
                    )
                continue
            used.add(sha2)
            if is_signature(attachment):
                if part.content_type != "application/octet-stream":
                    raise StatementValidationError(
                        path,
                        "signature_content_type",
                        _("La partie de signature doit avoir le type « application/octet-stream »."),
                    )
                signature_check(statement, part.content, path=path)
    unused = set(parts) - used
    if unused:
        raise BadRequest(
            _("Des parties ne correspondent à aucune pièce jointe : %(h)s.") % {"h": ", ".join(sorted(unused))},
            rule="attachment_unused",
        )


def attachments_store(parts: dict[str, Part]) -> None:
    """Keep each part's content once per sha2 (call inside the statements' transaction)."""
    known = set(Attachment.objects.filter(sha2__in=list(parts)).values_list("sha2", flat=True))
    Attachment.objects.bulk_create(
        [
            Attachment(
                sha2=sha2,
                content_type=part.headers.get("content-type", "application/octet-stream")[:255],
                length=len(part.content),
                content=part.content,
            )
            for sha2, part in parts.items()
            if sha2 not in known
        ],
        ignore_conflicts=True,
    )


def multipart_result(document: dict | list, payloads: list[dict]) -> tuple[bytes, str]:
    """The JSON answer as the first part, then the stored content of each statement's attachments."""
    wanted: list[str] = []
    for payload in payloads:
        for attachment in payload.get("attachments") or ():
            sha2 = attachment.get("sha2", "").lower()
            if sha2 and sha2 not in wanted:
                wanted.append(sha2)
    rows = {row.sha2: row for row in Attachment.objects.filter(sha2__in=wanted)}
    parts = [({"Content-Type": "application/json"}, json.dumps(document, ensure_ascii=False).encode("utf-8"))]
    for sha2 in wanted:
        row = rows.get(sha2)
        if row is not None:
            headers = {
                "Content-Type": row.content_type,
                "Content-Transfer-Encoding": "binary",
                "X-Experience-API-Hash": sha2,
            }
            parts.append((headers, bytes(row.content)))
    return build_multipart(parts)
