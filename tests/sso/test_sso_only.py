"""RELAIS_SSO_ONLY: no e-mail/password sign-in, sign-up or reset; the providers' buttons only."""

import importlib

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import clear_url_caches, set_urlconf

from lms.models import User
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _reload_urls():
    import allauth.account.urls
    import allauth.urls

    import lms.urls

    # allauth leaves the password URLs out of its URLconf when SOCIALACCOUNT_ONLY is set, at import.
    for module in (allauth.account.urls, allauth.urls, lms.urls):
        importlib.reload(module)
    clear_url_caches()
    set_urlconf(None)


@pytest.fixture
def sso_only(settings, sso):
    settings.SOCIALACCOUNT_ONLY = True
    settings.ACCOUNT_EMAIL_VERIFICATION = "none"
    settings.WAGTAILADMIN_LOGIN_URL = "account_login"
    settings.WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False
    _reload_urls()
    yield
    settings.SOCIALACCOUNT_ONLY = False
    _reload_urls()


def test_the_login_page_offers_the_providers_only(client, sso_only):
    html = client.get("/comptes/login/").content.decode()
    assert '<span class="fr-connect__brand">ProConnect</span>' in html
    assert "Se connecter avec Académie de test" in html
    assert 'name="password"' not in html
    assert "Mot de passe oublié" not in html
    assert "Créer un compte" not in html  # neither on the page nor in the header


def test_password_sign_in_sign_up_and_reset_are_refused(client, sso_only, teacher):
    response = client.post("/comptes/login/", {"login": teacher.email, "password": PASSWORD})
    assert response.status_code == 403
    assert SESSION_KEY not in client.session
    assert client.get("/comptes/signup/").status_code == 404
    assert client.post("/comptes/signup/", {"email": "x@example.fr"}).status_code == 404
    assert client.get("/comptes/password/reset/").status_code == 404


def test_the_admin_sites_take_no_password_and_send_people_to_the_providers(client, sso_only, teacher):
    teacher.is_staff = True
    teacher.save()
    for login in ("/admin/login/", "/django-admin/login/"):
        response = client.post(login, {"username": teacher.email, "password": PASSWORD})
        assert response.status_code == 403, login
        assert SESSION_KEY not in client.session
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/comptes/login/?next=/admin/")
    assert client.get("/admin/password_reset/").status_code == 404
    response = client.get("/django-admin/login/?next=/django-admin/lms/")
    assert response.status_code == 302 and response["Location"] == "/comptes/login/?next=%2Fdjango-admin%2Flms%2F"


def test_a_provider_still_signs_new_teachers_up(client, sso_only, person):
    response = person.sign_in("proconnect", "agent-camille")
    assert response.status_code == 302
    assert User.objects.get(pk=client.session[SESSION_KEY]).role == User.Role.TEACHER
