"""/xapi/activities/state, /xapi/activities/profile, /xapi/agents/profile: the three document resources.

One view class configured three ways (Communication 2.2-2.7). The query-parameter readers at the top are
shared with /xapi/agents and /xapi/activities.
"""

from __future__ import annotations

import uuid
from contextlib import contextmanager
from datetime import datetime

from django.http import HttpResponse, JsonResponse
from django.utils.http import http_date
from django.utils.translation import gettext as _

from xapi import documents as store
from xapi import json_codec, versions
from xapi.errors import StatementValidationError
from xapi.identity import agent_key
from xapi.models import Document
from xapi.validation.agents import validate_agent
from xapi.validation.fields import parse_timestamp, validate_iri, validate_uuid

from . import binding
from .auth import READ_PROFILE, READ_STATE, WRITE_PROFILE, WRITE_STATE
from .base import XapiView
from .errors import BadRequest, Conflict, NotFound, PreconditionFailed

# Column widths of Document: longer values are refused up front rather than failing in the database.
MAX_ID_LENGTH = 2048
MAX_AGENT_KEY_LENGTH = 512

# --- query parameters ---------------------------------------------------------------------------


def check_params(params, *, allowed: set[str], required: set[str]) -> None:
    """Unknown (case counts), repeated or missing parameters, NUL characters: 400 (Communication 3.2.s3.b7-b8)."""
    for name in params:
        if name not in allowed:
            raise BadRequest(
                _("Paramètre inconnu : « %(p)s ». Paramètres acceptés ici : %(a)s.")
                % {"p": name[:100], "a": ", ".join(sorted(allowed))},
                rule="unknown_parameter",
                path=name[:100],
            )
        values = params.getlist(name)
        if len(values) > 1:
            raise BadRequest(
                _("Le paramètre « %(p)s » est répété.") % {"p": name}, rule="repeated_parameter", path=name
            )
        if "\x00" in values[0]:
            raise BadRequest(
                _("Le paramètre « %(p)s » contient un caractère nul.") % {"p": name},
                rule="invalid_parameter",
                path=name,
            )
    for name in sorted(required):
        if not params.get(name):
            raise BadRequest(
                _("Paramètre obligatoire manquant : « %(p)s ».") % {"p": name}, rule="missing_parameter", path=name
            )


def _invalid(name: str, error: StatementValidationError) -> BadRequest:
    path = name if error.path in ("", "$", name) else error.path
    return BadRequest(
        _("Paramètre « %(p)s » invalide : %(m)s") % {"p": name, "m": error.message}, rule="invalid_parameter", path=path
    )


def param_activity_id(params, name: str = "activityId") -> str:
    value = params[name]
    try:
        validate_iri(value, name)
    except StatementValidationError as error:
        raise _invalid(name, error) from None
    if len(value) > MAX_ID_LENGTH:
        raise BadRequest(_("Identifiant d'activité trop long."), rule="invalid_parameter", path=name)
    return value


def param_agent(params, name: str = "agent") -> tuple[dict, str]:
    """The Agent of the ``agent`` parameter (JSON, one IFI, not a Group) and its canonical key."""
    try:
        value = json_codec.loads(params[name])
    except (ValueError, RecursionError):
        raise BadRequest(
            _("Le paramètre « %(p)s » doit être un objet Agent en JSON.") % {"p": name},
            rule="invalid_parameter",
            path=name,
        ) from None
    try:
        agent = validate_agent(value, name)
    except StatementValidationError as error:
        raise _invalid(name, error) from None
    key = agent_key(agent)
    # A NUL escaped as \u0000 in the JSON survives parsing; PostgreSQL cannot store it in a text column.
    if len(key) > MAX_AGENT_KEY_LENGTH or "\x00" in key:
        raise BadRequest(_("Identifiant d'agent trop long ou invalide."), rule="invalid_parameter", path=name)
    return agent, key


def param_registration(params, name: str = "registration") -> str:
    value = params.get(name)
    if value is None:
        return ""
    try:
        validate_uuid(value, name)
    except StatementValidationError as error:
        raise _invalid(name, error) from None
    # One spelling per registration, whatever case the client used.
    return str(uuid.UUID(value))


def param_since(params, name: str = "since") -> datetime | None:
    value = params.get(name)
    if value is None:
        return None
    try:
        return parse_timestamp(value, name)
    except StatementValidationError as error:
        raise _invalid(name, error) from None


def param_document_id(params, name: str) -> str | None:
    value = params.get(name)
    if value == "":
        raise BadRequest(_("Le paramètre « %(p)s » est vide.") % {"p": name}, rule="invalid_parameter", path=name)
    if value is not None and len(value) > MAX_ID_LENGTH:
        raise BadRequest(
            _("Le paramètre « %(p)s » dépasse %(n)s caractères.") % {"p": name, "n": MAX_ID_LENGTH},
            rule="invalid_parameter",
            path=name,
        )
    return value


# --- the resources ------------------------------------------------------------------------------


def document_response(document: Document) -> HttpResponse:
    response = HttpResponse(bytes(document.content), content_type=document.content_type, status=200)
    response["ETag"] = f'"{document.etag}"'
    response["Last-Modified"] = http_date(document.updated.timestamp())
    return response


def json_response_with_etag(data) -> JsonResponse:
    """JSON with the ETag Communication 3.1.s4.b1 asks of every GET (SHA-1 of the body, quoted)."""
    response = JsonResponse(data, safe=False, json_dumps_params={"ensure_ascii": False})
    response["ETag"] = f'"{store.content_etag(response.content)}"'
    return response


def with_last_modified(response, last_modified: datetime | None):
    """Last-Modified, when the resource has a modification time (xAPI 2.0 asks it of every one)."""
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified.timestamp())
    return response


