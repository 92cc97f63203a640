"""GET /xapi/statements by id: voided semantics, formats, Last-Modified, HEAD, parameter rules."""

import json
import uuid
from email.utils import parsedate_to_datetime

import pytest

from tests.xapi import examples as ex
from xapi.models import Statement

pytestmark = pytest.mark.django_db


def error(response, status=400):
    assert response.status_code == status, response.content
    return response.json()["error"]


def test_get_by_statement_id_returns_the_stored_statement(api):
    data = ex.full_statement()
    api.stored(data)
    response = api.get(params={"statementId": data["id"]})
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == data["id"]
    assert body["result"] == data["result"]
    assert "stored" in body and "authority" in body


def test_last_modified_is_the_stored_time(api):
    [statement_id] = api.stored(ex.statement())
    response = api.get(params={"statementId": statement_id})
    stored = Statement.objects.get(id=statement_id).stored
    assert parsedate_to_datetime(response["Last-Modified"]) == stored.replace(microsecond=0)


def test_unknown_statement_is_404(api):
    assert error(api.get(params={"statementId": str(uuid.uuid4())}), 404)["rule"] == "statement_not_found"


def test_voided_statement_is_only_found_by_voided_statement_id(api):
    [target] = api.stored(ex.statement())
    [voiding] = api.stored(ex.voiding(target))
    assert api.get(params={"statementId": target}).status_code == 404
    response = api.get(params={"voidedStatementId": target})
    assert response.status_code == 200 and response.json()["id"] == target
    assert api.get(params={"statementId": voiding}).status_code == 200


def test_voided_statement_id_of_a_statement_not_voided_is_404(api):
    [statement_id] = api.stored(ex.statement())
    assert api.get(params={"voidedStatementId": statement_id}).status_code == 404


def test_both_ids_are_refused(api):
    params = {"statementId": str(uuid.uuid4()), "voidedStatementId": str(uuid.uuid4())}
    assert error(api.get(params=params))["rule"] == "single_parameters"


@pytest.mark.parametrize("other", ["verb", "agent", "limit", "since", "ascending", "registration"])
def test_statement_id_with_a_filter_parameter_is_refused(api, other):
    value = {"agent": json.dumps(ex.agent()), "limit": "1", "since": "2026-01-01T00:00:00Z"}.get(other, "x")
    body = error(api.get(params={"statementId": str(uuid.uuid4()), other: value}))
    assert body["rule"] == "single_parameters" and body["path"] == other


def test_statement_id_allows_format_and_attachments(api):
    [statement_id] = api.stored(ex.statement())
    response = api.get(params={"statementId": statement_id, "format": "ids", "attachments": "false"})
    assert response.status_code == 200


def test_malformed_statement_id_is_400(api):
    assert error(api.get(params={"statementId": "nope"}))["path"] == "statementId"


def test_unknown_parameter_is_400_and_names_it(api):
    body = error(api.get(params={"verbs": ex.COMPLETED}))
    assert (body["rule"], body["path"]) == ("unknown_parameter", "verbs")


def test_parameter_names_are_case_sensitive(api):
    assert error(api.get(params={"statementid": str(uuid.uuid4())}))["rule"] == "unknown_parameter"


def test_format_ids_keeps_only_identifiers(api):
    data = ex.statement(
        id=str(uuid.uuid4()),
        actor=ex.agent("mbox"),
        object={"id": ex.ACTIVITY, "definition": ex.full_definition()},
    )
    api.stored(data)
    body = api.get(params={"statementId": data["id"], "format": "ids"}).json()
    assert body["actor"] == {"objectType": "Agent", "mbox": "mailto:camille@example.fr"}
    assert body["verb"] == {"id": ex.COMPLETED}
    # An Activity's identifier is its id alone (ADL suite, XAPI-00171).
    assert body["object"] == {"id": ex.ACTIVITY}


def test_format_canonical_picks_one_language_by_accept_language(api):
    data = ex.statement(id=str(uuid.uuid4()), object={"id": ex.ACTIVITY, "definition": ex.full_definition()})
    api.stored(data)
    params = {"statementId": data["id"], "format": "canonical"}
    english = api.get(params=params, HTTP_ACCEPT_LANGUAGE="en-US, fr;q=0.5").json()
    assert english["verb"]["display"] == {"en-US": "completed"}
    assert english["object"]["definition"]["name"] == {"en-US": "Module 1"}
    french = api.get(params=params, HTTP_ACCEPT_LANGUAGE="fr").json()
    assert french["verb"]["display"] == {"fr-FR": "a terminé"}


def test_format_exact_is_the_default(api):
    data = ex.statement(id=str(uuid.uuid4()))
    api.stored(data)
    body = api.get(params={"statementId": data["id"]}).json()
    assert body["verb"]["display"] == data["verb"]["display"]


def test_unknown_format_is_400(api):
    assert error(api.get(params={"format": "full"}))["path"] == "format"


def test_head_answers_like_get_without_body(api):
    [statement_id] = api.stored(ex.statement())
    get = api.get(params={"statementId": statement_id})
    head = api.head(params={"statementId": statement_id})
    assert head.status_code == 200 and head.content == b""
    assert head["Content-Length"] == str(len(get.content))
    assert head["Last-Modified"] == get["Last-Modified"]
    assert api.head(params={"statementId": str(uuid.uuid4())}).status_code == 404


def test_alternate_syntax_get(api):
    from urllib.parse import urlencode

    [statement_id] = api.stored(ex.statement())
    form = urlencode(
        {"statementId": statement_id, "X-Experience-API-Version": "1.0.3", "Authorization": api.authorization}
    )
    response = api.http.post("/xapi/statements?method=GET", form, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200 and response.json()["id"] == statement_id
