"""Statement queries as the LRS answers GET /statements: filters, StatementRef targets, keyset pages."""

from __future__ import annotations

import heapq
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


def _index_exists(model, *, key_field: str, key: str, related: bool, statement_ref) -> Exists:
    rows = model.objects.filter(statement_id=statement_ref, **{key_field: key})
    if not related:
        rows = rows.filter(relation=Relation.DIRECT)
    return Exists(rows)


def _target_conditions(query: StatementQuery, *, skip: str | None = None, statement_ref: str = "id") -> Q:
    """The conditions that apply to a statement or, through StatementRefs, to the statement it targets.

    ``skip`` ("agent" or "activity") leaves out the condition a caller already applies by driving the
    query from that index table, whose rows then name the statement by ``statement_ref``.
    """
    condition = Q()
    if query.verb_id is not None:
        condition &= Q(verb_id=query.verb_id)
    if query.registration is not None:
        condition &= Q(registration=query.registration)
    if query.agent_key is not None and skip != "agent":
        condition &= Q(
            _index_exists(
                StatementAgent,
                key_field="agent_key",
                key=query.agent_key,
                related=query.related_agents,
                statement_ref=OuterRef(statement_ref),
            )
        )
    if query.activity_id is not None and skip != "activity":
        condition &= Q(
            _index_exists(
                StatementActivity,
                key_field="activity_id",
                key=query.activity_id,
                related=query.related_activities,
                statement_ref=OuterRef(statement_ref),
            )
        )
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


def _referring(query: StatementQuery) -> Q:
    """A StatementRef whose target, or the target of its target (REF_DEPTH hops), matches the filters."""
    own = _target_conditions(query)
    condition = own
    for _depth in range(REF_DEPTH - 1):
        targets = Statement.objects.filter(condition, id=OuterRef("object_statement_id"))
        condition = own | Q(object_statement_id__isnull=False) & Q(Exists(targets))
    targets = Statement.objects.filter(condition, id=OuterRef("object_statement_id"))
    return Q(object_statement_id__isnull=False) & Q(Exists(targets))


def _listed(query: StatementQuery, *, prefix: str = "") -> Q:
    """What applies to the listed statement itself: not voided, the access limits."""
    condition = Q(**{f"{prefix}voided": False})
    if query.actor_key is not None:
        condition &= Q(**{f"{prefix}actor_key": query.actor_key})
    if query.authority_account is not None:
        home_page, name = query.authority_account
        condition &= Q(
            **{f"{prefix}authority__account__homePage": home_page, f"{prefix}authority__account__name": name}
        )
    return condition


def _window(query: StatementQuery, *, after: Position | None, upper_bound: datetime | None, stored: str, id_: str) -> Q:
    """The stored-time bounds and the keyset position, on the given (stored, id) columns."""
    condition = Q()
    if query.since is not None:
        condition &= Q(**{f"{stored}__gt": query.since})
    if query.until is not None:
        condition &= Q(**{f"{stored}__lte": query.until})
    if upper_bound is not None:
        condition &= Q(**{f"{stored}__lte": upper_bound})
    if after is not None:
        # The plain range on stored first: it is what bounds the index scan; the OR settles ties.
        if query.ascending:
            condition &= Q(**{f"{stored}__gte": after.stored}) & (
                Q(**{f"{stored}__gt": after.stored}) | Q(**{stored: after.stored, f"{id_}__gt": after.id})
            )
        else:
            condition &= Q(**{f"{stored}__lte": after.stored}) & (
                Q(**{f"{stored}__lt": after.stored}) | Q(**{stored: after.stored, f"{id_}__lt": after.id})
            )
    return condition


def statements_query(
    *, query: StatementQuery, after: Position | None = None, upper_bound: datetime | None = None
) -> QuerySet[Statement]:
    """Statements matching ``query``, voided ones left out, in (stored, id) order, as one query.

    ``after`` is the end of the previous page (keyset paging: new statements never shift a page);
    ``upper_bound`` freezes the result set at the first page's consistent-through time.
    ``statements_page`` answers the same question faster on large stores; this is the reference.
    """
    statements = Statement.objects.filter(_listed(query)).filter(_matching(query))
    statements = statements.filter(_window(query, after=after, upper_bound=upper_bound, stored="stored", id_="id"))
    order = ("stored", "id") if query.ascending else ("-stored", "-id")
    return statements.order_by(*order)


