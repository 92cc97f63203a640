"""Evidence from statements and the first level rule: the highest level evidenced."""

import uuid

import pytest

from evidence.models import CompetencyState, Evidence
from evidence.services import competencies_rebuild, statements_process
from frameworks.alignment import level_extension, level_iri
from tests.factories import aligned
from xapi.services import statement_store

pytestmark = pytest.mark.django_db


def store(data, capture):
    with capture(execute=True):
        return statement_store(data=data)


def level_of(user, code, framework="crcn-edu"):
    state = CompetencyState.objects.filter(user=user, competency__code=code, competency__framework__slug=framework)
    return state.first().level if state.exists() else 0


def test_highest_level_wins(frameworks, teacher, django_capture_on_commit_callbacks):
    store(aligned(teacher, codes=["3.1"], level=2), django_capture_on_commit_callbacks)
    store(aligned(teacher, codes=["3.1"], level=4), django_capture_on_commit_callbacks)
    store(aligned(teacher, codes=["3.1"], level=3), django_capture_on_commit_callbacks)
    assert level_of(teacher, "3.1") == 4
    assert Evidence.objects.filter(user=teacher).count() == 3


def test_failure_and_unaligned_statements_give_no_evidence(frameworks, teacher, django_capture_on_commit_callbacks):
    store(aligned(teacher, codes=["3.1"], level=4, success=False), django_capture_on_commit_callbacks)
    store(aligned(teacher, codes=["3.1"], level=4, verb="experienced"), django_capture_on_commit_callbacks)
    store(aligned(teacher, codes=["3.1"], level=None), django_capture_on_commit_callbacks)
    assert not Evidence.objects.exists()
    assert level_of(teacher, "3.1") == 0


def test_other_actors_and_frameworks_are_ignored(frameworks, teacher, django_capture_on_commit_callbacks):
    stranger = {"objectType": "Agent", "account": {"homePage": "https://ailleurs.example", "name": str(uuid.uuid4())}}
    store(aligned(teacher, codes=["3.1"], level=4, actor=stranger), django_capture_on_commit_callbacks)
    # A CRCN level must not be read as a CRCN Édu one.
    data = aligned(teacher, codes=["3.1"], level=4)
    data["result"]["extensions"] = {level_extension(): level_iri("crcn", 7)}
    store(data, django_capture_on_commit_callbacks)
    assert not Evidence.objects.exists()


def test_voiding_withdraws_evidence(frameworks, teacher, django_capture_on_commit_callbacks):
    low = store(aligned(teacher, codes=["3.1"], level=2), django_capture_on_commit_callbacks)
    high = store(aligned(teacher, codes=["3.1"], level=5), django_capture_on_commit_callbacks)
    assert level_of(teacher, "3.1") == 5
    void = {
        "actor": {"objectType": "Agent", "mbox": "mailto:formateur@example.fr"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/voided"},
        "object": {"objectType": "StatementRef", "id": str(high.pk)},
    }
    store(void, django_capture_on_commit_callbacks)
    assert level_of(teacher, "3.1") == 2
    store({**void, "object": {"objectType": "StatementRef", "id": str(low.pk)}}, django_capture_on_commit_callbacks)
    assert level_of(teacher, "3.1") == 0
    assert not CompetencyState.objects.filter(user=teacher).exists()


def test_rebuild_gives_what_incremental_gave(frameworks, teacher, school, django_capture_on_commit_callbacks):
    from tests.conftest import make_user

    other = make_user("autre@example.fr")
    for user, codes, level in [(teacher, ["3.1", "2.1"], 3), (other, ["1.1"], 5), (teacher, ["3.1"], 4)]:
        store(aligned(user, codes=codes, level=level), django_capture_on_commit_callbacks)
    incremental = sorted(CompetencyState.objects.values_list("user_id", "competency_id", "level"))
    evidence = sorted(Evidence.objects.values_list("statement_id", "competency_id", "level"))
    competencies_rebuild()
    assert sorted(CompetencyState.objects.values_list("user_id", "competency_id", "level")) == incremental
    assert sorted(Evidence.objects.values_list("statement_id", "competency_id", "level")) == evidence
    assert len(incremental) == 3  # teacher: 3.1 and 2.1; other: 1.1


def test_processing_twice_changes_nothing(frameworks, teacher, django_capture_on_commit_callbacks):
    statement = store(aligned(teacher, codes=["3.1"], level=3), django_capture_on_commit_callbacks)
    assert statements_process(statement_ids=[str(statement.pk)]) == 0
    assert Evidence.objects.count() == 1


def test_daily_refresh_lets_old_evidence_fade_and_records_it(frameworks, teacher, django_capture_on_commit_callbacks):
    from datetime import timedelta

    from django.utils import timezone

    from evidence.models import LevelChange
    from evidence.services import levels_refresh

    # Completions alone (500 each): two reach the threshold today, and fade below it with age.
    for _ in range(2):
        store(
            aligned(teacher, codes=["3.1"], level=3, verb="completed")
            | {"result": {"extensions": {level_extension(): level_iri("crcn-edu", 3)}}},
            django_capture_on_commit_callbacks,
        )
    assert level_of(teacher, "3.1") == 3
    state = CompetencyState.objects.get(user=teacher, competency__code="3.1", competency__framework__slug="crcn-edu")
    assert state.evidence_at == Evidence.objects.filter(user=teacher).latest("occurred_at").occurred_at

    assert levels_refresh() == 0  # same day: nothing moves
    assert levels_refresh(as_of=(timezone.now() + timedelta(days=200)).date()) == 1

    assert level_of(teacher, "3.1") == 0
    change = LevelChange.objects.filter(user=teacher).latest("pk")
    assert (change.previous, change.level) == (3, 0)
    assert Evidence.objects.filter(user=teacher).count() == 2  # the evidence stays; only its weight fell


def test_completed_modules_are_derived_and_withdrawn_by_voiding(
    frameworks, teacher, django_capture_on_commit_callbacks
):
    from evidence.derive import MODULE_TYPE
    from evidence.models import CompletedModule

    module = {
        "id": str(uuid.uuid4()),
        "actor": teacher.xapi_actor(),
        "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
        "object": {"id": "https://lms.example.org/modules/42", "definition": {"type": MODULE_TYPE}},
    }
    other_activity = {**module, "id": str(uuid.uuid4()), "object": {"id": "https://lms.example.org/page/1"}}
    store(module, django_capture_on_commit_callbacks)
    store(other_activity, django_capture_on_commit_callbacks)
    assert list(CompletedModule.objects.values_list("user_id", "activity_id")) == [
        (teacher.pk, "https://lms.example.org/modules/42")
    ]
    store(
        {
            "actor": {"mbox": "mailto:formateur@example.fr"},
            "verb": {"id": "http://adlnet.gov/expapi/verbs/voided"},
            "object": {"objectType": "StatementRef", "id": module["id"]},
        },
        django_capture_on_commit_callbacks,
    )
    assert not CompletedModule.objects.exists()
