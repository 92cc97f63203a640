"""GET /xapi/statements queries: filters, StatementRef targets, voided statements, parameter rejections."""

import json
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.xapi import examples as ex
from xapi.canonical import format_time
from xapi.http.statements_params import MAX_LIMIT
from xapi.models import Statement

pytestmark = pytest.mark.django_db

OTHER_ACTIVITY = "http://relais.example/activities/module-2"
ATTEMPTED = "http://adlnet.gov/expapi/verbs/attempted"


def ids(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [s["id"] for s in response.json()["statements"]]


def error(response, status=400):
    assert response.status_code == status, response.content
    return response.json()["error"]


def test_result_shape_and_newest_first(api):
    first, second = api.stored([ex.statement(), ex.statement()])
    response = api.get()
    body = response.json()
    assert set(body) == {"statements", "more"}
    assert body["more"] == ""
    assert ids(response) == [second, first]
    assert "Last-Modified" in response


def test_ascending(api):
    first, second = api.stored([ex.statement(), ex.statement()])
    assert ids(api.get(params={"ascending": "true"})) == [first, second]


def test_agent_filter_matches_actor_and_object_not_related_unless_asked(api):
    mine = ex.agent("mbox")
    as_actor, as_object, as_instructor, _other = api.stored(
        [
            ex.statement(actor=mine),
            ex.statement(object={**ex.agent("mbox"), "objectType": "Agent"}),
            ex.statement(context={"instructor": ex.agent("mbox")}),
            ex.statement(),
        ]
    )
    agent = json.dumps({"mbox": "mailto:camille@EXAMPLE.fr"})
    assert set(ids(api.get(params={"agent": agent}))) == {as_actor, as_object}
    related = ids(api.get(params={"agent": agent, "related_agents": "true"}))
    assert set(related) == {as_actor, as_object, as_instructor}


def test_verb_activity_and_registration_filters(api):
    registration = str(uuid.uuid4())
    a, b, c = api.stored(
        [
            ex.statement(context={"registration": registration}),
            ex.statement(verb={"id": ATTEMPTED}),
            ex.statement(
                object={"id": OTHER_ACTIVITY}, context={"contextActivities": {"parent": [{"id": ex.ACTIVITY}]}}
            ),
        ]
    )
    assert set(ids(api.get(params={"verb": ATTEMPTED}))) == {b}
    assert set(ids(api.get(params={"activity": ex.ACTIVITY}))) == {a, b}
    assert set(ids(api.get(params={"activity": ex.ACTIVITY, "related_activities": "true"}))) == {a, b, c}
    assert ids(api.get(params={"registration": registration})) == [a]
    assert set(ids(api.get(params={"verb": ex.COMPLETED, "activity": ex.ACTIVITY}))) == {a}


def test_since_and_until_bound_stored(api):
    first, second, third = api.stored([ex.statement(), ex.statement(), ex.statement()])
    stored = {s.id: s.stored for s in Statement.objects.all()}
    middle = format_time(stored[uuid.UUID(second)])
    assert ids(api.get(params={"since": middle, "ascending": "true"})) == [third]
    assert ids(api.get(params={"until": middle, "ascending": "true"})) == [first, second]


def test_voided_statements_are_excluded_but_their_voiding_statement_matches_their_filters(api):
    [target, kept] = api.stored([ex.statement(verb={"id": ATTEMPTED}), ex.statement()])
    [voiding] = api.stored(ex.voiding(target))
    everything = ids(api.get())
    assert target not in everything and voiding in everything and kept in everything
    # The voiding statement's own verb is "voided", its target's "attempted": it matches through the target.
    assert ids(api.get(params={"verb": ATTEMPTED})) == [voiding]


def test_statement_refs_match_through_their_target_chain(api):
    [target] = api.stored(ex.statement(object={"id": OTHER_ACTIVITY}))
    [ref] = api.stored(ex.statement(verb={"id": ATTEMPTED}, object={"objectType": "StatementRef", "id": target}))
    [ref_of_ref] = api.stored(ex.statement(verb={"id": ATTEMPTED}, object={"objectType": "StatementRef", "id": ref}))
    assert set(ids(api.get(params={"activity": OTHER_ACTIVITY}))) == {target, ref, ref_of_ref}
    # since/until apply to the listed statement, not its target.
    since = format_time(Statement.objects.get(id=ref).stored)
    assert ids(api.get(params={"activity": OTHER_ACTIVITY, "since": since})) == [ref_of_ref]


def test_limit(api):
    api.stored([ex.statement() for _ in range(5)])
    body = api.get(params={"limit": "2"}).json()
    assert len(body["statements"]) == 2 and body["more"].startswith("/xapi/statements/more/")


@pytest.mark.parametrize("value", ["0", str(MAX_LIMIT * 100), "99999999999999999999999"])
def test_limit_zero_or_huge_is_the_server_maximum(api, value):
    assert api.get(params={"limit": value}).status_code == 200


@pytest.mark.parametrize(
    ("name", "value", "rule"),
    [
        ("limit", "-1", "invalid_limit"),
        ("limit", "ten", "invalid_limit"),
        ("limit", "1.5", "invalid_limit"),
        ("since", "yesterday", "invalid_timestamp"),
        ("until", "2026-13-01T00:00:00Z", "invalid_timestamp"),
        ("registration", "not-a-uuid", "invalid_uuid"),
        ("ascending", "yes", "invalid_boolean"),
        ("related_agents", "1", "invalid_boolean"),
        ("related_activities", "TRUE", "invalid_boolean"),
        ("attachments", "maybe", "invalid_boolean"),
        ("agent", "{not json", "invalid_json"),
        ("agent", '{"name": "sans identifiant"}', "invalid_agent"),
        ("agent", "[1, 2]", "invalid_agent"),
        ("agent", '{"mbox": "camille@example.fr"}', "invalid_agent"),
    ],
)
def test_malformed_parameters_are_400_naming_the_parameter(api, name, value, rule):
    body = error(api.get(params={name: value}))
    assert (body["rule"], body["path"]) == (rule, name)


def test_repeated_parameter_is_400(api):
    response = api.http.get(f"/xapi/statements?verb={ex.COMPLETED}&verb={ATTEMPTED}", **api._headers({}))
    assert error(response)["rule"] == "repeated_parameter"


def test_agent_group_filter(api):
    group = ex.identified_group()
    [stored] = api.stored(ex.statement(actor=group))
    api.stored(ex.statement())
    assert ids(api.get(params={"agent": json.dumps(group)})) == [stored]


def test_format_applies_to_query_results(api):
    api.stored(ex.statement(actor=ex.agent("mbox")))
    [statement] = api.get(params={"format": "ids"}).json()["statements"]
    assert statement["actor"] == {"objectType": "Agent", "mbox": "mailto:camille@example.fr"}


def test_empty_result_has_no_more(api):
    body = api.get(params={"verb": "http://adlnet.gov/expapi/non/existent"}).json()
    assert body == {"statements": [], "more": ""}


def test_since_in_the_future_is_empty(api):
    api.stored(ex.statement())
    since = format_time(timezone.now() + timedelta(days=1))
    assert ids(api.get(params={"since": since})) == []
