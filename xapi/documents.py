"""The store behind the State, Activity Profile and Agent Profile resources (xAPI 1.0.3, Communication 2.2-2.7).

Services take a ``DocumentScope`` (which resource, which activity, agent and registration), a document id and
the raw request pieces, and apply the concurrency rules of Communication 3.1. They raise ``DocumentError``
subclasses; the HTTP layer turns them into 400 / 409 / 412 answers.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from xapi import json_codec
from xapi.errors import XapiError
from xapi.models import Document

JSON_MEDIA_TYPE = "application/json"
DEFAULT_CONTENT_TYPE = "application/octet-stream"


class DocumentError(XapiError):
    """A write the store refuses; ``message`` is a French sentence a person can act on."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


class DocumentInvalid(DocumentError):
    """The content cannot be stored or merged as sent (HTTP 400)."""


class DocumentPreconditionFailed(DocumentError):
    """If-Match or If-None-Match does not hold (HTTP 412)."""


class DocumentConflict(DocumentError):
    """A profile document exists and the PUT carried no concurrency header (HTTP 409)."""


@dataclass(frozen=True)
class DocumentScope:
    """Where a document lives: the resource and the context its id is unique in.

    Empty strings, not None, for the parts a resource does not use (the unique constraint on
    ``Document`` must hold on every database, and NULLs are never equal there).
    """

    kind: str
    activity_id: str = ""
    agent_key: str = ""
    registration: str = ""

    def documents(self, *, any_registration: bool = False):
        rows = Document.objects.filter(kind=self.kind, activity_id=self.activity_id, agent_key=self.agent_key)
        return rows if any_registration else rows.filter(registration=self.registration)


@dataclass(frozen=True)
class Preconditions:
    """The request's concurrency headers, raw (``None`` when absent)."""

    if_match: str | None = None
    if_none_match: str | None = None

    @property
    def given(self) -> bool:
        return self.if_match is not None or self.if_none_match is not None


def media_type(content_type: str | None) -> str:
    return (content_type or "").split(";")[0].strip().lower()


def content_etag(content: bytes) -> str:
    """The SHA-1 of the content in lowercase hex (Communication 3.1.s4.b2), unquoted."""
    # The spec mandates SHA-1; it identifies a version, it protects nothing.
    return hashlib.sha1(content, usedforsecurity=False).hexdigest()


def document_get(*, scope: DocumentScope, document_id: str) -> Document | None:
    """The document, or None."""
    return scope.documents().filter(document_id=document_id).first()


def documents_list_ids(*, scope: DocumentScope, since: datetime | None = None) -> tuple[list[str], datetime | None]:
    """The ids of the documents in ``scope`` updated after ``since`` (exclusive), and the latest update among them.

    A State scope without a registration lists every registration's documents: the spec's context is
    "Activity + Agent [+ registration if specified]" (Communication 2.3.s4).
    """
    rows = scope.documents(any_registration=_lists_every_registration(scope))
    if since is not None:
        rows = rows.filter(updated__gt=since)
    ids = sorted(set(rows.values_list("document_id", flat=True)))
    last = rows.aggregate(last=Max("updated"))["last"]
    return ids, last


def document_put(
    *,
    scope: DocumentScope,
    document_id: str,
    content: bytes,
    content_type: str | None,
    preconditions: Preconditions,
    require_preconditions: bool,
    replace_requires_preconditions: bool = False,
) -> Document:
    """Store ``content`` as the document, replacing any existing one.

    ``require_preconditions`` is true for the profile resources: replacing an existing profile document
    without If-Match or If-None-Match is a 409 (Communication 3.1.s4.b13-b15), and creating one without
    them a 400, as the ADL conformance suite requires (XAPI-00273, Communication 2.7; xAPI-Spec issue
    #1064 discusses the gap in the text). The State resource permits both (Communication 3.1.s3), except
    that under xAPI 2.0 (4.1.4) replacing a state document without them is a 409 too
    (``replace_requires_preconditions``).
    """
    content_type = _content_type(content_type)
    _check_json_parses(content, content_type)

    def write(existing: Document | None) -> Document:
        _check_preconditions(existing, preconditions)
        must_be_conditional = require_preconditions or replace_requires_preconditions
        if existing is not None and must_be_conditional and not preconditions.given:
            raise DocumentConflict(
                _(
                    "Ce document existe déjà : consultez d'abord son état actuel (GET), puis renvoyez la requête "
                    "avec l'en-tête If-Match portant son ETag pour le remplacer (ou If-None-Match: * pour ne "
                    "créer le document que s'il n'existe pas)."
                )
            )
        if existing is None and require_preconditions and not preconditions.given:
            raise DocumentInvalid(
                _(
                    "Un PUT sur un document de profil doit porter l'en-tête If-None-Match: * pour le créer "
                    "(ou If-Match avec son ETag pour remplacer un document existant)."
                )
            )
        return _save(scope, document_id, existing, content, content_type)

    return _locked_write(scope, document_id, write)


