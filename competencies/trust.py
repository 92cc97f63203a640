"""Which statements count as learning evidence: the trust the académie puts in the writer.

Every stored statement carries the authority the store stamped from the credentials that wrote it
(`xapi.trust`). A statement gives evidence (and a completed module) only when that authority is

- Relais itself (its own courses, quizzes, sessions: `xapi.services.default_authority`) or the Pix
  import (`PIX_AUTHORITY_NAME`);
- an LRS client whose policy is ANY (a system the académie trusts: M@gistère, a peer Relais…), or
  BOUND when the statement's actor is the client's bound actor;
- a pull source whose policy is ANY.

Anything else gives nothing: a client or source whose policy is NONE (every new one), a deleted
one, an authority the store did not stamp, a Group authority (the store never stamps one from
credentials; a two-member OAuth group names no single trusted writer). Such statements are still
stored, served and forwarded. `evidence_sql.py` writes the same rule in SQL (`trust_join`,
`trust_condition`); `tests/competencies/test_evidence_sql.py` holds the two equal.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings

from xapi.identity import agent_key
from xapi.models import Client
from xapi.trust import clients_home, sources_home

RELAIS_AUTHORITY_NAME = "relais"  # xapi.services.default_authority
PIX_AUTHORITY_NAME = "import-pix"
OWN_AUTHORITY_NAMES = (RELAIS_AUTHORITY_NAME, PIX_AUTHORITY_NAME)


def pix_authority() -> dict:
    """The authority of the certified results the Pix import stores."""
    return {
        "objectType": "Agent",
        "name": "Import Pix",
        "account": {"homePage": settings.RELAIS_BASE_URL, "name": PIX_AUTHORITY_NAME},
    }


def sources_installed() -> bool:
    return apps.is_installed("xapi.forwarding")


def authority_account(authority) -> tuple[str, str] | None:
    """(homePage without a trailing slash, name) of an authority's account, or None."""
    account = authority.get("account") if isinstance(authority, dict) else None
    if not isinstance(account, dict):
        return None
    home, name = account.get("homePage"), account.get("name")
    if not isinstance(home, str) or not isinstance(name, str):
        return None
    return home.rstrip("/"), name


@dataclass
class Trust:
    """The trusted writers: client key → (policy, bound actor key), trusted source names."""

    clients: dict[str, tuple[str, str]] = field(default_factory=dict)
    sources: set[str] = field(default_factory=set)

    @classmethod
    def load(cls, payloads: Iterable[dict] | None = None) -> Trust:
        """The trusted writers among the authorities of `payloads` (every one when None)."""
        clients = Client.objects.exclude(evidence=Client.Evidence.NONE)
        source_names = None
        if payloads is not None:
            accounts = {authority_account(p.get("authority")) for p in payloads} - {None}
            clients = clients.filter(key__in={name for home, name in accounts if home == clients_home()})
            source_names = {name for home, name in accounts if home == sources_home()}
        trust = cls(
            clients={key: (ev, bound) for key, ev, bound in clients.values_list("key", "evidence", "bound_actor_key")}
        )
        if sources_installed() and source_names != set():
            from xapi.forwarding.models import PullSource

            sources = PullSource.objects.filter(evidence=Client.Evidence.ANY)
            if source_names is not None:
                sources = sources.filter(name__in=source_names)
            trust.sources = set(sources.values_list("name", flat=True))
        return trust

    def counts(self, payload: dict) -> bool:
        """Whether the statement's writer is trusted for the statement's actor."""
        account = authority_account(payload.get("authority"))
        if account is None:
            return False
        home, name = account
        if home == settings.RELAIS_BASE_URL.rstrip("/"):
            return name in OWN_AUTHORITY_NAMES
        if home == clients_home():
            policy, bound_key = self.clients.get(name, (Client.Evidence.NONE, ""))
            if policy == Client.Evidence.ANY:
                return True
            return policy == Client.Evidence.BOUND and bool(bound_key) and _actor_key(payload) == bound_key
        if home == sources_home():
            return name in self.sources
        return False


def _actor_key(payload: dict) -> str | None:
    """The statement's `actor_key` column, as the store computed it (None for an anonymous group)."""
    try:
        return agent_key(payload.get("actor") or {})
    except ValueError:
        return None
