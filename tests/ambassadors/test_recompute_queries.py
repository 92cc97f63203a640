"""One teacher's new level recomputes the proposals of the school in a fixed number of queries,
whatever the number of its consenting teachers (issue #20: the incremental path's cost is its round
trips; the completed modules are counted in the memberships' query)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ambassadors.models import AmbassadorProposal
from ambassadors.services import candidates_evaluate, policy_for, proposals_recompute_for_users
from lms.models import School
from tests.conftest import make_school
from tests.factories import expert, teacher_in

pytestmark = pytest.mark.django_db


def _recompute_queries(user) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        proposals_recompute_for_users([user.pk])
    return [q["sql"] for q in captured.captured_queries]


def test_one_teachers_recomputation_reads_a_bounded_number_of_times(
    frameworks, departement, django_capture_on_commit_callbacks
):
    cap = django_capture_on_commit_callbacks
    college = make_school(departement, "0951002Y", "Collège Jean Moulin", kind="college")
    first = teacher_in(college, "premiere@example.fr")
    expert(first, cap, level=5, modules=2)
    teacher_in(college, "sans-module@example.fr")
    assert AmbassadorProposal.objects.filter(school=college, user=first).exists()
    few = _recompute_queries(first)
    # The school (with its département), the competencies, the policy, the memberships with their
    # modules, the levels, the current proposals: nothing written when nothing changed.
    assert len(few) == 6, few
    for n in range(3):
        expert(teacher_in(college, f"collegue{n}@example.fr"), cap, level=4, modules=n)
    many = _recompute_queries(first)
    assert len(many) == len(few), many
    # The modules are still counted per teacher (distinct modules; none: 0).
    (evaluated,) = candidates_evaluate(
        schools=list(School.objects.filter(pk=college.pk).select_related("departement")),
        policies={departement.academie_id: policy_for(departement.academie_id)},
    ).values()
    modules = {c.user_id: c.modules for c in evaluated}
    assert modules[first.pk] == 2
    assert sorted(modules.values()) == [0, 0, 1, 2, 2]
    assert next(c.user_id for c in evaluated if c.qualifies) == first.pk
