"""The query parameters of GET /statements, read strictly: anything unknown or malformed is a 400."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime

from django.http import QueryDict
from django.utils.translation import gettext as _

from xapi import json_codec
from xapi.errors import StatementValidationError
from xapi.identity import agent_key
from xapi.queries import StatementQuery
from xapi.validation.agents import validate_actor
from xapi.validation.fields import parse_timestamp

from .errors import BadRequest

# 0 (and anything above) means "the server's maximum" (xAPI-Communication 2.1.3, limit).
MAX_LIMIT = 500

QUERY_PARAMETERS = {
    "agent", "verb", "activity", "registration", "related_activities", "related_agents",
    "since", "until", "limit", "format", "attachments", "ascending",
}  # fmt: skip
SINGLE_PARAMETERS = {"statementId", "voidedStatementId"}
# What may accompany statementId / voidedStatementId (xAPI-Communication 2.1.3).
SINGLE_COMPANIONS = {"format", "attachments"}
FORMATS = ("exact", "ids", "canonical")


@dataclass
class StatementsRequest:
    """A parsed GET: either one statement (``statement_id``) or a query."""

    statement_id: uuid.UUID | None = None
    voided: bool = False
    query: StatementQuery = field(default_factory=StatementQuery)
    limit: int = MAX_LIMIT
    format: str = "exact"
    attachments: bool = False
    # The parameters as sent, for the `more` token.
    raw: dict[str, str] = field(default_factory=dict)


def _single_values(params: QueryDict) -> dict[str, str]:
    values = {}
    for name in params:
        given = params.getlist(name)
        if len(given) > 1:
            raise BadRequest(
                _("Le paramètre « %(p)s » est donné plusieurs fois.") % {"p": name},
                rule="repeated_parameter",
                path=name,
            )
        if "\x00" in given[0]:
            # PostgreSQL cannot compare with a string holding NUL: the query itself would fail.
            raise BadRequest(
                _("Le paramètre « %(p)s » contient un caractère nul.") % {"p": name},
                rule="invalid_parameter",
                path=name,
            )
        values[name] = given[0]
    return values


def parse_uuid(value: str, name: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise BadRequest(
            _("Le paramètre « %(p)s » doit être un UUID.") % {"p": name}, rule="invalid_uuid", path=name
        ) from None


def parse_bool(value: str, name: str) -> bool:
    if value not in ("true", "false"):
        raise BadRequest(
            _("Le paramètre « %(p)s » vaut « true » ou « false ».") % {"p": name}, rule="invalid_boolean", path=name
        )
    return value == "true"


def _parse_time(value: str, name: str) -> datetime:
    try:
        return parse_timestamp(value, name)
    except StatementValidationError as error:
        raise BadRequest(
            _("Le paramètre « %(p)s » doit être un horodatage ISO 8601 avec fuseau horaire : %(m)s")
            % {"p": name, "m": error.message},
            rule="invalid_timestamp",
            path=name,
        ) from None


def _parse_limit(value: str) -> int:
    if not value.isdigit():
        raise BadRequest(
            _("Le paramètre « limit » doit être un entier positif ou nul."), rule="invalid_limit", path="limit"
        )
    limit = int(value)
    return MAX_LIMIT if limit == 0 or limit > MAX_LIMIT else limit


def _parse_agent(value: str) -> str:
    try:
        agent = json_codec.loads(value)
    except json.JSONDecodeError:
        raise BadRequest(
            _("Le paramètre « agent » n'est pas du JSON valide."), rule="invalid_json", path="agent"
        ) from None
    try:
        validate_actor(agent, "agent")
    except StatementValidationError as error:
        raise BadRequest(
            _("Le paramètre « agent » n'est pas un Agent ou un Group valide : %(m)s") % {"m": error.message},
            rule="invalid_agent",
            path="agent",
        ) from None
    try:
        key = agent_key(agent)
    except ValueError:
        raise BadRequest(
            _("Le paramètre « agent » doit identifier un agent (mbox, mbox_sha1sum, openid ou account)."),
            rule="invalid_agent",
            path="agent",
        ) from None
    # A NUL escaped as \u0000 in the JSON survives parsing; no index row can hold it.
    if "\x00" in key:
        raise BadRequest(_("Le paramètre « agent » contient un caractère nul."), rule="invalid_agent", path="agent")
    return key


def parse_statements_get(params: QueryDict) -> StatementsRequest:
    """Read GET /statements parameters; raise BadRequest naming the parameter at fault."""
    values = _single_values(params)
    unknown = set(values) - QUERY_PARAMETERS - SINGLE_PARAMETERS
    if unknown:
        raise BadRequest(
            _("Paramètre inconnu : %(p)s.") % {"p": ", ".join(sorted(unknown))},
            rule="unknown_parameter",
            path=sorted(unknown)[0],
        )
    request = StatementsRequest(raw=values)
    if "format" in values:
        if values["format"] not in FORMATS:
            raise BadRequest(
                _("Le paramètre « format » vaut « ids », « exact » ou « canonical »."),
                rule="invalid_format",
                path="format",
            )
        request.format = values["format"]
    if "attachments" in values:
        request.attachments = parse_bool(values["attachments"], "attachments")

    singles = SINGLE_PARAMETERS & set(values)
    if singles:
        if len(singles) > 1:
            raise BadRequest(
                _("Donnez statementId ou voidedStatementId, pas les deux."),
                rule="single_parameters",
                path="statementId",
            )
        name = singles.pop()
        others = set(values) - {name} - SINGLE_COMPANIONS
        if others:
            raise BadRequest(
                _("Avec « %(p)s », seuls « format » et « attachments » sont permis (reçu : %(o)s).")
                % {"p": name, "o": ", ".join(sorted(others))},
                rule="single_parameters",
                path=sorted(others)[0],
            )
        request.statement_id = parse_uuid(values[name], name)
        request.voided = name == "voidedStatementId"
        return request

    filters = {}
    if "agent" in values:
        filters["agent_key"] = _parse_agent(values["agent"])
    if "verb" in values:
        filters["verb_id"] = values["verb"]
    if "activity" in values:
        filters["activity_id"] = values["activity"]
    if "registration" in values:
        filters["registration"] = parse_uuid(values["registration"], "registration")
    for name in ("related_agents", "related_activities", "ascending"):
        if name in values:
            filters[name] = parse_bool(values[name], name)
    for name in ("since", "until"):
        if name in values:
            filters[name] = _parse_time(values[name], name)
    if "limit" in values:
        request.limit = _parse_limit(values["limit"])
    request.query = StatementQuery(**filters)
    return request
