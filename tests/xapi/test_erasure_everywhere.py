"""Erasure finds the person wherever a statement holds their identifiers, not only where the agent
index looks: extensions (context, result, activity definition), contextAgents, a SubStatement's
result, attachments' metadata, extension keys and activity ids. Run on SQLite and on PostgreSQL
(DATABASE_URL): candidates come from a text search in the database."""

import hashlib
import json
import uuid

import pytest

from xapi.erasure import agent_erase, statements_naming, tombstone_for
from xapi.forwarding.models import ErasureNotice, ForwardTarget, OutboxEntry
from xapi.identity import agent_key
from xapi.models import Statement, StatementActivity, StatementAgent
from xapi.services import statement_store
from xapi.validation.statements import validate_statement
from xapi.versions import V2, speaking

pytestmark = pytest.mark.django_db

HOME = "https://relais.example.fr"
PSEUDONYM = "4f6c1a2e-9b3d-4e8f-a1b2-c3d4e5f60718"
EMAIL = "Zephyrine.Quasimodo@Example.fr"
MBOX = "mailto:Zephyrine.Quasimodo@example.fr"
SHA1 = hashlib.sha1(MBOX.encode()).hexdigest()  # noqa: S324
OPENID = f"{HOME}/agents/{PSEUDONYM}"
ME = {"objectType": "Agent", "account": {"homePage": HOME, "name": PSEUDONYM}}
THEM = {"objectType": "Agent", "account": {"homePage": HOME, "name": "0a0a0a0a-1111-4222-8333-444444444444"}}
VERB = {"id": "http://adlnet.gov/expapi/verbs/experienced"}
EXT = "http://example.org/ext/"
KEYS = {agent_key(ME), f"mbox:{MBOX}", f"mbox_sha1sum:{SHA1}", f"openid:{OPENID}"}
STRINGS = [PSEUDONYM, PSEUDONYM.replace("-", ""), EMAIL]


def _activity(name: str, **definition) -> dict:
    activity = {"objectType": "Activity", "id": f"http://example.org/activities/{name}"}
    if definition:
        activity["definition"] = definition
    return activity


def _statements() -> dict[str, dict]:
    """One statement by a colleague per place the person hides in; none of them names the person
    where the agent index looks."""
    return {
        "context_extension": {
            "actor": THEM,
            "verb": VERB,
            "object": _activity("a"),
            "context": {"extensions": {EXT + "reviewer": ME, EXT + "by": PSEUDONYM.upper()}},
        },
        "result_extension": {
            "actor": THEM,
            "verb": VERB,
            "object": _activity("b"),
            # The pseudonym in an extension's IRI, the address in its value.
            "result": {
                "extensions": {f"{EXT}peer/{PSEUDONYM}": {"mbox": MBOX}, EXT + "note": f"vu par {EMAIL.lower()}"}
            },
        },
        "definition_extension": {
            "actor": THEM,
            "verb": VERB,
            "object": _activity(
                "c", extensions={EXT + "author": {"mbox_sha1sum": SHA1}, EXT + "hex": PSEUDONYM.replace("-", "")}
            ),
        },
        "context_agents": {
            "actor": THEM,
            "verb": VERB,
            "object": _activity("d"),
            "context": {
                "contextAgents": [{"objectType": "contextAgent", "agent": {"objectType": "Agent", "openid": OPENID}}]
            },
        },
        "substatement": {
            "actor": THEM,
            "verb": VERB,
            "object": {
                "objectType": "SubStatement",
                "actor": THEM,
                "verb": VERB,
                "object": _activity("e"),
                "result": {"extensions": {EXT + "actor-iri": OPENID}},
                "context": {"extensions": {EXT + "who": {"account": ME["account"]}}},
            },
        },
        "attachment": {
            "actor": THEM,
            "verb": VERB,
            "object": _activity("f"),
            "attachments": [
                {
                    "usageType": "http://example.org/attachment/copy",
                    "display": {"fr-FR": f"Copie envoyée à {EMAIL}"},
                    "description": {"fr-FR": f"pour {PSEUDONYM}"},
                    "contentType": "text/plain",
                    "length": 12,
                    "sha2": "a" * 64,
                    "fileUrl": f"http://example.org/files/{PSEUDONYM}.txt",
                }
            ],
        },
        "activity_id": {
            "actor": THEM,
            "verb": VERB,
            "object": _activity(f"journal/{PSEUDONYM}"),
            "context": {"contextActivities": {"other": [_activity(f"profile/{PSEUDONYM}")]}},
        },
    }


TRACES = (PSEUDONYM, PSEUDONYM.replace("-", ""), EMAIL.lower(), SHA1, OPENID)


