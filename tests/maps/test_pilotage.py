"""Managers' competency maps: scope, drill-down, filters, small groups, exports, and 403 elsewhere."""

import csv
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from evidence.models import CompetencyState
from frameworks.models import Competency
from lms.models import Academie, Departement, Membership
from maps.stats import stats_refresh
from tests.conftest import PASSWORD, make_school, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def territory(frameworks, departement):
    big = make_school(departement, "0951002Y", "Collège Jean Moulin", kind="college")
    big.bassin_code, big.bassin = "095B1", "Bassin de Cergy"
    big.latitude, big.longitude = 49.03, 2.07
    big.save()
    small = make_school(departement, "0951003Z", "École des Tilleuls")
    small.circonscription_code, small.circonscription = "0951234", "Circonscription de Cergy"
    small.save()
    teachers = [make_user(f"t{i}@example.fr") for i in range(6)]
    for t in teachers:
        Membership.objects.create(user=t, school=big)
    lonely = make_user("seule@example.fr")
    Membership.objects.create(user=lonely, school=small)
    c31 = Competency.objects.get(framework__slug="crcn-edu", code="3.1")
    for t, level in zip(teachers, [5, 4, 4, 3, 0, 0], strict=True):
        if level:
            CompetencyState.objects.create(user=t, competency=c31, level=level, updated_at=timezone.now())
    CompetencyState.objects.create(user=lonely, competency=c31, level=5, updated_at=timezone.now())
    stats_refresh(None)
    return big, small


@pytest.fixture
def manager_client(client, manager):
    client.login(email=manager.email, password=PASSWORD)
    return client


def rows_of(response, key):
    return response.context[key].rows


def test_page_shows_the_scope_with_small_groups_hidden(manager_client, territory):
    big, small = territory
    response = manager_client.get("/competences/pilotage/")
    assert response.status_code == 200
    matrix = {row[0]: row for row in rows_of(response, "matrix_table")}
    header = response.context["matrix_table"].headers
    col = header.index("3.1 Concevoir")
    # Means are over the teachers evaluated: 4 of the 6 in 3.1, fewer than 5, so hidden; nobody in 1.1.
    assert matrix[big.uai][2] == 6 and matrix[big.uai][col] is None
    assert matrix[big.uai][header.index("1.1 Communiquer")] == "non évalué"
    assert matrix[big.uai][3] == round(100 * 4 / (6 * 16))  # share of (teacher, competency) pairs evaluated
    assert matrix[small.uai][2] is None and matrix[small.uai][col] is None  # one teacher: hidden
    html = response.content.decode()
    assert "carte-etablissements" in html and "plotly/plotly.min.js" in html
    distribution = {row[0]: row for row in rows_of(response, "distribution_table")}
    # 7 teachers: 3.1 → not evaluated 2, level 3: 1, 4: 2, 5: 2 → all below 5, hidden.
    assert distribution["3.1 Concevoir"][1:] == [None] * 6
    assert distribution["1.1 Communiquer"][1] == 7  # nobody evaluated: 7 ≥ 5 shown


def test_drill_down_and_filters(manager_client, territory):
    big, small = territory
    response = manager_client.get("/competences/pilotage/?bassin=095B1")
    assert [r[0] for r in rows_of(response, "matrix_table")] == [big.uai]
    assert response.context["area"].label == "Bassin de Cergy"
    response = manager_client.get(f"/competences/pilotage/?ecole={big.uai}&referentiel=crcn")
    assert [r[0] for r in rows_of(response, "matrix_table")] == [big.uai]
    assert response.context["matrix_table"].headers[4].startswith("1.1 Mener une recherche")
    response = manager_client.get("/competences/pilotage/?degre=1")
    assert [r[0] for r in rows_of(response, "matrix_table")] == [small.uai]
    response = manager_client.get("/competences/pilotage/?domaine=3&secteur=public")
    assert response.context["matrix_table"].headers[4:] == [
        "3.1 Concevoir",
        "3.2 Mettre en œuvre",
        "3.3 Évaluer au service des apprentissages",
    ]
    assert manager_client.get("/competences/pilotage/?domaine=trois").status_code == 400
    assert manager_client.get("/competences/pilotage/?type=universite").status_code == 400


def test_exports_match_the_page(manager_client, territory):
    page = manager_client.get("/competences/pilotage/?domaine=3")
    expected = page.context["matrix_table"]
    response = manager_client.get("/competences/pilotage/?domaine=3&export=csv&tableau=etablissements-competences")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == expected.headers
    for exported, shown in zip(rows[1:], expected.rows, strict=True):
        assert exported == ["moins de 5" if v is None else str(v) for v in shown]
    response = manager_client.get("/competences/pilotage/?domaine=3&export=xlsx&tableau=etablissements-competences")
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert sheet.freeze_panes == "C2"
    values = [[c.value for c in row] for row in sheet.iter_rows(min_row=2, max_row=1 + len(expected.rows))]
    assert values == [[None if v == "non évalué" else v for v in row] for row in expected.rows]
    assert manager_client.get("/competences/pilotage/?export=pdf&tableau=x").status_code == 400


def test_other_academie_gets_403_everywhere(client, territory):
    big, _small = territory
    creteil = Academie.objects.create(code="24", name="Créteil")
    Departement.objects.create(code="94", name="Val-de-Marne", academie=creteil)
    outsider = make_user("autre@example.fr", role="manager", scope_academie=creteil)
    client.login(email=outsider.email, password=PASSWORD)
    for query in (
        "?departement=95",
        f"?ecole={big.uai}",
        "?bassin=095B1",
        "?circonscription=0951234",
        "?departement=95&export=csv&tableau=etablissements-competences",
        f"?ecole={big.uai}&export=xlsx&tableau=repartition-niveaux",
        "?bassin=095B1&export=csv&tableau=couverture-ambassadeurs",
    ):
        assert client.get("/competences/pilotage/" + query).status_code == 403, query
    # Their own scope shows none of it.
    response = client.get("/competences/pilotage/")
    assert response.status_code == 200 and not response.context["matrix_table"].rows


def test_teachers_and_anonymous_are_kept_out(client, territory, teacher):
    assert client.get("/competences/pilotage/").status_code == 302
    client.login(email=teacher.email, password=PASSWORD)
    assert client.get("/competences/pilotage/").status_code == 403
    assert client.get("/competences/pilotage/?export=csv&tableau=etablissements-competences").status_code == 403
