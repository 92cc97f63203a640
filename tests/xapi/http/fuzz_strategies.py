"""Hypothesis strategies for the LRS fuzz test: statements, mutations of them, documents, query strings.

Generated values stay close to what clients send (so that many are stored and the store's paths run),
and mutations replace one spot with a value from the families that once answered 500: NUL, lone
surrogates, dates at the edge of the calendar with an offset, deep nesting next to a long integer,
bidirectional formatting characters, odd durations, wrong types.
"""

from __future__ import annotations

import json

from hypothesis import strategies as st

from tests.xapi import examples as ex

BIDI = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
NASTY_TEXT = [
    "",
    "\x00",
    "a\x00b",
    "\ud800",
    "x\udfff",
    "\u202ehttp://evil",
    "\ufeff",
    "\uffff",
    "🎓" * 3,
    "é" * 300,
    "'; DROP TABLE xapi_statement; --",
    "%00",
    "\\u0000",
    "http://a.example/\u202e",
    "mailto:",
    "mailto:a@b.c\x00",
    "mailto:" + "m" * 600 + "@example.fr",
]
EDGE_TIMES = [
    "0001-01-01T00:00:00+01:00",
    "0001-01-01T00:00:00-01:00",
    "0001-01-01T00:00:00Z",
    "9999-12-31T23:59:59-01:00",
    "9999-12-31T23:59:59+01:00",
    "9999-12-31T23:59:59.999999Z",
    "2024-02-30T00:00:00Z",
    "2024-01-01T24:00:00Z",
    "2024-01-01T00:00:00-00:00",
    "2024-01-01T00:00:00+23:59",
    "2024-01-01T00:00:00+24:00",
    "20240101T000000Z",
    "2024-01-01T00:00:00.123456789Z",
    "2024-01-01",
    "now",
]
DURATIONS = ["P4W", "P4W1D", "P1Y2M3W4D", "PT0S", "P", "PT", "P1.5Y", "PT1,5S", "P-1D", "P99999999999999999999Y"]
LONG_INTEGER = 10**19 + 7
IRIS = [
    ex.ACTIVITY,
    "http://relais.example/activités/é",
    "urn:uuid:6f1a0c4e-1c3b-4a77-9d5e-0e0b1f2c3d4e",
    "http://a.example/x?y=1#z",
    "tag:relais.example,2026:a",
    # Past the widths of the indexed columns: verb 512, agent key 512, activity 2,048 characters.
    "http://relais.example/" + "v" * 600,
    "http://relais.example/" + "a" * 2100,
]
LANGUAGES = ["fr-FR", "en-US", "en", "und", "zh-Hant-TW", "x-private", "i-klingon", "fr_FR", "", "123"]


def texts(alphabet_nasty: bool = True):
    plain = st.text(max_size=20)
    return st.one_of(plain, st.sampled_from(NASTY_TEXT)) if alphabet_nasty else plain


iris = st.one_of(
    st.sampled_from(IRIS),
    st.builds(lambda tail: "http://relais.example/" + tail, st.text(max_size=12)),
    st.builds(lambda mark: f"http://relais.example/{mark}bidi", st.sampled_from(BIDI)),
)
language_maps = st.dictionaries(st.sampled_from(LANGUAGES), texts(), max_size=3)
json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**25), max_value=10**25),
    st.floats(allow_nan=False, allow_infinity=False),
    texts(),
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)),
    max_leaves=8,
)


@st.composite
def agents(draw):
    kind = draw(st.sampled_from(["mbox", "mbox_sha1sum", "openid", "account", "group", "anonymous"]))
    if kind == "group":
        return ex.identified_group(members=draw(st.booleans()))
    if kind == "anonymous":
        return ex.anonymous_group()
    agent = ex.agent(kind)
    if kind == "mbox":
        agent["mbox"] = "mailto:" + draw(st.sampled_from(["camille", "léa", "a.b+c"])) + "@example.fr"
    if draw(st.booleans()):
        agent["name"] = draw(texts())
    return agent