def _text(rows) -> str:
    return json.dumps(list(rows), default=str).lower()


def test_erasure_redacts_every_occurrence_and_keeps_the_statements_valid(django_capture_on_commit_callbacks):
    target = ForwardTarget.objects.create(name="entrepot", endpoint="http://127.0.0.1:9/xapi/", username="u")
    with speaking(V2):
        stored = {name: statement_store(data=data) for name, data in _statements().items()}
        untouched = statement_store(data={"actor": THEM, "verb": VERB, "object": _activity("nothing")})
    # The agent index does not see the person in any of them: only a search of the JSON finds them.
    assert not StatementAgent.objects.filter(agent_key__in=KEYS - {f"openid:{OPENID}"}).exists()
    OutboxEntry.objects.filter(statement_id=stored["result_extension"].id).update(status=OutboxEntry.Status.DELIVERED)
    before = untouched.payload
    # What the teacher's export shows and what erasure goes through: each of them, not the other.
    assert statements_naming(keys=KEYS, strings=STRINGS) == {s.id for s in stored.values()}

    report = agent_erase(keys=KEYS, strings=STRINGS, tombstone=tombstone_for(f"{HOME}/erased"))

    assert report.rewritten == len(stored) and report.deleted == 0
    rows = Statement.objects.all()
    everything = _text(rows.values_list("payload", "authority", "actor_key", "object_activity_id"))
    everything += _text(StatementAgent.objects.values_list("agent_key", flat=True))
    everything += _text(StatementActivity.objects.values_list("activity_id", flat=True))
    for trace in TRACES:
        assert trace.lower() not in everything, trace
    after = {name: Statement.objects.get(id=statement.id).payload for name, statement in stored.items()}
    # Still valid xAPI, every one of them, and the same statements (ids, actors).
    with speaking(V2):
        for name, payload in after.items():
            validate_statement({k: v for k, v in payload.items() if k not in ("stored", "authority", "version")})
            assert payload["actor"] == THEM and payload["id"] == str(stored[name].id)
    # An agent object in an extension became the tombstone; the address in a text became an address.
    reviewer = after["context_extension"]["context"]["extensions"][EXT + "reviewer"]
    assert reviewer["account"]["homePage"] == f"{HOME}/erased" and set(reviewer) == {"objectType", "account"}
    uuid.UUID(after["context_extension"]["context"]["extensions"][EXT + "by"])
    extensions = after["result_extension"]["result"]["extensions"]
    note = extensions.pop(EXT + "note")
    assert note.startswith("vu par ") and note.endswith("@erased.invalid")
    ((peer_key, peer),) = extensions.items()
    assert peer_key.startswith(f"{EXT}peer/") and uuid.UUID(peer_key.rpartition("/")[2])
    assert peer == {"account": reviewer["account"]}
    hexed = after["definition_extension"]["object"]["definition"]["extensions"][EXT + "hex"]
    assert len(hexed) == 32 and int(hexed, 16) >= 0
    agent = after["context_agents"]["context"]["contextAgents"][0]["agent"]
    assert agent == {"objectType": "Agent", "account": reviewer["account"]}
    # The index rows follow the rewritten statement: the tombstone is found where the person was.
    tomb_key = agent_key(agent)
    assert StatementAgent.objects.filter(agent_key=tomb_key, statement_id=stored["context_agents"].id).exists()
    new_activity = after["activity_id"]["object"]["id"]
    assert Statement.objects.get(id=stored["activity_id"].id).object_activity_id == new_activity
    assert set(
        StatementActivity.objects.filter(statement_id=stored["activity_id"].id).values_list("activity_id", flat=True)
    ) == {new_activity, after["activity_id"]["context"]["contextActivities"]["other"][0]["id"]}
    # A statement that never named the person is left as it was.
    assert Statement.objects.get(id=untouched.id).payload == before
    # The target that already has one of them is to be told.
    (notice,) = ErasureNotice.objects.all()
    assert notice.target == target and notice.statements == 1 and report.forwarded == {"entrepot": 1}


def test_an_identifier_with_accents_is_found_too():
    """SQLite stores the JSON with non-ASCII characters escaped: the search looks for both forms."""
    with speaking(V2):
        other = statement_store(
            data={
                "actor": THEM,
                "verb": VERB,
                "object": _activity("g"),
                "context": {"extensions": {EXT + "n": "rien à voir"}},
            }
        )
    report = agent_erase(keys={agent_key(ME)}, strings=["rien à voir"], tombstone=tombstone_for(f"{HOME}/erased"))
    assert report.rewritten == 1
    assert "rien à voir" not in json.dumps(Statement.objects.get(id=other.id).payload, ensure_ascii=False)
