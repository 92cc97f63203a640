"""A manager filters (period included), drills from the académie to a school, and exports CSV and XLSX
matching the page; a manager of another académie gets 403 on the views and exports. The académie
manager's journey académie → département → circonscription → school and back by the breadcrumb, with
the heatmap checked from its figure's data, the ambassadors page's counts equal to the maps', and axe."""

import csv
import io

import pytest
from axe_playwright_python.sync_playwright import Axe
from openpyxl import load_workbook

from ambassadors.models import AmbassadorProposal
from courses.demo import DEMO_DOMAIN, DEMO_PASSWORD, demo_load
from lms.models import Academie, Departement, School
from maps.stats import stats_refresh
from tests.conftest import PASSWORD, make_user, wagtail_root

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def page_table(page, key):
    # A click's navigation may still be parsing the (long) page: wait for the whole table.
    page.wait_for_load_state("load")
    page.locator(f'#tableau-{key} + ul a[href*="export=csv"]').wait_for()
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


def download(page, key, fmt):
    with page.expect_download() as info:
        page.locator(f'#tableau-{key} + ul a[href*="export={fmt}"]').click()
    return open(info.value.path(), "rb").read()


def csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def assert_export_matches(page, key):
    shown = page_table(page, key)
    exported = csv_rows(download(page, key, "csv"))
    assert len(exported) == len(shown) + 1
    for exported_row, shown_row in zip(exported[1:], shown, strict=True):
        # Hidden cells read "moins de 5" in both.
        assert exported_row == shown_row
    workbook = load_workbook(io.BytesIO(download(page, key, "xlsx")))
    sheet = workbook.worksheets[0]
    assert sheet.freeze_panes in ("B2", "C2") and "Légende" in workbook.sheetnames
    xlsx_rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2, max_row=1 + len(shown))]
    # Hidden ("moins de 5") and non-evaluated cells are empty in the XLSX; numbers are numbers.
    assert [[normal(v) for v in row] for row in xlsx_rows] == [
        ["" if v in ("moins de 5", "non évalué") else normal(v) for v in row] for row in shown
    ]
    for xlsx_row, shown_row in zip(xlsx_rows, shown, strict=True):
        for value, text in zip(xlsx_row, shown_row, strict=True):
            if isinstance(normal(text), float) and text not in ("",):
                assert isinstance(value, int | float), (value, text)
    return shown


def normal(value):
    """A cell as a number when it is one (XLSX keeps 0.0 as 0), else as text."""
    try:
        return float(value)
    except (TypeError, ValueError):
        return "" if value is None else str(value)


