"""statement_store: what it adds, dedupe, conflicts and voiding."""

import uuid
from datetime import UTC, datetime

import pytest
from django.test import override_settings

from tests.xapi import examples as ex
from xapi.errors import StatementConflict, StatementValidationError
from xapi.models import Statement
from xapi.selectors import agent_key, statement_get, statements_for_actor
from xapi.services import statement_store

pytestmark = pytest.mark.django_db


def test_assigns_id_stored_timestamp_authority_and_version():
    statement = statement_store(data=ex.statement())
    payload = statement.payload
    assert uuid.UUID(payload["id"]) == statement.id
    assert payload["stored"] == payload["timestamp"]
    assert statement.timestamp == statement.stored
    assert payload["version"] == "1.0.0"
    assert payload["authority"]["account"]["name"] == "relais"
    assert payload["stored"].endswith("Z") and len(payload["stored"].split(".")[1]) == 7  # microseconds + Z


@override_settings(RELAIS_BASE_URL="https://relais.example")
def test_default_authority_uses_the_site_url():
    statement = statement_store(data=ex.statement())
    assert statement.authority == {
        "objectType": "Agent",
        "account": {"homePage": "https://relais.example", "name": "relais"},
    }


def test_given_authority_replaces_the_statements_own():
    authority = {"objectType": "Agent", "account": {"homePage": "https://lms.example", "name": "client-7"}}
    statement = statement_store(data=ex.statement(authority=ex.agent("mbox")), authority=authority)
    assert statement.payload["authority"] == authority


def test_invalid_given_authority_is_refused():
    with pytest.raises(StatementValidationError) as info:
        statement_store(data=ex.statement(), authority={"name": "nobody"})
    assert (info.value.path, info.value.rule) == ("authority", "missing_ifi")


def test_keeps_client_id_timestamp_and_version():
    data = ex.full_statement()
    statement = statement_store(data=data)
    assert str(statement.id) == data["id"]
    assert statement.payload["timestamp"] == "2026-01-15T10:30:00.123+01:00"
    assert statement.timestamp == datetime(2026, 1, 15, 9, 30, 0, 123000, tzinfo=UTC)
    assert statement.payload["version"] == "1.0.3"
    assert statement.payload["result"] == data["result"]
    assert statement.payload["attachments"] == data["attachments"]


def test_overrides_stored_sent_by_the_client():
    statement = statement_store(data=ex.statement(stored="2001-01-01T00:00:00Z"))
    assert not statement.payload["stored"].startswith("2001")


def test_normalises_object_type_and_context_activities():
    data = ex.statement(
        object={"id": ex.ACTIVITY},
        context={
            "contextActivities": {"parent": {"id": "http://x.example/p"}, "other": [{"id": "http://x.example/o"}]}
        },
    )
    payload = statement_store(data=data).payload
    assert payload["object"] == {"id": ex.ACTIVITY, "objectType": "Activity"}
    assert payload["context"]["contextActivities"] == {
        "parent": [{"id": "http://x.example/p"}],
        "other": [{"id": "http://x.example/o"}],
    }


def test_normalises_inside_a_substatement():
    sub = ex.substatement(object={"id": "http://x.example/s"})
    payload = statement_store(data=ex.statement(object=sub)).payload
    assert payload["object"]["object"]["objectType"] == "Activity"
    assert payload["object"]["context"]["contextActivities"]["parent"] == [{"id": "http://relais.example/courses/1"}]


def test_does_not_modify_the_callers_dict():
    data = ex.statement(object={"id": ex.ACTIVITY})
    statement_store(data=data)
    assert data == ex.statement(object={"id": ex.ACTIVITY})


def test_columns():
    registration = str(uuid.uuid4())
    data = ex.statement(actor=ex.agent("mbox"), context={"registration": registration.upper()})
    statement = statement_store(data=data)
    assert statement.actor_key == "mbox:mailto:camille@example.fr"
    assert statement.verb_id == ex.COMPLETED
    assert statement.object_activity_id == ex.ACTIVITY
    assert statement.object_statement_id is None
    assert statement.registration == uuid.UUID(registration)
    assert not statement.voided and not statement.is_voiding
    # The store builds Statements positionally: a new or moved field must be added there too.
    assert [field.attname for field in Statement._meta.concrete_fields] == [
        "id", "stored", "timestamp", "actor_key", "verb_id", "object_activity_id", "object_statement_id",
        "registration", "voided", "is_voiding", "authority", "payload",
    ]  # fmt: skip
    stored = Statement.objects.get(id=statement.id)
    assert (stored.timestamp, stored.authority, stored.payload) == (
        statement.timestamp,
        statement.authority,
        statement.payload,
    )


def test_anonymous_group_actor_key_is_unique_to_the_statement():
    first = statement_store(data=ex.statement(actor=ex.anonymous_group()))
    second = statement_store(data=ex.statement(actor=ex.anonymous_group()))
    assert first.actor_key == f"anonymous-group:{first.id}"
    assert first.actor_key != second.actor_key


