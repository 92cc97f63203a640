"""Who may call /xapi/statements: credentials (401), scopes (403), statements/read/mine, lrs_client."""

import io
import uuid

import pytest
from django.core.management import CommandError, call_command

from tests.conftest import PASSWORD
from tests.xapi import examples as ex
from tests.xapi.http.conftest import Api, basic
from xapi.models import Client
from xapi.services import statement_store

pytestmark = pytest.mark.django_db


def error(response, status):
    assert response.status_code == status, response.content
    return response.json()["error"]


def test_no_credentials_is_401_with_a_clear_message(api):
    api.authorization = None
    body = error(api.get(), 401)
    assert "Basic" in body["message"]
    assert api.get()["WWW-Authenticate"].startswith("Basic")


@pytest.mark.parametrize(
    "authorization",
    ["Bearer abc", "Basic", "Basic !!!notbase64", "Basic " + "bm9jb2xvbg=="],  # the last one: "nocolon"
)
def test_malformed_authorization_is_401(api, authorization):
    api.authorization = authorization
    error(api.get(), 401)


def test_wrong_secret_is_401(api):
    api.authorization = basic(api.client.key, "wrong")
    assert error(api.post(ex.statement()), 401)["rule"] == "bad_credentials"


def test_deactivated_client_is_401(api):
    Client.objects.filter(pk=api.client.pk).update(is_active=False)
    error(api.get(), 401)


def test_read_only_client_cannot_write(make_api):
    reader = make_api(scopes=["statements/read"])
    assert error(reader.post(ex.statement()), 403)["rule"] == "scope"
    assert error(reader.put(ex.statement(), str(uuid.uuid4())), 403)["rule"] == "scope"
    assert reader.get().status_code == 200


def test_write_only_client_cannot_read(make_api):
    writer = make_api(scopes=["statements/write"])
    assert writer.post(ex.statement()).status_code == 200
    error(writer.get(), 403)


def test_state_scope_gives_no_statement_access(make_api):
    other = make_api(scopes=["state"])
    error(other.get(), 403)
    error(other.post(ex.statement()), 403)


def test_read_mine_client_reads_only_what_it_wrote(make_api):
    mine = make_api(scopes=["statements/write", "statements/read/mine"], name="Mine")
    other = make_api(scopes=["all"], name="Other")
    [own] = mine.stored(ex.statement())
    [foreign] = other.stored(ex.statement())
    listed = [s["id"] for s in mine.get().json()["statements"]]
    assert listed == [own]
    assert mine.get(params={"statementId": foreign}).status_code == 404
    assert mine.get(params={"statementId": own}).status_code == 200
    assert {s["id"] for s in other.get().json()["statements"]} == {own, foreign}


def test_read_mine_applies_on_more_pages(make_api):
    mine = make_api(scopes=["all"], name="Mine")
    other = make_api(scopes=["statements/read/mine"], name="Other")
    mine.stored([ex.statement() for _ in range(3)])
    body = mine.get(params={"limit": "1"}).json()
    assert other.get(body["more"]).json()["statements"] == []


def test_logged_in_teacher_reads_only_their_own_statements(client, teacher):
    client.login(email=teacher.email, password=PASSWORD)
    own = statement_store(data=ex.statement(actor=teacher.xapi_actor()))
    statement_store(data=ex.statement())
    api = Api(None, client=client)
    assert [s["id"] for s in api.get().json()["statements"]] == [str(own.id)]
    error(api.post(ex.statement(actor=teacher.xapi_actor())), 403)


# --- lrs_client ---------------------------------------------------------------------------------


def run(*args) -> str:
    out = io.StringIO()
    call_command("lrs_client", *args, stdout=out)
    return out.getvalue()


def test_lrs_client_create_prints_key_and_secret_that_work():
    output = run("create", "Moodle académique", "--scope", "statements/write", "statements/read")
    lines = output.splitlines()
    assert len(lines) == 2 and lines[0].startswith("key: ") and lines[1].startswith("secret: ")
    key, secret = lines[0][5:], lines[1][8:]
    client = Client.objects.get(key=key)
    assert client.name == "Moodle académique"
    assert sorted(client.scopes) == ["statements/read", "statements/write"]
    assert Api(basic(key, secret)).post(ex.statement()).status_code == 200


def test_lrs_client_unknown_scope_lists_valid_ones():
    with pytest.raises(CommandError) as info:
        run("create", "X", "--scope", "everything")
    assert "everything" in str(info.value) and "statements/write" in str(info.value)
    assert not Client.objects.exists()


def test_lrs_client_list_and_deactivate(api):
    assert api.client.key in run("list")
    run("deactivate", api.client.key)
    assert not Client.objects.get(pk=api.client.pk).is_active
    assert "désactivé" in run("list")
    error(api.get(), 401)
    with pytest.raises(CommandError):
        run("deactivate", "nope")
