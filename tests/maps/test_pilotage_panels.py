"""The maps' panels read from the derived tables give what a direct computation gives: progress per domain,
completions and attendance, coverage, zone and département rows; the period filter; small groups hidden
in every panel and export; overseas insets; 403 for another académie on every view and export."""

import csv
import io
from collections import defaultdict
from datetime import date

import plotly.graph_objects as go
import pytest
from django.utils import timezone
from openpyxl import load_workbook

from evidence.models import CompetencyState, CompletedModule, Evidence, LevelChange
from frameworks.models import Competency, Domain
from lms.models import Academie, Departement, Membership, School
from maps import pilotage
from maps.stats import stats_refresh
from tests.conftest import PASSWORD, make_user
from tests.factories import build_territory, month_of

pytestmark = pytest.mark.django_db
URL = "/competences/pilotage/"


@pytest.fixture
def territory(frameworks):
    schools = build_territory()
    stats_refresh(None)
    return schools


@pytest.fixture
def academie_manager(client, territory):
    user = make_user("academie@example.fr", role="manager", scope_academie=Academie.objects.get(code="25"))
    client.login(email=user.email, password=PASSWORD)
    return client


def month_range(months: int) -> list[date]:
    today = timezone.localdate()
    result, year, month = [], today.year, today.month
    for _i in range(months):
        result.append(date(year, month, 1))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return result[::-1]


def replay_progress(user_ids, months, framework="crcn-edu"):
    """Mean level per domain at the end of each month, replaying LevelChange (the last change counts)."""
    domains = list(Domain.objects.filter(framework__slug=framework).order_by("code"))
    n_comp = {d.pk: d.competencies.count() for d in domains}
    changes = defaultdict(list)
    for change in LevelChange.objects.filter(user_id__in=user_ids).order_by("changed_at").select_related("competency"):
        changes[(change.user_id, change.competency_id)].append(change)
    rows = []
    for month in months:
        sums = defaultdict(int)
        for items in changes.values():
            level = 0
            for change in items:
                if month_of(change.changed_at) <= month:
                    level = change.level
            sums[items[0].competency.domain_id] += level
        rows.append(
            [month.strftime("%Y-%m")] + [round(sums[d.pk] / (len(user_ids) * n_comp[d.pk]), 2) for d in domains]
        )
    return rows


@pytest.mark.parametrize("period, months", [("3m", 3), ("12m", 12), ("", 12)])
def test_progress_per_domain_replays_the_history(academie_manager, period, months):
    response = academie_manager.get(URL + (f"?periode={period}" if period else ""))
    assert response.status_code == 200
    table = response.context["progress_table"]
    user_ids = list(Membership.objects.filter(role="teacher").values_list("user_id", flat=True))
    assert table.rows == replay_progress(user_ids, month_range(months))
    # The last month is today's levels: the domain means of the tiles.
    assert table.rows[-1][1:] == list(response.context["domain_means"].values())


def test_period_all_starts_at_the_first_change(academie_manager):
    first = min(
        [month_of(c.changed_at) for c in LevelChange.objects.all()]
        + [month_of(m.completed_at) for m in CompletedModule.objects.all()]
    )
    rows = academie_manager.get(URL + "?periode=all").context["progress_table"].rows
    assert rows[0][0] == first.strftime("%Y-%m") and rows[-1][0] == timezone.localdate().strftime("%Y-%m")
    assert academie_manager.get(URL + "?periode=5ans").status_code == 400


def test_activity_per_month_and_per_school(academie_manager):
    response = academie_manager.get(URL + "?periode=12m&type=ecole")
    months = month_range(12)
    user_ids = set(Membership.objects.filter(school__kind="ecole").values_list("user_id", flat=True))
    expected = defaultdict(lambda: [set(), set(), set()])
    for module in CompletedModule.objects.filter(user_id__in=user_ids):
        expected[month_of(module.completed_at)][0].add(module.statement_id)
        expected[month_of(module.completed_at)][2].add(module.user_id)
    for evidence in Evidence.objects.filter(user_id__in=user_ids, kind="attendance"):
        expected[month_of(evidence.occurred_at)][1].add(evidence.statement_id)
        expected[month_of(evidence.occurred_at)][2].add(evidence.user_id)
    rows = response.context["activity_table"].rows
    assert [r[0] for r in rows] == [m.strftime("%Y-%m") for m in months]
    shown = 0
    for row, month in zip(rows, months, strict=True):
        completions, attendances, active = (len(s) for s in expected[month])
        if active >= 5:
            assert row[1:] == [completions, attendances, active]
            shown += 1
        else:  # fewer than 5 teachers behind the month's figures
            assert row[1:] == [None, None, None]
    assert shown  # the fixture has enough activity for some months to show
    per_school = {row[0]: row for row in response.context["activity_groups_table"].rows}
    for school in School.objects.filter(kind="ecole"):
        teachers = set(Membership.objects.filter(school=school).values_list("user_id", flat=True))
        completions = sum(
            1 for m in CompletedModule.objects.filter(user_id__in=teachers) if month_of(m.completed_at) >= months[0]
        )
        assert per_school[school.uai][2:4] == [7, completions]


