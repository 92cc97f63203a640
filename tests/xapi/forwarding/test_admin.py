"""Forwarding in the Wagtail admin: targets with a write-only secret, the status page, dead letters."""

import uuid

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from xapi.forwarding.models import ForwardTarget, OutboxEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    user = get_user_model().objects.create_superuser(email="admin@example.fr", password="motdepasse-admin-2026")
    client.force_login(user)
    return client


def test_a_target_is_created_with_a_secret_that_is_never_shown_again(admin_client):
    response = admin_client.post(
        "/admin/xapi_forward_targets/new/",
        {
            "name": "academie",
            "endpoint": "https://lrs.example.fr/xapi/",
            "username": "cle",
            "secret": "tres-secret-1234",
            "xapi_version": "1.0.3",
            "enabled": "on",
            "timeout_seconds": "10",
            "method": "post",
            "verbs": "",
            "activity_prefixes": "",
            "batch_size": "100",
            "max_attempts": "10",
            "backoff_base_seconds": "5",
            "backoff_max_seconds": "3600",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    target = ForwardTarget.objects.get(name="academie")
    assert target.secret == "tres-secret-1234"
    assert "tres-secret-1234" not in target.secret_encrypted
    edit = admin_client.get(f"/admin/xapi_forward_targets/edit/{target.pk}/").content.decode()
    assert "tres-secret-1234" not in edit and target.secret_encrypted not in edit


def test_status_dead_letters_and_replay(admin_client):
    target = ForwardTarget(name="academie", endpoint="http://127.0.0.1:9/xapi/", username="k", last_error="HTTP 500")
    target.set_secret("s")
    target.save()
    now = timezone.now()
    dead = OutboxEntry.objects.create(
        target=target,
        statement_id=uuid.uuid4(),
        status=OutboxEntry.Status.DEAD,
        attempts=10,
        last_error="HTTP 500 : boom",
        next_attempt_at=now,
        created_at=now,
    )
    OutboxEntry.objects.create(target=target, statement_id=uuid.uuid4(), next_attempt_at=now, created_at=now)
    status = admin_client.get("/admin/lrs/forwarding/").content.decode()
    assert "academie" in status and "HTTP 500" in status
    letters = admin_client.get(f"/admin/lrs/forwarding/{target.pk}/dead/").content.decode()
    assert str(dead.statement_id) in letters and "boom" in letters
    response = admin_client.post(f"/admin/lrs/forwarding/{target.pk}/dead/replay/", {"entry": [dead.pk]})
    assert response.status_code == 302
    dead.refresh_from_db()
    assert (dead.status, dead.attempts) == (OutboxEntry.Status.PENDING, 0)
