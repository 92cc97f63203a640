"""Writes to the statement store."""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.db.models.base import ModelState
from django.utils import timezone
from django.utils.translation import gettext as _

from xapi import versions
from xapi.announcing import statements_announce, statements_announced_together  # noqa: F401 (the replay's entry point)
from xapi.bulk import activity_rows_insert, agent_rows_insert, statements_insert
from xapi.canonical import DEFAULT_VERSION, content_hash, format_time, normalize_for_storage
from xapi.errors import StatementConflict, StatementForbidden, StatementValidationError
from xapi.forwarding.hook import forwarding_enqueue, forwarding_single_part
from xapi.identity import agent_key, anonymous_group_key, has_ifi
from xapi.indexing import authority_agents, statement_activities, statement_agents
from xapi.models import Statement, StatementActivity, StatementAgent
from xapi.single_insert import statement_insert_one
from xapi.validation import validate_statement
from xapi.validation.agents import validate_authority
from xapi.validation.fields import parse_timestamp
from xapi.validation.verbs import VOIDED

logger = logging.getLogger(__name__)

# Given the authority of a stored statement a new one voids: may these credentials void it?
VoidGuard = Callable[[dict], bool]

# SQLite caps the number of bound parameters; keep IN lists well below it.
_LOOKUP_CHUNK = 500


def default_authority() -> dict:
    """The authority of statements Relais asserts itself."""
    return {
        "objectType": "Agent",
        "account": {"homePage": getattr(settings, "RELAIS_BASE_URL", "http://127.0.0.1:8000"), "name": "relais"},
    }


def statement_store(*, data: dict, authority: dict | None = None, may_void: VoidGuard | None = None) -> Statement:
    """Validate and store one statement; return it, or the identical one already stored.

    Raises StatementValidationError (400), StatementForbidden (403: ``may_void``, given the authority of
    a stored statement this one voids, said no) or StatementConflict (409, same id, other content).
    Runs in a savepoint when the caller holds a transaction; ``statement_stored`` is sent after commit.
    """
    return _store([data], authority=authority, batch=False, may_void=may_void)[0]


def statements_store(
    *, data: list[dict], authority: dict | None = None, may_void: VoidGuard | None = None
) -> list[Statement]:
    """Store a batch all or nothing; return the statements in input order.

    Error paths start with the statement's index in the batch (``[3].verb.id``). A batch holding
    one id twice with different content is refused (400); twice the same content is stored once.
    """
    if not isinstance(data, list):
        raise StatementValidationError("", "type", _("Un tableau de déclarations est attendu."))
    return _store(data, authority=authority, batch=True, may_void=may_void)


@dataclass
class _Pending:
    index: int
    statement: Statement
    agents: list[tuple[str, str]]
    activities: list[tuple[str, str]]


def _store(items: list[Any], *, authority: dict | None, batch: bool, may_void: VoidGuard | None) -> list[Statement]:
    def locate(error: StatementValidationError, index: int) -> StatementValidationError:
        return error.at_index(index) if batch else error

    if authority is None:
        authority = default_authority()
    else:
        validate_authority(authority, "authority")
    now = timezone.now()
    authority_rows = authority_agents(authority)  # the same for every statement of the batch
    pending: list[_Pending] = []
    for index, item in enumerate(items):
        try:
            validate_statement(item)
            # One microsecond apart keeps the batch's order when statements are listed by stored time.
            entry = _prepare(
                item,
                index=index,
                authority=authority,
                authority_rows=authority_rows,
                stored=now + timedelta(microseconds=index),
            )
            _check_index_widths(entry)
        except StatementValidationError as error:
            raise locate(error, index) from None
        pending.append(entry)

    unique: dict[uuid.UUID, _Pending] = {}
    for entry in pending:
        first = unique.setdefault(entry.statement.id, entry)
        if first is not entry and not _same_content(first.statement, entry.statement):
            raise locate(
                StatementValidationError(
                    "id", "duplicate_id", _("Le lot contient deux déclarations différentes avec cet identifiant.")
                ),
                entry.index,
            )

    entries = list(unique.values())
    # Almost every statement arrives once: insert straight away and let the primary key refuse an id
    # already stored (IntegrityError), then take the full path, which looks the batch up first (same
    # statement again, conflict). Voiding statements need their targets: full path from the start.
    look_ups = (True, True) if any(entry.statement.is_voiding for entry in entries) else (False, True, True)
    if look_ups[0] is False and len(entries) == 1 and connection.vendor == "postgresql":
        try:
            by_id = _store_single(entries[0])
        except IntegrityError:
            by_id, look_ups = None, (True, True)
        if by_id is not None:
            return [by_id[entry.statement.id] for entry in pending]
    for attempt, look_up in enumerate(look_ups):
        try:
            with transaction.atomic():
                by_id = _persist(entries, locate=locate, look_up=look_up, may_void=may_void)
            break
        except IntegrityError:
            # An id already stored, or stored by another request between our look-up and our insert.
            if attempt == len(look_ups) - 1:
                raise
    return [by_id[entry.statement.id] for entry in pending]