def test_coverage_panel(academie_manager, territory):
    response = academie_manager.get(URL)
    totals = {label: n for _key, label, n in response.context["coverage_totals"]}
    assert totals == {
        "couvert": 2,
        "couvert par la circonscription": 0,
        "proposition en attente": 2,
        "sans ambassadeur": 4,
    }
    assert response.context["proposals_pending"] == 2
    rows = {row[0]: row for row in response.context["coverage_table"].rows}
    assert rows[territory[0].uai][3:] == ["couvert", 1, 0]
    assert rows[territory[1].uai][3:] == ["proposition en attente", 0, 1]


def school_rows(client, query=""):
    return {row[0]: row for row in client.get(URL + query).context["matrix_table"].rows}


def test_departement_and_zone_rows_aggregate_the_schools(academie_manager, territory, monkeypatch, client):
    by_school = school_rows(academie_manager)
    monkeypatch.setattr(pilotage, "SCHOOL_ROWS_MAX", 2)
    response = academie_manager.get(URL)
    table = response.context["matrix_table"]
    assert table.key == "zones-competences" and [r[0] for r in table.rows] == ["78", "95"]
    headers = table.headers
    col = headers.index(next(h for h in headers if h.startswith("3.1")))
    assert set(by_school) == {s.uai for s in territory}
    for row in table.rows:
        schools = [s for s in territory if s.departement.code == row[0]]
        assert row[2] == 7 * len(schools)
        # The mean over the teachers evaluated in 3.1, computed from their levels.
        levels = list(
            CompetencyState.objects.filter(
                competency__framework__slug="crcn-edu",
                competency__code="3.1",
                user__memberships__school__in=schools,
                level__gt=0,
            ).values_list("level", flat=True)
        )
        expected = round(sum(levels) / len(levels), 2) if len(levels) >= 5 else None
        assert row[col] == expected
    assert response.context["p"].by == "departement"
    heatmap = response.context["figure_specs"]["figure-zones-competences"]["data"][0]
    assert "departement=95" in heatmap["customdata"][1][0][0]
    # One département: circonscriptions and bassins.
    response = academie_manager.get(URL + "?departement=95")
    rows = {row[0]: row for row in response.context["matrix_table"].rows}
    assert set(rows) == {"C0", "B0"}
    for code, row in rows.items():
        members = [
            s for s in territory if s.departement.code == "95" and code in (s.circonscription_code, s.bassin_code)
        ]
        assert row[2] == 7 * len(members)
    coverage = {row[0]: row for row in response.context["coverage_table"].rows}
    assert sum(r[2] for r in coverage.values()) == School.objects.filter(departement__code="95").count()
    # Exports of zone tables match the page too.
    exported = client.get(URL + "?departement=95&export=csv&tableau=zones-competences")
    lines = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig")), delimiter=";"))
    assert [line[0] for line in lines[1:]] == list(rows)


def test_national_map_draws_overseas_insets(client, territory, frameworks):
    guadeloupe_academie = Academie.objects.create(code="32", name="Guadeloupe")
    guadeloupe = Departement.objects.create(code="971", name="Guadeloupe", academie=guadeloupe_academie, is_tne=True)
    School.objects.create(
        uai=_uai_971(),
        name="École de Pointe-à-Pitre",
        departement=guadeloupe,
        latitude=16.24,
        longitude=-61.53,
    )
    stats_refresh(None)
    admin = make_user("admin@example.fr", role="admin", is_superuser=True)
    client.login(email=admin.email, password=PASSWORD)
    response = client.get(URL)
    assert response.status_code == 200
    layout = response.context["figure_specs"]["carte-etablissements"]["layout"]
    assert [a["text"] for a in layout["annotations"]] == ["Guadeloupe"]
    spec = response.context["figure_specs"]["carte-etablissements"]
    points = spec["data"][-1]
    # The Guadeloupe school is drawn inside its inset frame, left of the mainland schools.
    index = points["customdata"].index(f"ecole={_uai_971()}")
    frame = spec["data"][1]
    x, y = points["x"][index], points["y"][index]
    assert min(frame["x"]) < x < max(frame["x"]) and min(frame["y"]) < y < max(frame["y"])
    mainland = [px for px, code in zip(points["x"], points["customdata"], strict=True) if "=971" not in code]
    assert max(frame["x"]) < min(mainland)
    # A manager of Guadeloupe alone gets Guadeloupe at its true place, without insets.
    manager = make_user("gpe@example.fr", role="manager", scope_academie=guadeloupe_academie)
    client.login(email=manager.email, password=PASSWORD)
    spec = client.get(URL).context["figure_specs"]["carte-etablissements"]
    assert not spec["layout"]["annotations"] and spec["data"][-1]["y"] == [16.24]


