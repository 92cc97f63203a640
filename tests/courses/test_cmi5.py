"""External xAPI content launched cmi5-style: parameters, one-time fetch, its statements in our LRS."""

import json
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from courses import cmi5, services
from courses.models import ActivityProgress, Cmi5Launch, ModuleCompletion
from tests.conftest import PASSWORD
from tests.courses.conftest import VERB, block_of
from xapi.models import Client, Statement

pytestmark = pytest.mark.django_db


def launch(module, user):
    block = block_of(module, "external_xapi")
    url = cmi5.cmi5_launch(user=user, module=module, block_id=block.id, base_url="http://testserver/")
    return block, url, {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def au_statement(params, verb):
    return {
        "actor": json.loads(params["actor"]),
        "verb": {"id": VERB + verb},
        "object": {"objectType": "Activity", "id": params["activityId"]},
        "context": {"registration": params["registration"]},
    }


def test_launch_url_carries_the_cmi5_parameters(full_module, enrolled):
    block, url, params = launch(full_module, enrolled)
    assert url.startswith("http://testserver/static/courses/cmi5/au.html?")
    assert params["endpoint"] == "http://testserver/xapi/"
    assert json.loads(params["actor"]) == enrolled.xapi_actor()
    assert params["activityId"] == block.value["activity_id"]
    enrollment = enrolled.enrollments.get()
    assert params["registration"] == str(enrollment.registration)
    (launched,) = [s.payload for s in Statement.objects.filter(verb_id=VERB + "launched")]
    assert launched["object"]["id"] == block.value["activity_id"]
    client = Cmi5Launch.objects.get().client
    assert client.is_active and sorted(client.scopes) == ["state", "statements/read/mine", "statements/write"]


def test_fetch_gives_the_token_once_then_a_cmi5_error(full_module, enrolled, client):
    _block, _url, params = launch(full_module, enrolled)
    fetch = urlsplit(params["fetch"]).path
    first = client.post(fetch)
    assert first.status_code == 200 and set(first.json()) == {"auth-token"}
    second = client.post(fetch)
    assert second.json()["error-code"] == "1" and second.json()["error-text"]
    assert client.get(fetch).status_code == 405
    unknown = client.post("/formations/cmi5/fetch/00000000-0000-0000-0000-000000000000")
    assert unknown.status_code == 200 and unknown["Content-Type"] == "application/json"
    assert unknown.json()["error-code"] == "2"


def test_fetch_after_the_launch_expired_is_error_1(full_module, enrolled, client):
    _block, _url, params = launch(full_module, enrolled)
    Cmi5Launch.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    response = client.post(urlsplit(params["fetch"]).path)
    assert response.status_code == 200 and response.json()["error-code"] == "1"
    assert "auth-token" not in response.json()


def test_the_content_reports_to_our_lrs_and_terminated_ends_its_client(
    full_module, enrolled, client, django_capture_on_commit_callbacks
):
    block, _url, params = launch(full_module, enrolled)
    token = client.post(urlsplit(params["fetch"]).path).json()["auth-token"]
    headers = {"HTTP_AUTHORIZATION": f"Basic {token}", "HTTP_X_EXPERIENCE_API_VERSION": "1.0.3"}
    for verb in ("initialized", "completed"):
        response = client.post(
            "/xapi/statements", json.dumps(au_statement(params, verb)), content_type="application/json", **headers
        )
        assert response.status_code == 200, response.content
    # The player's sync turns the content's "completed" into Relais's aligned completion of the step.
    assert cmi5.cmi5_progress_sync(user=enrolled, module=full_module) == [block.id]
    assert ActivityProgress.objects.get(block_id=block.id).status == "completed"
    ours = [
        s.payload
        for s in Statement.objects.filter(verb_id=VERB + "completed")
        if s.payload["object"]["id"].endswith(block.id)
    ]
    assert ours[0]["context"]["contextActivities"]["other"][0]["id"].endswith("/crcn-edu/2.1")
    with django_capture_on_commit_callbacks(execute=True):  # the store announces statements after commit
        response = client.post(
            "/xapi/statements",
            json.dumps(au_statement(params, "terminated")),
            content_type="application/json",
            **headers,
        )
    assert response.status_code == 200
    assert not Client.objects.get(pk=Cmi5Launch.objects.get().client_id).is_active
    again = client.post(
        "/xapi/statements", json.dumps(au_statement(params, "completed")), content_type="application/json", **headers
    )
    assert again.status_code in (401, 403)


def test_expired_launches_lose_their_client(full_module, enrolled):
    launch(full_module, enrolled)
    Cmi5Launch.objects.update(expires_at="2000-01-01T00:00:00Z")
    assert cmi5.launches_expire() == 1
    assert not Cmi5Launch.objects.get().client.is_active


def test_launch_through_the_player_redirects_to_the_content(full_module, enrolled, client):
    assert client.login(email=enrolled.email, password=PASSWORD)
    block = block_of(full_module, "external_xapi")
    response = client.post(f"/formations/modules/{full_module.pk}/cmi5/{block.id}/lancer/")
    assert response.status_code == 302 and "/static/courses/cmi5/au.html?endpoint=" in response["Location"]


def test_module_needs_the_content_done(full_module, enrolled):
    with pytest.raises(services.LearningError, match="Contenu interactif"):
        services.module_complete(user=enrolled, module=full_module)
    assert not ModuleCompletion.objects.exists()
