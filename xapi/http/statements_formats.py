"""The `format` parameter of GET /statements: exact, ids, canonical (xAPI-Communication 2.1.3)."""

from __future__ import annotations

from typing import Any

from xapi.canonical import json_copy
from xapi.identity import IFI_PROPERTIES
from xapi.versions import statement_for_version

# Language maps inside an Activity definition, including interaction components' descriptions.
_COMPONENT_LISTS = ("choices", "scale", "source", "target", "steps")


def statement_formatted(payload: dict, *, format: str, languages: list[str], version: str) -> dict:
    """The stored statement in the asked format, as a client of ``version`` reads it;
    ``languages`` is Accept-Language, best first."""
    payload = statement_for_version(payload, version)
    if format == "exact":
        return payload
    statement = json_copy(payload)
    if format == "ids":
        _ids_body(statement)
        if "authority" in statement:
            statement["authority"] = _agent_ids(statement["authority"])
        if statement["object"].get("objectType") == "SubStatement":
            _ids_body(statement["object"])
    else:
        _canonical_body(statement, languages)
        if statement["object"].get("objectType") == "SubStatement":
            _canonical_body(statement["object"], languages)
    return statement


# --- ids ------------------------------------------------------------------------------------------


def _agent_ids(agent: dict) -> dict:
    """Only the identifying properties; an anonymous Group keeps its members, themselves in ids form."""
    out = {key: agent[key] for key in ("objectType", *IFI_PROPERTIES) if key in agent}
    if "member" in agent and not any(key in agent for key in IFI_PROPERTIES):
        out["member"] = [_agent_ids(member) for member in agent["member"]]
    return out


def _ids_body(body: dict) -> None:
    body["actor"] = _agent_ids(body["actor"])
    body["verb"] = {"id": body["verb"]["id"]}
    obj = body["object"]
    kind = obj.get("objectType", "Activity")
    if kind == "Activity":
        # An Activity's identifier is its id alone (the ADL suite, XAPI-00171, counts the keys).
        body["object"] = {"id": obj["id"]}
    elif kind in ("Agent", "Group"):
        body["object"] = _agent_ids(obj)
    context = body.get("context")
    if context:
        for key in ("instructor", "team"):
            if key in context:
                context[key] = _agent_ids(context[key])
        for entry in context.get("contextAgents") or ():
            entry["agent"] = _agent_ids(entry["agent"])
        for entry in context.get("contextGroups") or ():
            entry["group"] = _agent_ids(entry["group"])
        for key, activities in (context.get("contextActivities") or {}).items():
            context["contextActivities"][key] = [{"id": a["id"]} for a in activities]


# --- canonical ------------------------------------------------------------------------------------


def pick_language(language_map: dict, languages: list[str]) -> dict:
    """One entry of a language map: the first Accept-Language match (exact tag, then its primary
    subtag), else ``und``, else the first entry."""
    if not isinstance(language_map, dict) or len(language_map) <= 1:
        return language_map
    lowered = {tag.lower(): tag for tag in language_map}
    for wanted in languages:
        wanted = wanted.lower()
        if wanted == "*":
            break
        if wanted in lowered:
            return {lowered[wanted]: language_map[lowered[wanted]]}
        primary = wanted.split("-")[0]
        for tag_lower, tag in lowered.items():
            if tag_lower.split("-")[0] == primary:
                return {tag: language_map[tag]}
    if "und" in language_map:
        return {"und": language_map["und"]}
    first = next(iter(language_map))
    return {first: language_map[first]}


def _canonical_definition(definition: dict, languages: list[str]) -> None:
    for key in ("name", "description"):
        if key in definition:
            definition[key] = pick_language(definition[key], languages)
    for key in _COMPONENT_LISTS:
        for component in definition.get(key) or ():
            if "description" in component:
                component["description"] = pick_language(component["description"], languages)


def _canonical_activity(activity: Any, languages: list[str]) -> None:
    if isinstance(activity, dict) and isinstance(activity.get("definition"), dict):
        _canonical_definition(activity["definition"], languages)


def _canonical_body(body: dict, languages: list[str]) -> None:
    if "display" in body["verb"]:
        body["verb"]["display"] = pick_language(body["verb"]["display"], languages)
    if body["object"].get("objectType", "Activity") == "Activity":
        _canonical_activity(body["object"], languages)
    for activities in ((body.get("context") or {}).get("contextActivities") or {}).values():
        for activity in activities:
            _canonical_activity(activity, languages)
    for attachment in body.get("attachments") or ():
        for key in ("display", "description"):
            if key in attachment:
                attachment[key] = pick_language(attachment[key], languages)


def accept_languages(header: str | None) -> list[str]:
    """Accept-Language tags, highest quality first (RFC 9110 12.5.4); malformed entries are skipped."""
    entries = []
    for position, part in enumerate((header or "").split(",")):
        tag, _sep, params = part.strip().partition(";")
        tag = tag.strip()
        if not tag:
            continue
        quality = 1.0
        params = params.strip()
        if params.startswith("q="):
            try:
                quality = float(params[2:])
            except ValueError:
                continue
        if quality > 0:
            entries.append((-quality, position, tag))
    return [tag for _q, _p, tag in sorted(entries)]
