"""axe-core on every page type, in French and English, light and dark: no serious or critical violation.

axe-playwright-python ships axe-core's script in its wheel, so this runs offline.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.e2e.conftest import MANAGER, TEACHER, blocking_violations, demo_site, format_violations, login, new_context

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def audit_every_page_type(browser, base, course, module, *, language, scheme, width=1280):
    """Run axe on each page type; return the blocking violations found, by page."""
    axe = Axe()
    found = []

    def audit(page, label, path, status=200):
        response = page.goto(base + path)
        assert response.status == status, f"{label}: {path} answered {response.status}"
        page.wait_for_load_state("networkidle")
        assert page.locator("html").get_attribute("data-fr-theme") == scheme, f"{label}: not in {scheme} scheme"
        assert page.locator("html").get_attribute("lang") == language, f"{label}: not in {language}"
        violations = blocking_violations(axe, page)
        if violations:
            found.append((f"{label} ({path}, {language}, {scheme}, {width} px)", violations))

    context = new_context(browser, language=language, scheme=scheme, width=width, base=base)
    page = context.new_page()
    audit(page, "catalogue", "/")
    audit(page, "course", course.url)
    audit(page, "login", "/comptes/login/")
    audit(page, "signup", "/comptes/signup/")
    audit(page, "password reset", "/comptes/password/reset/")
    audit(page, "404", "/cette-page-n-existe-pas/", status=404)

    login(page, base, TEACHER)
    audit(page, "module player", module.url)
    audit(page, "my competencies", "/competences/mes-competences/")
    audit(page, "my data", "/comptes/mes-donnees/")
    context.close()

    context = new_context(browser, language=language, scheme=scheme, width=width, base=base)
    page = context.new_page()
    login(page, base, MANAGER)
    audit(page, "dashboard", "/competences/tableau-de-bord/")
    audit(page, "ambassadors", "/competences/ambassadeurs/")
    audit(page, "pilotage", "/competences/pilotage/")
    context.close()
    return found


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("language", ["fr", "en"])
def test_no_serious_violation_on_any_page_type(browser, live_server, language, scheme):
    course, module = demo_site()
    found = audit_every_page_type(browser, live_server.url, course, module, language=language, scheme=scheme)
    assert not found, "axe-core found serious or critical violations:" + format_violations(found)


def test_no_serious_violation_on_a_phone(browser, live_server):
    """The phone layout (DSFR's collapsed header menu, scrolling tables) in French, light scheme."""
    course, module = demo_site()
    found = audit_every_page_type(browser, live_server.url, course, module, language="fr", scheme="light", width=375)
    assert not found, "axe-core found serious or critical violations:" + format_violations(found)