@st.composite
def activities(draw):
    activity = {"objectType": "Activity", "id": draw(iris)}
    if draw(st.booleans()):
        definition = {"name": draw(language_maps), "description": draw(language_maps)}
        if draw(st.booleans()):
            interaction = draw(st.sampled_from(sorted(ex.INTERACTIONS)))
            definition.update(
                {"type": "http://adlnet.gov/expapi/activities/cmi.interaction", "interactionType": interaction}
            )
            definition.update(ex.INTERACTIONS[interaction])
        if draw(st.booleans()):
            definition["extensions"] = {draw(iris): draw(json_values)}
        activity["definition"] = definition
    return activity


@st.composite
def statements(draw, *, substatement: bool = False):
    statement = {
        "actor": draw(agents()),
        "verb": {"id": draw(st.sampled_from([ex.COMPLETED, "http://adlnet.gov/expapi/verbs/attempted"]))},
        "object": draw(activities()),
    }
    if draw(st.booleans()):
        statement["verb"]["display"] = draw(language_maps)
    if not substatement and draw(st.integers(0, 9)) == 0:
        sub = draw(statements(substatement=True))
        statement["object"] = {"objectType": "SubStatement", **sub}
    if draw(st.booleans()):
        result = {}
        if draw(st.booleans()):
            result["duration"] = draw(st.sampled_from(DURATIONS))
        if draw(st.booleans()):
            raw = draw(st.integers(0, 100))
            result["score"] = {"raw": raw, "min": 0, "max": 100, "scaled": raw / 100}
        if draw(st.booleans()):
            result["response"] = draw(texts())
        statement["result"] = result
    if draw(st.booleans()):
        context = {"registration": str(draw(st.uuids())), "language": draw(st.sampled_from(LANGUAGES[:4]))}
        if draw(st.booleans()):
            context["contextActivities"] = {"parent": [draw(activities())], "category": [{"id": draw(iris)}]}
        if draw(st.booleans()):
            context["extensions"] = {draw(iris): draw(json_values)}
        statement["context"] = context
    if draw(st.booleans()):
        statement["timestamp"] = draw(
            st.one_of(st.sampled_from(EDGE_TIMES), st.datetimes().map(lambda t: t.isoformat() + "Z"))
        )
    if not substatement and draw(st.booleans()):
        statement["id"] = str(draw(st.uuids()))
    return statement


