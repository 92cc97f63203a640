"""Forgetting an agent: what the LRS does when a person's data must be erased.

Statements whose actor is the person go, with their index rows and the outbox rows that would
still forward them. In every other statement that names the person (as object, group member,
instructor, team, authority, inside a SubStatement, or as an agent anywhere in it) the person is
replaced by a tombstone account, so that the records of the other people stay whole. Their
identifiers (pseudonym, address, its SHA-1, openid) are also replaced wherever else they appear as
text, keys included: extensions of the context, the result or an activity definition, attachments'
metadata, activity ids. Those statements are found through the agent index and through a text
search of the stored JSON (one query, in the database); their derived columns and index rows follow.
The content of the attachments the person's own statements carried goes too, unless a statement
that stays still references it (contents are stored once per SHA-256 and shared).
Each identifier is replaced by one of the same shape (a UUID by a UUID, an address by an address),
so the statement stays valid xAPI. Documents about the person go, and clients bound to them.

What was already forwarded to another LRS is out of reach: `agent_erase` records, per target, how
many statements naming the person were delivered there (an ErasureNotice, shown on the forwarding
status page), so that an administrator can ask that LRS's operator to erase them too.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import secrets
import uuid
from collections import Counter
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone

from .forwarding.models import ErasureNotice, ForwardTarget, OutboxEntry
from .identity import agent_key, anonymous_group_key, has_ifi
from .indexing import statement_activities, statement_agents
from .models import Attachment, Client, Document, Statement, StatementActivity, StatementAgent

logger = logging.getLogger(__name__)
CHUNK = 500


@dataclass
class ErasureReport:
    deleted: int = 0
    rewritten: int = 0
    documents: int = 0
    attachments: int = 0
    # Forwarding target name → statements naming the person already delivered there.
    forwarded: Counter = field(default_factory=Counter)


def tombstone_for(home_page: str) -> dict:
    """A fresh account standing for an erased person: random per erasure, linked to nothing."""
    return {"homePage": home_page, "name": secrets.token_hex(16)}


_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.IGNORECASE)
_HEX = re.compile(r"^[0-9a-f]+$", re.IGNORECASE)


def identifiers(keys: set[str], strings: list[str]) -> list[str]:
    """The texts that identify the person: the given strings and the values inside their agent keys."""
    found = {text for text in strings if text}
    for key in keys:
        kind, _, value = key.partition(":")
        if kind == "account":
            found.add(value.partition("|")[2])
        elif kind == "mbox":
            found.add(value.partition(":")[2] or value)
        elif kind in ("mbox_sha1sum", "openid"):
            found.add(value)
    # Longest first, so that an address is replaced before a pseudonym it may contain.
    return sorted((text for text in found if len(text) >= 8), key=len, reverse=True)


def _stand_in(text: str, tomb: str) -> str:
    """What replaces `text`: a value of the same shape, so that a UUID, an address or a SHA-1 stays one."""
    if _UUID.match(text):
        return str(uuid.UUID(hex=hashlib.sha256(tomb.encode()).hexdigest()[:32]))
    if _HEX.match(text):
        return hashlib.sha256(tomb.encode()).hexdigest()[: len(text)]
    if "@" in text:
        return f"{tomb}@erased.invalid"
    if ":" in text:
        return f"urn:erased:{tomb}"
    return tomb


class _Scrubber:
    def __init__(self, keys: set[str], strings: list[str], account: dict):
        self.keys = keys
        self.account = account
        texts = identifiers(keys, strings)
        self.stand_ins = {text.lower(): _stand_in(text, account["name"]) for text in texts}
        self.pattern = re.compile("|".join(re.escape(text) for text in texts), re.IGNORECASE) if texts else None

    def _matches(self, node: dict) -> bool:
        if not has_ifi(node):
            return False
        try:
            return agent_key(node) in self.keys
        except ValueError:
            return False

    def _text(self, text: str) -> str:
        if self.pattern is None:
            return text
        return self.pattern.sub(lambda match: self.stand_ins[match.group(0).lower()], text)

    def scrub(self, node):
        if isinstance(node, dict):
            # Keys too: an extension's IRI may carry the pseudonym.
            cleaned = {self._text(key): self.scrub(value) for key, value in node.items()}
            if self._matches(node):
                # Only the identifier and the kind stay: the name and any other IFI go with the person.
                tomb = {"account": dict(self.account)}
                if "objectType" in node:
                    tomb = {"objectType": node["objectType"], **tomb}
                if "member" in cleaned:
                    tomb["member"] = cleaned["member"]
                return tomb
            return cleaned
        if isinstance(node, list):
            return [self.scrub(item) for item in node]
        if isinstance(node, str):
            return self._text(node)
        return node


def _like(text: str) -> str:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _text_candidates(texts: list[str]):
    """Ids of the statements whose stored JSON holds one of `texts` anywhere (case-insensitive).

    One query, in the database. PostgreSQL: `lower(payload::text || authority::text) LIKE ANY (...)`,
    the row cast to text once (Django's chain of `icontains` casts it once per text and per column:
    twice as slow, measured on 200,000 rows). SQLite, where the JSON is stored with non-ASCII
    characters escaped: the escaped form is searched too.
    """
    if not texts:
        return set()
    statements = Statement.objects.all()
    if connection.vendor == "postgresql":
        patterns = sorted({_like(text) for text in texts})
        table = Statement._meta.db_table
        # The texts go as a parameter; only the table's own name is in the SQL.
        found = statements.filter(
            RawSQL(  # noqa: S611
                f'lower("{table}"."payload"::text || "{table}"."authority"::text) LIKE ANY (%s)',
                (patterns,),
                output_field=BooleanField(),
            )
        )
    else:
        condition = Q()
        for text in texts:
            for form in {text, json.dumps(text)[1:-1]}:
                condition |= Q(payload__icontains=form) | Q(authority__icontains=form)
        found = statements.filter(condition)
    return set(found.values_list("id", flat=True))


def statements_naming(*, keys: set[str], strings: list[str]) -> set:
    """Ids of the statements that name the agent known by `keys` / `strings` anywhere (index or text),
    their own included: what an export of their data shows and what `agent_erase` goes through."""
    named = set(StatementAgent.objects.filter(agent_key__in=keys).values_list("statement_id", flat=True))
    return named | _text_candidates(identifiers(set(keys), strings))


def _reindex(statement: Statement) -> None:
    """The derived columns and the index rows of a statement whose payload was rewritten."""
    payload = statement.payload
    actor, obj = payload["actor"], payload["object"]
    statement.actor_key = agent_key(actor) if has_ifi(actor) else anonymous_group_key(str(statement.id))
    statement.verb_id = payload["verb"]["id"]
    statement.object_activity_id = obj["id"] if obj.get("objectType") == "Activity" else None
    registration = (payload.get("context") or {}).get("registration")
    statement.registration = uuid.UUID(registration) if registration else None
    statement.save(update_fields=["payload", "authority", "actor_key", "verb_id", "object_activity_id", "registration"])
    StatementAgent.objects.filter(statement_id=statement.id).delete()
    StatementAgent.objects.bulk_create(
        StatementAgent(statement_id=statement.id, stored=statement.stored, agent_key=key, relation=relation)
        for key, relation in statement_agents(payload)
    )
    StatementActivity.objects.filter(statement_id=statement.id).delete()
    StatementActivity.objects.bulk_create(
        StatementActivity(statement_id=statement.id, stored=statement.stored, activity_id=activity, relation=relation)
        for activity, relation in statement_activities(payload)
    )


def _attachment_hashes(statements) -> set[str]:
    """The SHA-256 of every attachment these statements (and their SubStatements) declare."""
    found = set()
    for payload in statements.values_list("payload", flat=True).iterator(chunk_size=CHUNK):
        for node in (payload, payload.get("object") or {}):
            for attachment in node.get("attachments") or ():
                if isinstance(attachment, dict) and isinstance(attachment.get("sha2"), str):
                    found.add(attachment["sha2"].lower())
    return found


def _attachments_orphaned_delete(hashes: set[str]) -> int:
    """Delete the contents of `hashes` that no remaining statement declares; how many went.

    The remaining statements that mention one of the hashes are found by one text search in the
    database, then read: a hash kept by another person's statement keeps its content.
    """
    if not hashes:
        return 0
    mentioning = Statement.objects.filter(id__in=_text_candidates(sorted(hashes)), payload__has_key="attachments")
    orphaned = hashes - _attachment_hashes(mentioning)
    return Attachment.objects.filter(sha2__in=sorted(orphaned)).delete()[0]


@transaction.atomic
def agent_erase(*, keys: set[str], strings: list[str], tombstone: dict) -> ErasureReport:
    """Erase the agent known by `keys` (agent keys) from the store.

    `strings` are identifiers that must not survive anywhere in a statement (an e-mail address,
    a pseudonym); `tombstone` is the account that replaces the agent (see `tombstone_for`).
    """
    report = ErasureReport()
    scrubber = _Scrubber(set(keys), strings, tombstone)
    own = set(Statement.objects.filter(actor_key__in=keys).values_list("id", flat=True))
    # The person may also be in what the agent index does not cover: extensions, attachments' metadata...
    named = statements_naming(keys=set(keys), strings=strings) - own
    rewritten = set()
    for statement in Statement.objects.filter(id__in=named).iterator(chunk_size=CHUNK):
        payload, authority = scrubber.scrub(statement.payload), scrubber.scrub(statement.authority)
        if payload == statement.payload and authority == statement.authority:
            continue  # the text search matched a lookalike (another case of a longer word)
        statement.payload, statement.authority = payload, authority
        _reindex(statement)
        rewritten.add(statement.id)
    report.rewritten = len(rewritten)
    delivered = Counter(
        OutboxEntry.objects.filter(statement_id__in=own | rewritten, status=OutboxEntry.Status.DELIVERED).values_list(
            "target_id", flat=True
        )
    )
    now = timezone.now()
    for target in ForwardTarget.objects.filter(pk__in=delivered):
        report.forwarded[target.name] = delivered[target.pk]
        ErasureNotice.objects.create(target=target, statements=delivered[target.pk], erased_at=now)
    # Deleted statements must not reach a target later, nor stay as dead letters pointing at nothing.
    OutboxEntry.objects.filter(statement_id__in=own).delete()
    carried = _attachment_hashes(Statement.objects.filter(id__in=own, payload__has_key="attachments"))
    ids = sorted(own)
    for start in range(0, len(ids), CHUNK):
        report.deleted += (
            Statement.objects.filter(id__in=ids[start : start + CHUNK]).delete()[1].get(Statement._meta.label, 0)
        )
    report.attachments = _attachments_orphaned_delete(carried)
    report.documents = Document.objects.filter(agent_key__in=keys).delete()[0]
    Client.objects.filter(bound_actor_key__in=keys).delete()
    if report.forwarded:
        # No personal data here: target names and counts, for the administrator to follow up.
        logger.warning(
            "erased an agent whose statements had been forwarded: %s",
            ", ".join(f"{name}: {n}" for name, n in sorted(report.forwarded.items())),
        )
    return report
