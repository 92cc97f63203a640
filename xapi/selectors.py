"""Reads from the statement store."""

from __future__ import annotations

import uuid
from datetime import datetime

from django.db.models import QuerySet

from xapi.identity import agent_key
from xapi.models import Relation, Statement

__all__ = ["agent_key", "statement_get", "statements_for_actor", "statements_mentioning_agent"]


def statement_get(*, statement_id: str | uuid.UUID) -> Statement | None:
    """The statement with this id, voided or not; None when unknown or not a UUID."""
    try:
        key = statement_id if isinstance(statement_id, uuid.UUID) else uuid.UUID(str(statement_id))
    except ValueError:
        return None
    return Statement.objects.filter(id=key).first()


def statements_for_actor(
    *,
    actor_key: str,
    verb_id: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    include_voided: bool = False,
    related: bool = False,
) -> QuerySet[Statement]:
    """Statements whose actor has this key, newest stored first.

    ``related=True`` widens to every statement mentioning the agent (object, authority, instructor,
    team, group membership, SubStatement), as the LRS's ``related_agents`` does.
    """
    if related:
        statements = Statement.objects.filter(agent_index__agent_key=actor_key)
    else:
        statements = Statement.objects.filter(actor_key=actor_key)
    if verb_id is not None:
        statements = statements.filter(verb_id=verb_id)
    if since is not None:
        statements = statements.filter(stored__gt=since)
    if until is not None:
        statements = statements.filter(stored__lte=until)
    if not include_voided:
        statements = statements.filter(voided=False)
    return statements.order_by("-stored", "-id")


def statements_mentioning_agent(*, agent_key: str, related: bool = False) -> QuerySet[Statement]:
    """Statements whose actor or object is the agent (the LRS ``agent`` filter), or any mention when related."""
    # One filter() call so both conditions apply to the same index row.
    conditions = {"agent_index__agent_key": agent_key}
    if not related:
        conditions["agent_index__relation"] = Relation.DIRECT
    return Statement.objects.filter(**conditions).order_by("-stored", "-id")
