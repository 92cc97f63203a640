"""The `more` IRL of a statement result: a signed token carrying the query and where the page ended.

Paging is by keyset on (stored, id), never by offset, so statements stored while a client pages
shift nothing. The first page fixes an upper bound on ``stored`` (its consistent-through time)
that every following page keeps: the result set is the one the first request saw, and a client
that later asks ``since=<that consistent-through>`` misses nothing. The token is signed so that
a forged one is a clean 400, never a malformed database query; it holds no credentials, and the
access limits (``statements/read/mine``) are applied again from the caller of each page.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from django.core import signing
from django.urls import reverse
from django.utils.translation import gettext as _

from xapi.canonical import format_time
from xapi.queries import Position
from xapi.validation.fields import parse_timestamp

from .errors import BadRequest

_SALT = "xapi.statements.more"
# A client pages through a result within hours, not weeks; old tokens stop working.
MAX_AGE_SECONDS = 24 * 3600


@dataclass
class MoreToken:
    params: dict[str, str]
    after: Position
    upper_bound: datetime


def more_url(token: MoreToken) -> str:
    """The relative IRL of the next page (xAPI-Communication 2.1.3: relative to the server root)."""
    value = signing.dumps(
        {
            "p": token.params,
            "s": format_time(token.after.stored),
            "i": str(token.after.id),
            "u": format_time(token.upper_bound),
        },
        salt=_SALT,
        compress=True,
    )
    return reverse("xapi:statements-more", kwargs={"token": value})


def more_token_read(value: str) -> MoreToken:
    try:
        data = signing.loads(value, salt=_SALT, max_age=MAX_AGE_SECONDS)
        return MoreToken(
            params=dict(data["p"]),
            after=Position(stored=parse_timestamp(data["s"], ""), id=uuid.UUID(data["i"])),
            upper_bound=parse_timestamp(data["u"], ""),
        )
    except signing.SignatureExpired:
        raise BadRequest(
            _("Ce lien « more » a expiré : relancez la requête."), rule="more_expired", path="more"
        ) from None
    except Exception:  # any flaw in a client-supplied token is the same 400
        raise BadRequest(_("Lien « more » invalide."), rule="more_invalid", path="more") from None
