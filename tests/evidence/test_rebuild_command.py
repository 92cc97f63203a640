"""`rebuild_competencies` says what it does, phase by phase, with the steps left (issue #20), and on
PostgreSQL outside a transaction leaves the tables it rewrote vacuumed and analysed."""

import io

import pytest
from django.core.management import call_command
from django.db import connection

from evidence.models import CompetencyState, Evidence
from lms.bulk import tables_vacuum

from .test_levels import aligned, store


@pytest.mark.django_db
def test_the_command_prints_each_phase_with_progress(frameworks, teacher, school, django_capture_on_commit_callbacks):
    store(aligned(teacher, codes=["3.1"], level=3), django_capture_on_commit_callbacks)
    out, err = io.StringIO(), io.StringIO()
    call_command("rebuild_competencies", stdout=out, stderr=err)
    log = err.getvalue()
    assert "1/4" in log and "2/4" in log and "3/4" in log  # evidence, levels, the maps' aggregates
    assert log.count("s\n") >= 3  # each phase's time
    assert "4/4 (100.0 %)" in log  # the last progress line: every step done
    assert "competency levels set." in out.getvalue()
    assert CompetencyState.objects.filter(user=teacher, level=3).count() == 1


@pytest.mark.django_db
def test_no_vacuum_inside_a_transaction():
    # VACUUM cannot run in a transaction block: the rebuild's callers in one (tests, tasks) skip it.
    assert tables_vacuum([Evidence]) is False


@pytest.mark.django_db(transaction=True)
def test_vacuum_runs_outside_a_transaction_on_postgresql():
    assert tables_vacuum([Evidence, CompetencyState]) is (connection.vendor == "postgresql")
