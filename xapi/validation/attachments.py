"""Attachment metadata (the raw parts travel in multipart/mixed, handled by the HTTP layer)."""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext as _

from .fields import (
    check_properties,
    expect_integer,
    expect_list,
    expect_object,
    expect_string,
    fail,
    validate_iri,
    validate_irl,
    validate_language_map,
    validate_sha2,
)

SIGNATURE_USAGE_TYPE = "http://adlnet.gov/expapi/attachments/signature"
ATTACHMENT_PROPERTIES = ("usageType", "display", "description", "contentType", "length", "sha2", "fileUrl")
# type "/" subtype, RFC 6838 restricted names, optional parameters.
_MEDIA_TYPE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9!#$&^_.+\-]*/[A-Za-z0-9][A-Za-z0-9!#$&^_.+\-]*(\s*;.*)?$")


def validate_attachment(value: Any, path: str) -> dict:
    attachment = expect_object(value, path)
    check_properties(
        attachment,
        path,
        allowed=ATTACHMENT_PROPERTIES,
        required=("usageType", "display", "contentType", "length", "sha2"),
        name="attachment",
    )
    validate_iri(attachment["usageType"], (path, "usageType"))
    validate_language_map(attachment["display"], (path, "display"))
    if "description" in attachment:
        validate_language_map(attachment["description"], (path, "description"))
    content_type = expect_string(attachment["contentType"], (path, "contentType"))
    if not _MEDIA_TYPE.match(content_type):
        fail(
            (path, "contentType"),
            "content_type",
            _("« %(value)s » n’est pas un type de média.") % {"value": content_type[:100]},
        )
    expect_integer(attachment["length"], (path, "length"), minimum=0)
    validate_sha2(attachment["sha2"], (path, "sha2"))
    if "fileUrl" in attachment:
        validate_irl(attachment["fileUrl"], (path, "fileUrl"))
    if (
        attachment["usageType"] == SIGNATURE_USAGE_TYPE
        and content_type.split(";")[0].strip() != "application/octet-stream"
    ):
        fail(
            (path, "contentType"),
            "signature_content_type",
            _("Une pièce jointe de signature doit avoir le type « application/octet-stream »."),
        )
    return attachment


def validate_attachments(value: Any, path: str) -> list:
    attachments = expect_list(value, path)
    for index, attachment in enumerate(attachments):
        validate_attachment(attachment, (path, index))
    return attachments
