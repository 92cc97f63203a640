"""A teacher signs in with ProConnect for the first time, in Chromium, from the home page.

The provider is the real one the suite starts (tests/sso/oidc.py). The school is chosen with the
keyboard alone; logout goes through the provider's end-session page and back.
"""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from wagtail.models import Site

from courses.models import CatalogPage
from lms.models import Membership, User
from tests.conftest import make_school, wagtail_root
from tests.e2e.conftest import allow_form_action, blocking_violations, format_violations, tab_to
from tests.sso.oidc import providers_setting

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def home(departement):
    catalogue = CatalogPage(title="Catalogue", slug="catalogue-sso")
    wagtail_root().add_child(instance=catalogue)
    Site.objects.update_or_create(
        is_default_site=True, defaults={"hostname": "localhost", "port": 80, "root_page": catalogue}
    )
    return make_school(departement, "0951001X", "École Jules Ferry")


def test_first_sign_in_with_proconnect_then_logout(page, live_server, settings, oidc_provider, home):
    settings.SOCIALACCOUNT_PROVIDERS = providers_setting(oidc_provider.apps(live_server.url))
    allow_form_action(settings, oidc_provider.issuer)
    base = live_server.url
    page.goto(base + "/")
    page.get_by_role("link", name="Se connecter").first.click()
    axe = Axe()
    found = [("login", blocking_violations(axe, page))]
    page.get_by_role("button", name="S’identifier avec ProConnect").click()

    # At the provider.
    page.wait_for_url(oidc_provider.issuer + "/**")
    page.get_by_label("Identifiant").fill("agent-camille")
    page.get_by_role("button", name="Se connecter").click()

    # Back at Relais, the school comes first: keyboard only.
    page.get_by_role("heading", name="Votre établissement").wait_for()
    assert page.url.startswith(base + "/comptes/etablissement/")
    tab_to(page, lambda f: f["name"] == "q", "the school search field")
    page.keyboard.type("Jules Ferry")
    page.keyboard.press("Enter")
    page.get_by_text("1 établissement trouvé").wait_for()
    found.append(("school choice", blocking_violations(axe, page)))
    assert not any(violations for _, violations in found), format_violations(found)
    tab_to(page, lambda f: f["name"] == "uai", "the school's radio button")
    page.keyboard.press("Space")
    tab_to(page, lambda f: "mon établissement" in f["text"], "the confirm button")
    page.keyboard.press("Enter")
    page.get_by_text("Votre établissement est enregistré").wait_for()
    user = User.objects.get(email="camille.martin@ac-versailles.fr")
    assert user.role == User.Role.TEACHER
    assert Membership.objects.get(user=user).school == home
    assert page.get_by_role("link", name=re.compile("Camille Martin")).is_visible()

    # Logout ends the provider's session: its page asks, then sends the person home.
    page.get_by_role("button", name="Se déconnecter").first.click()
    page.wait_for_url(oidc_provider.issuer + "/**")
    page.get_by_role("button", name="Oui, me déconnecter").click()
    page.wait_for_url(re.compile(re.escape(base) + r"/\?state="))
    assert page.get_by_role("link", name="Se connecter").first.is_visible()
