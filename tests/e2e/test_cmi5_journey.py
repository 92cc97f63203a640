"""A conforming cmi5 AU (tests/e2e/cmi5_au/au.html, served from its own origin) launched in Chromium through the
module page's "launch" button: it reads LaunchData and the learner preferences, reports, terminates, returns;
the step is done by moveOn, Relais's aligned `completed` is recorded once, and the token is dead afterwards."""

import base64
import json
import threading
import urllib.error
import urllib.request
import uuid
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from courses import cmi5, services
from courses.models import ActivityProgress, Cmi5Launch, ModulePage
from tests.conftest import PASSWORD
from tests.e2e.conftest import allow_form_action
from xapi.models import Document, Statement

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

AU_DIR = Path(__file__).with_name("cmi5_au")
VERB = "http://adlnet.gov/expapi/verbs/"
SATISFIED = "https://w3id.org/xapi/adl/verbs/satisfied"


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def au_origin():
    """The AU's own web server: another origin than Relais, as a publisher's content would be."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(AU_DIR)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def cmi5_module(course, launch_url):
    module = ModulePage(
        title="Module cmi5",
        slug="module-cmi5",
        activities=[
            {
                "type": "external_xapi",
                "value": {
                    "title": "Contenu cmi5 de test",
                    "launch_url": launch_url,
                    "activity_id": "https://contenus.example.org/au-de-test",
                    "move_on": "CompletedAndPassed",
                    "mastery_score": 0.8,
                    "alignment": {"framework": "crcn-edu", "competencies": ["crcn-edu/2.1"], "level": 3},
                },
            }
        ],
    )
    course.add_child(instance=module)
    return ModulePage.objects.get(pk=module.pk)


def lrs_post(base, token, statement):
    request = urllib.request.Request(
        f"{base}/xapi/statements",
        data=json.dumps(statement).encode(),
        method="POST",
        headers={
            "Authorization": f"Basic {token}",
            "X-Experience-API-Version": "1.0.3",
            "Content-Type": "application/json",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_a_conforming_au_plays_a_session_from_the_module_page(
    browser, live_server, settings, module, teacher, au_origin
):
    allow_form_action(settings, au_origin)  # the launch form's POST is redirected to the content's origin
    base = live_server.url
    au_module = cmi5_module(module.course, f"{au_origin}/au.html")
    services.course_enroll(user=teacher, course=module.course)
    block = au_module.activities[0]

    context = browser.new_context(locale="fr-FR", viewport={"width": 375, "height": 800})
    context.set_default_timeout(20_000)
    page = context.new_page()
    lrs_answers = []
    page.on("response", lambda r: "/xapi/" in r.url and lrs_answers.append((r.request.method, r.url, r.status)))
    page.goto(f"{base}/comptes/login/")
    page.locator("input[name=login]").fill(teacher.email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state("networkidle")
    page.goto(base + au_module.url)
    step = page.locator(f"#activite-{block.id}")
    assert step.get_attribute("data-done") == "false"

    with page.expect_response(lambda r: "/formations/cmi5/fetch/" in r.url) as fetched:
        step.get_by_role("button", name="Lancer le contenu").click()
    token = fetched.value.json()["auth-token"]
    # The AU terminates and goes back to the returnURL: the module page, the step done.
    page.wait_for_url(f"{base}{au_module.url}#activite-{block.id}")
    assert page.locator(f"#activite-{block.id}").get_attribute("data-done") == "true"
    context.close()

    launch = Cmi5Launch.objects.get()
    activity_id = cmi5.au_activity_id(au_module, block)
    # LaunchData as Relais wrote it before the launch, read by the AU (its statements carry its session id).
    data = json.loads(bytes(Document.objects.get(document_id="LMS.LaunchData", activity_id=activity_id).content))
    assert data == {
        "contextTemplate": {
            "contextActivities": {
                "grouping": [{"objectType": "Activity", "id": "https://contenus.example.org/au-de-test"}]
            },
            "extensions": {cmi5.EXT_SESSION_ID: str(launch.session_id)},
        },
        "launchMode": "Normal",
        "moveOn": "CompletedAndPassed",
        "masteryScore": 0.8,
        "returnURL": f"{base}{au_module.url}#activite-{block.id}",
    }
    reads = [(method, url.split("?")[0].removeprefix(base)) for method, url, status in lrs_answers if status == 200]
    assert ("GET", "/xapi/activities/state") in reads and ("GET", "/xapi/agents/profile") in reads
    assert all(status in (200, 204) for _m, _u, status in lrs_answers), lrs_answers

    # Every statement the AU sent was accepted, in the session, from its token.
    sent = [
        s.payload
        for s in Statement.objects.filter(object_activity_id=activity_id).order_by("stored")
        if s.authority["account"]["name"] == launch.client.key
    ]
    assert [s["verb"]["id"].removeprefix(VERB) for s in sent] == ["initialized", "completed", "passed", "terminated"]
    assert all(s["context"]["extensions"][cmi5.EXT_SESSION_ID] == str(launch.session_id) for s in sent)

    # moveOn CompletedAndPassed honoured: the step done, Relais's aligned completion once, satisfied once.
    assert ActivityProgress.objects.get(user=teacher, block_id=block.id).status == "completed"
    ours = [
        s.payload
        for s in Statement.objects.filter(verb_id=VERB + "completed")
        if s.payload["object"]["id"].endswith(f"/{au_module.pk}/{block.id}")
    ]
    assert len(ours) == 1 and ours[0]["context"]["contextActivities"]["other"][0]["id"].endswith("/crcn-edu/2.1")
    assert Statement.objects.filter(verb_id=SATISFIED).count() == 1

    # The token died at `terminated`.
    assert launch.ended_at is not None and not launch.client.is_active
    late = {
        "id": str(uuid.uuid4()),
        "actor": teacher.xapi_actor(),
        "verb": {"id": VERB + "experienced"},
        "object": {"objectType": "Activity", "id": activity_id},
    }
    assert lrs_post(base, token, late) == 401
    assert base64.b64decode(token).decode().split(":")[0] == launch.client.key