def _store_single(entry: _Pending) -> dict[uuid.UUID, Statement] | None:
    """One new, non-voiding statement in one SQL statement (xapi.single_insert), on PostgreSQL.

    Outside a transaction that statement is its own: no BEGIN, no COMMIT. Inside the caller's, a
    savepoint keeps the caller's transaction usable when the id turns out to be stored already
    (IntegrityError, raised). None when forwarding cannot take part, or its targets kept changing:
    the caller stores through the general path.
    """
    if connection.get_autocommit() and not connection.in_atomic_block:
        return _insert_single(entry)
    with transaction.atomic():
        return _insert_single(entry)


def _insert_single(entry: _Pending) -> dict[uuid.UUID, Statement] | None:
    statement = entry.statement
    for _attempt in range(3):
        part = forwarding_single_part(statement=statement)
        if part is None:
            return None
        if statement_insert_one(statement, entry.agents, entry.activities, part=part):
            break
        if part.stale is not None:
            part.stale()  # the targets changed since they were read: read them again
    else:
        return None
    statement_id = str(statement.id)
    transaction.on_commit(
        partial(
            statements_announce,
            statement_ids=[statement_id],
            voided_ids=[statement_id] if statement.voided else [],
            verb_ids=[statement.verb_id],
        )
    )
    if part.stored is not None:
        transaction.on_commit(part.stored)
    return {statement.id: statement}


def _prepare(
    data: dict,
    *,
    index: int,
    authority: dict,
    stored: datetime,
    authority_rows: list[tuple[str, str]] | None = None,
) -> _Pending:
    """Build the Statement and its index rows; ``authority_rows`` is ``authority_agents(authority)``,
    which a batch computes once (bench/national.py calls this without it)."""
    payload = normalize_for_storage(data)
    statement_id = uuid.UUID(data["id"]) if "id" in data else uuid.uuid4()
    timestamp = parse_timestamp(data["timestamp"], "timestamp") if "timestamp" in data else None
    stored_text = format_time(stored)
    payload["id"] = str(statement_id)
    if versions.is_v2():
        # xAPI 2.0: a timestamp with another offset is converted to UTC (not refused), and a
        # statement without a version is a 2.0.0 one.
        _timestamps_in_utc(payload)
        payload.setdefault("version", versions.V2)
    payload.setdefault("timestamp", stored_text)
    payload["stored"] = stored_text
    payload["authority"] = authority
    payload.setdefault("version", DEFAULT_VERSION)

    actor = payload["actor"]
    obj = payload["object"]
    is_voiding = payload["verb"]["id"] == VOIDED
    object_type = obj["objectType"]
    actor_key = agent_key(actor) if has_ifi(actor) else None
    # Positional, in the order of Statement's fields (test_store.test_columns checks them).
    statement = _statement_new(
        statement_id,  # id
        stored,
        timestamp or stored,  # timestamp
        actor_key or anonymous_group_key(str(statement_id)),  # actor_key
        payload["verb"]["id"],  # verb_id
        obj["id"] if object_type == "Activity" else None,  # object_activity_id
        uuid.UUID(obj["id"]) if object_type == "StatementRef" else None,  # object_statement_id
        _registration(payload),
        False,  # voided
        is_voiding,
        authority,
        payload,
    )
    if authority_rows is None:
        authority_rows = authority_agents(authority)
    agents = statement_agents(payload, actor_key=actor_key, authority=authority_rows)
    return _Pending(index, statement, agents, statement_activities(payload))


# Statement's columns in field order: what Model.__init__ sets from positional values.
_STATEMENT_ATTNAMES = tuple(field.attname for field in Statement._meta.concrete_fields)


def _statement_new(*values) -> Statement:
    """Statement(*values) without Model.__init__, which walks the fields one setattr at a time and
    sends pre_init and post_init (nothing listens for a Statement's): a fifth of ``_prepare``.
    The instance is the one the constructor makes: the same attributes, a fresh ModelState."""
    statement = _object_new(Statement)
    attributes = statement.__dict__
    attributes["_state"] = ModelState()
    attributes.update(zip(_STATEMENT_ATTNAMES, values, strict=True))
    return statement


_object_new = object.__new__


_UTC_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z$")


