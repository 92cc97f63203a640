"""Rebuild equals incremental on a generated history of 10,000 statements (voiding included)."""

import random

import pytest

from evidence.models import CompetencyState, CompletedModule, Evidence
from evidence.services import competencies_rebuild
from frameworks.models import Competency
from tests.conftest import make_user
from tests.factories import generated_history
from xapi.services import statements_store

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


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
