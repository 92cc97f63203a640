"""A manager filters, drills from the département to a school, and exports CSV and XLSX matching the page."""

import csv
import io

import pytest
from openpyxl import load_workbook

from courses.demo import DEMO_DOMAIN, DEMO_PASSWORD, demo_load
from lms.models import School
from tests.conftest import wagtail_root

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def page_table(page, key):
    rows = []
    for tr in page.locator(f'table[data-table="{key}"] tbody tr').all():
        cells = tr.locator("th, td").all()
        rows.append(
            [
                c.get_attribute("data-value") if c.get_attribute("data-value") is not None else c.inner_text().strip()
                for c in cells
            ]
        )
    return rows


def download(page, link_text):
    with page.expect_download() as info:
        page.get_by_role("link", name=link_text).first.click()
    return open(info.value.path(), "rb").read()


def test_manager_filters_drills_and_exports(page, live_server):
    wagtail_root()
    demo_load(teachers_per_school=5, with_history=True)
    base = live_server.url
    page.goto(f"{base}/comptes/login/")
    page.locator("input[name=login]").fill(f"gestionnaire@{DEMO_DOMAIN}")
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state("networkidle")
    page.goto(f"{base}/competences/pilotage/")
    page.wait_for_load_state("networkidle")
    assert page.locator(".js-plotly-plot").count() >= 2

    # Filter: collèges only, domain 3; the filters land in the URL.
    page.locator("#id_type").select_option("college")
    page.locator("#id_domaine").select_option("3")
    page.get_by_role("button", name="Appliquer les filtres").click()
    page.wait_for_load_state("networkidle")
    assert "type=college" in page.url and "domaine=3" in page.url
    shown = page_table(page, "etablissements-competences")
    assert shown and all(School.objects.get(uai=row[0]).kind == "college" for row in shown)

    # Exports carry exactly what the page shows.
    exported = list(csv.reader(io.StringIO(download(page, "Exporter en CSV").decode("utf-8-sig")), delimiter=";"))
    assert [row[0] for row in exported[1:]] == [row[0] for row in shown]
    for exported_row, shown_row in zip(exported[1:], shown, strict=True):
        assert exported_row[3:] == shown_row[3:]
    sheet = load_workbook(io.BytesIO(download(page, "Exporter en XLSX"))).active
    xlsx_rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=3, max_row=2 + len(shown))]
    assert [str(v) for v in xlsx_rows[0][3:]] == shown[0][3:]

    # Drill down: a bassin, then a school, keeping the filters.
    page.locator("a.fr-tag", has_text="Bassin").first.click()
    page.wait_for_load_state("networkidle")
    assert "bassin=" in page.url and "type=college" in page.url
    school_uai = page_table(page, "etablissements-competences")[0][0]
    page.goto(page.url + f"&ecole={school_uai}")
    page.wait_for_load_state("networkidle")
    assert [row[0] for row in page_table(page, "etablissements-competences")] == [school_uai]
    assert page.locator("nav.fr-breadcrumb li").count() == 3
