"""Writes: evidence from statements, and the levels derived from it (rule in `levels.py`).

`competencies_rebuild` gives exactly what the incremental path gives on the same day.
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.utils import timezone

from xapi.models import Statement

from .evidence import evidence_for_payloads
from .levels import Proof, level_from
from .models import CompetencyState, Evidence, LevelChange


def levels_update(
    *, pairs: Iterable[tuple[int, int]], as_of: date | None = None, changed_users: set[int] | None = None
) -> int:
    """Recompute CompetencyState for each (user id, competency id); returns how many changed.

    Every change is kept in LevelChange, for the history.
    """
    pairs = set(pairs)
    if not pairs:
        return 0
    now = timezone.now()
    as_of = as_of or now.date()
    changed = 0
    pairs_list = sorted(pairs)
    for start in range(0, len(pairs_list), 2000):
        chunk = pairs_list[start : start + 2000]
        changed += _levels_update_chunk(chunk, as_of=as_of, now=now, changed_users=changed_users)
    return changed


def _levels_update_chunk(pairs: list[tuple[int, int]], *, as_of: date, now, changed_users: set[int] | None) -> int:
    user_ids = {u for u, _ in pairs}
    competency_ids = {c for _, c in pairs}
    wanted = set(pairs)
    proofs: dict[tuple[int, int], list[Proof]] = defaultdict(list)
    rows = Evidence.objects.filter(user_id__in=user_ids, competency_id__in=competency_ids).values_list(
        "user_id", "competency_id", "level", "kind", "occurred_at"
    )
    for user_id, competency_id, level, kind, occurred_at in rows:
        if (user_id, competency_id) in wanted:
            proofs[(user_id, competency_id)].append(Proof(level, kind, occurred_at))
    current = {
        (s.user_id, s.competency_id): s
        for s in CompetencyState.objects.filter(user_id__in=user_ids, competency_id__in=competency_ids)
    }
    creates, updates, deletes, history = [], [], [], []
    for pair in pairs:
        level = level_from(proofs.get(pair, ()), as_of=as_of)
        state = current.get(pair)
        previous = state.level if state else 0
        if level == previous:
            continue
        history.append(
            LevelChange(user_id=pair[0], competency_id=pair[1], previous=previous, level=level, changed_at=now)
        )
        if level == 0:
            deletes.append(state.pk)
        elif state is None:
            creates.append(CompetencyState(user_id=pair[0], competency_id=pair[1], level=level, updated_at=now))
        else:
            state.level, state.updated_at = level, now
            updates.append(state)
    CompetencyState.objects.filter(pk__in=deletes).delete()
    CompetencyState.objects.bulk_create(creates)
    CompetencyState.objects.bulk_update(updates, ["level", "updated_at"])
    LevelChange.objects.bulk_create(history)
    if changed_users is not None:
        changed_users.update(change.user_id for change in history)
    return len(history)


def levels_refresh(*, as_of: date | None = None) -> int:
    """Recompute every level for `as_of` (today): evidence ages, and a level may fall. Run daily."""
    pairs = set(Evidence.objects.values_list("user_id", "competency_id").distinct())
    pairs |= set(CompetencyState.objects.values_list("user_id", "competency_id"))
    return levels_update(pairs=pairs, as_of=as_of)


@transaction.atomic
def statements_process(*, statement_ids: list[str], voided_ids: list[str] = ()) -> int:
    """Turn newly stored statements into evidence, withdraw the evidence of voided ones, update levels,
    then the ambassador proposals of the schools whose teachers' levels changed."""
    touched: set[tuple[int, int]] = set()
    if voided_ids:
        withdrawn = Evidence.objects.filter(statement_id__in=voided_ids)
        touched |= set(withdrawn.values_list("user_id", "competency_id"))
        withdrawn.delete()
    payloads = list(Statement.objects.filter(pk__in=statement_ids, voided=False).values_list("payload", flat=True))
    touched |= _store_evidence(payloads)
    changed_users: set[int] = set()
    changed = levels_update(pairs=touched, changed_users=changed_users)
    if changed_users:
        from lms.models import School

        from .ambassadors import ambassadors_propose

        ambassadors_propose(schools=School.objects.filter(memberships__user_id__in=changed_users).distinct())
    return changed


@transaction.atomic
def competencies_rebuild(*, batch_size: int = 5000) -> int:
    """Derive all evidence again from every stored statement, then every level.

    Levels are recomputed in place, so the history records only real differences.
    """
    Evidence.objects.all().delete()
    touched: set[tuple[int, int]] = set(CompetencyState.objects.values_list("user_id", "competency_id"))
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
