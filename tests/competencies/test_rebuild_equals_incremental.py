"""Rebuild equals incremental on a generated history of 10,000 statements (voiding included)."""

import random
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from evidence.derive import MODULE_TYPE
from evidence.models import CompetencyState, CompletedModule, Evidence
from evidence.services import competencies_rebuild
from frameworks.alignment import certification_iri, statement_alignment
from frameworks.models import Competency
from tests.conftest import make_user
from xapi.services import statements_store

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

VERBS = ["passed", "completed", "attended", "failed", "experienced"]


def generated_history(rng: random.Random, users, competencies, n: int) -> list[dict]:
    start = datetime(2024, 1, 1, tzinfo=UTC)
    history = []
    for _ in range(n):
        framework = rng.choice(["crcn", "crcn-edu"])
        chosen = rng.sample(competencies[framework], rng.randint(1, 3))
        level = rng.randint(1, 8 if framework == "crcn" else 5)
        context_activities, extensions = statement_alignment(competencies=chosen, level=level)
        verb = rng.choice(VERBS)
        result = {"extensions": extensions}
        if rng.random() < 0.5:
            result["score"] = {"scaled": round(rng.random(), 2)}
        if rng.random() < 0.1:
            result["success"] = False
        context = {"contextActivities": context_activities}
        activity = {"id": f"http://example.org/activities/{rng.randrange(300)}"}
        if verb == "completed" and rng.random() < 0.5:
            activity = {
                "id": f"http://example.org/modules/{rng.randrange(40)}",
                "definition": {"type": MODULE_TYPE},
            }
        if rng.random() < 0.1:
            context["instructor"] = {"mbox": "mailto:formatrice@example.fr"}
        if rng.random() < 0.05:
            context_activities.setdefault("category", []).append({"id": certification_iri()})
        history.append(
            {
                "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                "actor": rng.choice(users).xapi_actor(),
                "verb": {"id": f"http://adlnet.gov/expapi/verbs/{verb}"},
                "object": activity,
                "context": context,
                "result": result,
                "timestamp": (start + timedelta(days=rng.randrange(1000))).isoformat(),
            }
        )
    # Void about 2 % of them, later in the history.
    for target in rng.sample(history, n // 50):
        history.append(
            {
                "actor": {"mbox": "mailto:formatrice@example.fr"},
                "verb": {"id": "http://adlnet.gov/expapi/verbs/voided"},
                "object": {"objectType": "StatementRef", "id": target["id"]},
            }
        )
    return history


def test_rebuild_from_nothing_gives_what_incremental_gave(frameworks, django_capture_on_commit_callbacks):
    """Derived tables emptied (a new instance restored from statements): the rebuild recreates them."""
    rng = random.Random(7)
    users = [make_user(f"enseignant{i}@example.fr") for i in range(30)]
    competencies = {
        slug: list(Competency.objects.filter(framework__slug=slug).select_related("framework"))
        for slug in ("crcn", "crcn-edu")
    }
    history = generated_history(rng, users, competencies, 3000)
    for start in range(0, len(history), 500):
        with django_capture_on_commit_callbacks(execute=True):
            statements_store(data=history[start : start + 500])
    state_fields = ("user_id", "competency_id", "level", "evidence_at")
    expected = sorted(CompetencyState.objects.values_list(*state_fields))
    expected_modules = sorted(CompletedModule.objects.values_list("statement_id", "user_id"))
    CompetencyState.objects.all().delete()
    Evidence.objects.all().delete()
    CompletedModule.objects.all().delete()

    changed = competencies_rebuild()

    assert changed == len(expected)  # each level was set again, and recorded in the history once
    assert sorted(CompetencyState.objects.values_list(*state_fields)) == expected
    assert sorted(CompletedModule.objects.values_list("statement_id", "user_id")) == expected_modules


def test_rebuild_gives_what_incremental_gave(frameworks, django_capture_on_commit_callbacks):
    rng = random.Random(20261122)
    users = [make_user(f"enseignant{i}@example.fr") for i in range(60)]
    competencies = {
        slug: list(Competency.objects.filter(framework__slug=slug).select_related("framework"))
        for slug in ("crcn", "crcn-edu")
    }
    history = generated_history(rng, users, competencies, 10_000)
    assert len(history) >= 10_000
    for start in range(0, len(history), 500):
        with django_capture_on_commit_callbacks(execute=True):
            statements_store(data=history[start : start + 500])

    state_fields = ("user_id", "competency_id", "level", "evidence_at")
    incremental_levels = sorted(CompetencyState.objects.values_list(*state_fields))
    module_fields = ("statement_id", "user_id", "activity_id", "completed_at")
    incremental_modules = sorted(CompletedModule.objects.values_list(*module_fields))
    assert len(incremental_modules) > 100
    assert all(at is not None for *_, at in incremental_levels)
    incremental_evidence = sorted(Evidence.objects.values_list("statement_id", "competency_id", "level", "kind"))
    assert len(incremental_levels) > 500  # the history really produced levels
    assert {k for *_, k in incremental_evidence} == {
        "assessment",
        "completion",
        "attendance",
        "validated_task",
        "certified",
    }

    changed = competencies_rebuild()

    assert changed == 0
    assert sorted(CompetencyState.objects.values_list(*state_fields)) == incremental_levels
    assert sorted(CompletedModule.objects.values_list(*module_fields)) == incremental_modules
    assert (
        sorted(Evidence.objects.values_list("statement_id", "competency_id", "level", "kind")) == incremental_evidence
    )
