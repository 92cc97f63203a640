"""The public badge page in Chromium: reached from "Mes compétences", readable on a phone and a
desktop, in French and English, light and dark, with no serious axe-core violation."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from ambassadors.models import AmbassadorProposal
from ambassadors.services import ambassadors_propose, proposal_decide
from tests.conftest import PASSWORD, make_school
from tests.e2e.conftest import blocking_violations, format_violations, new_context
from tests.factories import expert, teacher_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_badge_page_from_my_competencies(
    browser, live_server, settings, frameworks, departement, manager, django_capture_on_commit_callbacks
):
    settings.RELAIS_BASE_URL = live_server.url
    college = make_school(departement, "0951002Y", "Collège Jean Moulin", kind="college")
    teacher = teacher_in(college, "ambassadrice@example.fr")
    expert(teacher, django_capture_on_commit_callbacks, level=5)
    ambassadors_propose()
    proposal_decide(proposal=AmbassadorProposal.objects.get(user=teacher), manager=manager, decision="confirmed")
    axe = Axe()
    found = []
    for language, scheme, width in (("fr", "light", 375), ("en", "dark", 1280)):
        context = new_context(browser, language=language, scheme=scheme, width=width, base=live_server.url)
        page = context.new_page()
        page.goto(f"{live_server.url}/comptes/login/")
        page.locator("input[name=login]").fill(teacher.email)
        page.locator("input[name=password]").fill(PASSWORD)
        page.locator("input[name=password]").press("Enter")
        page.wait_for_load_state("networkidle")
        page.goto(f"{live_server.url}/competences/mes-competences/")
        page.locator("[data-badge-verify]").click()
        page.wait_for_load_state("networkidle")
        assert page.locator('[data-badge-state="valid"]').is_visible()
        assert page.locator("html").get_attribute("lang") == language
        # Nothing runs off the side of a phone.
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        violations = blocking_violations(axe, page)
        if violations:
            found.append((f"badge page ({language}, {scheme}, {width} px)", violations))
        context.close()
    assert not found, "axe-core found serious or critical violations:" + format_violations(found)