def _timestamps_in_utc(payload: dict) -> None:
    """Rewrite a timestamp (the statement's, its SubStatement's) not already written in UTC with "Z".

    ``payload`` is the copy ``normalize_for_storage`` made (its object too); a timestamp in UTC
    already is kept as sent.
    """
    stamp = payload.get("timestamp")
    if stamp is not None and not _UTC_TIMESTAMP.match(stamp):
        payload["timestamp"] = format_time(parse_timestamp(stamp, "timestamp"))
    obj = payload["object"]
    stamp = obj.get("timestamp") if obj.get("objectType") == "SubStatement" else None
    if stamp is not None and not _UTC_TIMESTAMP.match(stamp):
        obj["timestamp"] = format_time(parse_timestamp(stamp, "object.timestamp"))


_AGENT_KEY_WIDTH = StatementAgent._meta.get_field("agent_key").max_length
_ACTIVITY_ID_WIDTH = StatementActivity._meta.get_field("activity_id").max_length
_VERB_ID_WIDTH = Statement._meta.get_field("verb_id").max_length


def _check_index_widths(entry: _Pending) -> None:
    """Identifiers longer than their indexed column: a 400 here rather than a database error (500).

    SQLite ignores the widths; PostgreSQL refuses the whole insert.
    """
    if len(entry.statement.verb_id) > _VERB_ID_WIDTH:
        message = _("L'identifiant du verbe dépasse %(n)s caractères.") % {"n": _VERB_ID_WIDTH}
        raise StatementValidationError("verb.id", "too_long", message)
    if len(entry.statement.actor_key) > _AGENT_KEY_WIDTH or any(
        len(key) > _AGENT_KEY_WIDTH for key, _relation in entry.agents
    ):
        message = _("Un identifiant d'agent (mbox, openid ou compte) dépasse %(n)s caractères.") % {
            "n": _AGENT_KEY_WIDTH
        }
        raise StatementValidationError("", "too_long", message)
    if any(len(activity_id) > _ACTIVITY_ID_WIDTH for activity_id, _relation in entry.activities):
        message = _("Un identifiant d'activité dépasse %(n)s caractères.") % {"n": _ACTIVITY_ID_WIDTH}
        raise StatementValidationError("", "too_long", message)


def _same_content(first: Statement, second: Statement) -> bool:
    """Whether two statements with one id are the same statement (xAPI-Data 2.3.1 comparison).

    Computed from the stored payloads when an id comes again, which is rare: hashing every
    statement as it arrives would cost more than all these comparisons.
    """
    return _comparison_hash(first.payload) == _comparison_hash(second.payload)


def _comparison_hash(payload: dict) -> str:
    # A timestamp the LRS assigned is the stored time itself: it is not part of the comparison.
    stamp = payload.get("timestamp")
    sent = stamp is not None and stamp != payload.get("stored")
    return content_hash(payload, timestamp=parse_timestamp(stamp, "timestamp") if sent else None)


def _registration(payload: dict) -> uuid.UUID | None:
    registration = payload.get("context", {}).get("registration")
    return uuid.UUID(registration) if registration else None


def _lookup(ids: set[uuid.UUID], voidable_ids: list[uuid.UUID]) -> list[Statement]:
    """Stored statements with one of ``ids``, and stored voiding statements that target ``voidable_ids``."""
    found: list[Statement] = []
    ids_list = list(ids)
    if connection.vendor == "postgresql":
        # Two array parameters instead of an IN list per id: a short query text, which psycopg
        # parses once and caches, where hundreds of placeholders are parsed again on every batch.
        table = connection.ops.quote_name(Statement._meta.db_table)
        sql = (
            f"SELECT * FROM {table} WHERE id = ANY(%s::uuid[])"  # noqa: S608
            " OR (is_voiding AND object_statement_id IS NOT NULL AND object_statement_id = ANY(%s::uuid[]))"
        )
        return list(Statement.objects.raw(sql, [ids_list, voidable_ids]))
    for start in range(0, max(len(ids_list), len(voidable_ids)), _LOOKUP_CHUNK):
        chunk = ids_list[start : start + _LOOKUP_CHUNK]
        voidable = voidable_ids[start : start + _LOOKUP_CHUNK]
        condition = Q(id__in=chunk) | Q(is_voiding=True, object_statement_id__in=voidable)
        found.extend(Statement.objects.filter(condition))
    return found


