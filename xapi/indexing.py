"""The agents and activities a statement mentions, for the StatementAgent / StatementActivity rows."""

from __future__ import annotations

from xapi.identity import agent_key, has_ifi
from xapi.models import Relation


class _Collector:
    """Keeps one relation per key, direct winning over related."""

    def __init__(self):
        self.keys: dict[str, str] = {}

    def add(self, key: str, relation: str) -> None:
        if self.keys.get(key) != Relation.DIRECT:
            self.keys[key] = relation

    def rows(self) -> list[tuple[str, str]]:
        return list(self.keys.items())


def _add_agent(collector: _Collector, agent: dict | None, relation: str) -> None:
    if not agent:
        return
    if has_ifi(agent):
        collector.add(agent_key(agent), relation)
    # Members always count as related: a filter on a Group matches the Group, not its people.
    for member in agent.get("member", ()):
        collector.add(agent_key(member), Relation.RELATED)


def _is_agent(obj: dict) -> bool:
    return obj.get("objectType") in ("Agent", "Group")


def authority_agents(authority: dict | None) -> list[tuple[str, str]]:
    """The pairs ``statement_agents`` gives for a statement's authority: a batch shares one."""
    collector = _Collector()
    _add_agent(collector, authority, Relation.RELATED)
    return collector.rows()


def statement_agents(
    payload: dict, *, actor_key: str | None = None, authority: list[tuple[str, str]] | None = None
) -> list[tuple[str, str]]:
    """(agent_key, relation) pairs; the anonymous Group itself has no key and is not indexed.

    The store passes what it has computed already: ``actor_key``, the actor's (when it has an
    IFI), and ``authority``, ``authority_agents(payload["authority"])``.
    """
    collector = _Collector()
    actor = payload["actor"]
    if actor_key is None:
        _add_agent(collector, actor, Relation.DIRECT)
    else:
        collector.add(actor_key, Relation.DIRECT)
        for member in actor.get("member", ()):
            collector.add(agent_key(member), Relation.RELATED)
    obj = payload["object"]
    if _is_agent(obj):
        _add_agent(collector, obj, Relation.DIRECT)
    if authority is None:
        _add_agent(collector, payload.get("authority"), Relation.RELATED)
    else:
        for key, relation in authority:
            collector.add(key, relation)
    _add_context_agents(collector, payload.get("context"))
    if obj.get("objectType") == "SubStatement":
        _add_agent(collector, obj["actor"], Relation.RELATED)
        if _is_agent(obj["object"]):
            _add_agent(collector, obj["object"], Relation.RELATED)
        _add_context_agents(collector, obj.get("context"))
    return collector.rows()


def _add_context_agents(collector: _Collector, context: dict | None) -> None:
    if context:
        _add_agent(collector, context.get("instructor"), Relation.RELATED)
        _add_agent(collector, context.get("team"), Relation.RELATED)
        # xAPI 2.0: related_agents also matches the context's agents and groups.
        for entry in context.get("contextAgents") or ():
            _add_agent(collector, entry["agent"], Relation.RELATED)
        for entry in context.get("contextGroups") or ():
            _add_agent(collector, entry["group"], Relation.RELATED)


def statement_activities(payload: dict) -> list[tuple[str, str]]:
    """(activity_id, relation) pairs; ``payload`` is normalised (context activities are arrays)."""
    collector = _Collector()
    obj = payload["object"]
    if obj.get("objectType") == "Activity":
        collector.add(obj["id"], Relation.DIRECT)
    _add_context_activities(collector, payload.get("context"))
    if obj.get("objectType") == "SubStatement":
        if obj["object"].get("objectType") == "Activity":
            collector.add(obj["object"]["id"], Relation.RELATED)
        _add_context_activities(collector, obj.get("context"))
    return collector.rows()


def _add_context_activities(collector: _Collector, context: dict | None) -> None:
    for activities in ((context or {}).get("contextActivities") or {}).values():
        for activity in activities:
            collector.add(activity["id"], Relation.RELATED)
