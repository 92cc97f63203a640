"""A replay of past events (the demo's history): the services take `at=`, and statements announced
together are processed as of then, so rows, statements, evidence and level changes carry that date."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from courses import services
from courses.models import Enrollment, ModuleCompletion
from evidence.models import CompetencyState, Evidence, LevelChange
from tests.conftest import block_ids
from xapi.models import Statement
from xapi.services import statements_announced_together

pytestmark = pytest.mark.django_db(transaction=True)  # processing follows each commit


def test_past_events_are_dated_and_processed_as_of_then(module, teacher):
    day = timezone.localdate() - timedelta(days=200)
    moment = timezone.make_aware(datetime.combine(day, time(10, 30)))
    end_of_day = timezone.make_aware(datetime.combine(day, time(19, 0)))
    ids = block_ids(module)
    with statements_announced_together(at=end_of_day):
        services.course_enroll(user=teacher, course=module.course, at=moment)
        services.content_step_complete(user=teacher, module=module, block_id=ids["content_step"], at=moment)
        outcome = services.quiz_submit(
            user=teacher, module=module, block_id=ids["quiz"], answers={0: [0], 1: [0, 2]}, at=moment
        )
        assert outcome.passed
        # Nothing processed before the block ends: the day's statements are announced together.
        assert not Evidence.objects.exists()
        services.module_complete(user=teacher, module=module, at=moment + timedelta(minutes=5))

    assert Enrollment.objects.get(user=teacher).enrolled_at == moment
    assert ModuleCompletion.objects.get(user=teacher).completed_at == moment + timedelta(minutes=5)
    stamps = set(Statement.objects.values_list("timestamp", flat=True))
    assert stamps == {moment, moment + timedelta(minutes=5)}
    assert set(Evidence.objects.values_list("occurred_at", flat=True)) <= stamps
    changes = LevelChange.objects.filter(user=teacher)
    assert changes.exists() and set(changes.values_list("changed_at", flat=True)) == {end_of_day}
    assert CompetencyState.objects.get(user=teacher, competency__code="3.1").level == 4


def test_without_at_events_happen_now(module, teacher):
    before = timezone.now()
    services.course_enroll(user=teacher, course=module.course)
    services.content_step_complete(user=teacher, module=module, block_id=block_ids(module)["content_step"])
    assert Statement.objects.filter(timestamp__gte=before).count() == 2
    assert all(c >= before for c in LevelChange.objects.values_list("changed_at", flat=True))
