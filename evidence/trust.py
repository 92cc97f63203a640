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
stored, served and forwarded. A voiding statement is one like the others: it withdraws the
evidence of what it voids only when its writer is trusted for that statement's actor
(`voided_by_trusted`). `evidence/sql.py` writes the same rules in SQL (`trust_sql`,
`_not_voided_by_trusted`); `tests/evidence/test_evidence_sql.py` holds the two equal.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from xapi.identity import agent_key
from xapi.models import Client, Statement
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
            # Optional app (`sources_installed`): by name, its module may not be importable.
            sources = apps.get_model("xapi_forwarding", "PullSource").objects.filter(evidence=Client.Evidence.ANY)
            if source_names is not None:
                sources = sources.filter(name__in=source_names)
            trust.sources = set(sources.values_list("name", flat=True))
        return trust

    def counts(self, payload: dict) -> bool:
        """Whether the statement's writer is trusted for the statement's actor."""
        return self.trusts(payload.get("authority"), lambda: _actor_key(payload))

    def trusts(self, authority, actor_key) -> bool:
        """Whether `authority` is trusted for the actor whose key `actor_key()` gives."""
        account = authority_account(authority)
        if account is None:
            return False
        home, name = account
        if home == settings.RELAIS_BASE_URL.rstrip("/"):
            return name in OWN_AUTHORITY_NAMES
        if home == clients_home():
            policy, bound_key = self.clients.get(name, (Client.Evidence.NONE, ""))
            if policy == Client.Evidence.ANY:
                return True
            return policy == Client.Evidence.BOUND and bool(bound_key) and actor_key() == bound_key
        if home == sources_home():
            return name in self.sources
        return False


def voided_by_trusted(targets: dict) -> set[str]:
    """Those of `targets` ({statement id: its actor_key}) that a writer trusted for them voided.

    Voiding is a statement like any other: one from a writer not trusted for the voided
    statement's actor does not withdraw its evidence (the LRS still hides the voided statement).
    """
    voids = []
    ids = list(targets)
    for start in range(0, len(ids), 500):
        voids += Statement.objects.filter(
            is_voiding=True, object_statement_id__in=ids[start : start + 500]
        ).values_list("object_statement_id", "authority")
    trust = Trust.load({"authority": authority} for _, authority in voids)
    keys = {str(k): v for k, v in targets.items()}
    return {str(target) for target, authority in voids if trust.trusts(authority, lambda t=target: keys[str(t)])}


def _actor_key(payload: dict) -> str | None:
    """The statement's `actor_key` column, as the store computed it (None for an anonymous group)."""
    try:
        return agent_key(payload.get("actor") or {})
    except ValueError:
        return None


# --- naming the source of a piece of evidence ("Mes compétences") ------------------------------------

_ADL = "http://adlnet.gov/expapi/activities/"
_ACTIVITY_KINDS = {
    _ADL + "assessment": gettext_lazy("quiz"),
    _ADL + "module": gettext_lazy("module"),
    _ADL + "meeting": gettext_lazy("session"),
    _ADL + "course": gettext_lazy("parcours"),
}


def _name(names) -> str:
    """An activity's name in the current language when it has one, else in its first."""
    if not isinstance(names, dict) or not names:
        return ""
    language = get_language() or ""
    for tag, text in names.items():
        if str(tag).lower().startswith(language[:2].lower()):
            return str(text)
    return str(next(iter(names.values())))


def evidence_sources(statement_ids: Iterable) -> dict:
    """{statement id: a sentence naming who gave that evidence}: Relais and its module, quiz or
    session, the Pix import, or the trusted system (client or pull source) by its name."""
    rows = list(
        Statement.objects.filter(pk__in=list(statement_ids)).values_list(
            "pk", "authority", "payload__object__definition__name", "payload__object__definition__type"
        )
    )
    accounts = {pk: authority_account(authority) for pk, authority, _n, _t in rows}
    client_names = dict(
        Client.objects.filter(key__in={a[1] for a in accounts.values() if a and a[0] == clients_home()}).values_list(
            "key", "name"
        )
    )
    home = settings.RELAIS_BASE_URL.rstrip("/")
    sources = {}
    for pk, _authority, names, kind in rows:
        account = accounts[pk]
        if account == (home, PIX_AUTHORITY_NAME):
            sources[pk] = _("Import de vos résultats Pix")
        elif account == (home, RELAIS_AUTHORITY_NAME):
            what = _ACTIVITY_KINDS.get(kind, _("étape"))
            name = _name(names)
            sources[pk] = (
                _("Relais : %(what)s « %(name)s »") % {"what": what, "name": name}
                if name
                else _("Relais : %(what)s") % {"what": what}
            )
        elif account and account[0] == clients_home() and account[1] in client_names:
            sources[pk] = _("%(name)s (système reconnu par l'académie)") % {"name": client_names[account[1]]}
        elif account and account[0] == sources_home():
            sources[pk] = _("Import depuis %(name)s (système reconnu par l'académie)") % {"name": account[1]}
        else:
            sources[pk] = _("source inconnue")
    return sources
