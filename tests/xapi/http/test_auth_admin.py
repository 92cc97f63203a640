"""LRS clients in the Wagtail admin: list, create with the secret shown once, deactivate."""

import re

import pytest
from django.contrib.auth import get_user_model

from tests.xapi import examples as ex
from tests.xapi.http.conftest import Api, basic
from xapi.models import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    user = get_user_model().objects.create_superuser(email="admin@example.fr", password="motdepasse-admin-2026")
    client.force_login(user)
    return client


def test_create_shows_the_secret_once_and_it_works(admin_client):
    form = admin_client.get("/admin/lrs/clients/add/")
    assert form.status_code == 200 and b"statements/write" in form.content
    response = admin_client.post(
        "/admin/lrs/clients/add/", {"name": "Moodle", "scopes": ["statements/write", "statements/read"]}
    )
    assert response.status_code == 200
    html = response.content.decode()
    key = re.search(r"data-lrs-key>([^<]+)<", html).group(1)
    secret = re.search(r"data-lrs-secret>([^<]+)<", html).group(1)
    assert "no-store" in response["Cache-Control"]
    assert Api(basic(key, secret)).post(ex.statement()).status_code == 200
    listing = admin_client.get("/admin/lrs/clients/").content.decode()
    assert key in listing and secret not in listing


def test_create_needs_a_name_and_a_scope(admin_client):
    response = admin_client.post("/admin/lrs/clients/add/", {"name": "", "scopes": []})
    assert response.status_code == 200 and not Client.objects.exists()


def test_deactivate(admin_client):
    admin_client.post("/admin/lrs/clients/add/", {"name": "LMS", "scopes": ["all"]})
    client = Client.objects.get()
    assert admin_client.get(f"/admin/lrs/clients/{client.pk}/deactivate/").status_code == 405
    response = admin_client.post(f"/admin/lrs/clients/{client.pk}/deactivate/")
    assert response.status_code == 302
    client.refresh_from_db()
    assert not client.is_active


def test_teachers_cannot_manage_clients(client, teacher):
    client.force_login(teacher)
    assert client.get("/admin/lrs/clients/").status_code in (302, 403)
