"""The attack of issue 13 through a cmi5 launch token, and every other write the token may not make: 403 with
a message naming the rule, and the other teacher's levels unchanged."""

import base64
import json
import uuid
from urllib.parse import quote, urlencode

import pytest

from courses import cmi5, services
from courses.models import ActivityProgress
from evidence.models import CompetencyState
from frameworks.alignment import certification_iri, competency_iri, framework_iri, level_extension, level_iri
from tests.conftest import block_ids, make_user
from tests.courses.cmi5_au import COMPLETED, PASSED, TERMINATED, Au
from tests.courses.factories import VERB, block_of
from xapi.http.auth import client_create
from xapi.models import Client, Document, Statement
from xapi.services import statement_store
from xapi.trust import client_evidence_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def other(full_module, school, django_capture_on_commit_callbacks):
    """Another teacher of the school, with levels earned in the course's first module."""
    from lms.models import Membership

    user = make_user("collegue@example.fr", first_name="Nadia", last_name="Benali")
    Membership.objects.create(user=user, school=school)
    module = full_module.get_prev_sibling().specific
    services.course_enroll(user=user, course=full_module.course)
    ids = block_ids(module)
    with django_capture_on_commit_callbacks(execute=True):
        services.content_step_complete(user=user, module=module, block_id=ids["content_step"])
        services.quiz_submit(user=user, module=module, block_id=ids["quiz"], answers={0: [0], 1: [0, 2]})
    assert levels(user), "the other teacher starts with levels"
    return user


def levels(user):
    return dict(CompetencyState.objects.filter(user=user).values_list("competency__code", "level"))


def certified_pass(actor, registration):
    """The issue's statement: `passed`, CRCN Édu 1.1, 1.2 and 3.1 at level 5, certified by Pix."""
    return {
        "id": str(uuid.uuid4()),
        "actor": actor,
        "verb": {"id": VERB + "passed"},
        "object": {"objectType": "Activity", "id": "https://pix.fr/certification/crcn-edu"},
        "context": {
            "registration": str(registration),
            "contextActivities": {
                "category": [{"id": framework_iri("crcn-edu")}, {"id": certification_iri("pix")}],
                "other": [
                    {
                        "id": competency_iri("crcn-edu", code),
                        "definition": {"type": "http://adlnet.gov/expapi/activities/objective"},
                    }
                    for code in ("1.1", "1.2", "3.1")
                ],
            },
        },
        "result": {"success": True, "extensions": {level_extension(): level_iri("crcn-edu", 5)}},
    }


def refused(response, rule):
    assert response.status_code == 403, response.content
    error = response.json()["error"]
    assert error["rule"] == rule and len(error["message"]) > 20
    return error


