"""Writes: evidence from statements, and the levels derived from it.

The level rule (documented in the README): a teacher's level in a competency
is the highest level evidenced by a non-voided statement about them. The full
weighted engine is a later step; whatever the rule, `competencies_rebuild`
gives exactly what the incremental path gives.
"""

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from xapi.models import Statement

from .evidence import evidence_for_payloads
from .models import CompetencyState, Evidence


def levels_update(*, pairs: Iterable[tuple[int, int]]) -> int:
    """Recompute CompetencyState for each (user id, competency id); returns how many changed."""
    pairs = set(pairs)
    if not pairs:
        return 0
    user_ids = {u for u, _ in pairs}
    competency_ids = {c for _, c in pairs}
    best = {
        (row["user_id"], row["competency_id"]): row["level"]
        for row in Evidence.objects.filter(user_id__in=user_ids, competency_id__in=competency_ids)
        .values("user_id", "competency_id")
        .annotate(level=Max("level"))
    }
    current = {
        (s.user_id, s.competency_id): s
        for s in CompetencyState.objects.filter(user_id__in=user_ids, competency_id__in=competency_ids)
    }
    now = timezone.now()
    changed = 0
    for pair in pairs:
        level = best.get(pair)
        state = current.get(pair)
        if level is None:
            if state is not None:
                state.delete()
                changed += 1
        elif state is None:
            CompetencyState.objects.create(user_id=pair[0], competency_id=pair[1], level=level, updated_at=now)
            changed += 1
        elif state.level != level:
            state.level = level
            state.updated_at = now
            state.save(update_fields=["level", "updated_at"])
            changed += 1
    return changed


@transaction.atomic
def statements_process(*, statement_ids: list[str], voided_ids: list[str] = ()) -> int:
    """Turn newly stored statements into evidence, withdraw the evidence of voided ones, update levels."""
    touched: set[tuple[int, int]] = set()
    if voided_ids:
        withdrawn = Evidence.objects.filter(statement_id__in=voided_ids)
        touched |= set(withdrawn.values_list("user_id", "competency_id"))
        withdrawn.delete()
    payloads = list(Statement.objects.filter(pk__in=statement_ids, voided=False).values_list("payload", flat=True))
    touched |= _store_evidence(payloads)
    return levels_update(pairs=touched)


@transaction.atomic
def competencies_rebuild(*, batch_size: int = 5000) -> int:
    """Drop all derived evidence and levels and derive them again from every stored statement."""
    Evidence.objects.all().delete()
    CompetencyState.objects.all().delete()
    touched: set[tuple[int, int]] = set()
    batch: list[dict] = []
    queryset = Statement.objects.filter(voided=False).order_by("stored").values_list("payload", flat=True)
    for payload in queryset.iterator(chunk_size=batch_size):
        batch.append(payload)
        if len(batch) >= batch_size:
            touched |= _store_evidence(batch)
            batch = []
    touched |= _store_evidence(batch)
    return levels_update(pairs=touched)


def _store_evidence(payloads: list[dict]) -> set[tuple[int, int]]:
    items = evidence_for_payloads(payloads)
    Evidence.objects.bulk_create(
        [
            Evidence(
                statement_id=i.statement_id,
                user_id=i.user_id,
                competency_id=i.competency_id,
                level=i.level,
                kind=i.kind,
                occurred_at=i.occurred_at,
                activity_id=i.activity_id,
            )
            for i in items
        ],
        ignore_conflicts=True,
    )
    return {(i.user_id, i.competency_id) for i in items}
