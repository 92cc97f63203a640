"""The maps' aggregates are refreshed once for many batches: marked schools, one refresh at a time."""

from datetime import timedelta

import psycopg
import pytest
from django.db import connection
from django.utils import timezone

from competencies.models import CompetencyState, SchoolCompetencyStat, StatsPending
from competencies.stats import stats_refresh
from competencies.stats_queue import LOCK_KEY, pending_refresh, schools_mark
from competencies.tasks import stats_refresh_for_users
from lms.models import Membership
from tests.competencies.test_stats import build_territory, dump

pytestmark = pytest.mark.django_db


@pytest.fixture
def territory(frameworks):
    schools = build_territory()
    stats_refresh(None)
    return schools


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


def test_a_school_marked_during_a_refresh_waits_for_the_next(territory):
    first, second = territory[0], territory[1]
    _raise_levels(first)
    _raise_levels(second)
    schools_mark([first.pk], at=timezone.now() - timedelta(seconds=5))
    schools_mark([second.pk], at=timezone.now() + timedelta(hours=1))  # newer than the refresh's start

    assert pending_refresh() == 1
    assert list(StatsPending.objects.values_list("school_id", flat=True)) == [second.pk]
    stale = set(SchoolCompetencyStat.objects.filter(school=second).values_list("competency_id", "level_sum"))

    StatsPending.objects.update(marked_at=timezone.now() - timedelta(seconds=1))
    assert pending_refresh() == 1
    assert set(SchoolCompetencyStat.objects.filter(school=second).values_list("competency_id", "level_sum")) != stale
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
    schools_mark([school.pk], at=timezone.now() - timedelta(seconds=1))
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
