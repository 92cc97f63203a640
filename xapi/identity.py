"""Canonical keys for agents and groups, used by index columns and by other apps."""

from __future__ import annotations

IFI_PROPERTIES = ("mbox", "mbox_sha1sum", "openid", "account")


def normalize_mbox(mbox: str) -> str:
    """``mailto:Local@Domain.ORG`` -> ``mailto:Local@domain.org``: only the domain is case-insensitive."""
    scheme, _, address = mbox.partition(":")
    local, at, domain = address.rpartition("@")
    if not at:
        return f"{scheme.lower()}:{address}"
    return f"{scheme.lower()}:{local}@{domain.lower()}"


def agent_key(agent: dict) -> str:
    """The canonical key of an Agent or identified Group's inverse functional identifier.

    ``mbox:mailto:x@y`` (domain lowercased), ``mbox_sha1sum:<hex, lowercase>``, ``openid:<uri>``,
    ``account:<homePage>|<name>``. The key does not carry the objectType: an Agent and an
    identified Group sharing an IFI (which the spec discourages) share a key.
    Raises ``ValueError`` for an anonymous Group: the spec says each one is distinct even with the
    same members, so it has no key of its own (see ``anonymous_group_key``).
    """
    if agent.get("mbox"):
        return "mbox:" + normalize_mbox(agent["mbox"])
    if agent.get("mbox_sha1sum"):
        return "mbox_sha1sum:" + agent["mbox_sha1sum"].lower()
    if agent.get("openid"):
        return "openid:" + agent["openid"]
    account = agent.get("account")
    if isinstance(account, dict) and "homePage" in account and "name" in account:
        return f"account:{account['homePage']}|{account['name']}"
    raise ValueError("agent has no inverse functional identifier")


def anonymous_group_key(statement_id: str) -> str:
    """The actor key of a statement whose actor is an anonymous Group.

    Unique to the statement (xAPI 2.4.2.2: anonymous Groups are all distinct) and never equal to an
    IFI key, so no agent filter matches it; the Group's members are indexed as related agents.
    """
    return f"anonymous-group:{statement_id}"


def has_ifi(agent: dict) -> bool:
    # Spelled out: the store calls this several times per statement, a generator costs more.
    get = agent.get
    return bool(get("mbox") or get("mbox_sha1sum") or get("openid") or get("account"))
