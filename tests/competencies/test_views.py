"""Mes compétences and the manager's dashboard."""

import pytest

from competencies.models import Competency, CompetencyState
from lms.models import Academie, Departement, Membership
from tests.conftest import PASSWORD, make_school, make_user

pytestmark = pytest.mark.django_db


def set_level(user, code, level, framework="crcn-edu"):
    from django.utils import timezone

    competency = Competency.objects.get(framework__slug=framework, code=code)
    CompetencyState.objects.update_or_create(
        user=user, competency=competency, defaults={"level": level, "updated_at": timezone.now()}
    )


def test_my_competencies_shows_levels(client, frameworks, teacher):
    set_level(teacher, "3.1", 4)
    client.login(email=teacher.email, password=PASSWORD)
    html = client.get("/competences/mes-competences/").content.decode()
    assert "Mes compétences" in html
    assert 'data-level="4"' in html and "Avancé" in html
    assert client.get("/competences/mes-competences/").status_code == 200


def test_my_competencies_needs_login(client):
    response = client.get("/competences/mes-competences/")
    assert response.status_code == 302 and "/comptes/login/" in response["Location"]


@pytest.fixture
def big_school(departement):
    school = make_school(departement, "0951002Y", "Collège Jean Moulin", kind="college")
    teachers = [make_user(f"t{i}@example.fr") for i in range(5)]
    for t in teachers:
        Membership.objects.create(user=t, school=school)
    return school, teachers


def test_dashboard_means_and_small_groups(client, frameworks, manager, big_school, school, teacher):
    school_big, teachers = big_school
    set_level(teachers[0], "3.1", 5)
    set_level(teachers[1], "3.2", 5)
    set_level(teacher, "3.1", 5)  # the small school: 1 teacher, never shown
    client.login(email=manager.email, password=PASSWORD)
    response = client.get("/competences/tableau-de-bord/?referentiel=crcn-edu")
    assert response.status_code == 200
    html = response.content.decode()
    assert "plotly/plotly.min.js" in html and "Plotly.newPlot" in html
    matrix = response.context["matrix"]
    row = matrix.values[matrix.schools.index(school_big)]
    # Domain 3 has 3 competencies: (5 + 5) / (5 teachers × 3) = 0.67.
    domain3 = [d.code for d in matrix.domains].index("3")
    assert row[domain3] == pytest.approx(0.67)
    assert all(v is None for v in matrix.values[matrix.schools.index(school)])
    assert "effectif trop petit" in html


def test_dashboard_is_for_managers_only(client, frameworks, teacher):
    client.login(email=teacher.email, password=PASSWORD)
    assert client.get("/competences/tableau-de-bord/").status_code == 403


def test_manager_sees_only_their_scope(client, frameworks, big_school):
    other_academie = Academie.objects.create(code="24", name="Créteil")
    other_dep = Departement.objects.create(code="94", name="Val-de-Marne", academie=other_academie)
    outsider = make_user("autre-gestion@example.fr", role="manager", scope_academie=other_academie)
    make_school(other_dep, "0940176F", "École Robert Doisneau")
    client.login(email=outsider.email, password=PASSWORD)
    response = client.get("/competences/tableau-de-bord/")
    assert response.status_code == 200
    assert [s.uai for s in response.context["matrix"].schools] == ["0940176F"]
    assert "Collège Jean Moulin" not in response.content.decode()


def test_plotly_js_is_served_from_static(client):
    from django.contrib.staticfiles import finders

    assert finders.find("plotly/plotly.min.js")


def test_why_this_level_lists_the_evidence_and_its_weight(
    client, frameworks, teacher, django_capture_on_commit_callbacks
):
    from tests.competencies.test_levels import aligned
    from xapi.services import statement_store

    with django_capture_on_commit_callbacks(execute=True):
        statement_store(data=aligned(teacher, codes=["4.2"], level=4))
        statement_store(data=aligned(teacher, codes=["4.2"], level=2, verb="failed"))
    client.login(email=teacher.email, password=PASSWORD)
    html = client.get("/competences/mes-competences/").content.decode()
    row = html[html.index('data-competency="4.2"', html.index('data-framework="crcn-edu"')) :]
    row = row[: row.index("</tr>")]
    assert 'data-level="4"' in row
    assert "évaluation notée — niveau 4" in row and "(poids 1,0)" in row
    assert "Historique :" in row and "0 → 4" in row