def test_same_statement_twice_is_stored_once():
    data = ex.statement(id=str(uuid.uuid4()))
    first = statement_store(data=data)
    second = statement_store(data=data)
    assert second.id == first.id
    assert second.payload["stored"] == first.payload["stored"]
    assert Statement.objects.count() == 1


def test_without_timestamp_the_same_statement_again_is_not_a_conflict_but_with_one_it_is():
    # The LRS fills in the timestamp: it is not part of the statement the client sent.
    data = ex.statement(id=str(uuid.uuid4()))
    data.pop("timestamp", None)
    first = statement_store(data=data)
    assert statement_store(data=data).id == first.id
    with pytest.raises(StatementConflict):
        statement_store(data=dict(data, timestamp=first.payload["timestamp"]))
    assert Statement.objects.count() == 1


@pytest.mark.parametrize(
    ("sent", "again"),
    [(1e2, 100), (100, 100.0), (2.5e-7, 0.00000025), (12345678901234567890123, 12345678901234567890123)],
)
def test_extension_numbers_are_compared_as_numbers(sent, again):
    # The stored copy comes back from jsonb, which keeps the number, not how it was written.
    key = "http://relais.example/extensions/n"
    data = ex.statement(id=str(uuid.uuid4()), result={"extensions": {key: {"n": [sent]}}})
    first = statement_store(data=data)
    same = dict(data, result={"extensions": {key: {"n": [again]}}})
    assert statement_store(data=same).id == first.id
    with pytest.raises(StatementConflict):
        statement_store(data=dict(data, result={"extensions": {key: {"n": [again, 1]}}}))


def test_a_substatement_timestamp_is_compared_as_an_instant():
    sub = {"objectType": "SubStatement", "actor": ex.agent("mbox"), "verb": {"id": ex.COMPLETED},
           "object": {"id": ex.ACTIVITY}, "timestamp": "2026-01-15T11:30:00+01:00"}  # fmt: skip
    data = ex.statement(id=str(uuid.uuid4()), object=sub)
    first = statement_store(data=data)
    same = dict(data, object=dict(sub, timestamp="2026-01-15T10:30:00Z"))
    assert statement_store(data=same).id == first.id
    with pytest.raises(StatementConflict):
        statement_store(data=dict(data, object=dict(sub, timestamp="2026-01-15T10:31:00Z")))


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda d: d["actor"]["account"].update(name="autre"), id="actor"),
        pytest.param(lambda d: d.update(result={"success": True}), id="result"),
        pytest.param(lambda d: d.update(timestamp="2026-01-15T10:31:00Z"), id="timestamp instant"),
        pytest.param(lambda d: d.update(result={"duration": "PT60M"}), id="duration as a string"),
        pytest.param(lambda d: d["context"].update(language="en-US"), id="context"),
    ],
)
def test_same_id_other_content_is_a_conflict(change):
    data = ex.statement(
        id=str(uuid.uuid4()), timestamp="2026-01-15T11:30:00+01:00", context={"language": "fr-FR"},
        result={"duration": "PT1H"},
    )  # fmt: skip
    statement_store(data=data)
    change(data)
    with pytest.raises(StatementConflict) as info:
        statement_store(data=data)
    assert info.value.statement_id == data["id"]
    assert Statement.objects.count() == 1


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda d: d.update(timestamp="2026-01-15T10:30:00.000Z"), id="timestamp in another zone"),
        pytest.param(lambda d: d.update(version="1.0.3"), id="version"),
        pytest.param(lambda d: d.update(authority=ex.agent("mbox")), id="authority"),
        pytest.param(lambda d: d.update(stored="2020-01-01T00:00:00Z"), id="stored"),
        pytest.param(lambda d: d["verb"].update(display={"de": "abgeschlossen"}), id="verb display"),
        pytest.param(lambda d: d["object"].update(definition={"name": {"fr": "Autre nom"}}), id="activity definition"),
        pytest.param(lambda d: d["object"].pop("objectType"), id="objectType omitted"),
        pytest.param(
            lambda d: d["actor"]["member"][0].update(mbox="mailto:camille@EXAMPLE.FR"), id="e-mail domain case"
        ),
        pytest.param(lambda d: d["actor"]["member"].reverse(), id="group member order"),
        pytest.param(lambda d: d["context"].update(registration=d["context"]["registration"].upper()), id="UUID case"),
        pytest.param(
            lambda d: d["context"]["contextActivities"].update(parent=d["context"]["contextActivities"]["parent"][0]),
            id="single context activity",
        ),
        pytest.param(lambda d: d["result"]["score"].update(raw=5.0), id="5 and 5.0"),
    ],
)
def test_differences_the_spec_ignores_are_not_conflicts(change):
    data = ex.statement(
        id=str(uuid.uuid4()),
        actor={"objectType": "Group", "member": [ex.agent("mbox"), ex.agent("openid")]},
        timestamp="2026-01-15T11:30:00+01:00",
        context={"registration": str(uuid.uuid4()), "contextActivities": {"parent": [{"id": "http://x.example/p"}]}},
        result={"score": {"raw": 5}},
    )
    first = statement_store(data=data)
    change(data)
    assert statement_store(data=data).id == first.id
    assert Statement.objects.count() == 1


