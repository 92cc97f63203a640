"""A trainer reads her module's evaluation from the site's menu (figures drawn, tables beside them, the
CSV matching the page); an académie's manager compares two départements. Both pages axe-clean, at 1280 px
and 375 px; screenshots evaluation-journey-* (RELAIS_UPDATE_SCREENSHOTS=1; the docs' evaluation-* ones come
from the demo, scripts/screenshots.py)."""

from datetime import date

import pytest

from courses.codesign import trainer_group_for
from courses.models import CatalogPage
from evaluation.refresh import evaluation_refresh
from tests.conftest import PASSWORD, make_user
from tests.e2e.test_learning_experience import SCREENSHOTS
from tests.e2e.test_pilotage_journey import axe_blocking, csv_rows, download, login, page_table
from tests.evaluation.history import History

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Each figure's tick labels, axis titles and legend entries, where they stand out of their figure (a label
# cut by the margin or the screen): none at 1280 px nor at 375 px.
CLIPPED = """() => [...document.querySelectorAll('.js-plotly-plot')].flatMap((plot) => {
    const box = plot.getBoundingClientRect();
    const page = document.documentElement.clientWidth;
    return [...plot.querySelectorAll('.xtick text, .ytick text, .g-xtitle text, .g-ytitle text, .legendtext')]
        .filter((text) => text.textContent.trim())
        .filter((text) => {
            const r = text.getBoundingClientRect();
            return r.left < Math.max(box.left, 0) - 1 || r.right > Math.min(box.right, page) + 1
                || r.top < box.top - 1 || r.bottom > box.bottom + 1;
        })
        .map((text) => plot.id + ': ' + text.textContent);
})"""


@pytest.fixture
def history(live_server, module, departement, settings):
    settings.RELAIS_MIN_GROUP_SIZE = 2
    h = History(module).build()
    evaluation_refresh(today=date(2026, 7, 15))
    return h


def test_trainer_reads_her_module_evaluation(page, live_server, history):
    base = live_server.url
    trainer = make_user("formatrice@example.fr", role="trainer", first_name="Hélène")
    trainer.groups.add(trainer_group_for(CatalogPage.objects.get(pk=history.course.get_parent().pk)))
    login(page, base, trainer.email, PASSWORD)  # trainers land in the admin: its menu leads there
    page.get_by_role("link", name="Évaluation des formations").click()
    page.get_by_role("link", name="Parcours test").click()
    page.wait_for_load_state("networkidle")
    assert "Parcours test" in page.locator("h1").inner_text()
    assert page.locator(".js-plotly-plot").count() == 5  # funnel, drop-off, items, questionnaire, effect
    funnel = page_table(page, "entonnoir")
    assert funnel[0][:5] == ["Parcours entier", "5", "4", "2", "40.0"]
    assert csv_rows(download(page, "entonnoir", "csv"))[1][:4] == ["Parcours entier", "5", "4", "2"]
    assert page.get_by_text("Ceci est une comparaison, pas la preuve d'un effet.").is_visible()
    assert not axe_blocking(page)
    assert page.evaluate(CLIPPED) == []
    page.screenshot(path=str(SCREENSHOTS / "evaluation-journey-course-desktop.png"), full_page=True)
    page.set_viewport_size({"width": 375, "height": 800})
    page.reload()
    page.wait_for_load_state("networkidle")
    assert not axe_blocking(page)
    assert page.evaluate(CLIPPED) == []
    page.screenshot(path=str(SCREENSHOTS / "evaluation-journey-course-phone.png"), full_page=False)


def test_manager_compares_two_departements(page, live_server, history):
    base = live_server.url
    # For this journey the Aisne joins the Val-d'Oise's académie: its manager sees both.
    history.dep02.academie = history.dep95.academie
    history.dep02.save()
    manager = make_user("academie@example.fr", role="manager", scope_academie=history.dep95.academie)
    login(page, base, manager.email, PASSWORD)
    page.get_by_role("link", name="Évaluation", exact=True).first.click()
    page.get_by_role("link", name="Comparer les territoires").click()
    page.get_by_label("Premier département").select_option("95")
    page.get_by_label("Second département").select_option("02")
    page.get_by_role("button", name="Comparer").click()
    page.wait_for_load_state("networkidle")
    rows = page_table(page, "comparaison")
    # In the order chosen, the title as the table.
    assert page.locator("#comparaison").inner_text() == "Val-d'Oise et Aisne côte à côte"
    assert [row[0] for row in rows] == ["Val-d'Oise (95)", "Aisne (02)"]
    assert rows[0][2:6] == ["4", "4", "2", "50.0"]
    assert page.locator("#figure-territoires.js-plotly-plot").count() == 1
    assert not axe_blocking(page)
    assert page.evaluate(CLIPPED) == []
    page.screenshot(path=str(SCREENSHOTS / "evaluation-journey-territories-desktop.png"), full_page=True)
    page.set_viewport_size({"width": 375, "height": 800})
    page.reload()
    page.wait_for_load_state("networkidle")
    assert page.evaluate(CLIPPED) == []
