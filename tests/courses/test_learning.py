"""Learning events: each writes its rows and its statement in one transaction."""

import pytest
from django.db import transaction

from courses import services
from courses.models import ActivityProgress, Enrollment, ModuleCompletion
from evidence.models import CompetencyState, Evidence
from frameworks.alignment import level_extension
from tests.conftest import block_ids
from xapi.models import Statement

VERB = "http://adlnet.gov/expapi/verbs/"

pytestmark = pytest.mark.django_db(transaction=False)


def statements_with(verb):
    return [s.payload for s in Statement.objects.filter(verb_id=VERB + verb)]


def test_enroll_records_registered_once(module, teacher):
    course = module.course
    enrollment, created = services.course_enroll(user=teacher, course=course)
    again, created_again = services.course_enroll(user=teacher, course=course)
    assert created and not created_again and enrollment == again
    (statement,) = statements_with("registered")
    assert statement["actor"] == {
        "objectType": "Agent",
        "account": {"homePage": "http://127.0.0.1:8000", "name": str(teacher.xapi_uuid)},
    }
    assert teacher.email not in str(statement)
    assert statement["context"]["registration"] == str(enrollment.registration)


def test_content_step_statement_is_aligned(module, teacher, django_capture_on_commit_callbacks):
    services.course_enroll(user=teacher, course=module.course)
    ids = block_ids(module)
    with django_capture_on_commit_callbacks(execute=True):
        services.content_step_complete(user=teacher, module=module, block_id=ids["content_step"])
    (statement,) = statements_with("completed")
    activities = statement["context"]["contextActivities"]
    assert [a["id"] for a in activities["other"]] == ["http://127.0.0.1:8000/competencies/crcn-edu/3.1"]
    assert activities["other"][0]["definition"]["type"] == "http://adlnet.gov/expapi/activities/objective"
    assert activities["category"][0]["id"] == "http://127.0.0.1:8000/competencies/crcn-edu"
    assert statement["result"]["extensions"][level_extension()].endswith("/crcn-edu/niveaux/2")
    evidence = Evidence.objects.get(user=teacher)
    assert (evidence.competency.code, evidence.level, evidence.kind) == ("3.1", 2, "completion")
    # A completion alone weighs half of what a level needs (levels.py).
    assert not CompetencyState.objects.filter(user=teacher).exists()


def test_quiz_pass_raises_levels(module, teacher, django_capture_on_commit_callbacks):
    services.course_enroll(user=teacher, course=module.course)
    with django_capture_on_commit_callbacks(execute=True):
        outcome = services.quiz_submit(
            user=teacher, module=module, block_id=block_ids(module)["quiz"], answers={0: [0], 1: [0, 2]}
        )
    assert outcome.passed and outcome.correct == 2 and outcome.scaled == 1.0
    (statement,) = statements_with("passed")
    assert statement["result"]["score"] == {"scaled": 1.0, "raw": 2, "min": 0, "max": 2}
    assert statement["result"]["success"] is True
    levels = dict(CompetencyState.objects.filter(user=teacher).values_list("competency__code", "level"))
    assert levels == {"3.1": 4, "2.1": 4}


def test_quiz_fail_records_failed_and_no_level(module, teacher, django_capture_on_commit_callbacks):
    services.course_enroll(user=teacher, course=module.course)
    with django_capture_on_commit_callbacks(execute=True):
        outcome = services.quiz_submit(
            user=teacher, module=module, block_id=block_ids(module)["quiz"], answers={0: [1], 1: [0]}
        )
    assert not outcome.passed and outcome.correct == 0
    assert len(statements_with("failed")) == 1
    assert not CompetencyState.objects.filter(user=teacher).exists()
    progress = ActivityProgress.objects.get(user=teacher)
    assert progress.status == ActivityProgress.Status.FAILED and progress.attempts == 1


def test_quiz_best_outcome_is_kept(module, teacher):
    services.course_enroll(user=teacher, course=module.course)
    quiz = block_ids(module)["quiz"]
    services.quiz_submit(user=teacher, module=module, block_id=quiz, answers={0: [0], 1: [0, 2]})
    services.quiz_submit(user=teacher, module=module, block_id=quiz, answers={0: [1], 1: [1]})
    progress = ActivityProgress.objects.get(user=teacher, block_id=quiz)
    assert progress.status == ActivityProgress.Status.PASSED and progress.score == 1.0 and progress.attempts == 2


@pytest.mark.parametrize(
    "answers, message",
    [({0: [0]}, "Répondez à toutes les questions"), ({0: [0], 1: [9]}, "ne correspond à aucune proposition")],
)
def test_quiz_bad_answers_are_refused_and_record_nothing(module, teacher, answers, message):
    services.course_enroll(user=teacher, course=module.course)
    before = Statement.objects.count()
    with pytest.raises(services.LearningError, match=message):
        services.quiz_submit(user=teacher, module=module, block_id=block_ids(module)["quiz"], answers=answers)
    assert Statement.objects.count() == before
    assert not ActivityProgress.objects.exists()


def test_not_enrolled_cannot_learn(module, teacher):
    with pytest.raises(services.LearningError, match="Inscrivez-vous"):
        services.content_step_complete(user=teacher, module=module, block_id=block_ids(module)["content_step"])
    assert not Statement.objects.exists()


def test_module_completion_requires_every_activity(module, teacher):
    services.course_enroll(user=teacher, course=module.course)
    ids = block_ids(module)
    services.content_step_complete(user=teacher, module=module, block_id=ids["content_step"])
    with pytest.raises(services.LearningError, match="Quiz de fin"):
        services.module_complete(user=teacher, module=module)
    services.quiz_submit(user=teacher, module=module, block_id=ids["quiz"], answers={0: [0], 1: [0, 2]})
    services.module_complete(user=teacher, module=module)
    services.module_complete(user=teacher, module=module)
    assert ModuleCompletion.objects.filter(user=teacher, module=module).count() == 1
    completed_module = [s for s in statements_with("completed") if s["object"]["id"].endswith(f"/modules/{module.pk}")]
    assert len(completed_module) == 1


def test_event_and_statement_share_a_transaction(module, teacher):
    """If the surrounding transaction fails, neither the enrolment nor its statement remains."""
    with pytest.raises(RuntimeError), transaction.atomic():
        services.course_enroll(user=teacher, course=module.course)
        assert Statement.objects.count() == 1
        raise RuntimeError("the request failed after the event")
    assert not Enrollment.objects.exists()
    assert not Statement.objects.exists()