def test_voiding_marks_the_target():
    target = statement_store(data=ex.statement())
    voiding = statement_store(data=ex.voiding(str(target.id)))
    target.refresh_from_db()
    assert target.voided
    assert voiding.is_voiding and not voiding.voided
    assert voiding.object_statement_id == target.id


def test_voiding_an_unknown_statement_is_accepted_and_applies_when_it_arrives():
    target_id = str(uuid.uuid4())
    statement_store(data=ex.voiding(target_id))
    target = statement_store(data=ex.statement(id=target_id))
    assert target.voided


def test_voiding_a_voiding_statement_is_refused():
    target = statement_store(data=ex.statement())
    voiding = statement_store(data=ex.voiding(str(target.id)))
    with pytest.raises(StatementValidationError) as info:
        statement_store(data=ex.voiding(str(voiding.id)))
    assert (info.value.path, info.value.rule) == ("object.id", "voiding_voiding_statement")
    assert Statement.objects.count() == 2


def test_a_voiding_statement_is_never_voided_even_if_targeted_first():
    voiding_id = str(uuid.uuid4())
    statement_store(data=ex.voiding(voiding_id))  # targets a statement not yet received...
    later = statement_store(data=ex.voiding(str(uuid.uuid4()), id=voiding_id))  # ...which turns out to void
    assert not later.voided


def test_voiding_twice_is_harmless():
    target = statement_store(data=ex.statement())
    statement_store(data=ex.voiding(str(target.id)))
    statement_store(data=ex.voiding(str(target.id)))
    target.refresh_from_db()
    assert target.voided


def test_statement_ref_that_is_not_voiding_does_not_void():
    target = statement_store(data=ex.statement())
    statement_store(data=ex.statement(object={"objectType": "StatementRef", "id": str(target.id)}))
    target.refresh_from_db()
    assert not target.voided


def test_selectors():
    mine = statement_store(data=ex.statement(actor=ex.agent("mbox")))
    voided = statement_store(data=ex.statement(actor=ex.agent("mbox")))
    statement_store(data=ex.voiding(str(voided.id)))
    statement_store(data=ex.statement(actor=ex.agent("openid")))
    key = agent_key(ex.agent("mbox"))
    assert statement_get(statement_id=str(mine.id)) == mine
    assert statement_get(statement_id="nope") is None
    assert list(statements_for_actor(actor_key=key)) == [mine]
    assert set(statements_for_actor(actor_key=key, include_voided=True)) == {mine, voided}
    assert list(statements_for_actor(actor_key=key, verb_id=ex.VOIDED)) == []


def test_special_characters_round_trip_through_the_insert():
    """On PostgreSQL statement rows go to COPY as text lines written by the store: what needs
    escaping there (tab, newline, carriage return, backslash, a literal \\N) comes back as sent."""
    weird = 'tab\there back\\slash \\\\two nl\ncr\r "quoted" \\N \\. é'
    actor = {"account": {"homePage": "https://ecole.example", "name": weird}}
    extensions = {"https://relais.example/ext": [weird, 12345678901234567890, 1.5, None, True]}
    data = ex.statement(actor=actor, result={"response": weird, "extensions": extensions})
    stored = statement_store(data=data)
    row = Statement.objects.get(id=stored.id)
    assert row.actor_key == f"account:https://ecole.example|{weird}"
    assert row.payload["actor"]["account"]["name"] == weird
    assert row.payload["result"] == {"response": weird, "extensions": extensions}
    assert row.payload == stored.payload and row.authority == stored.authority
    assert (row.stored, row.timestamp, row.registration, row.voided) == (stored.stored, stored.timestamp, None, False)


@pytest.mark.parametrize(
    ("sent", "expected"),
    [
        ("2026-03-01T10:00:00Z", datetime(2026, 3, 1, 10, tzinfo=UTC)),
        ("2026-03-01T10:00:00.1234567Z", datetime(2026, 3, 1, 10, 0, 0, 123456, tzinfo=UTC)),
        ("2026-03-01T11:00:00.5+01:00", datetime(2026, 3, 1, 10, 0, 0, 500000, tzinfo=UTC)),
    ],
)
def test_timestamp_column_is_the_instant_sent(sent, expected):
    statement = statement_store(data=ex.statement(timestamp=sent))
    assert statement.timestamp == expected
    assert statement.payload["timestamp"] == sent


def test_a_utc_timestamp_out_of_the_calendar_is_refused():
    with pytest.raises(StatementValidationError) as error:
        statement_store(data=ex.statement(timestamp="0000-01-01T00:00:00Z"))
    assert (error.value.path, error.value.rule) == ("timestamp", "timestamp")
