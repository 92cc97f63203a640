"""The académie's policy is read once per académie, not once per school (issue #15: 52 queries for 50
schools when `policies.setdefault(academie_id, policy_for(academie_id))` evaluated it every time)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ambassadors.models import AmbassadorPolicy
from ambassadors.services import ambassadors_propose
from lms.models import School
from maps.coverage import ambassador_coverage
from tests.conftest import make_school

pytestmark = pytest.mark.django_db


def _policy_reads(queries) -> int:
    table = AmbassadorPolicy._meta.db_table
    return sum(1 for q in queries if table in q["sql"] and q["sql"].lstrip().upper().startswith("SELECT"))


def test_fifty_schools_of_one_academie_read_its_policy_once(frameworks, departement):
    AmbassadorPolicy.objects.create(academie=departement.academie, required_level=5)
    for n in range(50):
        make_school(departement, f"0940{n:03d}A", f"École {n}")
    with CaptureQueriesContext(connection) as proposing:
        ambassadors_propose(schools=School.objects.all())
    with CaptureQueriesContext(connection) as suggesting:
        ambassador_coverage(schools=School.objects.all(), with_suggestions=True)
    assert _policy_reads(proposing.captured_queries) == 1
    assert _policy_reads(suggesting.captured_queries) == 1
