"""Signing in through a real OpenID Connect provider: first time, school, second time, linking, logout."""

import re

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import SESSION_KEY

from lms.models import Membership, User
from tests.conftest import PASSWORD, make_user
from tests.sso.oidc import Person

pytestmark = pytest.mark.django_db

LOGIN = "/comptes/login/"
LOGOUT = "/comptes/logout/"
CHOOSE = "/comptes/etablissement/"


def signed_in_user(client) -> User | None:
    pk = client.session.get(SESSION_KEY)
    return User.objects.get(pk=pk) if pk else None


def test_login_page_shows_each_provider_s_button_without_inline_script(client, sso):
    html = client.get(LOGIN).content.decode()
    # ProConnect's charter on a DSFR site: the DSFR connect button, named ProConnect, and its explanation link.
    assert 'class="fr-connect"' in html
    assert '<span class="fr-connect__brand">ProConnect</span>' in html
    assert "Qu’est-ce que ProConnect ?" in html
    assert 'action="/comptes/oidc/proconnect/login/"' in html
    assert "Se connecter avec Académie de test" in html
    assert 'action="/comptes/oidc/ac-test/login/"' in html
    assert html.index("fr-connect__brand") < html.index("Se connecter avec Académie de test")  # ProConnect first
    # The password form is still there by default.
    assert 'name="password"' in html
    # Nothing inline for the Content-Security-Policy to refuse.
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert " onclick=" not in html


def test_first_sign_in_creates_a_teacher_who_must_pick_a_school(client, person, school):
    response = person.sign_in("proconnect", "agent-camille")
    assert response.status_code == 302
    user = signed_in_user(client)
    assert user.email == "camille.martin@ac-versailles.fr"
    assert (user.first_name, user.last_name) == ("Camille", "Martin")  # ProConnect's usual_name
    assert user.role == User.Role.TEACHER and not user.is_staff and not user.is_superuser
    assert not user.has_usable_password()
    account = SocialAccount.objects.get(user=user)
    assert account.provider == "proconnect"
    assert account.extra_data["userinfo"]["siret"] == "19950645300017"  # from the signed (JWT) userinfo
    assert EmailAddress.objects.get(user=user).verified

    # Anything else leads to the school choice, until a school is chosen.
    for path in ["/", "/comptes/mes-donnees/", "/formations/"]:
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith(CHOOSE + "?next=")
    page = client.get(response["Location"]).content.decode()
    assert "Votre établissement" in page

    found = client.get(CHOOSE, {"q": "jules ferry", "next": "/comptes/mes-donnees/"}).content.decode()
    assert 'value="0951001X"' in found and "École Jules Ferry" in found
    assert 'value="0951001X"' in client.get(CHOOSE, {"q": "0951"}).content.decode()
    assert 'value="0951001X"' in client.get(CHOOSE, {"q": "Cergy"}).content.decode()
    assert "Aucun établissement" in client.get(CHOOSE, {"q": "Tombouctou"}).content.decode()

    assert client.get(CHOOSE, {"q": "x" * 5000}).status_code == 200
    assert client.post(CHOOSE, {"uai": "x" * 5000, "q": "école " * 2000}).status_code == 400
    refused = client.post(CHOOSE, {"uai": "0000000A", "q": "jules", "next": "/"})
    assert refused.status_code == 400
    assert "Choisissez un établissement dans la liste." in refused.content.decode()

    chosen = client.post(CHOOSE, {"uai": "0951001X", "next": "/comptes/mes-donnees/"})
    assert chosen.status_code == 302 and chosen["Location"] == "/comptes/mes-donnees/"
    assert Membership.objects.get(user=user).school == school
    assert client.get("/comptes/mes-donnees/").status_code == 200
    # "Mes données" includes what the provider said.
    export = client.get("/comptes/mes-donnees/export/").json()
    (linked,) = export["comptes_de_connexion"]
    assert linked["fournisseur"] == "proconnect" and linked["donnees_recues"]["userinfo"]["uid"] == "cmartin"


def test_the_school_choice_lets_the_person_leave(client, person):
    person.sign_in("proconnect", "agent-camille")
    # Logging out and switching language stay open; a foreign "next" is not followed.
    assert client.post("/i18n/setlang/", {"language": "en", "next": CHOOSE}).status_code == 302
    page = client.get(CHOOSE, {"next": "https://ailleurs.example/"}).content.decode()
    assert 'name="next" value="/"' in page
    assert client.post(LOGOUT).status_code == 302
    assert signed_in_user(client) is None


def test_a_provider_that_names_the_school_attaches_the_teacher_to_it(client, person, school):
    response = person.sign_in("ac-test", "ac-sacha")
    assert response.status_code == 302
    user = signed_in_user(client)
    assert (user.first_name, user.last_name) == ("Sacha", "Bernard")
    assert list(Membership.objects.filter(user=user).values_list("school__uai", flat=True)) == ["0951001X"]
    assert client.get("/comptes/mes-donnees/").status_code == 200


def test_second_sign_in_finds_the_same_account_and_pseudonym(client, client_factory, sso, school):
    first = Person(client, sso)
    first.sign_in("proconnect", "agent-dominique")
    user = signed_in_user(client)
    client.post(CHOOSE, {"uai": school.uai})

    again = Person(client_factory(), sso)  # another day, another browser
    response = again.sign_in("proconnect", "agent-dominique", next_url="/comptes/mes-donnees/")
    assert response.status_code == 302 and response["Location"] == "/comptes/mes-donnees/"
    same = signed_in_user(again.client)
    assert same.pk == user.pk and same.xapi_uuid == user.xapi_uuid
    assert User.objects.filter(email="dominique.petit@ac-versailles.fr").count() == 1
    assert SocialAccount.objects.filter(user=user).count() == 1
    assert again.client.get("/comptes/mes-donnees/").status_code == 200  # no school question this time


