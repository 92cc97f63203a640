"""The one base view of every LRS resource: CORS, alternate request syntax, version, auth, headers, errors.

A resource subclasses ``XapiView`` and writes ``get``/``put``/``post``/``delete`` handlers that read
``request.xapi`` (an ``XapiRequest``) and return a response or raise an ``xapi.errors.XapiError``.
HEAD is answered as GET without a body.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import parse_qs

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponse, QueryDict
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from xapi import json_codec, versions
from xapi.canonical import format_time
from xapi.errors import XapiError

from .auth import Credentials, authenticate
from .errors import BadRequest, MethodNotAllowed, PayloadTooLarge, error_response

logger = logging.getLogger(__name__)

ALLOWED_HEADERS = (
    "Content-Type, Content-Length, Authorization, If-Match, If-None-Match, X-Experience-API-Version, "
    "X-Experience-API-Consistent-Through, X-Requested-With"
)
EXPOSED_HEADERS = (
    "ETag, Last-Modified, Cache-Control, Content-Type, Content-Length, WWW-Authenticate, "
    "X-Experience-API-Version, X-Experience-API-Consistent-Through"
)
# Header names the alternate request syntax may carry as form parameters.
ALTERNATE_HEADERS = {
    "authorization": "Authorization",
    "x-experience-api-version": "X-Experience-API-Version",
    "content-type": "Content-Type",
    "content-length": "Content-Length",
    "if-match": "If-Match",
    "if-none-match": "If-None-Match",
}
# How far behind "now" statements are known to be complete: a statement is stamped `stored` before
# its transaction commits, so one still committing can carry a slightly earlier time.
CONSISTENCY_LAG = timedelta(seconds=2)


@dataclass
class XapiRequest:
    """The request as the resource sees it, whichever syntax the client used."""

    method: str
    params: QueryDict
    headers: dict[str, str]
    body: bytes
    credentials: Credentials | None = None
    extra: dict = field(default_factory=dict)

    def header(self, name: str, default: str | None = None) -> str | None:
        return self.headers.get(name.lower(), default)

    @property
    def content_type(self) -> str:
        return (self.header("content-type") or "").split(";")[0].strip().lower()

    def json(self, *, path: str = "$"):
        """The body parsed as JSON; a clear 400 otherwise."""
        try:
            return json_codec.loads(self.body)
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise BadRequest(
                _("Le corps de la requête n'est pas du JSON valide : %(e)s") % {"e": error},
                rule="invalid_json",
                path=path,
            ) from None


def consistent_through_time() -> datetime:
    """Every statement stored at or before this instant is visible to queries."""
    return timezone.now() - CONSISTENCY_LAG


def consistent_through() -> str:
    return format_time(consistent_through_time())


@method_decorator(csrf_exempt, name="dispatch")
class XapiView(View):
    # Resources that answer without the X-Experience-API-Version header (only /about).
    version_required = True
    # Resources that need no credentials (only /about).
    authentication_required = True
    http_method_names = ["get", "head", "put", "post", "delete", "options"]

    def dispatch(self, request, *args, **kwargs):
        # The version this response speaks: the one the request asked for once it is known.
        request.xapi_version = settings.XAPI_DEFAULT_VERSION
        try:
            if request.method == "OPTIONS":
                response = HttpResponse(status=200)
            else:
                xreq = self._xapi_request(request)
                request.xapi = xreq
                request.xapi_version = self._check_version(xreq)
                with versions.speaking(request.xapi_version):
                    response = self._handle(request, xreq, *args, **kwargs)
        except XapiError as error:
            response = error_response(error)
        return self._finish(request, response)

    def _handle(self, request, xreq: XapiRequest, *args, **kwargs):
        if xreq.extra.get("alternate") and request.xapi_version == versions.V2:
            raise BadRequest(
                _(
                    "xAPI 2.0 ne connaît plus la syntaxe de requête alternative (POST ?method=…) : "
                    "envoyez la requête avec sa méthode et ses en-têtes HTTP."
                ),
                rule="alternate_syntax_v2",
            )
        if self.authentication_required:
            xreq.credentials = authenticate(request, authorization=xreq.header("authorization"))
        method = "get" if xreq.method == "HEAD" else xreq.method.lower()
        handler = getattr(self, method, None) if method in self.http_method_names else None
        if handler is None:
            raise MethodNotAllowed(_("La méthode %(m)s n'est pas acceptée sur cette ressource.") % {"m": xreq.method})
        response = handler(request, *args, **kwargs)
        if xreq.method == "HEAD":
            length = len(response.content) if not response.streaming else None
            response.content = b""
            if length is not None:
                response["Content-Length"] = str(length)
        return response

    def _xapi_request(self, request) -> XapiRequest:
        headers = {name.lower(): value for name, value in request.headers.items()}
        try:
            body = request.body
        except RequestDataTooBig:
            raise PayloadTooLarge(_("Le corps de la requête est trop volumineux."), rule="body_too_large") from None
        if request.method == "POST" and "method" in request.GET:
            return self._alternate_request(request, headers, body)
        return XapiRequest(method=request.method, params=request.GET, headers=headers, body=body)

    def _alternate_request(self, request, headers: dict, raw_body: bytes) -> XapiRequest:
        """xAPI's alternate request syntax: POST ?method=X with headers and content as form fields."""
        if set(request.GET) != {"method"}:
            raise BadRequest(
                _("Avec la syntaxe de requête alternative, seul le paramètre « method » est permis dans l'URL."),
                rule="alternate_syntax",
            )
        method = request.GET["method"].upper()
        if method not in {"GET", "HEAD", "PUT", "POST", "DELETE"}:
            raise BadRequest(_("Méthode inconnue : %(m)s") % {"m": method}, rule="alternate_syntax")
        if not headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
            raise BadRequest(
                _("La syntaxe de requête alternative exige le type application/x-www-form-urlencoded."),
                rule="alternate_syntax",
            )
        form = parse_qs(raw_body.decode("utf-8", errors="replace"), keep_blank_values=True)
        params = QueryDict(mutable=True)
        body = b""
        inner = dict(headers)
        inner.pop("content-type", None)
        for name, values in form.items():
            lowered = name.lower()
            if lowered in ALTERNATE_HEADERS:
                inner[lowered] = values[-1]
            elif name == "content":
                body = values[-1].encode("utf-8")
            else:
                params.setlist(name, values)
        if body and "content-type" not in inner:
            inner["content-type"] = "application/json"
        return XapiRequest(method=method, params=params, headers=inner, body=body, extra={"alternate": True})

    def _check_version(self, xreq: XapiRequest) -> str:
        """The version the request speaks (versions.V1 or V2); 400 when missing or unsupported."""
        version = xreq.header("x-experience-api-version")
        if version is None:
            if self.version_required:
                raise BadRequest(
                    _("En-tête X-Experience-API-Version manquant (versions acceptées : 1.0.x et 2.0.x)."),
                    rule="version_missing",
                )
            return settings.XAPI_DEFAULT_VERSION
        negotiated = versions.negotiate(version)
        if negotiated is None:
            raise BadRequest(
                _("Version xAPI « %(v)s » non prise en charge (versions acceptées : 1.0.x et 2.0.x).") % {"v": version},
                rule="version_unsupported",
            )
        return negotiated

    def _finish(self, request, response):
        response["X-Experience-API-Version"] = request.xapi_version
        response["X-Experience-API-Consistent-Through"] = consistent_through()
        # No Date here: the HTTP server adds its own (gunicorn always does, and runserver when it is
        # missing), and a second one from the application would be sent as a duplicate header.
        origin = request.headers.get("Origin")
        if origin and origin.rstrip("/").lower() in settings.XAPI_CORS_ORIGINS:
            # A listed origin's scripts may send the visitor's cookies (a teacher reading their statements).
            response["Access-Control-Allow-Origin"] = origin
            response["Access-Control-Allow-Credentials"] = "true"
        else:
            # Anyone else may call with HTTP Basic credentials of its own, never with the visitor's cookies.
            response["Access-Control-Allow-Origin"] = "*"
        if origin:
            patch_vary_headers(response, ("Origin",))
        response["Access-Control-Allow-Methods"] = "HEAD, GET, POST, PUT, DELETE, OPTIONS"
        response["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
        response["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
        response.setdefault("Cache-Control", "no-cache")
        return response
