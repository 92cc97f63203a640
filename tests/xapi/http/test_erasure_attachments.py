"""Erasing a person takes the content of the attachments their own statements carried, unless a
statement that stays (another person's) still declares it: contents are stored once per SHA-256.
Run on SQLite and on PostgreSQL (DATABASE_URL): the remaining references come from a text search."""

import pytest

from tests.xapi import examples as ex
from tests.xapi.http.attachments import attachment_for, part, post_multipart, sha
from xapi.erasure import agent_erase, tombstone_for
from xapi.identity import agent_key
from xapi.models import Attachment, Statement

pytestmark = pytest.mark.django_db

HOME = "https://relais.example.fr"
ME = {"objectType": "Agent", "account": {"homePage": HOME, "name": "5e0b9a1c-2d3e-4f50-8a61-72839a4b5c6d"}}
THEM = {"objectType": "Agent", "account": {"homePage": HOME, "name": "0a0a0a0a-1111-4222-8333-444444444444"}}
MINE = "Mon compte rendu de séance, avec le nom de mes élèves.\n".encode()
SHARED = "La fiche de l'atelier, distribuée à tous.\n".encode()


def _post(api, actor: dict, *contents: bytes) -> None:
    data = ex.statement(actor=actor, attachments=[attachment_for(content) for content in contents])
    response = post_multipart(api, data, *(part(content) for content in contents))
    assert response.status_code == 200, response.content


def test_erasure_deletes_the_contents_only_the_person_declared(api):
    _post(api, ME, MINE, SHARED)
    _post(api, THEM, SHARED)
    assert set(Attachment.objects.values_list("sha2", flat=True)) == {sha(MINE), sha(SHARED)}

    report = agent_erase(keys={agent_key(ME)}, strings=[], tombstone=tombstone_for(f"{HOME}/erased"))

    assert report.deleted == 1 and report.attachments == 1
    assert list(Attachment.objects.values_list("sha2", flat=True)) == [sha(SHARED)]
    assert Statement.objects.count() == 1


def test_a_content_the_person_declared_twice_goes_once(api):
    _post(api, ME, MINE)
    _post(api, ME, MINE)
    report = agent_erase(keys={agent_key(ME)}, strings=[], tombstone=tombstone_for(f"{HOME}/erased"))
    assert report.deleted == 2 and report.attachments == 1
    assert not Attachment.objects.exists()
