"""Reads: a teacher's levels, and aggregates for managers (derived tables only)."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, QuerySet, Sum
from django.utils import timezone

from lms.models import Membership, School

from .levels import THRESHOLD, Proof, proof_weight
from .models import Competency, CompetencyState, Domain, Evidence, Framework, Level, LevelChange


@dataclass
class WeighedEvidence:
    evidence: Evidence
    weight: float  # in units of what one level needs (1.0 = enough on its own)


@dataclass
class CompetencyLevel:
    competency: Competency
    level: int
    level_label: str
    evidence: list[WeighedEvidence] = field(default_factory=list)
    history: list = field(default_factory=list)


@dataclass
class FrameworkLevels:
    framework: Framework
    max_level: int
    rows: list[CompetencyLevel]


def competency_levels_for_teacher(*, user) -> list[FrameworkLevels]:
    """Every competency of every framework with the teacher's level (0 when no evidence) and its evidence."""
    states = dict(CompetencyState.objects.filter(user=user).values_list("competency_id", "level"))
    today = timezone.now().date()
    evidence = defaultdict(list)
    for item in Evidence.objects.filter(user=user).order_by("-level", "-occurred_at"):
        weight = proof_weight(Proof(item.level, item.kind, item.occurred_at), as_of=today) / THRESHOLD
        evidence[item.competency_id].append(WeighedEvidence(item, round(weight, 2)))
    history = defaultdict(list)
    for change in LevelChange.objects.filter(user=user).order_by("-changed_at"):
        history[change.competency_id].append(change)
    labels = {(lv.framework_id, lv.number): lv.label for lv in Level.objects.all()}
    result = []
    # CRCN Édu first: it is the teachers' own framework.
    for framework in Framework.objects.prefetch_related("levels").order_by("-slug"):
        rows = []
        for competency in framework.competencies.select_related("domain", "framework").order_by("code"):
            level = states.get(competency.pk, 0)
            rows.append(
                CompetencyLevel(
                    competency=competency,
                    level=level,
                    level_label=labels.get((framework.pk, level), ""),
                    evidence=evidence.get(competency.pk, []),
                    history=history.get(competency.pk, []),
                )
            )
        max_level = max((lv.number for lv in framework.levels.all()), default=0)
        result.append(FrameworkLevels(framework=framework, max_level=max_level, rows=rows))
    return result


@dataclass
class SchoolDomainMatrix:
    framework: Framework
    domains: list[Domain]
    schools: list[School]
    teachers: dict[int, int]
    # values[school index][domain index]: mean level, or None when the group is too small to show.
    values: list[list[float | None]]
    min_group_size: int


def teacher_counts(*, schools: QuerySet[School]) -> dict[int, int]:
    """Teachers per school (school id → count)."""
    return dict(
        Membership.objects.filter(school__in=schools, role=Membership.Role.TEACHER)
        .values("school_id")
        .annotate(n=Count("user_id", distinct=True))
        .values_list("school_id", "n")
    )


def school_domain_matrix(*, schools: QuerySet[School], framework: Framework) -> SchoolDomainMatrix:
    """Mean level of each school's teachers in each domain (teachers without evidence count as 0).

    A school with fewer teachers than RELAIS_MIN_GROUP_SIZE shows no value.
    """
    min_size = settings.RELAIS_MIN_GROUP_SIZE
    domains = list(Domain.objects.filter(framework=framework).annotate(n=Count("competencies")).order_by("code"))
    schools = list(schools.order_by("name"))
    school_ids = [s.pk for s in schools]
    teachers = teacher_counts(schools=School.objects.filter(pk__in=school_ids))
    sums = {
        (row["user__memberships__school_id"], row["competency__domain_id"]): row["total"]
        for row in CompetencyState.objects.filter(
            competency__framework=framework,
            user__memberships__school_id__in=school_ids,
            user__memberships__role=Membership.Role.TEACHER,
        )
        .values("user__memberships__school_id", "competency__domain_id")
        .annotate(total=Sum("level"))
    }
    values = []
    for school in schools:
        n = teachers.get(school.pk, 0)
        row = []
        for domain in domains:
            if n < min_size or not domain.n:
                row.append(None)
            else:
                row.append(round(sums.get((school.pk, domain.pk), 0) / (n * domain.n), 2))
        values.append(row)
    return SchoolDomainMatrix(framework, domains, schools, teachers, values, min_size)
