"""allauth's pages in DSFR: rendering in French and English, form errors, logout by POST."""

import pytest
from django.contrib.auth import SESSION_KEY

from tests.themes.conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/comptes/login/"
SIGNUP = "/comptes/signup/"
LOGOUT = "/comptes/logout/"


def test_login_page_in_french_by_default(client):
    html = client.get(LOGIN).content.decode()
    assert '<html lang="fr"' in html
    assert "<h1>Se connecter</h1>" in html
    assert "Mot de passe oublié ?" in html
    assert 'class="fr-label" for="id_login"' in html
    assert 'class="fr-input"' in html


def test_login_page_in_english_after_choosing_english(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": LOGIN})
    assert response.status_code == 302
    html = client.get(LOGIN).content.decode()
    assert '<html lang="en"' in html
    assert "<h1>Sign in</h1>" in html
    assert "Forgot your password?" in html
    assert "Create an account" in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {
                "email": "pas-une-adresse",
                "password1": "Un-mot-de-passe-solide-42",
                "password2": "Un-mot-de-passe-solide-42",
            },
            "Saisissez une adresse de courriel valide.",
        ),
        (
            {
                "email": "nouveau@example.fr",
                "password1": "Un-mot-de-passe-solide-42",
                "password2": "Un-autre-mot-de-passe-43",
            },
            "Vous devez saisir deux fois le même mot de passe.",
        ),
    ],
    ids=["bad-email", "mismatched-passwords"],
)
def test_signup_errors_are_shown_in_dsfr_markup(client, data, message):
    response = client.post(SIGNUP, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert "fr-input-group--error" in html
    assert 'class="fr-error-text"' in html
    assert 'aria-invalid="true"' in html
    assert "-desc-error" in html


def test_signup_creates_the_account(client, settings):
    settings.LOGIN_REDIRECT_URL = "/"  # the catalogue's "home" URL name may not exist yet
    response = client.post(
        SIGNUP,
        {
            "email": "nouveau@example.fr",
            "password1": "Un-mot-de-passe-solide-42",
            "password2": "Un-mot-de-passe-solide-42",
        },
    )
    assert response.status_code == 302
    assert client.session.get(SESSION_KEY)


def test_login_with_a_wrong_password_says_so(client, member):
    response = client.post(LOGIN, {"login": member.email, "password": "pas-le-bon"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "L’adresse e-mail ou le mot de passe sont incorrects." in html
    assert 'class="fr-alert fr-alert--error fr-alert--sm fr-mb-3w" role="alert"' in html


def test_login_with_the_right_password(client, member, settings):
    settings.LOGIN_REDIRECT_URL = "/"
    response = client.post(LOGIN, {"login": member.email, "password": PASSWORD})
    assert response.status_code == 302
    assert int(client.session[SESSION_KEY]) == member.pk


def test_logout_by_post(client, member):
    client.force_login(member)
    assert client.get(LOGOUT).status_code == 200  # a confirmation page, not a logout
    assert client.session.get(SESSION_KEY)
    response = client.post(LOGOUT)
    assert response.status_code == 302
    assert not client.session.get(SESSION_KEY)


@pytest.mark.parametrize(
    ("url", "heading"),
    [
        ("/comptes/password/reset/", "<h1>Mot de passe oublié</h1>"),
        ("/comptes/password/reset/done/", "<h1>Consultez votre messagerie</h1>"),
        ("/comptes/password/reset/key/1-bad/", "<h1>Lien invalide</h1>"),
        ("/comptes/confirm-email/bad-key/", "<h1>Confirmer l’adresse électronique</h1>"),
        ("/comptes/confirm-email/", "<h1>Vérifiez votre adresse électronique</h1>"),
    ],
)
def test_other_account_pages_render(client, url, heading):
    response = client.get(url, follow=True)
    assert response.status_code == 200
    assert heading in response.content.decode()


def test_password_change_page(client, member):
    client.force_login(member)
    response = client.post("/comptes/password/change/", {"oldpassword": "faux", "password1": "a", "password2": "b"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Changer de mot de passe</h1>" in html
    assert 'class="fr-error-text"' in html