@pytest.fixture
def au(full_module, enrolled, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return Au(client, full_module, enrolled, block_of(full_module, "external_xapi")).start()


def test_the_attack_of_issue_13_is_refused_and_the_other_levels_stay(
    au, other, enrolled, django_capture_on_commit_callbacks
):
    before = levels(other)
    attack = certified_pass(other.xapi_actor(), au.params["registration"])
    with django_capture_on_commit_callbacks(execute=True):
        error = refused(au.send(attack), "bound_actor")
        assert error["path"] == "actor"
        # In a batch, behind a legitimate statement: the whole batch is refused.
        batch = [au.statement("experienced", defined=False), attack]
        assert refused(au.send(batch), "bound_actor")["path"] == "[1].actor"
        # The same claim about the learner herself as a "cmi5 defined" statement: not about the content.
        own = au.statement("passed", result=PASSED, object=certified_pass(enrolled.xapi_actor(), "")["object"])
        refused(au.send(own), "cmi5_object")
    assert not Statement.objects.filter(object_activity_id="https://pix.fr/certification/crcn-edu").exists()
    assert levels(other) == before
    # The control: the same statement, had it been stored by a trusted writer, would have raised them.
    with django_capture_on_commit_callbacks(execute=True):
        statement_store(data=certified_pass(other.xapi_actor(), uuid.uuid4()))
    assert levels(other) != before


def test_every_other_forbidden_write_is_refused(au, other, enrolled, client, django_capture_on_commit_callbacks):
    before = levels(other)
    mine = au.statement("experienced", defined=False)
    with django_capture_on_commit_callbacks(execute=True):
        # Wrong registration.
        elsewhere = au.statement("experienced", defined=False)
        elsewhere["context"]["registration"] = str(uuid.uuid4())
        refused(au.send(elsewhere), "bound_registration")
        no_registration = au.statement("experienced", defined=False)
        del no_registration["context"]["registration"]
        refused(au.send(no_registration), "bound_registration")
        # Voiding: another teacher's statement, or even one of the learner's own (cmi5 §6.3).
        theirs = Statement.objects.filter(actor_key__contains=str(other.xapi_uuid)).first()
        assert au.send(mine).status_code == 200
        for target in (theirs.pk, mine["id"]):
            void = au.statement(VERB + "voided", defined=False)
            void["object"] = {"objectType": "StatementRef", "id": str(target)}
            refused(au.send(void), "bound_voiding")
        # Naming someone else: as object, as instructor (what makes a "validated task"), in a sub-statement.
        about_other = au.statement("experienced", defined=False, object=other.xapi_actor())
        refused(au.send(about_other), "bound_other_agent")
        instructed = au.statement("experienced", defined=False)
        instructed["context"]["instructor"] = other.xapi_actor()
        refused(au.send(instructed), "bound_other_agent")
        sub = au.statement("experienced", defined=False)
        sub["object"] = {
            "objectType": "SubStatement",
            "actor": other.xapi_actor(),
            "verb": {"id": VERB + "passed"},
            "object": {"objectType": "Activity", "id": "https://pix.fr/certification/crcn-edu"},
        }
        refused(au.send(sub), "bound_actor")
    assert Statement.objects.filter(pk=theirs.pk, voided=False).exists()
    assert levels(other) == before

    # Reading the other teacher's statements.
    other_agent = json.dumps(other.xapi_actor())
    refused(au.get("statements", {"agent": other_agent}), "bound_read_agent")
    refused(au.get("statements", {"registration": str(uuid.uuid4())}), "bound_read_registration")
    listed = au.get("statements", {}).json()["statements"]
    assert listed and {s["actor"]["account"]["name"] for s in listed} == {str(enrolled.xapi_uuid)}
    assert au.get("statements", {"statementId": str(theirs.pk)}).status_code == 404
    refused(au.get("agents", {"agent": other_agent}), "bound_read_agent")

    # Documents: another agent's state and profile; Relais's LaunchData and learner preferences.
    state = au.state_params("progress", agent=other_agent)

    def put(path, params, body=b'{"x": 1}'):
        return au.client.put(
            f"/xapi/{path}?{urlencode(params, quote_via=quote)}", body, content_type="application/json", **au.headers()
        )

    refused(put("activities/state", state), "bound_document_agent")
    refused(au.get("activities/state", state), "bound_document_agent")
    refused(
        put("activities/state", au.state_params("progress", registration=str(uuid.uuid4()))),
        "bound_document_registration",
    )
    refused(
        put("activities/state", au.state_params("progress", activityId="https://ailleurs.example/x")),
        "cmi5_state_activity",
    )
    refused(put("activities/state", au.state_params()), "cmi5_launch_data")
    profile = {"agent": other_agent, "profileId": "cmi5LearnerPreferences"}
    refused(au.get("agents/profile", profile), "bound_document_agent")
    refused(put("agents/profile", {**profile, "agent": json.dumps(au.actor)}), "cmi5_learner_preferences")
    refused(
        put("activities/profile", {"activityId": au.params["activityId"], "profileId": "p"}), "bound_activity_profile"
    )
    # What the content may do with its documents: its own state, in its registration.
    assert put("activities/state", au.state_params("progress")).status_code == 204
    assert au.get("activities/state", au.state_params("progress")).json() == {"x": 1}


@pytest.mark.parametrize(
    "rule, make",
    [
        (
            "cmi5_session_id",
            lambda au: au.statement("experienced", defined=False, context={"registration": au.params["registration"]}),
        ),
        ("cmi5_verb", lambda au: au.statement("launched")),
        ("cmi5_verb", lambda au: au.statement("https://w3id.org/xapi/adl/verbs/satisfied")),
        (
            "cmi5_object",
            lambda au: au.statement("completed", result=COMPLETED, object={"id": "https://ailleurs.example/x"}),
        ),
        ("cmi5_duplicate_verb", lambda au: au.statement("initialized")),
        ("cmi5_result", lambda au: au.statement("completed", result={"completion": True})),
        ("cmi5_result", lambda au: au.statement("completed", result={**COMPLETED, "score": {"scaled": 1.0}})),
        ("cmi5_result", lambda au: au.statement("passed", result={**PASSED, "success": False})),
        ("cmi5_moveon_category", lambda au: _allowed_with_moveon(au)),
        ("cmi5_mastery_score", lambda au: au.statement("passed", result={**PASSED, "score": {"scaled": 0.5}})),
    ],
)
def test_statements_against_the_cmi5_rules_are_refused(full_module, enrolled, client, rule, make):
    for block in full_module.activities:
        if block.block_type == "external_xapi":
            block.value["mastery_score"] = 0.8
    full_module.save()
    au = Au(client, full_module, enrolled, block_of(full_module, "external_xapi")).start()
    assert au.launch_data["masteryScore"] == 0.8
    refused(au.send(make(au)), rule)


def _allowed_with_moveon(au):
    statement = au.statement("experienced", defined=False)
    statement["context"]["contextActivities"]["category"] = [{"id": cmi5.CATEGORY_MOVEON}]
    return statement


def test_session_order_is_kept(full_module, enrolled, client, django_capture_on_commit_callbacks):
    au = Au(client, full_module, enrolled, block_of(full_module, "external_xapi"))
    au.fetch()
    au.read_launch_data()
    refused(au.send(au.statement("experienced", defined=False)), "cmi5_initialized_first")
    with django_capture_on_commit_callbacks(execute=True):
        batch = [
            au.statement("initialized"),
            au.statement("terminated", result=TERMINATED),
            au.statement("experienced", defined=False),
        ]
        refused(au.send(batch), "cmi5_after_terminated")
        assert au.send(batch[:1]).status_code == 200
        assert au.send(au.statement("completed", result=COMPLETED)).status_code == 200
        assert au.send(au.statement("terminated", result=TERMINATED)).status_code == 200
    # A second session in the same registration: `completed` once per registration (cmi5 §9.3).
    with django_capture_on_commit_callbacks(execute=True):
        again = Au(client, full_module, enrolled, block_of(full_module, "external_xapi")).start()
    refused(again.send(again.statement("completed", result=COMPLETED)), "cmi5_once_per_registration")


def test_a_fresh_lrs_client_cannot_move_another_teachers_step(
    full_module, other, client, django_capture_on_commit_callbacks
):
    """A client of no launch posts the content's `completed` for the other teacher: stored (its evidence
    policy decides what it counts for), but Relais neither marks her step nor records its aligned completion."""
    block = block_of(full_module, "external_xapi")
    with django_capture_on_commit_callbacks(execute=True):
        theirs = Au(client, full_module, other, block)
    fresh, secret = client_create(name="outil inconnu", scopes=[Client.Scope.STATEMENTS_WRITE])
    token = base64.b64encode(f"{fresh.key}:{secret}".encode()).decode()
    theirs.launch_data = json.loads(bytes(Document.objects.get(document_id="LMS.LaunchData").content))
    before = levels(other)
    with django_capture_on_commit_callbacks(execute=True):
        for verb, result in (("initialized", None), ("completed", COMPLETED), ("passed", PASSED)):
            assert theirs.send(theirs.statement(verb, result=result), token=token).status_code == 200
    assert not ActivityProgress.objects.filter(user=other, block_id=block.id).exists()
    assert not [
        s for s in Statement.objects.filter(verb_id=VERB + "completed") if s.payload["object"]["id"].endswith(block.id)
    ]
    assert levels(other) == before


def test_the_learner_cannot_raise_her_own_levels_through_her_token(au, enrolled, django_capture_on_commit_callbacks):
    """A "cmi5 allowed" statement about herself, mastered at level 5 and certified: stored (the content may send
    what it likes about its learner), but it counts for nothing: the launch client's evidence policy is none."""
    key = base64.b64decode(au.token).decode().partition(":")[0]
    launch_client = Client.objects.get(key=key)
    assert launch_client.evidence == Client.Evidence.NONE
    before = levels(enrolled)
    claim = au.statement(VERB + "mastered", defined=False, result={"success": True, "score": {"scaled": 1.0}})
    forged = certified_pass(enrolled.xapi_actor(), au.params["registration"])
    claim["context"]["contextActivities"].update(forged["context"]["contextActivities"])
    claim["result"]["extensions"] = forged["result"]["extensions"]
    with django_capture_on_commit_callbacks(execute=True):
        response = au.send(claim)
    assert response.status_code == 200, response.content
    assert Statement.objects.filter(pk=claim["id"]).exists()
    assert levels(enrolled) == before
    # The control: had an administrator bound the client's evidence to its learner, the claim would count.
    with django_capture_on_commit_callbacks(execute=True):
        client_evidence_set(client=launch_client, evidence=Client.Evidence.BOUND)
    assert levels(enrolled) != before
