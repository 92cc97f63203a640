"""PUT and POST /xapi/statements: storing, idempotence, conflicts and every rejection of a bad body."""

import json
import uuid
from urllib.parse import urlencode

import pytest

from tests.xapi import examples as ex
from xapi.http.auth import client_authority
from xapi.models import Statement

pytestmark = pytest.mark.django_db


def error(response, status=400):
    assert response.status_code == status, response.content
    body = response.json()["error"]
    assert body["status"] == status and body["rule"] and body["message"]
    return body


def test_put_stores_with_the_given_id_and_answers_204(api):
    statement_id = str(uuid.uuid4())
    response = api.put(ex.statement(id=statement_id), statement_id)
    assert response.status_code == 204
    assert response.content == b""
    assert Statement.objects.filter(id=statement_id).exists()


def test_put_takes_the_id_from_the_parameter_when_the_body_has_none(api):
    statement_id = str(uuid.uuid4())
    assert api.put(ex.statement(), statement_id).status_code == 204
    assert Statement.objects.get().id == uuid.UUID(statement_id)


def test_put_without_statement_id_is_refused(api):
    response = api.http.put("/xapi/statements", "{}", content_type="application/json", **api._headers({}))
    assert error(response)["path"] == "statementId"


@pytest.mark.parametrize("value", ["true", "not-a-uuid", "{'key': 1}"])
def test_put_with_a_malformed_statement_id_is_refused(api, value):
    assert error(api.put(ex.statement(), value))["rule"] == "invalid_uuid"


def test_put_with_an_id_other_than_the_parameter_is_refused(api):
    body = error(api.put(ex.statement(id=str(uuid.uuid4())), str(uuid.uuid4())))
    assert body["rule"] == "statement_id_mismatch"


def test_put_of_an_array_is_refused(api):
    statement_id = str(uuid.uuid4())
    assert error(api.put([ex.statement(id=statement_id)], statement_id))["rule"] == "type"


def test_put_same_statement_again_is_accepted_and_not_duplicated(api):
    statement_id = str(uuid.uuid4())
    data = ex.statement(id=statement_id)
    assert api.put(data, statement_id).status_code == 204
    assert api.put(data, statement_id).status_code == 204
    assert Statement.objects.count() == 1


def test_put_other_content_under_a_stored_id_is_a_conflict_and_changes_nothing(api):
    statement_id = str(uuid.uuid4())
    api.put(ex.statement(id=statement_id), statement_id)
    other = ex.statement(id=statement_id, verb={"id": "http://adlnet.gov/expapi/verbs/attempted"})
    body = error(api.put(other, statement_id), 409)
    assert body["rule"] == "statement_conflict"
    assert Statement.objects.get().verb_id == ex.COMPLETED


def test_post_one_statement_returns_its_id(api):
    response = api.post(ex.statement())
    assert response.status_code == 200
    [statement_id] = response.json()
    assert Statement.objects.filter(id=statement_id).exists()


def test_post_a_batch_returns_ids_in_order(api):
    ids = [str(uuid.uuid4()) for _ in range(3)]
    assert api.stored([ex.statement(id=i) for i in ids]) == ids


def test_post_the_same_statement_again_returns_its_id(api):
    data = ex.statement(id=str(uuid.uuid4()))
    assert api.stored(data) == api.stored(data) == [data["id"]]
    assert Statement.objects.count() == 1


def test_post_conflict_is_409(api):
    statement_id = str(uuid.uuid4())
    api.stored(ex.statement(id=statement_id))
    other = ex.statement(id=statement_id, object={"id": "http://relais.example/activities/other"})
    assert error(api.post(other), 409)["path"] == "id"


def test_a_batch_with_one_invalid_statement_stores_nothing(api):
    response = api.post([ex.statement(), ex.statement(verb={"id": "not an iri"})])
    body = error(response)
    assert body["path"].startswith("[1].verb")
    assert Statement.objects.count() == 0


def test_a_batch_with_one_conflicting_statement_stores_nothing(api):
    statement_id = str(uuid.uuid4())
    api.stored(ex.statement(id=statement_id))
    other = ex.statement(id=statement_id, object={"id": "http://relais.example/activities/other"})
    error(api.post([ex.statement(), other]), 409)
    assert Statement.objects.count() == 1


def test_statements_get_the_clients_authority(api):
    [statement_id] = api.stored(ex.statement(authority=ex.agent("mbox")))
    assert Statement.objects.get(id=statement_id).payload["authority"] == client_authority(api.client)


def test_validation_errors_name_the_path_and_speak_french(api):
    body = error(api.post(ex.statement(actor={"name": "personne"})))
    assert body["path"].startswith("actor")
    assert any(word in body["message"] for word in ("doit", "Un ", "manque", "identifiant", "attendu"))


@pytest.mark.parametrize(
    "body",
    [b"{not json", b"", b"\xff\xfe", b"null", b"42", b'"a string"', b"true"],
    ids=["malformed", "empty", "not-utf8", "null", "number", "string", "bool"],
)
def test_bodies_that_are_not_a_statement_or_an_array_are_400(api, body):
    error(api.post(body))


def test_an_array_of_non_objects_is_400_with_the_index(api):
    assert error(api.post([ex.statement(), 3]))["path"].startswith("[1]")


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "application/xml"])
def test_wrong_content_types_are_400(api, content_type):
    assert error(api.post(json.dumps(ex.statement()), content_type=content_type))["rule"] in (
        "content_type",
        "alternate_syntax",
    )


def test_json_with_charset_is_accepted(api):
    assert api.post(ex.statement(), content_type="application/json; charset=utf-8").status_code == 200


def test_post_with_query_parameters_is_refused(api):
    response = api.post(ex.statement(), path="/xapi/statements?statementId=" + str(uuid.uuid4()))
    assert error(response)["rule"] == "unknown_parameter"


def test_delete_is_not_allowed(api):
    response = api.http.delete("/xapi/statements", **api._headers({}))
    assert response.status_code == 405


def test_voiding_through_http_hides_the_target(api):
    [target] = api.stored(ex.statement())
    api.stored(ex.voiding(target))
    assert Statement.objects.get(id=target).voided


def test_alternate_syntax_put(api):
    statement_id = str(uuid.uuid4())
    form = urlencode(
        {
            "statementId": statement_id,
            "content": json.dumps(ex.statement()),
            "X-Experience-API-Version": "1.0.3",
            "Authorization": api.authorization,
            "Content-Type": "application/json",
        }
    )
    response = api.http.post("/xapi/statements?method=PUT", form, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 204, response.content
    assert Statement.objects.filter(id=statement_id).exists()