def _voided_by_stored(ids: list[uuid.UUID]) -> set[uuid.UUID]:
    """Those of ``ids`` that a stored voiding statement targets (it may arrive before its target)."""
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(Statement._meta.db_table)
        sql = (
            f"SELECT object_statement_id FROM {table} WHERE is_voiding"  # noqa: S608
            " AND object_statement_id IS NOT NULL AND object_statement_id = ANY(%s::uuid[])"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [ids])
            return {row[0] for row in cursor.fetchall()}
    found: set[uuid.UUID] = set()
    for start in range(0, len(ids), _LOOKUP_CHUNK):
        chunk = ids[start : start + _LOOKUP_CHUNK]
        found.update(
            Statement.objects.filter(is_voiding=True, object_statement_id__in=chunk).values_list(
                "object_statement_id", flat=True
            )
        )
    return found


def _persist(
    entries: list[_Pending], *, locate, look_up: bool = True, may_void: VoidGuard | None = None
) -> dict[uuid.UUID, Statement]:
    """Insert what is new; with ``look_up`` False the caller vouches that no entry is voiding, and a
    stored id makes the insert fail (IntegrityError) instead of being compared."""
    incoming = {entry.statement.id: entry for entry in entries}
    existing: dict[uuid.UUID, Statement] = {}
    if look_up:
        targets = {entry.statement.object_statement_id for entry in entries if entry.statement.is_voiding}
        voidable = [entry.statement.id for entry in entries if not entry.statement.is_voiding]
        voided_by_stored: set[uuid.UUID] = set()
        for row in _lookup(set(incoming) | targets, voidable):
            if row.id in incoming or row.id in targets:
                existing[row.id] = row
            if row.is_voiding and row.object_statement_id in incoming:
                voided_by_stored.add(row.object_statement_id)
    else:
        voided_by_stored = _voided_by_stored(list(incoming))

    result: dict[uuid.UUID, Statement] = {}
    new: list[_Pending] = []
    for entry in entries:
        found = existing.get(entry.statement.id)
        if found is None:
            new.append(entry)
        elif _same_content(found, entry.statement):
            result[found.id] = found
        else:
            raise StatementConflict(
                str(found.id),
                _("Une autre déclaration est déjà enregistrée avec l’identifiant %(id)s.") % {"id": found.id},
            )

    new_by_id = {entry.statement.id: entry for entry in new}
    to_void: list[uuid.UUID] = []
    for entry in new:
        if not entry.statement.is_voiding:
            # |=: a voiding statement earlier in this batch may already have marked it.
            entry.statement.voided |= entry.statement.id in voided_by_stored
            continue
        target_id = entry.statement.object_statement_id
        target = existing.get(target_id) or (new_by_id[target_id].statement if target_id in new_by_id else None)
        if target is None:
            continue  # xAPI-Data 2.3.2: not a reason to refuse; it is voided if it ever arrives.
        if target.is_voiding:
            raise locate(
                StatementValidationError(
                    "object.id",
                    "voiding_voiding_statement",
                    _("Une déclaration d’annulation ne peut pas être annulée."),
                ),
                entry.index,
            )
        if may_void is not None and not may_void(target.authority):
            raise locate(
                StatementForbidden(
                    "object.id",
                    "voiding_not_allowed",
                    _(
                        "Cette déclaration a été enregistrée par un autre système : seul celui-ci, ou un client "
                        "auquel l’académie fait confiance pour tout acteur, peut l’annuler."
                    ),
                ),
                entry.index,
            )
        if target_id in new_by_id:
            target.voided = True
        elif not target.voided:
            to_void.append(target_id)

    statements = [entry.statement for entry in new]
    _rows_insert(new)
    if to_void:
        Statement.objects.filter(id__in=to_void, voided=False).update(voided=True)
        for target_id in to_void:
            existing[target_id].voided = True

    result.update({statement.id: statement for statement in statements})
    statement_ids = [str(statement.id) for statement in statements]
    voided_ids = [str(target_id) for target_id in to_void]
    voided_ids += [str(statement.id) for statement in statements if statement.voided]
    if statement_ids or voided_ids:
        verb_ids = [statement.verb_id for statement in statements]
        transaction.on_commit(
            partial(statements_announce, statement_ids=statement_ids, voided_ids=voided_ids, verb_ids=verb_ids)
        )
    # Outbox rows for external LRSs, in this transaction (a no-op without xapi.forwarding).
    forwarding_enqueue(statements=statements)
    return result


def _rows_insert(new: list[_Pending]) -> None:
    statements_insert([entry.statement for entry in new])
    agent_rows_insert(
        [(entry.statement.id, entry.statement.stored, key, relation) for entry in new for key, relation in entry.agents]
    )
    activity_rows_insert(
        [
            (entry.statement.id, entry.statement.stored, activity_id, relation)
            for entry in new
            for activity_id, relation in entry.activities
        ]
    )
