"""The derived tables of the competency maps: what stats_refresh stores equals a direct computation from
levels, history, evidence, completed modules and proposals; the incremental path equals a rebuild."""

from collections import defaultdict

import pytest
from django.utils import timezone

from ambassadors.models import AmbassadorProposal
from evidence.models import CompetencyState, CompletedModule, Evidence, LevelChange
from frameworks.models import Competency
from lms.models import Departement, Membership, School
from maps import stats
from maps.models import (
    DepartementActivityMonth,
    DepartementCompetencyStat,
    DepartementDomainMonth,
    DepartementStat,
    SchoolActivityMonth,
    SchoolCompetencyStat,
    SchoolDomainMonth,
    SchoolStat,
)
from maps.stats import stats_refresh
from tests.factories import dump, month_of

pytestmark = pytest.mark.django_db


def test_school_tables_equal_a_direct_computation(territory):
    teachers = defaultdict(set)
    for school_id, user_id in Membership.objects.filter(role="teacher").values_list("school_id", "user_id"):
        teachers[school_id].add(user_id)
    states = defaultdict(list)
    for user_id, competency_id, level in CompetencyState.objects.values_list("user_id", "competency_id", "level"):
        states[user_id].append((competency_id, level))
    for school in territory:
        stat = SchoolStat.objects.get(school=school)
        assert stat.teachers == len(teachers[school.pk]) == 7
        expected = defaultdict(lambda: [0] * 9)
        for user_id in teachers[school.pk]:
            for competency_id, level in states[user_id]:
                expected[competency_id][0] += level
                expected[competency_id][level] += 1
        stored = {
            row[0]: list(row[1:])
            for row in SchoolCompetencyStat.objects.filter(school=school).values_list(
                "competency_id", "level_sum", "n1", "n2", "n3", "n4", "n5", "n6", "n7", "n8"
            )
        }
        assert stored == dict(expected)
        deltas = defaultdict(int)
        for change in LevelChange.objects.filter(user_id__in=teachers[school.pk]).select_related("competency"):
            deltas[(change.competency.domain_id, month_of(change.changed_at))] += change.level - change.previous
        stored = {(r.domain_id, r.month): r.delta for r in SchoolDomainMonth.objects.filter(school=school)}
        assert stored == dict(deltas) and stored
        activity = defaultdict(lambda: [set(), set(), set()])
        for module in CompletedModule.objects.filter(user_id__in=teachers[school.pk]):
            entry = activity[month_of(module.completed_at)]
            entry[0].add(module.statement_id)
            entry[2].add(module.user_id)
        for evidence in Evidence.objects.filter(user_id__in=teachers[school.pk], kind="attendance"):
            entry = activity[month_of(evidence.occurred_at)]
            entry[1].add(evidence.statement_id)
            entry[2].add(evidence.user_id)
        stored = {
            r.month: [r.completions, r.attendances, r.teachers]
            for r in SchoolActivityMonth.objects.filter(school=school)
        }
        assert stored == {m: [len(a), len(b), len(c)] for m, (a, b, c) in activity.items()}


def coverage_rule(school) -> str:
    """The coverage rule computed directly from the proposals (the derived table is its only home in the code)."""
    own = set(school.ambassador_proposals.values_list("status", flat=True))
    if "confirmed" in own:
        return "covered"
    if (
        school.kind == "ecole"
        and school.circonscription_code
        and AmbassadorProposal.objects.filter(
            status="confirmed", school__kind="ecole", school__circonscription_code=school.circonscription_code
        ).exists()
    ):
        return "circonscription"  # the default policy covers écoles through their circonscription
    return "pending" if "proposed" in own else "uncovered"


def test_coverage_equals_the_ambassador_rules(territory):
    expected = {school.pk: coverage_rule(school) for school in School.objects.all()}
    stored = dict(SchoolStat.objects.values_list("school_id", "coverage"))
    assert stored == expected
    assert stored[territory[0].pk] == "covered" and stored[territory[1].pk] == "pending"
    assert stored[territory[2].pk] == "uncovered"


def test_rollups_are_the_sums_of_the_school_rows(territory):
    for dep in Departement.objects.all():
        schools = School.objects.filter(departement=dep)
        for kind, sector in {(s.kind, s.sector) for s in schools}:
            group = schools.filter(kind=kind, sector=sector)
            stat = DepartementStat.objects.get(departement=dep, kind=kind, sector=sector)
            assert stat.schools == group.count()
            assert stat.teachers == sum(SchoolStat.objects.filter(school__in=group).values_list("teachers", flat=True))
            for row in DepartementCompetencyStat.objects.filter(departement=dep, kind=kind, sector=sector):
                rows = SchoolCompetencyStat.objects.filter(school__in=group, competency=row.competency)
                assert row.level_sum == sum(r.level_sum for r in rows)
                assert row.n3 == sum(r.n3 for r in rows)
            total = sum(r.delta for r in SchoolDomainMonth.objects.filter(school__in=group))
            assert total == sum(
                r.delta for r in DepartementDomainMonth.objects.filter(departement=dep, kind=kind, sector=sector)
            )
    assert sum(DepartementStat.objects.exclude(departement=None).values_list("schools", flat=True)) == len(territory)


