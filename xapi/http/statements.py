"""/xapi/statements: PUT, POST, GET (one statement or a query) and the `more` pages (xAPI-Communication 2.1)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import transaction
from django.http import HttpResponse, JsonResponse, QueryDict
from django.utils.http import http_date
from django.utils.translation import gettext as _

from xapi.models import Statement
from xapi.queries import StatementQuery, statements_page
from xapi.selectors import statement_get
from xapi.services import statement_store, statements_store
from xapi.versions import V2
from xapi.versions import current as request_version

from . import binding
from .auth import READ_STATEMENTS, WRITE_STATEMENTS, Credentials
from .base import XapiRequest, XapiView, consistent_through_time
from .errors import BadRequest, NotFound, PayloadTooLarge
from .statements_attachments import attachments_check, attachments_store, multipart_result, statements_from_multipart
from .statements_formats import accept_languages, statement_formatted
from .statements_more import MoreToken, more_token_read, more_url
from .statements_params import StatementsRequest, parse_statements_get, parse_uuid

_JSON = {"ensure_ascii": False}


class StatementsView(XapiView):
    http_method_names = ["get", "head", "put", "post", "options"]

    # --- writes ---------------------------------------------------------------------------------

    def put(self, request):
        xreq: XapiRequest = request.xapi
        xreq.credentials.require(WRITE_STATEMENTS)
        params = dict(xreq.params.items())
        if "statementId" not in params:
            raise BadRequest(
                _("PUT exige le paramètre « statementId »."), rule="statement_id_missing", path="statementId"
            )
        if set(params) != {"statementId"}:
            others = ", ".join(sorted(set(params) - {"statementId"}))
            raise BadRequest(_("Paramètre inconnu : %(p)s.") % {"p": others}, rule="unknown_parameter")
        statement_id = parse_uuid(params["statementId"], "statementId")
        data, parts = _statements_body(xreq)
        if not isinstance(data, dict):
            raise BadRequest(_("PUT attend une seule déclaration (un objet JSON)."), rule="type", path="$")
        if "id" in data:
            if not isinstance(data["id"], str) or _same_uuid(data["id"], statement_id) is False:
                raise BadRequest(
                    _("L'identifiant de la déclaration diffère du paramètre « statementId »."),
                    rule="statement_id_mismatch",
                    path="id",
                )
        else:
            data = {**data, "id": str(statement_id)}
        attachments_check([data], parts, batch=False)
        binding.statements_write_check(xreq.credentials, [data])
        guard = binding.void_guard(xreq.credentials)
        _store_with_attachments(
            lambda: statement_store(data=data, authority=xreq.credentials.authority, may_void=guard), parts
        )
        return HttpResponse(status=204)

    def post(self, request):
        xreq: XapiRequest = request.xapi
        xreq.credentials.require(WRITE_STATEMENTS)
        if xreq.params:
            raise BadRequest(
                _("POST sur /statements n'accepte aucun paramètre (reçu : %(p)s).") % {"p": ", ".join(xreq.params)},
                rule="unknown_parameter",
            )
        data, parts = _statements_body(xreq)
        batch = isinstance(data, list)
        if not batch and not isinstance(data, dict):
            raise BadRequest(
                _("Une déclaration (objet JSON) ou un tableau de déclarations est attendu."), rule="type", path="$"
            )
        items = data if batch else [data]
        if len(items) > settings.XAPI_MAX_BATCH:
            raise PayloadTooLarge(
                _("Lot trop grand : %(n)s déclarations, %(max)s au plus par requête. Envoyez-les en plusieurs lots.")
                % {"n": len(items), "max": settings.XAPI_MAX_BATCH},
                rule="batch_too_large",
            )
        if batch and request_version() == V2:
            _refuse_repeated_ids(items)
        attachments_check(items, parts, batch=batch)
        binding.statements_write_check(xreq.credentials, items)
        guard = binding.void_guard(xreq.credentials)
        if batch:
            stored = _store_with_attachments(
                lambda: statements_store(data=items, authority=xreq.credentials.authority, may_void=guard), parts
            )
        else:
            stored = [
                _store_with_attachments(
                    lambda: statement_store(data=data, authority=xreq.credentials.authority, may_void=guard), parts
                )
            ]
        return JsonResponse([str(statement.id) for statement in stored], safe=False)

    # --- reads ----------------------------------------------------------------------------------

    def get(self, request):
        xreq: XapiRequest = request.xapi
        xreq.credentials.require(READ_STATEMENTS)
        parsed = parse_statements_get(xreq.params)
        if parsed.statement_id is not None:
            return _single(xreq, parsed)
        return _query(xreq, parsed, after=None, upper_bound=None)


class StatementsMoreView(XapiView):
    """GET /xapi/statements/more/<token>: the next page of a statement query."""

    http_method_names = ["get", "head", "options"]

    def get(self, request, token: str):
        xreq: XapiRequest = request.xapi
        xreq.credentials.require(READ_STATEMENTS)
        if xreq.params:
            raise BadRequest(_("Un lien « more » s'utilise tel quel, sans paramètre."), rule="unknown_parameter")
        more = more_token_read(token)
        parsed = parse_statements_get(_as_query_dict(more.params))
        return _query(xreq, parsed, after=more.after, upper_bound=more.upper_bound)


# --- helpers ----------------------------------------------------------------------------------------


def _store_with_attachments(store, parts: dict):
    """Run ``store`` and keep the attachment parts in one transaction: all stored or nothing.

    Without attachments the store is a transaction of its own already; not opening another around
    it saves a savepoint and its release (two round trips) on every request.
    """
    if not parts:
        return store()
    with transaction.atomic():
        result = store()
        attachments_store(parts)
    return result


def _refuse_repeated_ids(items: list) -> None:
    """xAPI 2.0 (Communication 2.1.2): a batch using one statement id more than once is refused,
    even when both statements are the same (1.0.3 stores such a pair once)."""
    seen = set()
    for index, statement in enumerate(items):
        value = statement.get("id") if isinstance(statement, dict) else None
        if not isinstance(value, str):
            continue  # no id, or not a string: validation says so for that statement
        try:
            key = uuid.UUID(value)
        except ValueError:
            continue
        if key in seen:
            raise BadRequest(
                _("Le lot utilise deux fois l'identifiant de déclaration %(id)s.") % {"id": value[:40]},
                rule="duplicate_id",
                path=f"[{index}].id",
            )
        seen.add(key)


def _same_uuid(value: str, expected) -> bool | None:
    try:
        return parse_uuid(value, "id") == expected
    except BadRequest:
        return False


def _statements_body(xreq: XapiRequest):
    """The JSON document of a PUT/POST and its attachment parts (empty unless multipart/mixed)."""
    content_type = xreq.content_type
    if content_type == "multipart/mixed":
        return statements_from_multipart(xreq.body, xreq.header("content-type") or "")
    if content_type != "application/json":
        raise BadRequest(
            _("Type de contenu « %(t)s » non accepté : application/json ou multipart/mixed attendu.")
            % {"t": content_type or "-"},
            rule="content_type",
        )
    return xreq.json(), {}


def _access_limits(credentials: Credentials) -> dict:
    """statements/read/mine: a client reads what it wrote, a teacher what they did."""
    bound = binding.statements_read_limits(credentials)
    if bound is not None:
        return bound  # a client bound to one learner reads that learner's statements, whatever its scopes
    if not credentials.reads_only_own:
        return {}
    if credentials.mine_actor_key is not None:
        return {"actor_key": credentials.mine_actor_key}
    account = credentials.authority["account"]
    return {"authority_account": (account["homePage"], account["name"])}


def _readable(statement: Statement, credentials: Credentials) -> bool:
    limits = _access_limits(credentials)
    if "registration" in limits and statement.registration != limits["registration"]:
        return False
    if "actor_key" in limits:
        return statement.actor_key == limits["actor_key"]
    if "authority_account" in limits:
        account = (statement.authority or {}).get("account") or {}
        return (account.get("homePage"), account.get("name")) == limits["authority_account"]
    return True


def _single(xreq: XapiRequest, parsed: StatementsRequest):
    statement = statement_get(statement_id=parsed.statement_id)
    # A voided statement is only found by voidedStatementId, and only a voided one is found that way.
    if statement is None or statement.voided != parsed.voided or not _readable(statement, xreq.credentials):
        name = "voidedStatementId" if parsed.voided else "statementId"
        raise NotFound(_("Aucune déclaration avec cet identifiant."), rule="statement_not_found", path=name)
    document = statement_formatted(
        statement.payload,
        format=parsed.format,
        languages=accept_languages(xreq.header("accept-language")),
        version=request_version(),
    )
    response = _respond(document, [statement.payload] if parsed.attachments else None)
    response["Last-Modified"] = http_date(statement.stored.timestamp())
    return response


def _query(xreq: XapiRequest, parsed: StatementsRequest, *, after, upper_bound):
    binding.statements_read_check(xreq.credentials, parsed.query)
    limits = _access_limits(xreq.credentials)
    query = parsed.query
    if limits:
        query = StatementQuery(**{**query.__dict__, **limits})
    rows, position = statements_page(query=query, limit=parsed.limit, after=after, upper_bound=upper_bound)
    # The frozen bound: the first page's consistent-through, or its newest statement when that is
    # more recent (newest-first pages start there), so nothing the first page saw is cut off.
    bound = upper_bound or max([consistent_through_time(), *(row.stored for row in rows)])
    if position is not None and query.ascending and position.stored >= bound:
        # Past the frozen bound already: whatever follows was stored after the first page's
        # consistent-through and belongs to a later query (since=<consistent-through>).
        position = None
    languages = accept_languages(xreq.header("accept-language"))
    version = request_version()
    result = {
        "statements": [
            statement_formatted(row.payload, format=parsed.format, languages=languages, version=version) for row in rows
        ],
        "more": more_url(MoreToken(params=parsed.raw, after=position, upper_bound=bound)) if position else "",
    }
    response = _respond(result, [row.payload for row in rows] if parsed.attachments else None)
    if rows:
        response["Last-Modified"] = http_date(max(row.stored for row in rows).timestamp())
    return response


def _respond(document, payloads: list[dict] | None):
    if payloads is None:
        return JsonResponse(document, safe=False, json_dumps_params=_JSON)
    body, content_type = multipart_result(document, payloads)
    return HttpResponse(body, content_type=content_type)


def _as_query_dict(params: dict[str, str]) -> QueryDict:
    query = QueryDict(mutable=True)
    for name, value in params.items():
        query[name] = value
    return query
