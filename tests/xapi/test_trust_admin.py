"""The evidence policy of LRS clients and pull sources in the Wagtail admin (issue #13)."""

import re
import uuid

import pytest
from django.contrib.auth import get_user_model

from evidence.models import CompetencyState
from frameworks.alignment import statement_alignment
from frameworks.models import Competency
from tests.conftest import make_user
from xapi.forwarding.models import PullSource
from xapi.forwarding.pull import source_authority
from xapi.http.auth import client_authority, client_create
from xapi.models import Client
from xapi.services import statements_store

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    user = get_user_model().objects.create_superuser(email="admin@example.fr", password="motdepasse-admin-2026")
    client.force_login(user)
    return client


def _level5(user) -> dict:
    competency = Competency.objects.select_related("framework").get(framework__slug="crcn-edu", code="1.2")
    context_activities, extensions = statement_alignment(competencies=[competency], level=5)
    return {
        "id": str(uuid.uuid4()),
        "actor": user.xapi_actor(),
        "verb": {"id": "http://adlnet.gov/expapi/verbs/passed"},
        "object": {"id": "https://example.org/quiz/1"},
        "context": {"contextActivities": context_activities},
        "result": {"success": True, "score": {"scaled": 1.0}, "extensions": extensions},
    }


def _level(user) -> int:
    state = CompetencyState.objects.filter(user=user, competency__code="1.2", competency__framework__slug="crcn-edu")
    return state.first().level if state.exists() else 0


def test_a_new_client_counts_for_nothing_and_the_list_says_so(admin_client):
    form = admin_client.get("/admin/lrs/clients/add/").content.decode()
    assert 'name="evidence"' in form and 'value="none"' in form and "M@gistère" in form
    response = admin_client.post("/admin/lrs/clients/add/", {"name": "Moodle", "scopes": ["statements/write"]})
    assert 'data-evidence="none"' in response.content.decode()
    assert Client.objects.get().evidence == "none"
    listing = admin_client.get("/admin/lrs/clients/").content.decode()
    assert "Prise en compte comme preuve" in listing and 'data-evidence="none"' in listing
    assert "ne compte pour rien tant qu" in listing


def test_create_bound_to_a_teacher_by_e_mail(admin_client, frameworks):
    teacher = make_user("prof@example.fr")
    response = admin_client.post(
        "/admin/lrs/clients/add/",
        {"name": "Carnet", "scopes": ["statements/write"], "evidence": "bound", "bound_actor": "PROF@example.fr"},
    )
    assert response.status_code == 200
    client = Client.objects.get()
    assert (client.evidence, client.bound_actor) == ("bound", teacher.xapi_actor())


@pytest.mark.parametrize(
    ("bound_actor", "message"),
    [
        ("", "demande un acteur lié"),
        ("personne@example.fr", "Aucun utilisateur"),
        ("{pas du json", "JSON lisible"),
        ('{"name": "sans identifiant"}', "agent xAPI valide"),
    ],
)
def test_bound_needs_a_valid_actor(admin_client, bound_actor, message):
    response = admin_client.post(
        "/admin/lrs/clients/add/",
        {"name": "Carnet", "scopes": ["statements/write"], "evidence": "bound", "bound_actor": bound_actor},
    )
    assert response.status_code == 200 and message in response.content.decode()
    assert not Client.objects.exists()


def test_changing_a_clients_policy_derives_its_statements_again(
    admin_client, frameworks, django_capture_on_commit_callbacks
):
    teacher = make_user("prof@example.fr")
    client, _secret = client_create(name="M@gistère", scopes=["statements/write"])
    with django_capture_on_commit_callbacks(execute=True):
        statements_store(data=[_level5(teacher)], authority=client_authority(client))
    assert _level(teacher) == 0

    page = admin_client.get(f"/admin/lrs/clients/{client.pk}/evidence/").content.decode()
    assert "M@gistère" in page and 'value="any"' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(f"/admin/lrs/clients/{client.pk}/evidence/", {"evidence": "any"})
    assert response.status_code == 302
    assert _level(teacher) == 5
    listing = admin_client.get("/admin/lrs/clients/").content.decode()
    assert "niveaux concernés sont recalculés" in listing and 'data-evidence="any"' in listing

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(f"/admin/lrs/clients/{client.pk}/evidence/", {"evidence": "none"})
    assert _level(teacher) == 0


def test_teachers_cannot_change_a_policy(client, teacher):
    lrs, _secret = client_create(name="M@gistère", scopes=["statements/write"])
    client.force_login(teacher)
    response = client.post(f"/admin/lrs/clients/{lrs.pk}/evidence/", {"evidence": "any"})
    assert response.status_code in (302, 403)
    assert Client.objects.get().evidence == "none"


def test_a_pull_sources_policy_in_the_admin(admin_client, frameworks, django_capture_on_commit_callbacks):
    fields = {
        "name": "magistere",
        "endpoint": "https://lrs.example.fr/xapi/",
        "username": "cle",
        "secret": "tres-secret-1234",
        "xapi_version": "1.0.3",
        "enabled": "on",
        "timeout_seconds": "10",
        "query": "{}",
        "actor_home_page": "",
        "interval_minutes": "15",
        "page_size": "500",
        "last_stored": "",
    }
    form = admin_client.get("/admin/xapi_pull_sources/new/").content.decode()
    assert re.search(r'<option value="none" selected>', form)  # a new source counts for nothing
    response = admin_client.post("/admin/xapi_pull_sources/new/", {**fields, "evidence": "none"})
    assert response.status_code == 302, response.content.decode()[:2000]
    source = PullSource.objects.get()

    teacher = make_user("prof@example.fr")
    with django_capture_on_commit_callbacks(execute=True):
        statements_store(data=[_level5(teacher)], authority=source_authority(source))
    assert _level(teacher) == 0

    edit = admin_client.get(f"/admin/xapi_pull_sources/edit/{source.pk}/").content.decode()
    assert not re.search(r'name="name"', edit)  # its name is stamped on its statements
    del fields["name"], fields["secret"]
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(f"/admin/xapi_pull_sources/edit/{source.pk}/", {**fields, "evidence": "any"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert _level(teacher) == 5
