"""The Statement and the SubStatement."""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext as _

from xapi import versions

from .agents import validate_actor, validate_authority
from .attachments import validate_attachments
from .contexts import validate_context
from .fields import (
    check_properties,
    check_storable_text,
    expect_object,
    expect_string,
    fail,
    parse_timestamp,
    validate_uuid,
)
from .objects import object_type, validate_object
from .results import validate_result
from .verbs import VOIDED, validate_verb

STATEMENT_PROPERTIES = (
    "id", "actor", "verb", "object", "result", "context",
    "timestamp", "stored", "authority", "version", "attachments",
)  # fmt: skip
SUBSTATEMENT_PROPERTIES = ("objectType", "actor", "verb", "object", "result", "context", "timestamp", "attachments")
_VERSION = re.compile(r"^1\.0(\.\d+)?$")
# Under xAPI 2.0 a statement may say 1.0.x or 2.0.x.
_VERSION_V2 = re.compile(r"^(?:1|2)\.0(\.\d+)?$")


def validate_statement(value: Any, path: str = "") -> dict:
    """Validate a statement as a client sends it; raise StatementValidationError on the first broken rule."""
    statement = expect_object(value, path)
    check_properties(
        statement, path, allowed=STATEMENT_PROPERTIES, required=("actor", "verb", "object"), name="Statement"
    )
    if "id" in statement:
        validate_uuid(statement["id"], (path, "id"))
    _validate_body(statement, path, substatement=False)
    if "stored" in statement:
        parse_timestamp(statement["stored"], (path, "stored"))
    if "authority" in statement:
        validate_authority(statement["authority"], (path, "authority"))
    if "version" in statement:
        version = expect_string(statement["version"], (path, "version"))
        if versions.is_v2():
            if not _VERSION_V2.match(version):
                fail((path, "version"), "version", _("La version doit être de la forme « 1.0.x » ou « 2.0.x »."))
        elif not _VERSION.match(version):
            fail((path, "version"), "version", _("La version doit être de la forme « 1.0.x »."))
    check_storable_text(statement, path)
    if statement["verb"]["id"] == VOIDED and object_type(statement["object"]) != "StatementRef":
        fail(
            (path, "object"),
            "voiding_object",
            _("Une déclaration d’annulation (verbe « voided ») doit avoir pour objet une StatementRef."),
        )
    return statement


def validate_substatement(value: Any, path: str) -> dict:
    """A SubStatement: a statement without id, stored, version or authority, and no SubStatement inside."""
    sub = expect_object(value, path)
    for key in ("id", "stored", "version", "authority"):
        if key in sub:
            fail(
                (path, key),
                "substatement_property",
                _("Une sous-déclaration (SubStatement) ne peut pas porter « %(key)s ».") % {"key": key},
            )
    check_properties(
        sub, path, allowed=SUBSTATEMENT_PROPERTIES, required=("actor", "verb", "object"), name="SubStatement"
    )
    _validate_body(sub, path, substatement=True)
    return sub


def _validate_body(statement: dict, path: str, *, substatement: bool) -> None:
    """What statements and SubStatements share."""
    validate_actor(statement["actor"], (path, "actor"))
    validate_verb(statement["verb"], (path, "verb"))
    object_path = (path, "object")
    obj = expect_object(statement["object"], object_path)
    kind = object_type(obj)
    if kind == "SubStatement":
        if substatement:
            fail(
                (object_path, "objectType"),
                "nested_substatement",
                _("Une sous-déclaration ne peut pas contenir une autre sous-déclaration."),
            )
        validate_substatement(obj, object_path)
    else:
        validate_object(obj, object_path)
    if "result" in statement:
        validate_result(statement["result"], (path, "result"))
    if "context" in statement:
        validate_context(statement["context"], (path, "context"), object_type=kind)
    if "timestamp" in statement:
        parse_timestamp(statement["timestamp"], (path, "timestamp"))
    if "attachments" in statement:
        validate_attachments(statement["attachments"], (path, "attachments"))