def ids_response(ids: list[str], last_modified: datetime | None) -> JsonResponse:
    # Communication 2.2.s6.b2: the latest modification among the documents listed.
    return with_last_modified(json_response_with_etag(ids), last_modified)


class DocumentView(XapiView):
    """The behaviour the three document resources share; subclasses say which parameters they take."""

    kind: str
    id_param: str
    uses_activity = False
    uses_agent = False
    uses_registration = False
    # Communication 3.1.s3-s4: profile PUTs replacing a document must carry If-Match or If-None-Match.
    put_requires_preconditions = True
    # Only the State resource deletes every document of a context (Communication 2.3.s5).
    delete_all_allowed = False
    read_scopes: set[str]
    write_scopes: set[str]

    def _scope(self, params, *, method: str) -> tuple[store.DocumentScope, str | None]:
        allowed = {self.id_param}
        required = set()
        if self.uses_activity:
            allowed.add("activityId")
            required.add("activityId")
        if self.uses_agent:
            allowed.add("agent")
            required.add("agent")
        if self.uses_registration:
            allowed.add("registration")
        if method == "GET":
            allowed.add("since")
        if method in {"PUT", "POST"} or (method == "DELETE" and not self.delete_all_allowed):
            required.add(self.id_param)
        check_params(params, allowed=allowed, required=required)
        scope = store.DocumentScope(
            kind=self.kind,
            activity_id=param_activity_id(params) if self.uses_activity else "",
            agent_key=param_agent(params)[1] if self.uses_agent else "",
            registration=param_registration(params) if self.uses_registration else "",
        )
        return scope, param_document_id(params, self.id_param)

    def _preconditions(self, xreq) -> store.Preconditions:
        return store.Preconditions(if_match=xreq.header("if-match"), if_none_match=xreq.header("if-none-match"))

    def get(self, request):
        xreq = request.xapi
        xreq.credentials.require(self.read_scopes)
        scope, document_id = self._scope(xreq.params, method="GET")
        binding.document_check(xreq.credentials, scope, document_id, method="GET")
        # "since" only filters id listings; with a document id it is accepted and has no effect.
        since = param_since(xreq.params)
        if document_id is None:
            return ids_response(*store.documents_list_ids(scope=scope, since=since))
        document = store.document_get(scope=scope, document_id=document_id)
        if document is None:
            raise NotFound(_("Aucun document « %(id)s » dans ce contexte.") % {"id": document_id[:200]})
        return document_response(document)

    def put(self, request):
        xreq = request.xapi
        xreq.credentials.require(self.write_scopes)
        scope, document_id = self._scope(xreq.params, method="PUT")
        binding.document_check(xreq.credentials, scope, document_id, method="PUT")
        with _store_errors():
            store.document_put(
                scope=scope,
                document_id=document_id,
                content=xreq.body,
                content_type=xreq.header("content-type"),
                preconditions=self._preconditions(xreq),
                require_preconditions=self.put_requires_preconditions,
                replace_requires_preconditions=versions.is_v2(),
            )
        return HttpResponse(status=204)

    def post(self, request):
        xreq = request.xapi
        xreq.credentials.require(self.write_scopes)
        scope, document_id = self._scope(xreq.params, method="POST")
        binding.document_check(xreq.credentials, scope, document_id, method="POST")
        with _store_errors():
            store.document_post_merge(
                scope=scope,
                document_id=document_id,
                content=xreq.body,
                content_type=xreq.header("content-type"),
                preconditions=self._preconditions(xreq),
            )
        return HttpResponse(status=204)

    def delete(self, request):
        xreq = request.xapi
        xreq.credentials.require(self.write_scopes)
        scope, document_id = self._scope(xreq.params, method="DELETE")
        binding.document_check(xreq.credentials, scope, document_id, method="DELETE")
        with _store_errors():
            store.document_delete(scope=scope, document_id=document_id, preconditions=self._preconditions(xreq))
        return HttpResponse(status=204)


@contextmanager
def _store_errors():
    """Turn the store's refusals into HTTP answers."""
    try:
        yield
    except store.DocumentInvalid as error:
        raise BadRequest(error.message, rule="invalid_document") from None
    except store.DocumentPreconditionFailed as error:
        raise PreconditionFailed(error.message) from None
    except store.DocumentConflict as error:
        raise Conflict(error.message, rule="concurrency_headers_required") from None


class StateView(DocumentView):
    """/xapi/activities/state (Communication 2.3): activityId, agent, registration?, stateId."""

    kind = Document.Kind.STATE
    id_param = "stateId"
    uses_activity = uses_agent = uses_registration = True
    # "The State Resource will permit PUT, POST and DELETE requests without concurrency headers" (1.0.3,
    # 3.1.s3); xAPI 2.0 (4.1.4) refuses with 409 a PUT without If-Match/If-None-Match over an existing
    # state document, as for the profiles.
    put_requires_preconditions = False
    delete_all_allowed = True
    read_scopes = READ_STATE
    write_scopes = WRITE_STATE


class ActivityProfileView(DocumentView):
    """/xapi/activities/profile (Communication 2.7): activityId, profileId."""

    kind = Document.Kind.ACTIVITY_PROFILE
    id_param = "profileId"
    uses_activity = True
    read_scopes = READ_PROFILE
    write_scopes = WRITE_PROFILE


class AgentProfileView(DocumentView):
    """/xapi/agents/profile (Communication 2.6): agent, profileId."""

    kind = Document.Kind.AGENT_PROFILE
    id_param = "profileId"
    uses_agent = True
    read_scopes = READ_PROFILE
    write_scopes = WRITE_PROFILE
