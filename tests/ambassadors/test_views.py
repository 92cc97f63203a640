"""Mes compétences and the manager's dashboard."""

import pytest

from evidence.models import CompetencyState
from frameworks.models import Competency
from tests.conftest import PASSWORD

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


# The former dashboard (/competences/tableau-de-bord/) now redirects to the competency maps; its checks
# (domain means, small groups, managers only, scope) live in tests/maps/test_pilotage*.py.


def test_plotly_js_is_served_from_static(client):
    from django.contrib.staticfiles import finders

    assert finders.find("plotly/plotly.min.js")


def test_why_this_level_lists_the_evidence_and_its_weight(
    client, frameworks, teacher, django_capture_on_commit_callbacks
):
    from tests.factories import aligned
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


def test_a_crcn_level_says_its_number_once(client, frameworks, teacher, django_capture_on_commit_callbacks):
    from tests.factories import aligned
    from xapi.services import statement_store

    with django_capture_on_commit_callbacks(execute=True):
        statement_store(data=aligned(teacher, codes=["1.1"], level=4, framework="crcn"))
    client.login(email=teacher.email, password=PASSWORD)
    html = client.get("/competences/mes-competences/").content.decode()
    row = html[html.index('data-competency="1.1"', html.index('data-framework="crcn"')) :]
    row = row[row.index('data-level="4"') : row.index("</td>", row.index('data-level="4"'))]
    # "4 / 8 — Indépendant", not "4 / 8 — Indépendant – niveau 4".
    assert "4 / 8" in row and "Indépendant" in row and "niveau 4" not in row
