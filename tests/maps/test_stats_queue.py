"""The maps' aggregates are refreshed once for many batches: marked schools, one refresh at a time."""

import psycopg
import pytest
from django.db import connection

from evidence import services
from evidence.models import CompetencyState
from frameworks.alignment import statement_alignment
from frameworks.models import Competency
from lms.models import Membership
from maps.models import StatsPending
from maps.stats import stats_refresh
from maps.stats_queue import LOCK_KEY, pending_refresh, schools_mark
from maps.tasks import stats_refresh_for_users
from tests.factories import dump
from xapi.models import Statement
from xapi.services import statements_store

pytestmark = pytest.mark.django_db


def _raise_levels(school):
    """Every teacher of `school` one level higher everywhere: the school's aggregates are stale."""
    users = Membership.objects.filter(school=school).values_list("user_id", flat=True)
    states = CompetencyState.objects.filter(user_id__in=users)
    assert states.exists()
    for state in states:
        state.level = min(state.level + 1, 5)
        state.save(update_fields=["level"])


def _expected_after_full_refresh():
    stats_refresh(None)
    return dump()


def test_marked_schools_are_refreshed_then_unmarked(territory):
    school = territory[0]
    before = dump()
    _raise_levels(school)
    schools_mark([school.pk])
    schools_mark([school.pk])  # marked twice: one row, one refresh

    assert StatsPending.objects.count() == 1
    assert pending_refresh() == 1
    refreshed = dump()
    assert refreshed != before
    assert refreshed == _expected_after_full_refresh()
    assert not StatsPending.objects.exists()
    assert pending_refresh() == 0


def test_a_stored_batch_marks_its_schools_in_its_transaction_and_the_refresh_takes_them(
    territory, django_capture_on_commit_callbacks
):
    school = territory[3]
    teacher = Membership.objects.filter(school=school).select_related("user").first().user
    competency = Competency.objects.get(framework__slug="crcn-edu", code="5.1")
    context_activities, extensions = statement_alignment(competencies=[competency], level=5)
    statement = {
        "actor": teacher.xapi_actor(),
        "verb": {"id": "http://adlnet.gov/expapi/verbs/passed"},
        "object": {"id": "http://example.org/activites/evaluation"},
        "context": {"contextActivities": context_activities},
        "result": {"score": {"scaled": 1.0}, "success": True, "extensions": extensions},
    }
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        statements_store(data=[statement])
        services.statements_process(statement_ids=[str(Statement.objects.latest("stored").pk)])
    assert list(StatsPending.objects.values_list("school_id", flat=True)) == [school.pk]
    for callback in callbacks:
        callback()
    assert not StatsPending.objects.exists()
    assert dump() == _expected_after_full_refresh()


def test_the_task_marks_the_teachers_schools_and_refreshes_them(territory):
    school = territory[2]
    _raise_levels(school)
    users = list(Membership.objects.filter(school=school).values_list("user_id", flat=True))

    assert stats_refresh_for_users(users) >= 1
    assert not StatsPending.objects.exists()
    assert dump() == _expected_after_full_refresh()


def test_one_refresh_at_a_time(territory):
    """On PostgreSQL a refresh that finds another running leaves its schools marked for it (or for
    the beat task); SQLite runs tasks in the process, one at a time."""
    school = territory[0]
    _raise_levels(school)
    schools_mark([school.pk])
    if connection.vendor != "postgresql":
        assert pending_refresh() == 1
        return
    settings = connection.settings_dict
    other = psycopg.connect(
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
        user=settings["USER"],
        password=settings["PASSWORD"] or None,
        dbname=settings["NAME"],
        autocommit=True,
    )
    try:
        other.execute("SELECT pg_advisory_lock(%s)", [LOCK_KEY])
        assert pending_refresh() == 0
        assert StatsPending.objects.filter(school=school).exists()
        other.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])
    finally:
        other.close()
    assert pending_refresh() == 1
    assert not StatsPending.objects.exists()


def test_beat_sweeps_the_marked_schools_with_a_registered_task():
    from django.conf import settings

    from lms.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["competencies-stats-pending"]
    assert entry["schedule"] <= 60
    app.loader.import_default_modules()
    assert entry["task"] in app.tasks
