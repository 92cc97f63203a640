"""Two territories on one installation: each host name shows its own theme and catalogue."""

import pytest
from wagtail.models import Locale, Site

from courses.models import CatalogPage, CoursePage
from tests.conftest import wagtail_root
from tests.e2e.conftest import CHROMIUM
from themes.models import TerritorySettings

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

HOSTS = ["tne-95.relais.test", "tne-971.relais.test"]


@pytest.fixture
def resolving_browser(browser):
    """A Chromium that resolves *.relais.test to the live server's address."""
    other = browser.browser_type.launch(
        executable_path=CHROMIUM,
        headless=True,
        args=["--no-sandbox", "--disable-gpu", "--host-resolver-rules=MAP *.relais.test 127.0.0.1"],
    )
    yield other
    other.close()


def territory(hostname, *, name, catalogue_title, course_title, is_state_site, is_default=False):
    catalogue = CatalogPage(title=catalogue_title, slug=hostname.split(".")[0])
    wagtail_root().add_child(instance=catalogue)
    catalogue.add_child(instance=CoursePage(title=course_title, slug="parcours", summary="Résumé"))
    site = Site.objects.create(hostname=hostname, port=80, root_page=catalogue, is_default_site=is_default)
    TerritorySettings.objects.create(
        site=site,
        territory_name=name,
        operator_name="Académie de Versailles" if is_state_site else "Région Guadeloupe",
        is_state_site=is_state_site,
        accent_colour="green-menthe" if is_state_site else "blue-ecume",
    )


def test_each_host_name_shows_its_own_territory(resolving_browser, live_server, settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, *HOSTS]
    Locale.objects.get_or_create(language_code="fr")  # an earlier transactional test's flush removed Wagtail's
    Site.objects.all().delete()
    territory(
        HOSTS[0],
        name="Val-d'Oise — TNE",
        catalogue_title="Catalogue du Val-d'Oise",
        course_title="Enseigner en hybride",
        is_state_site=True,
        is_default=True,
    )
    territory(
        HOSTS[1],
        name="Guadeloupe — TNE",
        catalogue_title="Catalogue de la Guadeloupe",
        course_title="La classe mobile en Guadeloupe",
        is_state_site=False,
    )
    port = live_server.url.rsplit(":", 1)[1]
    context = resolving_browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()

    page.goto(f"http://{HOSTS[0]}:{port}/")
    assert page.locator(".fr-header__service-title").inner_text() == "Val-d'Oise — TNE"
    assert page.locator("h1").inner_text() == "Catalogue du Val-d'Oise"
    assert page.get_by_role("link", name="Enseigner en hybride").is_visible()
    assert page.get_by_text("La classe mobile en Guadeloupe").count() == 0
    assert page.locator(".fr-header .fr-logo").count() == 1  # the State's brand block
    assert page.locator("html").get_attribute("data-relais-accent") == "green-menthe"
    assert page.title().endswith("— Val-d'Oise — TNE")

    page.goto(f"http://{HOSTS[1]}:{port}/")
    assert page.locator(".fr-header__service-title").inner_text() == "Guadeloupe — TNE"
    assert page.locator("h1").inner_text() == "Catalogue de la Guadeloupe"
    assert page.get_by_role("link", name="La classe mobile en Guadeloupe").is_visible()
    assert page.get_by_text("Enseigner en hybride").count() == 0
    assert page.locator(".fr-logo").count() == 0  # a collectivité carries no Marianne
    assert page.locator("html").get_attribute("data-relais-accent") == "blue-ecume"
    assert "Région Guadeloupe" in page.locator("footer").inner_text()

    # The same path is each site's own course.
    page.goto(f"http://{HOSTS[0]}:{port}/parcours/")
    assert page.locator("h1").inner_text() == "Enseigner en hybride"
    page.goto(f"http://{HOSTS[1]}:{port}/parcours/")
    assert page.locator("h1").inner_text() == "La classe mobile en Guadeloupe"
    context.close()
