"""Pulling statements from an external LRS into Relais's store.

Each page is stored, and the source's cursor moved, in one transaction: a pull that stops
anywhere (error, killed worker) resumes exactly where the last committed page ended. The
cursor is the ``more`` link of an unfinished paging, else the newest ``stored`` seen (but never
past the source's ``X-Experience-API-Consistent-Through``), asked again with ``since`` until a
page brings nothing newer. Statements seen twice are duplicates, which the store ignores.

Imported statements keep their ids and go through ``statements_store``, so they are validated,
deduplicated, announced to competencies and forwarded like any other, except to targets on the
source's own host. Actors: a statement counts for a Relais teacher when its actor is the
teacher's pseudonymous account (homePage = RELAIS_BASE_URL). A source whose LMS names the same
accounts under its own homePage sets ``actor_home_page``: that homePage is then rewritten to
ours on import (only the statement's actor; the name, the teacher's xapi uuid, is kept).
"""

from __future__ import annotations

import contextlib
import json
import logging
import uuid
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urljoin

import requests
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from xapi.errors import StatementConflict, StatementValidationError
from xapi.models import Statement
from xapi.services import statement_store, statements_store
from xapi.validation.fields import parse_timestamp
from xapi.versions import speaking

from .delivery import session_for
from .models import PullSource
from .outbox import importing_from

logger = logging.getLogger(__name__)


@dataclass
class PullReport:
    imported: int = 0
    duplicates: int = 0
    rejected: int = 0
    pages: int = 0
    error: str = ""
    skipped: bool = False  # another pull of this source was running


def source_authority(source: PullSource) -> dict:
    """The authority stamped on imported statements: which source they came through."""
    return {
        "objectType": "Agent",
        "name": f"import {source.name}",
        "account": {"homePage": settings.RELAIS_BASE_URL + "/xapi/sources", "name": source.name},
    }


def sources_due() -> list[int]:
    now = timezone.now()
    return [
        source.pk
        for source in PullSource.objects.filter(enabled=True)
        if source.last_pulled_at is None or source.last_pulled_at + timedelta(minutes=source.interval_minutes) <= now
    ]


def source_pull(*, source_id: int, max_pages: int = 200) -> PullReport:
    """Fetch and store the source's new statements, page after page, up to ``max_pages``."""
    report = PullReport()
    now = timezone.now()
    lease_end = now + timedelta(minutes=10)
    taken = PullSource.objects.filter(Q(pulling_until__isnull=True) | Q(pulling_until__lte=now), pk=source_id).update(
        pulling_until=lease_end
    )
    if not taken:
        report.skipped = True
        return report
    source = PullSource.objects.get(pk=source_id)
    try:
        with session_for(source) as session:
            while report.pages < max_pages:
                more = _pull_page(session, source, report)
                if not more or report.error:
                    break
    except Exception as error:  # recorded for the admin, then raised to the worker's log
        report.error = f"{type(error).__name__} : {error}"
        raise
    finally:
        PullSource.objects.filter(pk=source.pk).update(
            pulling_until=None,
            last_pulled_at=timezone.now(),
            last_error=report.error[:2000],
            **({"last_error_at": timezone.now()} if report.error else {}),
        )
    return report


