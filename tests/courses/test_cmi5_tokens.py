"""A cmi5 launch token is the learner's for one session: attacked here. It writes for nobody else and
no other registration, reads nobody else's state or statements, dies with its session (401 saying
so, replay included), and its client leaves the administrators' list and then the database."""

import base64
import json
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from courses import cmi5
from courses.models import Cmi5Launch
from tests.conftest import make_user
from tests.courses.cmi5_au import COMPLETED, TERMINATED, Au
from tests.courses.factories import block_of
from xapi.http.auth import client_create
from xapi.models import Client, Statement

pytestmark = pytest.mark.django_db


@pytest.fixture
def au(client, full_module, enrolled):
    return Au(client, full_module, enrolled, block_of(full_module, "external_xapi")).start()


@pytest.fixture
def colleague():
    return make_user("collegue@example.fr")


def _rule(response) -> str:
    return response.json()["error"]["rule"]


def test_the_token_writes_for_its_learner_and_registration_only(au, colleague):
    other = au.send(au.statement("completed", result=COMPLETED, actor=colleague.xapi_actor()))
    assert other.status_code == 403 and _rule(other) == "bound_actor"
    elsewhere = au.statement("completed", result=COMPLETED)
    elsewhere["context"]["registration"] = str(uuid.uuid4())
    response = au.send(elsewhere)
    assert response.status_code == 403 and _rule(response) == "bound_registration"
    # Naming someone else in the statement (as instructor) is refused too.
    named = au.statement("experienced", defined=False)
    named["context"]["instructor"] = colleague.xapi_actor()
    response = au.send(named)
    assert response.status_code == 403 and _rule(response) == "bound_other_agent"
    assert not Statement.objects.filter(actor_key__contains=str(colleague.xapi_uuid)).exists()


def test_the_token_reads_nobody_elses_state_or_statements(au, colleague):
    state = au.get("activities/state", au.state_params(agent=json.dumps(colleague.xapi_actor())))
    assert state.status_code == 403 and _rule(state) == "bound_document_agent"
    other_registration = au.get("activities/state", au.state_params(registration=str(uuid.uuid4())))
    assert other_registration.status_code == 403 and _rule(other_registration) == "bound_document_registration"
    statements = au.get("statements", {"agent": json.dumps(colleague.xapi_actor())})
    assert statements.status_code == 403 and _rule(statements) == "bound_read_agent"


def test_a_token_replayed_after_its_session_ended_is_refused_with_401(au, django_capture_on_commit_callbacks):
    token = au.token
    with django_capture_on_commit_callbacks(execute=True):  # `terminated` ends the session once committed
        assert au.send(au.statement("completed", result=COMPLETED)).status_code == 200
        assert au.send(au.statement("terminated", result=TERMINATED)).status_code == 200
    replay = au.send(au.statement("experienced", defined=False), token=token)
    assert replay.status_code == 401 and _rule(replay) == "cmi5_session_ended"
    assert "Relancez le contenu" in replay.json()["error"]["message"]
    # Reading is over too, the state included.
    assert au.get("activities/state", au.state_params(), token=token).status_code == 401
    # A day later the client is gone: the same token is then an unknown one.
    launch = Cmi5Launch.objects.get()
    Client.objects.filter(pk=launch.client_id).update(expires_at=timezone.now() - cmi5.LAUNCH_CLIENT_RETENTION)
    cmi5.launches_expire()
    launch.refresh_from_db()
    assert launch.client_id is None and launch.client_key
    gone = au.send(au.statement("experienced", defined=False), token=token)
    assert gone.status_code == 401 and _rule(gone) == "bad_credentials"
    # The session's statements are still its own: moveOn is judged on them by the key kept.
    assert cmi5.reported_verbs(launch=launch) == {"completed"}


def test_an_expired_temporary_client_gets_a_clear_401_even_before_any_task_ran(client):
    """Checked by the LRS itself, whatever app minted the token."""
    minted, secret = client_create(
        name="jeton", scopes=["statements/write"], expires_at=timezone.now() - timedelta(seconds=1)
    )
    token = base64.b64encode(f"{minted.key}:{secret}".encode()).decode()
    response = client.get(
        "/xapi/statements", HTTP_AUTHORIZATION=f"Basic {token}", HTTP_X_EXPERIENCE_API_VERSION="1.0.3"
    )
    assert response.status_code == 401 and _rule(response) == "launch_token_expired"
    assert "expiré" in response.json()["error"]["message"]


def test_launch_clients_are_not_in_the_clients_list_and_do_not_pile_up(client, full_module, enrolled):
    block = block_of(full_module, "external_xapi")
    for _ in range(3):
        cmi5.cmi5_launch(user=enrolled, module=full_module, block_id=block.id, base_url="http://testserver/")
    keys = list(Client.objects.values_list("key", flat=True))
    assert len(keys) == 3
    # The two sessions the later launches abandoned are over; the last one is live.
    assert Client.objects.filter(is_active=True).count() == 1
    kept, _secret = client_create(name="Entrepôt académique", scopes=["statements/read"])
    admin = make_user("admin@example.fr", is_superuser=True, is_staff=True)
    client.force_login(admin)
    page = client.get("/admin/lrs/clients/").content.decode()
    assert kept.key in page and not any(key in page for key in keys)
    assert 'data-temporary="1"' in page
    # A day after their end (or their expiry), the next launch or the beat removes them.
    Client.objects.filter(is_active=False).update(expires_at=timezone.now() - timedelta(days=2))
    cmi5.cmi5_launch(user=enrolled, module=full_module, block_id=block.id, base_url="http://testserver/")
    assert Client.objects.filter(key__in=keys).count() == 1
    assert Client.objects.filter(pk=kept.pk).exists()
