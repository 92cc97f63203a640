"""Actors: Agents, identified and anonymous Groups, and the authority."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from .fields import (
    already_valid,
    check_properties,
    expect_list,
    expect_object,
    expect_string,
    fail,
    known_valid_object,
    valid_object_key,
    validate_iri,
    validate_irl,
    validate_mailto,
    validate_sha1,
)

IFIS = ("mbox", "mbox_sha1sum", "openid", "account")
AGENT_PROPERTIES = ("objectType", "name", *IFIS)
GROUP_PROPERTIES = ("objectType", "name", "member", *IFIS)


def _validate_ifis(obj: dict, path: str) -> int:
    """Validate the IFIs present and return how many there are."""
    present = [key for key in IFIS if key in obj]
    if "mbox" in obj:
        validate_mailto(obj["mbox"], (path, "mbox"))
    if "mbox_sha1sum" in obj:
        validate_sha1(obj["mbox_sha1sum"], (path, "mbox_sha1sum"))
    if "openid" in obj:
        # The spec calls openid a URI; an IRI check accepts every URI.
        validate_iri(obj["openid"], (path, "openid"))
    if "account" in obj:
        account_path = (path, "account")
        account = expect_object(obj["account"], account_path)
        check_properties(
            account, account_path, allowed=("homePage", "name"), required=("homePage", "name"), name="account"
        )
        validate_irl(account["homePage"], (account_path, "homePage"))
        expect_string(account["name"], (account_path, "name"))
    if len(present) > 1:
        fail(
            (path, present[1]),
            "multiple_ifi",
            _("Un agent ou groupe porte un seul identifiant (mbox, mbox_sha1sum, openid ou account) ; ici : %(ifis)s.")
            % {"ifis": ", ".join(present)},
        )
    return len(present)


def validate_agent(value: Any, path: str) -> dict:
    """An Agent: objectType "Agent" or absent, exactly one IFI."""
    agent = expect_object(value, path)
    check_properties(agent, path, allowed=AGENT_PROPERTIES, name="Agent")
    if "objectType" in agent and agent["objectType"] != "Agent":
        fail((path, "objectType"), "object_type", _("La valeur doit être « Agent »."))
    if "name" in agent:
        expect_string(agent["name"], (path, "name"))
    if _validate_ifis(agent, path) == 0:
        fail(
            path,
            "missing_ifi",
            _("Un agent doit porter exactement un identifiant : mbox, mbox_sha1sum, openid ou account."),
        )
    return agent


def validate_group(value: Any, path: str) -> dict:
    """A Group: identified (one IFI, members optional) or anonymous (no IFI, members required)."""
    group = expect_object(value, path)
    check_properties(group, path, allowed=GROUP_PROPERTIES, required=("objectType",), name="Group")
    if group["objectType"] != "Group":
        fail((path, "objectType"), "object_type", _("La valeur doit être « Group »."))
    if "name" in group:
        expect_string(group["name"], (path, "name"))
    identified = _validate_ifis(group, path) == 1
    if "member" in group:
        members_path = (path, "member")
        members = expect_list(group["member"], members_path, non_empty=not identified)
        for index, member in enumerate(members):
            member_path = (members_path, index)
            if isinstance(member, dict) and member.get("objectType") == "Group":
                fail(
                    (member_path, "objectType"),
                    "group_member",
                    _("Les membres d’un groupe sont des agents, pas des groupes."),
                )
            validate_agent(member, member_path)
    elif not identified:
        fail(
            (path, "member"),
            "anonymous_group_members",
            _("Un groupe anonyme doit énumérer ses membres (« member »)."),
        )
    return group


def validate_actor(value: Any, path: str) -> dict:
    """An Agent or a Group, told apart by objectType."""
    key = valid_object_key("actor", value)
    if already_valid(key):
        return value
    actor = expect_object(value, path)
    object_type = actor.get("objectType", "Agent")
    if object_type == "Group":
        validate_group(actor, path)
        known_valid_object(key)
        return actor
    if object_type == "Agent":
        validate_agent(actor, path)
        known_valid_object(key)
        return actor
    expect_string(object_type, (path, "objectType"))
    fail((path, "objectType"), "object_type", _("La valeur doit être « Agent » ou « Group »."))


def validate_authority(value: Any, path: str) -> dict:
    """An Agent, or for three-legged OAuth an anonymous Group of exactly two Agents."""
    authority = validate_actor(value, path)
    is_group = authority.get("objectType") == "Group"
    if is_group and (any(key in authority for key in IFIS) or len(authority.get("member", [])) != 2):
        fail(
            path,
            "authority_group",
            _("Une autorité de type groupe doit être un groupe anonyme de deux agents exactement."),
        )
    return authority