def _pull_page(session: requests.Session, source: PullSource, report: PullReport) -> bool:
    """One page fetched and stored; whether another page follows right away."""
    if source.more_url:
        url, params = urljoin(source.base_url, source.more_url), None
    else:
        url = source.base_url + "statements"
        params = {**{k: _param(v) for k, v in (source.query or {}).items()}, "ascending": "true"}
        params["limit"] = str(source.page_size)
        if source.last_stored:
            params["since"] = source.last_stored.isoformat()
    try:
        response = session.get(url, params=params, timeout=source.timeout_seconds)
    except requests.RequestException as error:
        report.error = f"{type(error).__name__} : {error}"
        return False
    if response.status_code == 400 and source.more_url:
        # The link expired (or the source forgot it): start again from the last stored seen.
        PullSource.objects.filter(pk=source.pk).update(more_url="")
        source.more_url = ""
        return True
    if response.status_code != 200:
        report.error = f"HTTP {response.status_code} : {response.text[:300]}"
        return False
    try:
        body = response.json()
        statements = body["statements"]
        more = body.get("more") or ""
        if not isinstance(statements, list) or not isinstance(more, str):
            raise TypeError("statements / more")
    except (ValueError, KeyError, TypeError) as error:
        report.error = f"réponse illisible ({error}) : {response.text[:300]}"
        return False
    report.pages += 1
    previous = newest = source.last_stored
    for statement in statements:
        stored = statement.get("stored") if isinstance(statement, dict) else None
        if stored:
            try:
                moment = parse_timestamp(stored, "stored")
            except StatementValidationError:
                continue
            newest = moment if newest is None else max(newest, moment)
    through = response.headers.get("X-Experience-API-Consistent-Through")
    if newest is not None and through:
        # Past that instant the source may still add statements stored earlier than its newest:
        # the cursor stops there, and the next pull asks again from it.
        with contextlib.suppress(StatementValidationError):
            newest = max(min(newest, parse_timestamp(through, "consistent-through")), previous or newest)
    with transaction.atomic():
        imported, duplicates, rejected = _import(source, [_mapped(source, s) for s in statements])
        PullSource.objects.filter(pk=source.pk).update(
            last_stored=newest,
            more_url=more,
            imported_count=F("imported_count") + imported,
            rejected_count=F("rejected_count") + rejected,
        )
    source.last_stored, source.more_url = newest, more
    report.imported += imported
    report.duplicates += duplicates
    report.rejected += rejected
    # No `more` does not mean the end: an LRS stops paging at its consistent-through instant. Ask
    # again with `since` as long as pages bring statements newer than the cursor.
    return bool(more) or (bool(statements) and newest != previous)


def _param(value) -> str:
    """A query value as the xAPI resource reads it: JSON for agents and booleans, text otherwise."""
    if isinstance(value, str):
        return value
    return json.dumps(value, separators=(",", ":"))


def _mapped(source: PullSource, statement):
    home = source.actor_home_page.rstrip("/")
    if not home or not isinstance(statement, dict):
        return statement
    account = (statement.get("actor") or {}).get("account") if isinstance(statement.get("actor"), dict) else None
    if isinstance(account, dict) and str(account.get("homePage", "")).rstrip("/") == home:
        statement = {**statement, "actor": {**statement["actor"], "account": {**account}}}
        statement["actor"]["account"]["homePage"] = settings.RELAIS_BASE_URL
    return statement


def _import(source: PullSource, statements: list) -> tuple[int, int, int]:
    """(new, duplicates, rejected) for one page, stored together when it can be, else one by one."""
    if not statements:
        return 0, 0, 0
    ids = {str(s.get("id", "")).lower() for s in statements if isinstance(s, dict)}
    known = {
        str(i) for i in Statement.objects.filter(id__in=[i for i in ids if _is_uuid(i)]).values_list("id", flat=True)
    }
    authority = source_authority(source)
    # Read as the version the source speaks: a 2.0 source's statements may carry contextAgents.
    with importing_from(source.endpoint), speaking(source.xapi_version):
        try:
            with transaction.atomic():
                statements_store(data=statements, authority=authority)
            new = len({i for i in ids if i not in known})
            return new, len(statements) - new, 0
        except (StatementConflict, StatementValidationError):
            pass
        new = duplicates = rejected = 0
        for statement in statements:
            try:
                with transaction.atomic():
                    statement_store(data=statement, authority=authority)
            except (StatementConflict, StatementValidationError) as error:
                rejected += 1
                logger.warning("statement from %s refused: %s", source.name, error)
                continue
            if str(statement.get("id", "")).lower() in known:
                duplicates += 1
            else:
                new += 1
                known.add(str(statement.get("id", "")).lower())
        return new, duplicates, rejected


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True
