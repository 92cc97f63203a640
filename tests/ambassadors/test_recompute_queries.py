"""One teacher's new level recomputes the proposals of the school in a fixed number of queries,
whatever the number of its consenting teachers (issue #20: the incremental path's cost is its round
trips; the schools are read with their policy, the teachers with their completed modules and their
levels, the CRCN Édu competencies kept in memory while the database says they are the same)."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ambassadors.models import AmbassadorConsent, AmbassadorProposal
from ambassadors.services import candidates_evaluate, policy_for, proposals_recompute_for_users
from evidence.models import CompetencyState
from evidence.services import statements_process
from frameworks.models import Competency, Domain
from lms.models import School
from tests.conftest import make_school
from tests.factories import aligned, expert, teacher_in
from xapi.services import statement_store

pytestmark = pytest.mark.django_db


def _queries(captured) -> list[str]:
    # Savepoints are the test's transaction, not round trips of the path.
    return [q["sql"] for q in captured.captured_queries if not q["sql"].upper().startswith(("SAVEPOINT", "RELEASE"))]


def _recompute_queries(user) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        proposals_recompute_for_users([user.pk])
    return _queries(captured)


@pytest.fixture
def college(departement):
    return make_school(departement, "0951002Y", "Collège Jean Moulin", kind="college")


def _evaluated(college, departement) -> dict:
    (evaluated,) = candidates_evaluate(
        schools=list(School.objects.filter(pk=college.pk).select_related("departement")),
        policies={departement.academie_id: policy_for(departement.academie_id)},
    ).values()
    return {c.user_id: c for c in evaluated}


def test_one_teachers_recomputation_reads_a_bounded_number_of_times(
    frameworks, departement, college, django_capture_on_commit_callbacks
):
    cap = django_capture_on_commit_callbacks
    first = teacher_in(college, "premiere@example.fr")
    expert(first, cap, level=5, modules=2)
    teacher_in(college, "sans-module@example.fr")
    assert AmbassadorProposal.objects.filter(school=college, user=first).exists()
    few = _recompute_queries(first)
    # The school with its policy, the consenting teachers with their modules and levels, the current
    # proposals: nothing written when nothing changed.
    assert len(few) == 3, few
    for n in range(3):
        expert(teacher_in(college, f"collegue{n}@example.fr"), cap, level=4, modules=n)
    many = _recompute_queries(first)
    assert len(many) == len(few), many
    # The modules are still counted per teacher (distinct modules; none: 0).
    evaluated = _evaluated(college, departement)
    assert evaluated[first.pk].modules == 2
    assert sorted(c.modules for c in evaluated.values()) == [0, 0, 1, 2, 2]
    assert max(evaluated.values(), key=lambda c: (c.qualifies, c.score)).user_id == first.pk


def test_a_teacher_not_consenting_costs_one_read(frameworks, college, django_capture_on_commit_callbacks):
    shy = teacher_in(college, "discrete@example.fr", consent=False)
    expert(shy, django_capture_on_commit_callbacks, level=5)
    assert len(_recompute_queries(shy)) == 1
    assert not AmbassadorProposal.objects.exists()


def _process(data) -> list[str]:
    """The queries of the incremental path for one new statement (stored first, not processed)."""
    stored = statement_store(data=data)
    with CaptureQueriesContext(connection) as captured:
        statements_process(statement_ids=[str(stored.pk)])
    return _queries(captured)


def _touching(queries, model) -> list[str]:
    return [q for q in queries if model._meta.db_table in q]


def test_the_incremental_path_reads_a_bounded_number_of_times(frameworks, college, django_capture_on_commit_callbacks):
    cap = django_capture_on_commit_callbacks
    first = teacher_in(college, "premiere@example.fr")
    expert(first, cap, level=5)
    for n in range(3):
        expert(teacher_in(college, f"collegue{n}@example.fr"), cap, level=4)
    # A new CRCN Édu level of a consenting teacher: the proposals are recomputed (the reasons now
    # name the new competency).
    with cap():
        queries = _process(aligned(first, codes=["1.1"], level=5))
    assert CompetencyState.objects.filter(user=first, competency__code="1.1", level=5).exists()
    proposal = AmbassadorProposal.objects.get(school=college, user=first)
    assert ["1.1", 5] in proposal.reasons[0]["items"]
    # PostgreSQL: the evidence, the levels, the proposals' three reads and their update, the maps'
    # mark. SQLite runs the Python rules: the statement, users and competencies read to derive, the
    # evidence, levels and history written one table at a time, the changed competencies' frameworks.
    postgresql = connection.vendor == "postgresql"
    assert len(queries) == (7 if postgresql else 14), queries
    assert len(_touching(queries, AmbassadorConsent)) == 2  # the schools, the candidates
    # The same level again: no level changes, the proposals are not read at all.
    with cap():
        again = _process(aligned(first, codes=["1.1"], level=5))
    assert _touching(again, AmbassadorProposal) == [] and _touching(again, AmbassadorConsent) == []
    assert len(again) == (3 if postgresql else 8), again


@pytest.mark.parametrize(
    ("framework", "level"),
    [
        ("crcn", 6),  # the policies are written on the CRCN Édu
        ("crcn-edu", 3),  # below Avancé, the lowest level a policy may require: counts in none
    ],
)
def test_a_level_no_policy_counts_changes_no_proposal_and_reads_none(
    frameworks, college, django_capture_on_commit_callbacks, framework, level
):
    cap = django_capture_on_commit_callbacks
    first = teacher_in(college, "premiere@example.fr")
    expert(first, cap, level=5)
    before = list(AmbassadorProposal.objects.values_list("user_id", "score", "rank", "reasons", "status"))
    with cap():
        queries = _process(aligned(first, codes=["1.1"], level=level, framework=framework))
    assert CompetencyState.objects.filter(
        user=first, competency__framework__slug=framework, competency__code="1.1", level=level
    ).exists()
    assert _touching(queries, AmbassadorProposal) == [] and _touching(queries, AmbassadorConsent) == []
    assert list(AmbassadorProposal.objects.values_list("user_id", "score", "rank", "reasons", "status")) == before
    # What the skipped recomputation would have given: the same proposals.
    proposals_recompute_for_users([first.pk])
    assert list(AmbassadorProposal.objects.values_list("user_id", "score", "rank", "reasons", "status")) == before


def test_a_module_completed_recomputes(frameworks, college, django_capture_on_commit_callbacks):
    cap = django_capture_on_commit_callbacks
    first = teacher_in(college, "premiere@example.fr")
    expert(first, cap, level=5, modules=1)
    data = {
        "id": str(uuid.uuid4()),
        "actor": first.xapi_actor(),
        "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
        "object": {
            "id": "http://127.0.0.1:8000/activites/modules/autre",
            "definition": {"type": "http://adlnet.gov/expapi/activities/module"},
        },
    }
    with cap():
        queries = _process(data)
    assert _touching(queries, AmbassadorProposal)
    assert {"code": "modules", "n": 2} in AmbassadorProposal.objects.get(user=first).reasons


def test_the_competencies_kept_in_memory_follow_the_framework(
    frameworks, departement, college, django_capture_on_commit_callbacks
):
    first = teacher_in(college, "premiere@example.fr")
    expert(first, django_capture_on_commit_callbacks, level=5)
    assert len(_recompute_queries(first)) == 3  # the competencies are those in memory
    assert _evaluated(college, departement)[first.pk].domains == {"2", "3"}
    # Another process (or a framework loaded again) moves 3.1 to domain 1: seen at the next read.
    competency = Competency.objects.get(framework__slug="crcn-edu", code="3.1")
    competency.domain = Domain.objects.get(framework__slug="crcn-edu", code="1")
    competency.save(update_fields=["domain"])
    assert len(_recompute_queries(first)) == 5  # read again, once; the reasons rewritten
    assert len(_recompute_queries(first)) == 3
    assert _evaluated(college, departement)[first.pk].domains == {"1", "2", "3"}
    assert {"code": "domains", "domains": ["1", "2", "3"]} in AmbassadorProposal.objects.get(user=first).reasons
