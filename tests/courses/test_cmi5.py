"""External content launched as cmi5 defines it: parameters, one-time fetch, LaunchData, moveOn, session end."""

import json
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from courses import cmi5, services
from courses.models import ActivityProgress, Cmi5Launch, ModuleCompletion
from tests.conftest import PASSWORD
from tests.courses.cmi5_au import COMPLETED, FAILED, PASSED, TERMINATED, Au
from tests.courses.factories import VERB, block_of
from xapi.identity import agent_key
from xapi.models import Client, Statement

pytestmark = pytest.mark.django_db

SATISFIED = "https://w3id.org/xapi/adl/verbs/satisfied"
ABANDONED = "https://w3id.org/xapi/adl/verbs/abandoned"


def launch(module, user):
    block = block_of(module, "external_xapi")
    url = cmi5.cmi5_launch(user=user, module=module, block_id=block.id, base_url="http://testserver/")
    return block, url, {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def set_block(module, **values):
    """Change the external content block's settings (moveOn, mastery score) and save the module."""
    for block in module.activities:
        if block.block_type == "external_xapi":
            block.value.update(values)
    module.save()
    return block_of(module, "external_xapi")


def aligned_completions(module, block):
    step = f"/modules/{module.pk}/{block.id}"
    return [
        s.payload
        for s in Statement.objects.filter(verb_id=VERB + "completed")
        if s.payload["object"]["id"].endswith(step)
    ]


def test_launch_url_carries_the_cmi5_parameters(full_module, enrolled):
    block, url, params = launch(full_module, enrolled)
    assert url.startswith("http://testserver/static/courses/cmi5/au.html?")
    assert params["endpoint"] == "http://testserver/xapi/"
    assert json.loads(params["actor"]) == enrolled.xapi_actor()
    # §8.1.5: Relais's own id for the content, never the publisher's (which goes in the grouping).
    assert params["activityId"] == cmi5.au_activity_id(full_module, block) != block.value["activity_id"]
    enrollment = enrolled.enrollments.get()
    assert params["registration"] == str(enrollment.registration)
    launch_row = Cmi5Launch.objects.get()
    (launched,) = [s.payload for s in Statement.objects.filter(verb_id=VERB + "launched")]
    assert launched["object"]["id"] == params["activityId"]
    context = launched["context"]
    assert context["registration"] == params["registration"]
    assert {"id": cmi5.CATEGORY_CMI5, "objectType": "Activity"} in context["contextActivities"]["category"]
    assert block.value["activity_id"] in [a["id"] for a in context["contextActivities"]["grouping"]]
    assert context["extensions"] == {
        cmi5.EXT_SESSION_ID: str(launch_row.session_id),
        cmi5.EXT_LAUNCH_MODE: "Normal",
        cmi5.EXT_LAUNCH_URL: "http://testserver/static/courses/cmi5/au.html",
        cmi5.EXT_MOVE_ON: block.value["move_on"],
    }
    client = launch_row.client
    assert client.is_active and sorted(client.scopes) == [
        "profile",
        "state",
        "statements/read/mine",
        "statements/write",
    ]
    assert client.bound_actor_key == agent_key(enrolled.xapi_actor())
    assert client.bound_registration == enrollment.registration
    # The content's statements are not evidence: Relais records its own aligned completion.
    assert client.evidence == Client.Evidence.NONE


def test_launch_data_and_learner_preferences_are_written_before_the_launch(full_module, enrolled, client):
    block = set_block(full_module, move_on="Passed", mastery_score=0.8)
    au = Au(client, full_module, enrolled, block)
    au.fetch()
    data = au.read_launch_data()
    session = str(Cmi5Launch.objects.get().session_id)
    assert data == {
        "contextTemplate": {
            "contextActivities": {"grouping": [{"objectType": "Activity", "id": block.value["activity_id"]}]},
            "extensions": {cmi5.EXT_SESSION_ID: session},
        },
        "launchMode": "Normal",
        "moveOn": "Passed",
        "masteryScore": 0.8,
        "returnURL": f"http://testserver{full_module.url}#activite-{block.id}",
    }
    preferences = au.get("agents/profile", {"agent": json.dumps(au.actor), "profileId": "cmi5LearnerPreferences"})
    assert preferences.status_code == 200
    assert preferences.json() == {"languagePreference": "fr-FR", "audioPreference": "on"}
    (launched,) = [s.payload for s in Statement.objects.filter(verb_id=VERB + "launched")]
    assert launched["context"]["extensions"][cmi5.EXT_MASTERY_SCORE] == 0.8


def test_fetch_gives_the_token_once_then_a_cmi5_error(full_module, enrolled, client):
    _block, _url, params = launch(full_module, enrolled)
    fetch = urlsplit(params["fetch"]).path
    first = client.post(fetch)
    assert first.status_code == 200 and set(first.json()) == {"auth-token"}
    assert first["Access-Control-Allow-Origin"] == "*"  # content served from its publisher's origin
    preflight = client.options(fetch)
    assert preflight.status_code == 200 and preflight["Access-Control-Allow-Origin"] == "*"
    assert "auth-token" not in preflight.content.decode()
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


def test_the_content_reports_and_its_step_is_done_when_it_does(
    full_module, enrolled, client, django_capture_on_commit_callbacks
):
    """moveOn Completed: the step is done as soon as `completed` is stored, not when the page reloads."""
    block = block_of(full_module, "external_xapi")
    assert block.value["move_on"] == "Completed"
    with django_capture_on_commit_callbacks(execute=True):
        au = Au(client, full_module, enrolled, block).start()
    assert not ActivityProgress.objects.filter(block_id=block.id).exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert au.send(au.statement("completed", result=COMPLETED)).status_code == 200
    assert ActivityProgress.objects.get(block_id=block.id).status == "completed"
    (ours,) = aligned_completions(full_module, block)
    assert ours["context"]["contextActivities"]["other"][0]["id"].endswith("/crcn-edu/2.1")
    (satisfied,) = [s.payload for s in Statement.objects.filter(verb_id=SATISFIED)]
    assert satisfied["object"]["definition"]["type"] == cmi5.COURSE_TYPE
    assert (
        satisfied["context"]["extensions"][cmi5.EXT_SESSION_ID]
        == au.launch_data["contextTemplate"]["extensions"][cmi5.EXT_SESSION_ID]
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert au.send(au.statement("terminated", result=TERMINATED)).status_code == 200
    launch_row = Cmi5Launch.objects.get()
    assert launch_row.ended_at is not None and not launch_row.client.is_active
    again = au.send(au.statement("experienced", defined=False))
    assert again.status_code == 401
    assert au.get("activities/state", au.state_params()).status_code == 401
    assert len(aligned_completions(full_module, block)) == 1
    assert not Statement.objects.filter(verb_id=ABANDONED).exists()  # terminated properly


@pytest.mark.parametrize(
    "move_on, reports, done",
    [
        ("Completed", [("passed", PASSED)], False),
        ("Passed", [("completed", COMPLETED)], False),
        ("Passed", [("failed", FAILED)], False),
        ("Passed", [("passed", PASSED)], True),
        ("CompletedAndPassed", [("completed", COMPLETED)], False),
        ("CompletedAndPassed", [("completed", COMPLETED), ("passed", PASSED)], True),
        ("CompletedOrPassed", [("passed", PASSED)], True),
    ],
)
def test_move_on_decides_when_the_step_counts(
    full_module, enrolled, client, django_capture_on_commit_callbacks, move_on, reports, done
):
    block = set_block(full_module, move_on=move_on)
    with django_capture_on_commit_callbacks(execute=True):
        au = Au(client, full_module, enrolled, block).start()
        for verb, result in reports:
            assert au.send(au.statement(verb, result=result)).status_code == 200
    assert ActivityProgress.objects.filter(block_id=block.id, status="completed").exists() is done
    assert len(aligned_completions(full_module, block)) == (1 if done else 0)


def test_move_on_not_applicable_counts_at_launch(full_module, enrolled, django_capture_on_commit_callbacks):
    set_block(full_module, move_on="NotApplicable")
    with django_capture_on_commit_callbacks(execute=True):
        block, _url, _params = launch(full_module, enrolled)
    assert ActivityProgress.objects.get(block_id=block.id).status == "completed"
    assert len(aligned_completions(full_module, block)) == 1


def test_an_expired_token_answers_401_and_the_session_is_abandoned(full_module, enrolled, client):
    block = block_of(full_module, "external_xapi")
    au = Au(client, full_module, enrolled, block).start()
    Cmi5Launch.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = au.send(au.statement("completed", result=COMPLETED))
    assert response.status_code == 401
    assert response.json()["error"]["rule"] == "cmi5_session_expired"
    assert not Cmi5Launch.objects.get().client.is_active
    (abandoned,) = [s.payload for s in Statement.objects.filter(verb_id=ABANDONED)]
    assert abandoned["result"]["duration"].startswith("PT")
    assert cmi5.CATEGORY_CMI5 in [c["id"] for c in abandoned["context"]["contextActivities"]["category"]]
    assert not ActivityProgress.objects.filter(block_id=block.id).exists()


def test_a_new_launch_abandons_the_open_session(full_module, enrolled, client):
    block = block_of(full_module, "external_xapi")
    first = Au(client, full_module, enrolled, block).start()
    Au(client, full_module, enrolled, block)
    assert Statement.objects.filter(verb_id=ABANDONED).count() == 1
    assert first.send(first.statement("completed", result=COMPLETED)).status_code == 401


def test_expired_launches_lose_their_client(full_module, enrolled, settings):
    from courses.tasks import cmi5_launches_expire

    launch(full_module, enrolled)
    Cmi5Launch.objects.update(expires_at="2000-01-01T00:00:00Z")
    # Beat runs it even when nobody comes back to the content.
    assert settings.CELERY_BEAT_SCHEDULE["courses-cmi5-launches-expire"]["task"] == cmi5_launches_expire.name
    assert cmi5_launches_expire.delay().get() == 1
    assert not Cmi5Launch.objects.get().client.is_active
    assert Statement.objects.filter(verb_id=ABANDONED).count() == 1
    assert cmi5.launches_expire() == 0


def test_launch_through_the_player_redirects_to_the_content(full_module, enrolled, client):
    assert client.login(email=enrolled.email, password=PASSWORD)
    block = block_of(full_module, "external_xapi")
    response = client.post(f"/formations/modules/{full_module.pk}/cmi5/{block.id}/lancer/")
    assert response.status_code == 302 and "/static/courses/cmi5/au.html?endpoint=" in response["Location"]


def test_module_needs_the_content_done(full_module, enrolled):
    with pytest.raises(services.LearningError, match="Contenu interactif"):
        services.module_complete(user=enrolled, module=full_module)
    assert not ModuleCompletion.objects.exists()


def test_the_player_page_writes_nothing(full_module, enrolled, client):
    """Reading the module page records no progress and no completion (the selector only reads), even when
    the content's report was stored without its after-commit step (here: no on_commit callbacks run)."""
    block = block_of(full_module, "external_xapi")
    au = Au(client, full_module, enrolled, block).start()
    assert au.send(au.statement("completed", result=COMPLETED)).status_code == 200
    assert client.login(email=enrolled.email, password=PASSWORD)
    assert client.get(full_module.url).status_code == 200
    assert not ActivityProgress.objects.filter(block_id=block.id).exists()
    assert not aligned_completions(full_module, block)


def test_erasing_the_teacher_removes_her_launch_clients(full_module, enrolled):
    from lms.privacy import user_erase

    launch(full_module, enrolled)
    client_id = Cmi5Launch.objects.get().client_id
    user_erase(user=enrolled)
    assert not Client.objects.filter(pk=client_id).exists()
    assert not Client.objects.filter(bound_actor_key=agent_key(enrolled.xapi_actor())).exists()