def test_national_rows_are_the_sums_of_the_departements(territory):
    for model, keys, value in (
        (DepartementStat, ["kind", "sector"], "teachers"),
        (DepartementCompetencyStat, ["kind", "sector", "competency_id"], "n2"),
        (DepartementDomainMonth, ["kind", "sector", "domain_id", "month"], "delta"),
        (DepartementActivityMonth, ["kind", "sector", "month"], "attendances"),
    ):
        national = {tuple(r[:-1]): r[-1] for r in model.objects.filter(departement=None).values_list(*keys, value)}
        summed = defaultdict(int)
        for row in model.objects.exclude(departement=None).values_list(*keys, value):
            summed[tuple(row[:-1])] += row[-1]
        assert national == dict(summed) and national, model.__name__


def test_incremental_refresh_equals_a_rebuild(territory):
    school = territory[2]
    user = Membership.objects.filter(school=school).first().user
    competency = Competency.objects.get(framework__slug="crcn-edu", code="1.1")
    state = CompetencyState.objects.filter(user=user, competency=competency).first()
    previous = state.level if state else 0
    CompetencyState.objects.update_or_create(
        user=user, competency=competency, defaults={"level": 5 if previous != 5 else 4, "updated_at": timezone.now()}
    )
    LevelChange.objects.create(
        user=user, competency=competency, previous=previous, level=5 if previous != 5 else 4, changed_at=timezone.now()
    )
    # A confirmed ambassador in école 1 (circonscription C1) covers école 5 (C1) too.
    ecole1, ecole5 = territory[1], territory[5]
    assert SchoolStat.objects.get(school=ecole5).coverage == "pending"
    proposal = AmbassadorProposal.objects.get(school=ecole1)
    proposal.status = "confirmed"
    proposal.save()
    stats_refresh({school.pk, ecole1.pk})
    incremental = dump()
    assert SchoolStat.objects.get(school=ecole1).coverage == "covered"
    assert SchoolStat.objects.get(school=ecole5).coverage == "circonscription"
    stats_refresh(None)
    assert dump() == incremental


def test_refresh_of_nothing_changes_nothing(territory):
    before = dump()
    stats_refresh(set())
    assert dump() == before


def test_one_school_refreshes_after_many_changes_equal_a_full_refresh(territory):
    """Each one-school refresh adds its school's differences to the roll-ups and national rows (it does
    not sum its département again): after changes of every kind, refreshed one school at a time, the
    aggregates are the full refresh's, rows that appear and rows that go included."""
    ecole0, ecole1, college, lycee = territory[0], territory[1], territory[2], territory[3]
    competency = Competency.objects.get(framework__slug="crcn-edu", code="1.1")
    # A teacher of école 0 moves to the collège, with a level in a competency nobody there had.
    teacher = Membership.objects.filter(school=ecole0).first()
    CompetencyState.objects.update_or_create(
        user=teacher.user, competency=competency, defaults={"level": 5, "updated_at": timezone.now()}
    )
    LevelChange.objects.create(user=teacher.user, competency=competency, previous=0, level=5, changed_at=timezone.now())
    teacher.school = college
    teacher.save()
    # Every teacher of the lycée leaves it: its level, history and activity rows go.
    Membership.objects.filter(school=lycee).delete()
    # École 1's pending proposal is confirmed (the other écoles of its circonscription are covered).
    AmbassadorProposal.objects.filter(school=ecole1).update(status="confirmed")
    # The collège moves to the other département and sector (its old group may lose its last school).
    other = Departement.objects.exclude(pk=college.departement_id).get()
    School.objects.filter(pk=college.pk).update(departement=other, sector="private")
    for school in (ecole0, college, lycee, ecole1):
        stats_refresh({school.pk})
    incremental = dump()
    assert SchoolStat.objects.get(school=college).departement_id == other.pk
    assert not SchoolCompetencyStat.objects.filter(school=lycee).exists()
    stats_refresh(None)
    assert dump() == incremental
    # Back again: the groups they left are as the full refresh writes them too.
    School.objects.filter(pk=college.pk).update(departement=ecole1.departement, sector="public")
    AmbassadorProposal.objects.filter(school=ecole1).update(status="proposed")
    stats_refresh({college.pk, ecole1.pk})
    incremental = dump()
    stats_refresh(None)
    assert dump() == incremental


def test_a_refresh_of_many_schools_sums_their_departements_again(territory, monkeypatch):
    """Above DELTA_SCHOOLS_MAX schools the roll-ups of the départements they were and are counted in are
    summed again: the same rows as a full refresh, a school that moved included."""
    monkeypatch.setattr(stats, "DELTA_SCHOOLS_MAX", 1)
    college, lycee = territory[2], territory[3]
    other = Departement.objects.exclude(pk=college.departement_id).get()
    School.objects.filter(pk=college.pk).update(departement=other)
    Membership.objects.filter(school=lycee).delete()
    stats_refresh({college.pk, lycee.pk})
    incremental = dump()
    assert SchoolStat.objects.get(school=college).departement_id == other.pk
    stats_refresh(None)
    assert dump() == incremental
