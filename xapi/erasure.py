"""Forgetting an agent: what the LRS does when a person's data must be erased.

Statements whose actor is the person go, with their index rows and the outbox rows that would
still forward them. In every other statement that names the person (as object, group member,
instructor, team, authority, inside a SubStatement, or as an agent anywhere in it) the person is
replaced by a tombstone account, so that the records of the other people stay whole; the agent
index of those statements follows. Documents about the person go, and clients bound to them.

What was already forwarded to another LRS is out of reach: `agent_erase` records, per target, how
many statements naming the person were delivered there (an ErasureNotice, shown on the forwarding
status page), so that an administrator can ask that LRS's operator to erase them too.
"""

from __future__ import annotations

import logging
import secrets
from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from .forwarding.models import ErasureNotice, ForwardTarget, OutboxEntry
from .identity import agent_key, has_ifi
from .indexing import statement_agents
from .models import Client, Document, Statement, StatementAgent

logger = logging.getLogger(__name__)
CHUNK = 500


@dataclass
class ErasureReport:
    deleted: int = 0
    rewritten: int = 0
    documents: int = 0
    # Forwarding target name → statements naming the person already delivered there.
    forwarded: Counter = field(default_factory=Counter)


def tombstone_for(home_page: str) -> dict:
    """A fresh account standing for an erased person: random per erasure, linked to nothing."""
    return {"homePage": home_page, "name": secrets.token_hex(16)}


class _Scrubber:
    def __init__(self, keys: set[str], strings: list[str], account: dict):
        self.keys = keys
        self.strings = [s for s in strings if s]
        self.account = account

    def _matches(self, node: dict) -> bool:
        if not has_ifi(node):
            return False
        try:
            return agent_key(node) in self.keys
        except ValueError:
            return False

    def scrub(self, node):
        if isinstance(node, dict):
            cleaned = {key: self.scrub(value) for key, value in node.items()}
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
        if isinstance(node, str) and self.strings:
            for text in self.strings:
                if text in node:
                    node = node.replace(text, self.account["name"])
        return node


@transaction.atomic
def agent_erase(*, keys: set[str], strings: list[str], tombstone: dict) -> ErasureReport:
    """Erase the agent known by `keys` (agent keys) from the store.

    `strings` are identifiers that must not survive anywhere in a statement (an e-mail address,
    a pseudonym); `tombstone` is the account that replaces the agent (see `tombstone_for`).
    """
    report = ErasureReport()
    scrubber = _Scrubber(set(keys), strings, tombstone)
    own = set(Statement.objects.filter(actor_key__in=keys).values_list("id", flat=True))
    named = set(StatementAgent.objects.filter(agent_key__in=keys).values_list("statement_id", flat=True)) - own
    delivered = Counter(
        OutboxEntry.objects.filter(statement_id__in=own | named, status=OutboxEntry.Status.DELIVERED).values_list(
            "target_id", flat=True
        )
    )
    now = timezone.now()
    for target in ForwardTarget.objects.filter(pk__in=delivered):
        report.forwarded[target.name] = delivered[target.pk]
        ErasureNotice.objects.create(target=target, statements=delivered[target.pk], erased_at=now)
    # Deleted statements must not reach a target later, nor stay as dead letters pointing at nothing.
    OutboxEntry.objects.filter(statement_id__in=own).delete()
    ids = sorted(own)
    for start in range(0, len(ids), CHUNK):
        report.deleted += (
            Statement.objects.filter(id__in=ids[start : start + CHUNK]).delete()[1].get(Statement._meta.label, 0)
        )
    for statement in Statement.objects.filter(id__in=named).iterator(chunk_size=CHUNK):
        statement.payload = scrubber.scrub(statement.payload)
        statement.authority = scrubber.scrub(statement.authority)
        statement.save(update_fields=["payload", "authority"])
        StatementAgent.objects.filter(statement_id=statement.id).delete()
        StatementAgent.objects.bulk_create(
            StatementAgent(statement_id=statement.id, stored=statement.stored, agent_key=key, relation=relation)
            for key, relation in statement_agents(statement.payload)
        )
        report.rewritten += 1
    report.documents = Document.objects.filter(agent_key__in=keys).delete()[0]
    Client.objects.filter(bound_actor_key__in=keys).delete()
    if report.forwarded:
        # No personal data here: target names and counts, for the administrator to follow up.
        logger.warning(
            "erased an agent whose statements had been forwarded: %s",
            ", ".join(f"{name}: {n}" for name, n in sorted(report.forwarded.items())),
        )
    return report
