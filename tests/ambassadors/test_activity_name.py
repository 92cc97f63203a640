"""The ambassadors' suggestions name activities from a statement about them, found through the activity index."""

import uuid

import pytest
from django.utils import timezone, translation

from ambassadors.services import COURSE_TYPE, _activities_evidencing, _activity_name
from evidence.models import Evidence
from frameworks.models import Competency
from xapi.services import statements_store

pytestmark = pytest.mark.django_db


def test_an_activity_is_named_from_a_statement_whose_object_it_is():
    activity = f"https://relais.example/activites/{uuid.uuid4()}"
    actor = {"objectType": "Agent", "account": {"homePage": "https://relais.example", "name": str(uuid.uuid4())}}
    statements_store(
        data=[
            {
                # Only in context: not a statement about this activity.
                "actor": actor,
                "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"},
                "object": {"id": activity + "/page", "definition": {"name": {"fr-FR": "Une page"}}},
                "context": {"contextActivities": {"parent": [{"id": activity}]}},
            },
            {
                "actor": actor,
                "verb": {"id": "http://adlnet.gov/expapi/verbs/passed"},
                "object": {"id": activity, "definition": {"name": {"en-US": "A quiz", "fr-FR": "Un quiz"}}},
            },
        ]
    )
    assert _activity_name(activity) == "Un quiz"
    assert _activity_name(activity + "/inconnue") == activity + "/inconnue"


def _quiz_passed(actor, activity: str, name: str, course: str | None) -> str:
    """A stored statement passing `activity`, in `course` when given (the grouping Relais writes)."""
    statement_id = str(uuid.uuid4())
    context = {}
    if course:
        grouping = {"id": f"{activity}/parcours", "definition": {"name": {"fr-FR": course}, "type": COURSE_TYPE}}
        context = {"context": {"contextActivities": {"grouping": [grouping]}}}
    statements_store(
        data=[
            {
                "id": statement_id,
                "actor": actor,
                "verb": {"id": "http://adlnet.gov/expapi/verbs/passed"},
                "object": {"id": activity, "definition": {"name": {"fr-FR": name}}},
                **context,
            }
        ]
    )
    return statement_id


def test_a_course_and_its_adaptation_final_quizzes_are_told_apart_and_copies_listed_once(frameworks, teacher):
    """The ambassadors page's "activities that would get them there": a course's "Quiz final" and its local
    adaptation's are named with their course; two copies of the same step of the same course, once."""
    competency = Competency.objects.get(framework__slug="crcn-edu", code="3.1")
    actor = {"objectType": "Agent", "account": {"homePage": "https://relais.example", "name": str(uuid.uuid4())}}
    base = f"https://relais.example/activites/{uuid.uuid4()}"
    passes = [  # activity, step name, course name, teachers who passed it
        (f"{base}/a", "Quiz final", "Évaluer avec le numérique", 3),
        (f"{base}/b", "Quiz final", "Évaluer avec le numérique (Yvelines)", 2),
        (f"{base}/c", "Quiz final", "Évaluer avec le numérique", 1),  # a second copy, same course title
        (f"{base}/d", "Classe virtuelle", None, 1),
    ]
    for activity, name, course, n in passes:
        for _ in range(n):
            Evidence.objects.create(
                statement_id=_quiz_passed(actor, activity, name, course),
                user=teacher,
                competency=competency,
                level=5,
                kind=Evidence.Kind.ASSESSMENT,
                occurred_at=timezone.now(),
                activity_id=activity,
            )
    names = _activities_evidencing([competency.pk], 4)
    assert names == [
        "Quiz final, parcours « Évaluer avec le numérique »",
        "Quiz final, parcours « Évaluer avec le numérique (Yvelines) »",
        "Classe virtuelle",
    ]
    assert len(set(names)) == len(names)
    with translation.override("en"):
        assert _activity_name(f"{base}/b") == "Quiz final, course “Évaluer avec le numérique (Yvelines)”"