def _uai_971() -> str:
    letters = "ABCDEFGHJKLMNPRSTUVWXYZ"
    return "9710001" + letters[9710001 % 23]


def test_national_view_with_departement_map(client, territory, monkeypatch):
    monkeypatch.setattr(pilotage, "SCHOOL_ROWS_MAX", 2)
    monkeypatch.setattr(pilotage, "MAP_POINTS_MAX", 2)
    admin = make_user("admin@example.fr", role="admin")
    client.login(email=admin.email, password=PASSWORD)
    response = client.get(URL + "?carte=couverture")
    assert response.status_code == 200 and response.context["p"].by == "departement"
    spec = response.context["figure_specs"]["carte-etablissements"]
    centres = spec["data"][-1]
    assert sorted(centres["customdata"]) == ["departement=78", "departement=95"]
    assert "couverts" in centres["text"][0]


def test_every_figure_is_valid_plotly(academie_manager, monkeypatch):
    for query in ("", "?carte=couverture&periode=all", "?departement=95&domaine=3"):
        specs = academie_manager.get(URL + query).context["figure_specs"]
        assert {"carte-etablissements", "figure-progression-domaines", "figure-activite-mois"} <= set(specs)
        for spec in specs.values():
            go.Figure(spec)  # raises on any invalid property
    monkeypatch.setattr(pilotage, "SCHOOL_ROWS_MAX", 2)
    monkeypatch.setattr(pilotage, "MAP_POINTS_MAX", 2)
    for spec in academie_manager.get(URL).context["figure_specs"].values():
        go.Figure(spec)


def test_no_panel_shows_a_group_under_the_minimum(academie_manager, territory, settings):
    settings.RELAIS_MIN_GROUP_SIZE = 8  # every school has 7 teachers
    response = academie_manager.get(URL + "?periode=all")
    ctx = response.context
    assert all(v is None for row in ctx["matrix_table"].rows for v in row[2:])
    assert all(v is None for row in ctx["activity_groups_table"].rows for v in row[2:])
    for row in ctx["activity_table"].rows:
        assert row[3] is None or row[3] >= 8
    for row in ctx["distribution_table"].rows:
        assert all(v is None or v >= 8 for v in row[1:])
    # One school: 7 teachers, under 8: no mean, no progress, no activity.
    response = academie_manager.get(URL + f"?ecole={territory[0].uai}&periode=all")
    ctx = response.context
    assert ctx["domain_means"] == {}
    assert all(v is None for row in ctx["progress_table"].rows for v in row[1:])
    assert all(v is None for row in ctx["activity_table"].rows for v in row[1:])
    assert all(p["mean"] is None for p in ctx["p"].points)
    for key in ("progression-domaines", "activite-mois", "activite-zones", "etablissements-competences"):
        export = academie_manager.get(URL + f"?ecole={territory[0].uai}&periode=all&export=csv&tableau={key}")
        lines = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig")), delimiter=";"))
        first = 2 if key in ("activite-zones", "etablissements-competences") else 1
        assert lines[1:] and all(cell == "moins de 8" for line in lines[1:] for cell in line[first:])


TABLES = [
    "etablissements-competences",
    "repartition-niveaux",
    "progression-domaines",
    "activite-mois",
    "activite-zones",
    "couverture-ambassadeurs",
]


@pytest.mark.parametrize("key", TABLES)
def test_csv_and_xlsx_exports_match_the_page(academie_manager, key):
    query = "?periode=12m&secteur=public"
    table = academie_manager.get(URL + query).context["p"].tables[key]
    response = academie_manager.get(URL + query + f"&export=csv&tableau={key}")
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert lines[0] == table.headers and len(lines) == len(table.rows) + 1
    for exported, shown in zip(lines[1:], table.rows, strict=True):
        assert exported == ["moins de 5" if v is None else str(v) for v in shown]
    response = academie_manager.get(URL + query + f"&export=xlsx&tableau={key}")
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook.worksheets[0]
    assert [c.value for c in sheet[1]] == table.headers
    assert sheet.freeze_panes in ("B2", "C2")  # the header and the row names stay in view
    assert all(sheet.column_dimensions[letter].width >= 8 for letter in "ABC")
    values = [[c.value for c in row] for row in sheet.iter_rows(min_row=2, max_row=1 + len(table.rows))]
    # Hidden and non-evaluated cells are empty, never text in a numeric column; numbers stay numbers.
    assert values == [[None if v == "non évalué" else v for v in row] for row in table.rows]
    for row in sheet.iter_rows(min_row=2, max_row=1 + len(table.rows)):
        for cell, shown in zip(row, table.rows[cell_row(row)], strict=True):
            if isinstance(shown, int | float):
                assert cell.data_type == "n"
            elif shown is None:
                assert cell.value is None and cell.fill.fgColor.rgb.endswith("BBBBBB")
    legend = {row[0]: row[1] for row in workbook["Légende"].iter_rows(min_row=3, values_only=True) if row and row[0]}
    assert legend["Taille minimale d'un groupe"] == 5 and legend["Secteur"] == "Public"
    assert legend["Période"] == "12 derniers mois" and legend["Type d'établissement"] == "Tous"
    assert "Académie" in legend["Zone"] and legend["Extrait le"] and "xAPI" in legend["Sources"]