def _keys(query: StatementQuery, *, after: Position | None, upper_bound: datetime | None, limit: int) -> list[tuple]:
    """(stored, id) of the first ``limit`` matching statements, in page order.

    The direct matches are read from the index table of the agent or activity filter (each of its
    index scans already in stored order, stopped at ``limit``), or from the statement table when
    neither is filtered on; the statements that match only through a StatementRef are a separate,
    small query on the StatementRef statements. The parts are merged here: one OR of nested EXISTS
    would stop PostgreSQL from using any of the ordered index scans.
    """
    order = ("stored", "statement_id") if query.ascending else ("-stored", "-statement_id")
    parts: list[list[tuple]] = []
    if query.agent_key is not None or query.activity_id is not None:
        if query.agent_key is not None:
            model, key_filter, related, skip = (
                StatementAgent,
                {"agent_key": query.agent_key},
                query.related_agents,
                "agent",
            )
        else:
            model, key_filter, related, skip = (
                StatementActivity,
                {"activity_id": query.activity_id},
                query.related_activities,
                "activity",
            )
        own = _target_conditions(query, skip=skip, statement_ref="statement_id")
        prefixed = _prefixed(_listed(query) & own, "statement__")
        window = _window(query, after=after, upper_bound=upper_bound, stored="stored", id_="statement_id")
        # One ordered index scan per relation: (key, relation, stored) serves each of them.
        relations = (Relation.DIRECT, Relation.RELATED) if related else (Relation.DIRECT,)
        for relation in relations:
            rows = (
                model.objects.filter(window, prefixed, relation=relation, **key_filter)
                .order_by(*order)
                .values_list("stored", "statement_id")[:limit]
            )
            parts.append(list(rows))
    else:
        own = _target_conditions(query)
        statements = Statement.objects.filter(_listed(query), own).filter(
            _window(query, after=after, upper_bound=upper_bound, stored="stored", id_="id")
        )
        statement_order = ("stored", "id") if query.ascending else ("-stored", "-id")
        parts.append(list(statements.order_by(*statement_order).values_list("stored", "id")[:limit]))
    listed_refs = Statement.objects.filter(_listed(query), object_statement_id__isnull=False).filter(
        _window(query, after=after, upper_bound=upper_bound, stored="stored", id_="id")
    )
    # Building the nested EXISTS costs more than this look-up, and most windows hold no StatementRef.
    if listed_refs.exists():
        referring = (
            listed_refs.filter(_referring(query))
            .order_by(*(("stored", "id") if query.ascending else ("-stored", "-id")))
            .values_list("stored", "id")[:limit]
        )
        parts.append(list(referring))
    merged = heapq.merge(*parts, reverse=not query.ascending)
    keys: list[tuple] = []
    seen: set[uuid.UUID] = set()
    for key in merged:
        if key[1] in seen:
            continue  # a StatementRef that matches by itself and through its target
        seen.add(key[1])
        keys.append(key)
        if len(keys) == limit:
            break
    return keys


def _prefixed(condition: Q, prefix: str) -> Q:
    """``condition`` with every lookup moved to ``prefix`` (OuterRefs inside Exists need no change)."""
    children = []
    for child in condition.children:
        if isinstance(child, Q):
            children.append(_prefixed(child, prefix))
        elif isinstance(child, tuple):
            children.append((prefix + child[0], child[1]))
        else:
            children.append(child)
    return Q(*children, _connector=condition.connector, _negated=condition.negated)


def statements_page(
    *, query: StatementQuery, limit: int, after: Position | None = None, upper_bound: datetime | None = None
) -> tuple[list[Statement], Position | None]:
    """One page and, when more statements follow, the position to continue from."""
    if not query.has_target_filters:
        rows = list(statements_query(query=query, after=after, upper_bound=upper_bound)[: limit + 1])
    else:
        keys = _keys(query, after=after, upper_bound=upper_bound, limit=limit + 1)
        by_id = {row.id: row for row in Statement.objects.filter(id__in=[key[1] for key in keys])}
        rows = [by_id[key[1]] for key in keys if key[1] in by_id]  # one deleted meanwhile is left out
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    return rows, Position(stored=rows[-1].stored, id=rows[-1].id)
