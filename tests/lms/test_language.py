"""The language a person reads the site in is remembered, so that e-mails sent to them later, out of any
request (the follow-up questionnaire), are written in it."""

import pytest

from lms.privacy import user_data_export
from tests.conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db

LOGIN = "/comptes/login/"


def test_the_switch_remembers_a_signed_in_persons_choice(client):
    user = make_user("lang@example.fr")
    client.force_login(user)
    assert client.post("/i18n/setlang/", {"language": "en", "next": "/"}).status_code == 302
    user.refresh_from_db()
    assert user.language == "en"
    assert user_data_export(user=user)["compte"]["langue"] == "en"
    client.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    user.refresh_from_db()
    assert user.language == "fr"


def test_an_unknown_language_or_an_anonymous_switch_stores_nothing(client):
    user = make_user("lang@example.fr", language="fr")
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})  # not signed in: only the cookie
    user.refresh_from_db()
    assert user.language == "fr"
    client.force_login(user)
    client.post("/i18n/setlang/", {"language": "xx", "next": "/"})
    user.refresh_from_db()
    assert user.language == "fr"


def test_signing_in_keeps_the_language_one_signed_in_with_unless_one_was_chosen(client):
    fresh = make_user("nouveau@example.fr")
    chosen = make_user("choisi@example.fr", language="fr")
    client.post("/i18n/setlang/", {"language": "en", "next": LOGIN})
    assert client.post(LOGIN, {"login": fresh.email, "password": PASSWORD}).status_code == 302
    fresh.refresh_from_db()
    assert fresh.language == "en"
    client.logout()
    client.post("/i18n/setlang/", {"language": "en", "next": LOGIN})
    assert client.post(LOGIN, {"login": chosen.email, "password": PASSWORD}).status_code == 302
    chosen.refresh_from_db()
    assert chosen.language == "fr"  # an explicit choice is not overwritten by a sign-in