def login(page, base, email, password):
    page.goto(f"{base}/comptes/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state("networkidle")


@pytest.fixture
def demo(live_server):
    wagtail_root()
    demo_load(size="small")  # the demo's shape: two départements, 18 months, proposals decided or not
    stats_refresh(None)
    return live_server.url


def test_manager_filters_drills_and_exports(page, demo):
    base = demo
    manager = make_user("academie@demo.relais.fr", role="manager", scope_academie=Academie.objects.get(code="25"))
    login(page, base, manager.email, PASSWORD)
    page.goto(f"{base}/competences/pilotage/")
    page.wait_for_load_state("networkidle")
    assert page.locator(".js-plotly-plot").count() >= 5  # map, heatmap, distribution, progress, activity, coverage
    assert "Académie de Versailles" in page.locator("h1").inner_text()

    # Filter: collèges only, domain 3, the last 3 months; the filters land in the URL.
    page.locator("#id_type").select_option("college")
    page.locator("#id_domaine").select_option("3")
    page.locator("#id_periode").select_option("3m")
    page.get_by_role("button", name="Appliquer les filtres").click()
    page.wait_for_load_state("networkidle")
    assert "type=college" in page.url and "domaine=3" in page.url and "periode=3m" in page.url
    shown = page_table(page, "etablissements-competences")
    assert shown and all(School.objects.get(uai=row[0]).kind == "college" for row in shown)
    assert len(page_table(page, "activite-mois")) == 3
    assert len(page_table(page, "progression-domaines")[0]) == 2  # month + domain 3

    # Exports carry exactly what the page shows, for every table.
    for key in ("etablissements-competences", "repartition-niveaux", "progression-domaines", "activite-mois"):
        assert_export_matches(page, key)

    # Drill down: the département, a bassin, then a school (a click on its row), keeping the filters.
    page.locator("a.fr-tag", has_text="Val-d'Oise").click()
    page.wait_for_load_state("networkidle")
    assert "departement=95" in page.url and "type=college" in page.url
    page.locator("a.fr-tag", has_text="Bassin").first.click()
    page.wait_for_load_state("networkidle")
    assert "bassin=" in page.url and "periode=3m" in page.url
    first = page.locator('table[data-table="etablissements-competences"] tbody tr th a').first
    school_uai = first.inner_text().strip()
    first.click()
    page.wait_for_load_state("networkidle")
    assert f"ecole={school_uai}" in page.url
    assert [row[0] for row in page_table(page, "etablissements-competences")] == [school_uai]
    assert page.locator("nav.fr-breadcrumb li").count() == 4  # académie › département › bassin › school
    coverage = assert_export_matches(page, "couverture-ambassadeurs")
    assert coverage[0][0] == school_uai
    assert_export_matches(page, "activite-zones")

    # The map drills down on a click too: back at the département, click the first school's point.
    page.goto(f"{base}/competences/pilotage/?departement=95")
    page.wait_for_load_state("networkidle")
    uai = page.evaluate(
        """() => {
          const plot = document.getElementById("carte-etablissements");
          const trace = plot.data[plot.data.length - 1];
          plot.emit("plotly_click", {points: [{customdata: trace.customdata[0]}]});
          return trace.customdata[0];
        }"""
    )
    page.wait_for_url(lambda url: "ecole=" in url)
    assert uai.startswith("ecole=") and uai in page.url and "departement=95" in page.url


def test_another_academie_gets_403_in_the_browser(page, demo):
    creteil, _ = Academie.objects.get_or_create(code="24", defaults={"name": "Créteil"})
    Departement.objects.get_or_create(code="94", defaults={"name": "Val-de-Marne", "academie": creteil})
    outsider = make_user("creteil@demo.relais.fr", role="manager", scope_academie=creteil)
    uai = School.objects.filter(departement__code="95").first().uai
    login(page, demo, outsider.email, PASSWORD)
    for query in (
        "?departement=95",
        f"?ecole={uai}",
        "?departement=95&export=csv&tableau=etablissements-competences",
        f"?ecole={uai}&export=xlsx&tableau=activite-mois",
    ):
        response = page.goto(f"{demo}/competences/pilotage/{query}")
        assert response.status == 403, query
    page.goto(f"{demo}/competences/pilotage/")
    assert page.locator('table[data-table="etablissements-competences"] tbody tr').count() == 1  # "no data" row
    html = page.content()
    assert all(school.uai not in html for school in School.objects.filter(departement__code="95"))
    assert page.locator("a.fr-tag").count() == 0  # no zone of ours to drill into


def tile_counts(page) -> dict:
    """The coverage tiles of a page (pilotage or ambassadors): {key: number}."""
    counts = {}
    for tile in page.locator("[data-count]").all():
        key = tile.get_attribute("data-count")
        if key != "teachers":
            counts[key] = int(tile.locator(".fr-tile__title").inner_text().strip())
    return counts


def axe_blocking(page) -> list:
    results = Axe().run(page)
    return [(v["id"], v["help"]) for v in results.response["violations"] if v["impact"] in ("serious", "critical")]


def test_academie_manager_drills_down_and_back_and_both_pages_agree(page, demo):
    base = demo
    # The demo's académie manager, on the demo's data: two départements, proposals in every state.
    login(page, base, f"rectorat@{DEMO_DOMAIN}", DEMO_PASSWORD)
    page.goto(f"{base}/competences/pilotage/")
    page.wait_for_load_state("networkidle")
    assert "Académie de Versailles" in page.locator("h1").inner_text()
    assert page.locator("a.fr-tag", has_text="Val-d'Oise").count() and page.locator("a.fr-tag", has_text="Yvelines")
    assert not axe_blocking(page)

    # The heatmap, from its figure's data: categorical codes with short names, light → dark, cells apart.
    figure = page.evaluate(
        """() => {
          const plot = document.getElementById("figure-etablissements-competences");
          return {data: plot.data.map(t => ({type: t.type, name: t.name, z: t.z, colorscale: t.colorscale,
                                              zmin: t.zmin, x: t.x})),
                  xaxis: {type: plot.layout.xaxis.type, ticktext: plot.layout.xaxis.ticktext}};
        }"""
    )
    assert figure["xaxis"]["type"] == "category"
    assert figure["xaxis"]["ticktext"][0].startswith("1.1 ") and all(
        label.split(" ", 1)[0] == code
        for label, code in zip(figure["xaxis"]["ticktext"], figure["data"][0]["x"], strict=True)
    )
    main = figure["data"][0]
    low, high = main["colorscale"][0][1], main["colorscale"][-1][1]
    assert sum(int(low[i : i + 2], 16) for i in (1, 3, 5)) > sum(int(high[i : i + 2], 16) for i in (1, 3, 5))
    assert main["zmin"] == 0
    special = {t["name"] for t in figure["data"][1:] if t["type"] == "heatmap"}
    assert special <= {"hidden", "not"}
    for trace in figure["data"][1:]:
        if trace["type"] == "heatmap":
            for main_row, row in zip(main["z"], trace["z"], strict=True):
                assert all(m is None for m, v in zip(main_row, row, strict=True) if v is not None)
    # Some cells are shown (a mean level), and what is hidden is hidden for a reason.
    assert any(v is not None for row in main["z"] for v in row)
    pilotage_counts = tile_counts(page)
    academie_schools = School.objects.filter(departement__academie__code="25")
    pending = AmbassadorProposal.objects.filter(school__in=academie_schools, status="proposed").count()
    assert pilotage_counts["proposals_pending"] == pending > 0
    assert AmbassadorProposal.objects.filter(school__in=academie_schools, status="confirmed").exists()
    assert sum(pilotage_counts[k] for k in ("covered", "circonscription", "pending", "uncovered")) == len(
        academie_schools
    )
    # The heatmap's table, exported as XLSX (frozen header, numbers as numbers), equals the page.
    assert_export_matches(page, "etablissements-competences")

    # The ambassadors page shows the same counts, from its link on the maps.
    page.locator('[data-count="proposals_pending"] a').click()
    page.wait_for_load_state("networkidle")
    assert "/competences/ambassadeurs/" in page.url
    assert tile_counts(page) == pilotage_counts
    assert not axe_blocking(page)
    page.goto(f"{base}/competences/pilotage/")

    # Académie → département → circonscription → school, then back up by the breadcrumb.
    page.locator("a.fr-tag", has_text="Val-d'Oise").click()
    page.wait_for_load_state("networkidle")
    assert "departement=95" in page.url
    page.locator("a.fr-tag", has_text="Circonscription").first.click()
    page.wait_for_load_state("networkidle")
    assert "circonscription=" in page.url
    first = page.locator('table[data-table="etablissements-competences"] tbody tr th a').first
    uai = first.inner_text().strip()
    first.click()
    page.wait_for_load_state("networkidle")
    assert f"ecole={uai}" in page.url
    crumbs = page.locator("nav.fr-breadcrumb li")
    assert crumbs.count() == 4
    crumbs.nth(1).locator("a").click()
    page.wait_for_load_state("networkidle")
    assert "departement=95" in page.url and "circonscription=" not in page.url and "ecole=" not in page.url
    page.locator("nav.fr-breadcrumb li").first.locator("a").click()
    page.wait_for_load_state("networkidle")
    assert "departement=" not in page.url and "Académie de Versailles" in page.locator("h1").inner_text()

    # On a phone the map takes the width, its colour bar below it, and no chart overflows the page.
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(f"{base}/competences/pilotage/?departement=95")
    page.wait_for_load_state("networkidle")
    sizes = page.evaluate(
        """() => {
          const plot = document.getElementById("carte-etablissements");
          const bar = plot.querySelector(".colorbar");
          const frame = plot.querySelector(".nsewdrag") || plot.querySelector(".draglayer .xy");
          return {plot: plot.getBoundingClientRect().width, page: document.documentElement.clientWidth,
                  barTop: bar ? bar.getBoundingClientRect().top : null,
                  plotBottom: frame ? frame.getBoundingClientRect().bottom : null,
                  scroll: document.documentElement.scrollWidth};
        }"""
    )
    assert sizes["plot"] >= 0.8 * sizes["page"] and sizes["scroll"] <= sizes["page"] + 1
    assert sizes["barTop"] is not None and sizes["barTop"] >= sizes["plotBottom"] - 2
    assert not axe_blocking(page)
