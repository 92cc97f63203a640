"""Statement queries as the LRS answers GET /statements: filters, StatementRef targets, keyset pages."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet

from xapi.models import Relation, Statement, StatementActivity, StatementAgent

# How many StatementRef hops a filter follows (xAPI-Communication 2.1.3 "Filter Conditions for
# StatementRefs"): a reference to a reference to a matching statement still matches. Chains longer
# than this are not met in practice, and each hop is one more correlated EXISTS.
REF_DEPTH = 3


@dataclass(frozen=True)
class StatementQuery:
    """The filters of a statement query; ``None`` means "not filtered on"."""

    agent_key: str | None = None
    related_agents: bool = False
    verb_id: str | None = None
    activity_id: str | None = None
    related_activities: bool = False
    registration: uuid.UUID | None = None
    since: datetime | None = None
    until: datetime | None = None
    ascending: bool = False
    # Access limits (statements/read/mine), not client filters: they apply to the listed statement itself.
    actor_key: str | None = None
    authority_account: tuple[str, str] | None = None

    @property
    def has_target_filters(self) -> bool:
        return any(value is not None for value in (self.agent_key, self.verb_id, self.activity_id, self.registration))


@dataclass(frozen=True)
class Position:
    """Where a page ended: the (stored, id) of its last statement."""

    stored: datetime
    id: uuid.UUID


def _target_conditions(query: StatementQuery) -> Q:
    """The conditions that apply to a statement or, through StatementRefs, to the statement it targets."""
    condition = Q()
    if query.verb_id is not None:
        condition &= Q(verb_id=query.verb_id)
    if query.registration is not None:
        condition &= Q(registration=query.registration)
    if query.agent_key is not None:
        rows = StatementAgent.objects.filter(statement_id=OuterRef("id"), agent_key=query.agent_key)
        if not query.related_agents:
            rows = rows.filter(relation=Relation.DIRECT)
        condition &= Q(Exists(rows))
    if query.activity_id is not None:
        rows = StatementActivity.objects.filter(statement_id=OuterRef("id"), activity_id=query.activity_id)
        if not query.related_activities:
            rows = rows.filter(relation=Relation.DIRECT)
        condition &= Q(Exists(rows))
    return condition


def _matching(query: StatementQuery) -> Q:
    """Matches the filters itself, or targets (StatementRef) a statement that does, voided or not."""
    own = _target_conditions(query)
    if not query.has_target_filters:
        return own
    condition = own
    for _depth in range(REF_DEPTH):
        targets = Statement.objects.filter(condition, id=OuterRef("object_statement_id"))
        condition = own | Q(object_statement_id__isnull=False) & Q(Exists(targets))
    return condition


def statements_query(
    *, query: StatementQuery, after: Position | None = None, upper_bound: datetime | None = None
) -> QuerySet[Statement]:
    """Statements matching ``query``, voided ones left out, in (stored, id) order.

    ``after`` is the end of the previous page (keyset paging: new statements never shift a page);
    ``upper_bound`` freezes the result set at the first page's consistent-through time.
    """
    statements = Statement.objects.filter(voided=False).filter(_matching(query))
    if query.since is not None:
        statements = statements.filter(stored__gt=query.since)
    if query.until is not None:
        statements = statements.filter(stored__lte=query.until)
    if upper_bound is not None:
        statements = statements.filter(stored__lte=upper_bound)
    if query.actor_key is not None:
        statements = statements.filter(actor_key=query.actor_key)
    if query.authority_account is not None:
        home_page, name = query.authority_account
        statements = statements.filter(authority__account__homePage=home_page, authority__account__name=name)
    if after is not None:
        if query.ascending:
            statements = statements.filter(Q(stored__gt=after.stored) | Q(stored=after.stored, id__gt=after.id))
        else:
            statements = statements.filter(Q(stored__lt=after.stored) | Q(stored=after.stored, id__lt=after.id))
    order = ("stored", "id") if query.ascending else ("-stored", "-id")
    return statements.order_by(*order)


def statements_page(
    *, query: StatementQuery, limit: int, after: Position | None = None, upper_bound: datetime | None = None
) -> tuple[list[Statement], Position | None]:
    """One page and, when more statements follow, the position to continue from."""
    rows = list(statements_query(query=query, after=after, upper_bound=upper_bound)[: limit + 1])
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    return rows, Position(stored=rows[-1].stored, id=rows[-1].id)
