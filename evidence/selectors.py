"""Reads: a teacher's levels, and aggregates for managers (derived tables only)."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.utils import timezone

from frameworks.models import Competency, Framework, Level

from .levels import THRESHOLD, Proof, proof_weight
from .models import CompetencyState, Evidence, LevelChange
from .trust import evidence_sources


@dataclass
class WeighedEvidence:
    evidence: Evidence
    weight: float  # in units of what one level needs (1.0 = enough on its own)
    source: str = ""  # who gave it: Relais and the activity, the Pix import, a trusted system


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
    items = list(Evidence.objects.filter(user=user).order_by("-level", "-occurred_at"))
    sources = evidence_sources({item.statement_id for item in items})
    for item in items:
        weight = proof_weight(Proof(item.level, item.kind, item.occurred_at), as_of=today) / THRESHOLD
        evidence[item.competency_id].append(WeighedEvidence(item, round(weight, 2), sources.get(item.statement_id, "")))
    history = defaultdict(list)
    for change in LevelChange.objects.filter(user=user).order_by("-changed_at"):
        history[change.competency_id].append(change)
    labels = {(lv.framework_id, lv.number): lv.title_display() for lv in Level.objects.all()}
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
