"""A teacher exports and erases their data."""

import json

import pytest
from django.contrib.auth import get_user_model

from courses import services
from courses.models import Enrollment
from tests.conftest import PASSWORD, block_ids
from xapi.models import Statement

pytestmark = pytest.mark.django_db


@pytest.fixture
def learner(client, module, teacher, django_capture_on_commit_callbacks):
    services.course_enroll(user=teacher, course=module.course)
    with django_capture_on_commit_callbacks(execute=True):
        services.quiz_submit(
            user=teacher, module=module, block_id=block_ids(module)["quiz"], answers={0: [0], 1: [0, 2]}
        )
    client.login(email=teacher.email, password=PASSWORD)
    return teacher


def test_export_holds_everything(client, learner):
    response = client.get("/comptes/mes-donnees/export/")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["compte"]["email"] == learner.email
    assert data["etablissements"][0]["uai"] == "0951001X"
    verbs = sorted(s["verb"]["id"].rsplit("/", 1)[1] for s in data["competences"]["declarations_xapi"])
    assert verbs == ["answered", "answered", "passed", "registered"]  # one answer per question, then the quiz
    assert {n["competence"]: n["niveau"] for n in data["competences"]["niveaux"]} == {"3.1": 4, "2.1": 4}
    assert data["formations"]["inscriptions"][0]["parcours"] == "Parcours test"
    assert data["formations"]["activites"][0]["status"] == "passed"


def test_erase_needs_confirmation_then_removes_everything(client, learner):
    page = client.get("/comptes/mes-donnees/")
    assert "Supprimer définitivement" in page.content.decode()
    response = client.post("/comptes/mes-donnees/supprimer/", {"confirmation": "oui"})
    assert response.status_code == 400 and "Écrivez SUPPRIMER" in response.content.decode()
    assert get_user_model().objects.filter(pk=learner.pk).exists()

    response = client.post("/comptes/mes-donnees/supprimer/", {"confirmation": "supprimer"})
    assert response.status_code == 302
    assert not get_user_model().objects.filter(pk=learner.pk).exists()
    assert not Statement.objects.exists()
    assert not Enrollment.objects.exists()
    assert client.get("/comptes/mes-donnees/").status_code == 302  # logged out


def test_anonymous_is_sent_to_login(client):
    assert client.get("/comptes/mes-donnees/export/").status_code == 302
    assert client.post("/comptes/mes-donnees/supprimer/", {"confirmation": "SUPPRIMER"}).status_code == 302