def cell_row(row) -> int:
    return row[0].row - 2


@pytest.mark.parametrize(
    "query, status",
    [
        ("?domaine=9", 200),  # no such domain: empty tables, no error
        ("?domaine=9&periode=all&carte=couverture", 200),
        ("?periode=hier", 400),
        ("?carte=satellite", 400),
        ("?referentiel=pix", 400),
        ("?departement=ZZ", 403),
        ("?ecole=0000000A", 403),
        ("?export=csv", 400),
        ("?export=ods&tableau=repartition-niveaux", 400),
    ],
)
def test_bad_input_is_never_a_500(academie_manager, query, status):
    assert academie_manager.get(URL + query).status_code == status


def test_unknown_export_is_a_clear_400(academie_manager):
    response = academie_manager.get(URL + "?export=csv&tableau=inconnu")
    assert response.status_code == 400
    assert "repartition-niveaux" in response.content.decode() and "activite-mois" in response.content.decode()


AREAS = ["", "?departement=95", "?departement=78", "?circonscription=C0", "?bassin=B1", "?ecole={uai}"]


@pytest.fixture
def small_territory(frameworks):
    schools = build_territory(teachers=1)
    stats_refresh(None)
    return schools


@pytest.fixture
def outsider(client, small_territory):
    creteil = Academie.objects.create(code="24", name="Créteil")
    Departement.objects.create(code="94", name="Val-de-Marne", academie=creteil)
    user = make_user("autre@example.fr", role="manager", scope_academie=creteil)
    client.login(email=user.email, password=PASSWORD)
    return client


@pytest.mark.parametrize("area", AREAS[1:])
def test_other_academie_gets_403_on_every_view(outsider, small_territory, area):
    assert outsider.get(URL + area.format(uai=small_territory[0].uai)).status_code == 403


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("key", [*TABLES, "zones-competences", "couverture-zones"])
@pytest.mark.parametrize("area", AREAS[1:])
def test_other_academie_gets_403_on_every_export(outsider, small_territory, area, key, fmt):
    query = area.format(uai=small_territory[0].uai) + f"&export={fmt}&tableau={key}"
    assert outsider.get(URL + query).status_code == 403


def test_other_academie_sees_nothing_of_ours_in_its_own_scope(outsider):
    response = outsider.get(URL)
    assert response.status_code == 200 and response.context["p"].schools == 0
    assert not response.context["matrix_table"].rows


def test_old_dashboard_redirects_to_the_maps(academie_manager):
    response = academie_manager.get("/competences/tableau-de-bord/?referentiel=crcn")
    assert response.status_code == 302 and response["Location"] == "/competences/pilotage/?referentiel=crcn"


def test_school_drill_down_domain_means(client, frameworks, departement):
    """What the old dashboard showed per school and domain, now the school's domain tiles."""
    school = School.objects.create(uai="0951002Y", name="Collège Jean Moulin", kind="college", departement=departement)
    teachers = [make_user(f"t{i}@example.fr") for i in range(5)]
    for t in teachers:
        Membership.objects.create(user=t, school=school)
    for user, code in ((teachers[0], "3.1"), (teachers[1], "3.2")):
        competency = Competency.objects.get(framework__slug="crcn-edu", code=code)
        CompetencyState.objects.create(user=user, competency=competency, level=5, updated_at=timezone.now())
    stats_refresh(None)
    manager = make_user("gestion@example.fr", role="manager", scope_departement=departement)
    client.login(email=manager.email, password=PASSWORD)
    response = client.get(URL + f"?ecole={school.uai}&referentiel=crcn-edu")
    means = response.context["domain_means"]
    # Domain 3 has 3 competencies: (5 + 5) / (5 teachers × 3) = 0.67.
    assert next(v for k, v in means.items() if k.startswith("3.")) == pytest.approx(0.67)
    assert 'data-domain="3" data-value="0.67"' in response.content.decode()
