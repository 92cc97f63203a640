"""A trainer in the Wagtail admin, in Chromium: lands in the admin after login, reaches other
territories' shared courses and the trainer space from the admin menu, and in the editor the
competency list follows the chosen framework with the level named. axe on the new admin page."""

import os
import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

from courses.demo import DEMO_DOMAIN, demo_load
from courses.models import CatalogPage, CoursePage, ModulePage
from lms.models import User
from tests.conftest import wagtail_root
from tests.e2e.conftest import ARTIFACTS, blocking_violations, format_violations, login, new_context

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# The docs' screenshots are refreshed on demand (RELAIS_UPDATE_SCREENSHOTS=1); otherwise they go with
# the other test artifacts, so that a test run leaves the tracked files alone.
SCREENSHOTS = (
    Path(__file__).resolve().parents[2] / "docs" / "screenshots"
    if os.environ.get("RELAIS_UPDATE_SCREENSHOTS")
    else ARTIFACTS
)
SCREENSHOTS.mkdir(exist_ok=True)
TRAINER = f"formatrice@{DEMO_DOMAIN}"


def test_trainer_reaches_shared_courses_and_aligns_by_framework(browser, live_server):
    wagtail_root()
    demo_load(teachers_per_school=1, with_history=False)
    # Another territory's catalogue with a published course the demo trainer cannot edit.
    other = CatalogPage(title="Catalogue de l'Aisne", slug="catalogue-aisne-e2e")
    wagtail_root().add_child(instance=other)
    shared = CoursePage(title="Parcours de l'Aisne", slug="parcours-aisne", summary="Un parcours partagé.")
    other.add_child(instance=shared)
    shared.save_revision().publish()
    trainer = User.objects.get(email=TRAINER)
    own = CatalogPage.objects.exclude(pk=other.pk).filter(
        pk__in=[c.pk for c in CatalogPage.objects.all() if c.permissions_for_user(trainer).can_add_subpage()]
    )
    assert own.exists()
    base = live_server.url
    axe = Axe()
    found = []

    context = new_context(browser, base=base)
    page = context.new_page()
    login(page, base, TRAINER)
    assert page.url.rstrip("/").endswith("/admin"), f"a trainer lands on {page.url}"
    page.get_by_role("link", name="Parcours partagés").click()
    page.get_by_role("heading", name="Parcours des autres territoires").wait_for()
    if violations := blocking_violations(axe, page):
        found.append(("shared courses (1280 px)", violations))
    page.screenshot(path=str(SCREENSHOTS / "admin-shared-courses-desktop.png"), full_page=True)
    page.get_by_role("link", name=re.compile("Adapter localement : Parcours de l'Aisne")).click()
    page.get_by_role("button", name="Créer l'adaptation locale").click()
    page.wait_for_url(re.compile(r"/admin/pages/\d+/edit/"))
    assert CoursePage.objects.filter(origin=shared).exists()

    # The trainer space is in the admin menu too.
    page.goto(base + "/admin/")
    page.get_by_role("link", name="Espace formateur").click()
    page.get_by_role("heading", name="Espace formateur").first.wait_for()

    # In the editor, the alignment's competency list follows the framework; the level is named.
    module = ModulePage.objects.get(slug="differencier-module-complet")
    page.goto(f"{base}/admin/pages/{module.pk}/edit/")
    framework = page.locator('select[name$="-alignment-framework"]').first
    competencies = page.locator('select[name$="-alignment-competencies"]').first
    level = page.locator('input[name$="-alignment-level"]').first
    framework.scroll_into_view_if_needed()
    framework.select_option("crcn")
    competencies.focus()
    visible = competencies.evaluate(
        "s => Array.from(s.options).filter(o => !o.hidden && !o.disabled).map(o => o.value)"
    )
    assert visible and all(value.startswith("crcn/") for value in visible), visible
    level.fill("5")
    assert "Avancé" in page.locator("[data-level-name]").first.inner_text()
    framework.select_option("crcn-edu")
    assert "Expert" in page.locator("[data-level-name]").first.inner_text()
    context.close()
    assert not found, "axe-core found serious or critical violations:" + format_violations(found)
