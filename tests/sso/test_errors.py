"""Every way a provider sign-in can fail ends on a page the person can act on, never a 500."""

import socket

import pytest
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import SESSION_KEY

from lms.models import User
from tests.sso.oidc import Person, providers_setting, with_query

pytestmark = pytest.mark.django_db


def test_a_provider_that_is_down_gives_a_page_that_says_so(client, settings, sso):
    with socket.socket() as sock:  # a port where nothing listens
        sock.bind(("127.0.0.1", 0))
        closed = sock.getsockname()[1]
    apps = sso.apps("http://testserver")
    apps[0]["settings"]["server_url"] = f"http://127.0.0.1:{closed}"
    settings.SOCIALACCOUNT_PROVIDERS = providers_setting(apps)

    response = client.post("/comptes/oidc/proconnect/login/")
    assert response.status_code == 503
    html = response.content.decode()
    assert "La connexion n’a pas abouti" in html
    assert "ne répond pas pour le moment" in html
    assert "Réessayer avec ProConnect" in html
    assert 'href="/comptes/login/"' in html


def test_a_refused_consent_says_nothing_was_shared(client, person):
    callback, asked = person.at_provider(person.start("proconnect"), refuse=True)
    assert asked and "error=access_denied" in callback
    response = person.back(callback)
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Vous avez refusé la connexion" in page.content.decode()
    assert not User.objects.exists()


def test_a_callback_in_another_browser_is_refused(client, client_factory, person):
    """The state ties the answer to the browser that asked: a forged or stale callback signs no one in."""
    callback, _ = person.at_provider(person.start("proconnect"), login="agent-camille")
    intruder = client_factory()
    response = intruder.get(callback)
    assert response.status_code == 401
    assert "a expiré ou a été ouverte dans un autre navigateur" in response.content.decode()
    assert SESSION_KEY not in intruder.session
    # A state that was never issued, in the right browser, is refused as well.
    response = client.get(with_query(callback, state="inconnu"))
    assert response.status_code == 401
    assert not User.objects.exists()


def test_a_nonce_that_is_not_this_sign_in_s_is_refused(client, person):
    """An ID token minted for another sign-in (another nonce) is not accepted, though the provider signed it."""
    authorize = with_query(person.start("proconnect"), nonce="un-autre-nonce")
    callback, _ = person.at_provider(authorize, login="agent-camille")
    response = person.back(callback)
    assert response.status_code == 401
    assert "n’a pas pu être vérifiée" in response.content.decode()
    assert SESSION_KEY not in client.session
    assert not SocialAccount.objects.exists()


def test_a_provider_error_other_than_refusal_is_explained(client, person):
    """The provider's own error (here a prompt=none with no provider session) is shown, not a 500."""
    authorize = with_query(person.start("proconnect"), prompt="none")
    callback, asked = person.at_provider(authorize)
    assert not asked and "error=login_required" in callback
    response = person.back(callback)
    assert response.status_code == 401
    assert "Le service de connexion a refusé la demande" in response.content.decode()


def test_an_unknown_provider_is_a_404(client, sso):
    assert client.post("/comptes/oidc/inconnu/login/").status_code == 404
    assert client.get("/comptes/oidc/inconnu/login/callback/?code=x&state=y").status_code == 404


def test_logout_when_the_provider_is_down_still_ends_the_relais_session(client, settings, sso, school):
    person = Person(client, sso)
    person.sign_in("ac-test", "ac-sacha")
    apps = sso.apps("http://testserver")
    apps[1]["settings"]["server_url"] = "http://127.0.0.1:9/"
    settings.SOCIALACCOUNT_PROVIDERS = providers_setting(apps)
    response = client.post("/comptes/logout/")
    assert response.status_code == 302 and response["Location"] == "/"
    assert SESSION_KEY not in client.session


def test_a_provider_that_goes_down_during_the_sign_in_gives_the_same_page(client, settings, sso):
    """The person was sent to the provider, then its token endpoint stopped answering."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = sock.getsockname()[1]
    apps = sso.apps("http://testserver")
    apps[0]["settings"]["openid_configuration_overrides"] = {"token_endpoint": f"http://127.0.0.1:{closed}/token"}
    settings.SOCIALACCOUNT_PROVIDERS = providers_setting(apps)
    person = Person(client, sso)
    callback, _ = person.at_provider(person.start("proconnect"), login="agent-camille")
    response = person.back(callback)
    assert response.status_code == 401
    assert "ne répond pas pour le moment" in response.content.decode()
    assert SESSION_KEY not in client.session