def document_post_merge(
    *,
    scope: DocumentScope,
    document_id: str,
    content: bytes,
    content_type: str | None,
    preconditions: Preconditions,
) -> Document:
    """POST: store a new document as PUT would, or merge a JSON object into an existing JSON object document.

    Only top-level properties are merged, each replaced whole (Communication 2.2.s7). Either side not
    ``application/json`` or not a JSON object is a 400 and nothing changes (Communication 2.2.s8.b1).
    """
    content_type = _content_type(content_type)
    _check_json_parses(content, content_type)

    def write(existing: Document | None) -> Document:
        _check_preconditions(existing, preconditions)
        if existing is None:
            return _save(scope, document_id, None, content, content_type)
        if media_type(content_type) != JSON_MEDIA_TYPE:
            raise DocumentInvalid(
                _(
                    "Fusion impossible : le document envoyé doit être de type application/json (reçu : %(t)s). "
                    "Pour remplacer le document, utilisez PUT."
                )
                % {"t": media_type(content_type) or _("aucun type")}
            )
        if media_type(existing.content_type) != JSON_MEDIA_TYPE:
            raise DocumentInvalid(
                _(
                    "Fusion impossible : le document enregistré n'est pas de type application/json (%(t)s). "
                    "Pour le remplacer, utilisez PUT."
                )
                % {"t": existing.content_type}
            )
        posted = _json_object(content, _("Le document envoyé"))
        stored = _json_object(bytes(existing.content), _("Le document enregistré"))
        stored.update(posted)
        merged = json.dumps(stored, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        return _save(scope, document_id, existing, merged, existing.content_type)

    return _locked_write(scope, document_id, write)


def document_delete(*, scope: DocumentScope, document_id: str | None, preconditions: Preconditions) -> int:
    """Delete one document, or with ``document_id=None`` every document of the scope; return how many went.

    Deleting a document that does not exist is not an error (the end state is the one asked for), unless
    If-Match was sent: then there is nothing to match and the answer is 412.
    """
    if document_id is None:
        # Multiple-document DELETE (State only, Communication 2.3.s5): "registration if specified".
        rows = scope.documents(any_registration=_lists_every_registration(scope))
        return rows.delete()[0]
    with transaction.atomic():
        existing = scope.documents().select_for_update().filter(document_id=document_id).first()
        _check_preconditions(existing, preconditions)
        if existing is None:
            return 0
        existing.delete()
        return 1


# --- internals ----------------------------------------------------------------------------------


def _lists_every_registration(scope: DocumentScope) -> bool:
    return scope.kind == Document.Kind.STATE and not scope.registration


def _content_type(content_type: str | None) -> str:
    value = (content_type or "").strip()
    if "\x00" in value:
        raise DocumentInvalid(_("En-tête Content-Type invalide (caractère nul)."))
    if len(value) > 255:
        raise DocumentInvalid(_("En-tête Content-Type trop long (255 caractères au plus)."))
    return value or DEFAULT_CONTENT_TYPE


def _check_json_parses(content: bytes, content_type: str) -> None:
    """A body announced as JSON must be JSON (Communication 3.2.s3.b6); any JSON value is a valid document."""
    if media_type(content_type) != JSON_MEDIA_TYPE:
        return
    try:
        json_codec.loads(content)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise DocumentInvalid(
            _("Le document est annoncé comme application/json mais n'est pas du JSON valide.")
        ) from None


def _json_object(content: bytes, what: str) -> dict:
    try:
        value = json_codec.loads(content)
    except (UnicodeDecodeError, ValueError, RecursionError):
        value = None
    if not isinstance(value, dict):
        raise DocumentInvalid(
            _("Fusion impossible : %(what)s n'est pas un objet JSON. Pour remplacer le document, utilisez PUT.")
            % {"what": what.lower()}
        )
    return value


def _tags(header: str) -> set[str] | None:
    """The entity tags of an If-Match / If-None-Match value; None for ``*``.

    Weak tags (``W/"..."``) are kept with their prefix so that they never equal a strong tag: If-Match uses
    strong comparison (RFC 7232 2.3.2). Unquoted tags are accepted, as some xAPI clients send them.
    """
    if header.strip() == "*":
        return None
    return {part.strip().strip('"').lower() for part in header.split(",") if part.strip()}


def _check_preconditions(existing: Document | None, preconditions: Preconditions) -> None:
    if preconditions.if_match is not None:
        tags = _tags(preconditions.if_match)
        if existing is None or (tags is not None and existing.etag not in tags):
            raise DocumentPreconditionFailed(
                _(
                    "Condition If-Match non remplie : le document a changé ou n'existe pas. "
                    "Relisez-le (GET) et renvoyez la requête avec son ETag actuel."
                )
            )
    if preconditions.if_none_match is not None and existing is not None:
        tags = _tags(preconditions.if_none_match)
        if tags is None or existing.etag in tags:
            raise DocumentPreconditionFailed(
                _(
                    "Condition If-None-Match non remplie : le document existe déjà. "
                    "Pour le remplacer, envoyez If-Match avec son ETag actuel."
                )
            )


def _locked_write(scope: DocumentScope, document_id: str, write) -> Document:
    """Run ``write(existing)`` with the row locked, so that the precondition checked is the one overwritten.

    Two first writes can race past an empty lock; the loser hits the unique constraint and runs once more,
    now seeing the winner's row (and so answering 412/409 or merging, as the rules say).
    """
    for attempt in range(2):
        try:
            with transaction.atomic():
                existing = scope.documents().select_for_update().filter(document_id=document_id).first()
                return write(existing)
        except IntegrityError:
            if attempt:
                raise
    raise AssertionError("unreachable")


def _save(
    scope: DocumentScope, document_id: str, existing: Document | None, content: bytes, content_type: str
) -> Document:
    document = existing or Document(
        kind=scope.kind,
        activity_id=scope.activity_id,
        agent_key=scope.agent_key,
        registration=scope.registration,
        document_id=document_id,
    )
    document.content = content
    document.content_type = content_type
    document.etag = content_etag(content)
    document.updated = timezone.now()
    document.save()
    return document