def test_a_verified_address_links_to_the_existing_account_and_keeps_its_role(client, client_factory, person, school):
    manager = make_user("camille.martin@ac-versailles.fr", role=User.Role.MANAGER, scope_departement=school.departement)
    EmailAddress.objects.create(user=manager, email=manager.email, verified=True, primary=True)
    pseudonym = manager.xapi_uuid

    response = person.sign_in("proconnect", "agent-camille")
    assert response.status_code == 302
    assert signed_in_user(client).pk == manager.pk
    manager.refresh_from_db()
    assert manager.role == User.Role.MANAGER  # kept; never granted nor taken away by a claim
    assert manager.xapi_uuid == pseudonym
    assert SocialAccount.objects.get(user=manager).provider == "proconnect"
    assert User.objects.count() == 1
    # Managers are not asked for a school; the password still works and it is the same person.
    assert client.get("/comptes/mes-donnees/").status_code == 200
    by_password = client_factory()
    by_password.post(LOGIN, {"login": manager.email, "password": PASSWORD})
    assert User.objects.get(pk=by_password.session[SESSION_KEY]).xapi_uuid == pseudonym


def test_linking_to_an_account_whose_own_address_was_never_verified_clears_its_password(client, person):
    """Whoever registered that address with a password may not be its owner: the provider's word wins."""
    existing = make_user("camille.martin@ac-versailles.fr")
    person.sign_in("proconnect", "agent-camille")
    assert signed_in_user(client).pk == existing.pk
    existing.refresh_from_db()
    assert not existing.has_usable_password()


def test_an_unverified_address_is_neither_linked_nor_duplicated(client, person):
    existing = make_user("gestion@example.fr")
    response = person.sign_in("ac-test", "ac-unverified")
    assert response.status_code == 409
    html = response.content.decode()
    assert "Un compte existe déjà avec cette adresse" in html
    assert "gestion@example.fr" in html
    assert signed_in_user(client) is None
    assert not SocialAccount.objects.exists()
    assert User.objects.get() == existing and existing.has_usable_password()


def test_logout_ends_the_provider_session_too(client, client_factory, person, school):
    person.sign_in("proconnect", "agent-camille")
    client.post(CHOOSE, {"uai": school.uai})
    # While the provider session lasts, another sign-in in this browser asks nothing.
    _, asked = person.at_provider(Person(client_factory(), person.provider).start("proconnect"))
    assert not asked

    response = client.post(LOGOUT)
    assert response.status_code == 302
    end_session = response["Location"]
    assert end_session.startswith(person.provider.discovery["end_session_endpoint"] + "?")
    assert "id_token_hint=" in end_session and "post_logout_redirect_uri=http%3A%2F%2Ftestserver%2F" in end_session
    assert signed_in_user(client) is None

    back = person.confirm_provider_logout(end_session)
    assert back.startswith("http://testserver/?state=")
    # The provider asks again who signs in: its session ended.
    _, asked = person.at_provider(person.start("proconnect"), login="agent-camille")
    assert asked


def test_logout_after_a_password_sign_in_stays_local(client, teacher):
    client.post(LOGIN, {"login": teacher.email, "password": PASSWORD})
    response = client.post(LOGOUT)
    assert response.status_code == 302 and response["Location"] == "/"


def test_the_authorization_request_carries_only_what_each_provider_takes(person):
    """ProConnect: state and nonce of 32+ characters, no unlisted parameter; PKCE for every provider that
    lists S256 in its discovery document (the test provider does, as ProConnect does when it takes it)."""
    from urllib.parse import parse_qs, urlparse

    proconnect = parse_qs(urlparse(person.start("proconnect")).query)
    assert set(proconnect) == {
        "client_id",
        "redirect_uri",
        "scope",
        "response_type",
        "state",
        "nonce",
        "code_challenge",
        "code_challenge_method",
    }
    assert set(proconnect["scope"][0].split()) == {"openid", "email", "given_name", "usual_name", "uid", "siret"}
    assert len(proconnect["state"][0]) >= 32 and len(proconnect["nonce"][0]) >= 32
    assert proconnect["code_challenge_method"] == ["S256"] and len(proconnect["code_challenge"][0]) >= 43
    academie = parse_qs(urlparse(person.start("ac-test")).query)
    assert academie["code_challenge_method"] == ["S256"] and academie["code_challenge"]


def test_no_pkce_for_a_provider_that_does_not_list_it_or_when_turned_off(client, settings, sso):
    from urllib.parse import parse_qs, urlparse

    from tests.sso.oidc import Person, providers_setting

    apps = sso.apps("http://testserver")
    apps[0]["settings"]["openid_configuration_overrides"] = {"code_challenge_methods_supported": ["plain"]}
    apps[1]["settings"]["oauth_pkce_enabled"] = False
    settings.SOCIALACCOUNT_PROVIDERS = providers_setting(apps)
    person = Person(client, sso)
    for provider_id in ("proconnect", "ac-test"):
        query = parse_qs(urlparse(person.start(provider_id)).query)
        assert "code_challenge" not in query and "code_challenge_method" not in query, provider_id
