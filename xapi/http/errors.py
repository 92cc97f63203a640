"""HTTP errors of the LRS, and the one place that turns any xapi error into a JSON answer."""

from __future__ import annotations

from django.http import JsonResponse
from django.utils.translation import gettext as _

from xapi.errors import StatementConflict, StatementForbidden, StatementValidationError, XapiError


class XapiHttpError(XapiError):
    """An answer other than success; ``message`` is a sentence a person can act on (French)."""

    status = 400
    rule = "bad_request"

    def __init__(self, message: str, *, rule: str | None = None, path: str | None = None, headers=None):
        self.message = message
        self.rule = rule or self.rule
        self.path = path
        self.headers = headers or {}
        super().__init__(message)


class BadRequest(XapiHttpError):
    status = 400


class Unauthorized(XapiHttpError):
    status = 401
    rule = "unauthorized"

    def __init__(self, message: str, **kwargs):
        kwargs.setdefault("headers", {"WWW-Authenticate": 'Basic realm="xAPI"'})
        super().__init__(message, **kwargs)


class Forbidden(XapiHttpError):
    status = 403
    rule = "forbidden"


class NotFound(XapiHttpError):
    status = 404
    rule = "not_found"


class MethodNotAllowed(XapiHttpError):
    status = 405
    rule = "method_not_allowed"


class Conflict(XapiHttpError):
    status = 409
    rule = "conflict"


class PreconditionFailed(XapiHttpError):
    status = 412
    rule = "precondition_failed"


class PayloadTooLarge(XapiHttpError):
    status = 413
    rule = "payload_too_large"


class TooManyRequests(XapiHttpError):
    status = 429
    rule = "too_many_requests"


class UnsupportedMediaType(XapiHttpError):
    status = 415
    rule = "unsupported_media_type"


def error_response(error: XapiError) -> JsonResponse:
    """The JSON body every rejection has: {"error": {"status", "rule", "message", "path"?}}."""
    if isinstance(error, StatementValidationError):
        status = 403 if isinstance(error, StatementForbidden) else 400
        body, headers = error.as_dict(), {}
    elif isinstance(error, StatementConflict):
        status = 409
        body = {"rule": "statement_conflict", "message": error.message, "path": "id"}
        headers = {}
    elif isinstance(error, XapiHttpError):
        status, headers = error.status, error.headers
        body = {"rule": error.rule, "message": error.message}
        if error.path is not None:
            body["path"] = error.path
    else:
        status, headers = 400, {}
        body = {"rule": "bad_request", "message": str(error) or _("Requête invalide.")}
    body = {"status": status, **body}
    response = JsonResponse({"error": body}, status=status, json_dumps_params={"ensure_ascii": False})
    for name, value in headers.items():
        response[name] = value
    return response