def _spots(value, path=()):
    """Every (path, value) in a JSON tree, the root included."""
    yield path, value
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _spots(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _spots(child, (*path, index))


def _replaced(value, path, new):
    if not path:
        return new
    head, *rest = path
    copy = dict(value) if isinstance(value, dict) else list(value)
    copy[head] = _replaced(value[head], rest, new)
    return copy


nasty_values = st.one_of(
    st.sampled_from(NASTY_TEXT),
    st.sampled_from(EDGE_TIMES),
    st.sampled_from(DURATIONS),
    st.sampled_from([LONG_INTEGER, -LONG_INTEGER, 1e308, -0.0, 10**400, True, None, [], {}, [[[[]]]]]),
    json_values,
)


@st.composite
def mutated_statements(draw):
    """A statement with one spot replaced, or a key renamed to a nasty one."""
    statement = draw(statements())
    spots = list(_spots(statement))
    path, _old = draw(st.sampled_from(spots))
    if path and draw(st.integers(0, 4)) == 0 and isinstance(_parent(statement, path), dict):
        parent = _parent(statement, path)
        renamed = {(draw(st.sampled_from(NASTY_TEXT)) if key == path[-1] else key): v for key, v in parent.items()}
        return _replaced(statement, path[:-1], renamed)
    return _replaced(statement, path, draw(nasty_values))


def _parent(value, path):
    for key in path[:-1]:
        value = value[key]
    return value


def encode(value) -> bytes:
    """JSON as a client would send it; lone surrogates survive as \\ud800 escapes."""
    return json.dumps(value, ensure_ascii=True).encode()


@st.composite
def raw_bodies(draw):
    """Bodies broken at the byte level: truncated, deeply nested beside a long integer, not UTF-8."""
    kind = draw(st.sampled_from(["truncated", "deep", "deep_long", "bytes", "array", "nested_batch", "huge_int"]))
    if kind == "truncated":
        body = encode(draw(statements()))
        return body[: draw(st.integers(0, len(body)))]
    if kind in ("deep", "deep_long"):
        depth = draw(st.sampled_from([500, 1100, 5000, 100_000]))
        long = f"{LONG_INTEGER}," if kind == "deep_long" else ""
        return ("[" + long + "[" * depth + "]" * depth + "]").encode()
    if kind == "huge_int":
        # Past Python's 4,300-digit limit for int(str): a ValueError the JSON fallback must turn into a 400.
        digits = draw(st.sampled_from([19, 4300, 4301, 20_000]))
        statement = encode(ex.statement(result={"extensions": {"http://a.example/n": 0}}))
        return statement.replace(b'"http://a.example/n": 0', b'"http://a.example/n": 1' + b"0" * (digits - 1))
    if kind == "bytes":
        return draw(st.binary(max_size=40))
    if kind == "array":
        return encode([draw(mutated_statements()) for _ in range(draw(st.integers(0, 3)))])
    return encode([[draw(statements())]])


agent_params = st.one_of(
    agents().map(lambda a: json.dumps(a, ensure_ascii=True)),
    st.sampled_from(
        [
            '{"mbox":"mailto:a\\u0000@b.fr"}',
            '{"mbox":"mailto:\\ud800@b.fr"}',
            '{"account":{"homePage":"http://a.example","name":"\\u0000"}}',
            "[" * 3000 + "]" * 3000,
            '{"openid":"http://a.example/\u202e"}',
            "{}",
            "null",
            '{"mbox":"mailto:a@b.fr","n":' + str(LONG_INTEGER) + "}",
        ]
    ),
    texts(),
)
query_values = st.one_of(
    texts(),
    st.sampled_from(EDGE_TIMES),
    iris,
    st.uuids().map(str),
    st.integers(-5, 10**20).map(str),
    st.sampled_from(["true", "false", "ids", "exact", "canonical"]),
    agent_params,
)
STATEMENT_PARAMS = [
    "agent", "verb", "activity", "registration", "related_activities", "related_agents", "since", "until",
    "limit", "format", "attachments", "ascending", "statementId", "voidedStatementId", "Agent", "method",
]  # fmt: skip


@st.composite
def statement_queries(draw):
    names = draw(st.lists(st.sampled_from(STATEMENT_PARAMS), max_size=4, unique=True))
    params = {}
    for name in names:
        params[name] = draw(agent_params if name == "agent" else query_values)
    return params


DOCUMENT_RESOURCES = {
    "activities/state": ("activityId", "agent", "stateId", "registration"),
    "activities/profile": ("activityId", "profileId"),
    "agents/profile": ("agent", "profileId"),
    "activities": ("activityId",),
    "agents": ("agent",),
}


@st.composite
def document_requests(draw):
    """(method, resource, params, body, headers) for the document resources and /activities, /agents."""
    resource = draw(st.sampled_from(sorted(DOCUMENT_RESOURCES)))
    method = draw(st.sampled_from(["GET", "PUT", "POST", "DELETE"]))
    params = {}
    for name in DOCUMENT_RESOURCES[resource]:
        if draw(st.integers(0, 5)) == 0:
            continue  # a missing parameter now and then
        if name == "agent":
            params[name] = draw(agent_params) if draw(st.booleans()) else json.dumps(ex.agent("mbox"))
        elif name == "activityId":
            params[name] = draw(st.one_of(iris, texts()))
        elif name == "registration":
            params[name] = draw(st.one_of(st.uuids().map(str), texts()))
        else:
            params[name] = draw(st.one_of(st.sampled_from(["réglages", "progress"]), texts()))
    if method == "GET" and draw(st.booleans()):
        params["since"] = draw(st.sampled_from(EDGE_TIMES))
    body_kind = draw(st.sampled_from(["json", "mutated", "raw", "text"]))
    if body_kind == "json":
        body = encode(draw(st.dictionaries(st.text(max_size=6), json_values, max_size=4)))
    elif body_kind == "mutated":
        body = encode(draw(mutated_statements()))
    elif body_kind == "raw":
        body = draw(raw_bodies())
    else:
        body = draw(texts()).encode("utf-8", errors="surrogatepass")
    content_type = draw(st.sampled_from(["application/json", "text/plain", "application/octet-stream", ""]))
    headers = {"Content-Type": content_type} if content_type else {}
    precondition = draw(st.sampled_from([None, "If-None-Match", "If-Match"]))
    if precondition:
        headers[precondition] = draw(st.sampled_from(["*", '"' + "1" * 40 + '"', "", 'W/"x"', "\u00e9"]))
    return method, resource, params, body, headers
