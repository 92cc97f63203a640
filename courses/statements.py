"""The xAPI statements learning events produce (ADL verbs, competency alignment from `competencies`)."""

import uuid

from django.conf import settings
from django.utils import timezone

from frameworks.alignment import statement_alignment
from frameworks.models import Competency

VERBS = {
    "registered": "http://adlnet.gov/expapi/verbs/registered",
    "launched": "http://adlnet.gov/expapi/verbs/launched",
    "completed": "http://adlnet.gov/expapi/verbs/completed",
    "passed": "http://adlnet.gov/expapi/verbs/passed",
    "failed": "http://adlnet.gov/expapi/verbs/failed",
    "answered": "http://adlnet.gov/expapi/verbs/answered",
    "attempted": "http://adlnet.gov/expapi/verbs/attempted",
    "attended": "http://adlnet.gov/expapi/verbs/attended",
    "progressed": "http://adlnet.gov/expapi/verbs/progressed",
    "initialized": "http://adlnet.gov/expapi/verbs/initialized",
    "terminated": "http://adlnet.gov/expapi/verbs/terminated",
    "experienced": "http://adlnet.gov/expapi/verbs/experienced",
    "responded": "http://adlnet.gov/expapi/verbs/responded",
    # cmi5's LMS verbs (cmi5 §9.3.6, §9.3.9).
    "abandoned": "https://w3id.org/xapi/adl/verbs/abandoned",
    "satisfied": "https://w3id.org/xapi/adl/verbs/satisfied",
}
VERB_NAMES = {
    "registered": "s'est inscrit à",
    "launched": "a ouvert",
    "completed": "a terminé",
    "passed": "a réussi",
    "failed": "n'a pas réussi",
    "answered": "a répondu à",
    "attempted": "a déposé",
    "attended": "a participé à",
    "progressed": "a progressé dans",
    "initialized": "a commencé",
    "terminated": "a quitté",
    "experienced": "a consulté",
    "responded": "a répondu à",
    "abandoned": "a abandonné",
    "satisfied": "a satisfait aux conditions de",
}
PROGRESS_EXTENSION = "https://w3id.org/xapi/cmi5/result/extensions/progress"
ACTIVITY_TYPES = {
    "course": "http://adlnet.gov/expapi/activities/course",
    "module": "http://adlnet.gov/expapi/activities/module",
    "content": "http://adlnet.gov/expapi/activities/lesson",
    "quiz": "http://adlnet.gov/expapi/activities/assessment",
    "question": "http://adlnet.gov/expapi/activities/cmi.interaction",
    "media": "http://adlnet.gov/expapi/activities/media",
    "resource": "http://id.tincanapi.com/activitytype/resource",
    "task": "http://adlnet.gov/expapi/activities/performance",
    "journal": "http://id.tincanapi.com/activitytype/reflection",
    "meeting": "http://adlnet.gov/expapi/activities/meeting",
    "external": "http://adlnet.gov/expapi/activities/lesson",
    "survey": "http://adlnet.gov/expapi/activities/survey",
    "survey_question": "http://adlnet.gov/expapi/activities/question",
}
BLOCK_ACTIVITY_TYPES = {
    "content_step": "content",
    "video": "media",
    "resource": "resource",
    "quiz": "quiz",
    "practical_task": "task",
    "journal": "journal",
    "in_person_session": "meeting",
    "virtual_class": "meeting",
    "external_xapi": "external",
    "questionnaire": "survey",
}


def course_iri(course) -> str:
    return f"{settings.RELAIS_BASE_URL}/activites/parcours/{course.pk}"


def module_iri(module) -> str:
    return f"{settings.RELAIS_BASE_URL}/activites/modules/{module.pk}"


def activity_iri(module, block_id: str) -> str:
    return f"{module_iri(module)}/{block_id}"


def _activity(iri: str, kind: str, name: str) -> dict:
    return {"objectType": "Activity", "id": iri, "definition": {"name": {"fr-FR": name}, "type": ACTIVITY_TYPES[kind]}}


def aligned_competencies(alignment: dict) -> list[Competency]:
    keys = alignment.get("competencies") or []
    by_key = {
        c.key: c
        for c in Competency.objects.select_related("framework").filter(
            framework__slug__in={key.split("/", 1)[0] for key in keys}
        )
    }
    return [by_key[key] for key in keys if key in by_key]


def build_statement(
    *,
    user,
    verb: str,
    obj: dict,
    registration: uuid.UUID | None = None,
    parents: list[dict] = (),
    grouping: list[dict] = (),
    alignment: dict | None = None,
    result: dict | None = None,
    instructor=None,
    at=None,
) -> dict:
    """A complete statement about `user`, aligned to the competencies of `alignment` (a block's value).

    `at` is when the event happened (default: now); a replay of past events (the demo's history) gives it."""
    context_activities: dict = {}
    extensions: dict = {}
    if alignment:
        context_activities, extensions = statement_alignment(
            competencies=aligned_competencies(alignment), level=alignment.get("level")
        )
    if parents:
        context_activities["parent"] = list(parents)
    if grouping:
        context_activities["grouping"] = list(grouping)
    context: dict = {"platform": "Relais", "language": "fr-FR"}
    if registration:
        context["registration"] = str(registration)
    if instructor is not None:
        # A trainer who validated the work or took attendance: what makes it "validated task" evidence.
        context["instructor"] = instructor.xapi_actor()
    if context_activities:
        context["contextActivities"] = context_activities
    statement = {
        "id": str(uuid.uuid4()),
        "actor": user.xapi_actor(),
        "verb": {"id": VERBS[verb], "display": {"fr-FR": VERB_NAMES[verb]}},
        "object": obj,
        "context": context,
        "timestamp": (at or timezone.now()).isoformat(),
    }
    if result is not None or extensions:
        statement["result"] = dict(result or {})
        if extensions:
            statement["result"]["extensions"] = extensions
    return statement


def course_activity(course) -> dict:
    return _activity(course_iri(course), "course", course.title)


def module_activity(module) -> dict:
    return _activity(module_iri(module), "module", module.title)


def step_activity(module, block) -> dict:
    kind = BLOCK_ACTIVITY_TYPES.get(block.block_type, "content")
    return _activity(activity_iri(module, block.id), kind, block.value["title"])


def question_activity(module, block, index: int, question) -> dict:
    activity = _activity(f"{activity_iri(module, block.id)}/questions/{index + 1}", "question", question["prompt"])
    kind = question.question_kind
    activity["definition"]["interactionType"] = {
        "single": "choice",
        "multiple": "choice",
        "true_false": "true-false",
        "short_answer": "fill-in",
    }[kind]
    if question.is_choice:
        activity["definition"]["choices"] = [
            {"id": str(i), "description": {"fr-FR": choice["text"]}} for i, choice in enumerate(question["choices"])
        ]
    return activity
