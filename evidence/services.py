"""Writes: evidence from statements, and the levels derived from it (rule in `levels.py`).

Three paths, one result:

- incremental (`statements_process`, a Celery task after each store): the evidence of the new
  statements, the evidence of voided ones withdrawn, and the levels of the (teacher, competency)
  pairs they touch;
- full rebuild (`competencies_rebuild`): every piece of evidence derived again from every stored
  statement, then every level;
- daily refresh (`levels_refresh`): every level again for today, as evidence ages.

All three compute a level with the same function (`levels.level_from`), so a rebuild gives exactly
what the incremental path gave on the same day. On PostgreSQL the same rules run in SQL
(`evidence_sql.py`), so that the rebuild scales to the national store; the Python code here is
what SQLite runs, and the reference the SQL is tested against.
"""

import itertools
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from frameworks.models import Competency
from lms.bulk import is_postgresql, table_clear, tables_vacuum
from xapi.identity import agent_key
from xapi.models import Relation, Statement, StatementAgent

from . import sql as evidence_sql
from .derive import VERB_KINDS, EvidenceItem, ModuleDone, competencies_by_iri, derive
from .levels import Proof, level_from
from .models import CompetencyState, CompletedModule, Evidence, LevelChange
from .signals import levels_changed
from .trust import Trust, voided_by_trusted

_CHUNK = 2000
_STREAM = 20000


def _assess(proofs: list[Proof], as_of: date) -> tuple[int, datetime | None]:
    """A pair's level, and the date of its most recent evidence."""
    return level_from(proofs, as_of=as_of), max((p.occurred_at for p in proofs), default=None)


class _Plan:
    """The writes that bring CompetencyState to the computed levels, with their history."""

    def __init__(self, now: datetime):
        self.now = now
        self.creates: list[tuple] = []
        self.updates: list[tuple] = []
        self.deletes: list[int] = []
        self.history: list[tuple] = []

    def __len__(self) -> int:
        return len(self.creates) + len(self.updates) + len(self.deletes)

    def consider(self, pair: tuple[int, int], state: tuple | None, level: int, latest: datetime | None) -> None:
        """`state` is (pk, level, evidence_at) or None when the teacher has no level yet."""
        pk, previous, evidence_at = state if state else (None, 0, None)
        if level == previous and (level == 0 or latest == evidence_at):
            return
        if level != previous:
            self.history.append((pair[0], pair[1], previous, level))
        if level == 0:
            self.deletes.append(pk)
        elif pk is None:
            self.creates.append((pair[0], pair[1], level, latest))
        else:
            self.updates.append((pk, level, latest))

    def apply(self, changes: list[tuple[int, int, int, int]] | None = None) -> int:
        now = self.now
        if self.deletes:
            for start in range(0, len(self.deletes), _CHUNK):
                CompetencyState.objects.filter(pk__in=self.deletes[start : start + _CHUNK]).delete()
        CompetencyState.objects.bulk_create(
            [
                CompetencyState(user_id=u, competency_id=c, level=lv, evidence_at=at, updated_at=now)
                for u, c, lv, at in self.creates
            ],
            batch_size=500,
        )
        states = [CompetencyState(pk=pk, level=lv, evidence_at=at, updated_at=now) for pk, lv, at in self.updates]
        CompetencyState.objects.bulk_update(states, ["level", "evidence_at", "updated_at"], batch_size=500)
        LevelChange.objects.bulk_create(
            [
                LevelChange(user_id=u, competency_id=c, previous=p, level=lv, changed_at=now)
                for u, c, p, lv in self.history
            ],
            batch_size=500,
        )
        if changes is not None:
            changes.extend(self.history)
        return len(self.history)


def levels_update(
    *,
    pairs: Iterable[tuple[int, int]],
    as_of: date | None = None,
    changes: list[tuple[int, int, int, int]] | None = None,
    now: datetime | None = None,
) -> int:
    """Recompute CompetencyState for each (user id, competency id); returns how many levels changed.

    Every change is kept in LevelChange, for the history, dated `now` (default: the present);
    `changes` receives (user id, competency id, previous level, level) of each change.
    """
    pairs_list = sorted(set(pairs))
    now = now or timezone.now()
    as_of = as_of or now.date()
    changed = 0
    for start in range(0, len(pairs_list), _CHUNK):
        chunk = pairs_list[start : start + _CHUNK]
        changed += _levels_update_chunk(chunk, as_of=as_of, now=now, changes=changes)
    return changed


def _levels_update_chunk(
    pairs: list[tuple[int, int]], *, as_of: date, now, changes: list[tuple[int, int, int, int]] | None
) -> int:
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
        (u, c): (pk, level, at)
        for pk, u, c, level, at in CompetencyState.objects.filter(
            user_id__in=user_ids, competency_id__in=competency_ids
        ).values_list("pk", "user_id", "competency_id", "level", "evidence_at")
    }
    plan = _Plan(now)
    for pair in pairs:
        plan.consider(pair, current.get(pair), *_assess(proofs.get(pair, []), as_of))
    return plan.apply(changes)


def _levels_recompute_all(*, as_of: date, now: datetime) -> int:
    """Every level, by one ordered pass over the evidence and the current levels side by side
    (in SQL on PostgreSQL)."""
    if is_postgresql():
        return evidence_sql.levels_recompute_all(as_of=as_of, now=now)
    # SQLite cursors see the writes below: read everything first (small stores only).
    evidence = iter(
        Evidence.objects.order_by("user_id", "competency_id").values_list(
            "user_id", "competency_id", "level", "kind", "occurred_at"
        )
    )
    states = iter(
        CompetencyState.objects.order_by("user_id", "competency_id").values_list(
            "pk", "user_id", "competency_id", "level", "evidence_at"
        )
    )
    changed = 0
    plan = _Plan(now)
    state = next(states, None)
    for pair, rows in itertools.groupby(evidence, key=lambda row: (row[0], row[1])):
        while state is not None and (state[1], state[2]) < pair:
            plan.consider((state[1], state[2]), (state[0], state[3], state[4]), 0, None)
            state = next(states, None)
        current = None
        if state is not None and (state[1], state[2]) == pair:
            current = (state[0], state[3], state[4])
            state = next(states, None)
        plan.consider(pair, current, *_assess([Proof(lv, kind, at) for _, _, lv, kind, at in rows], as_of))
        if len(plan) >= _STREAM:
            changed += plan.apply()
            plan = _Plan(now)
    while state is not None:
        plan.consider((state[1], state[2]), (state[0], state[3], state[4]), 0, None)
        state = next(states, None)
    return changed + plan.apply()


@transaction.atomic
def levels_refresh(*, as_of: date | None = None, at: datetime | None = None) -> int:
    """Recompute every level for `as_of` (today): evidence ages, and a level may fall. Run daily.

    `at`: a replay of past days (the demo's history): levels as of that day, their changes dated `at`."""
    now = at or timezone.now()
    changed = _levels_recompute_all(as_of=as_of or now.date(), now=now)
    levels_changed.send(sender=__name__, user_ids=None, evidence_user_ids=None)
    return changed


@transaction.atomic
def statements_process(*, statement_ids: list[str], voided_ids: list[str] = (), at: datetime | None = None) -> int:
    """Turn newly stored statements into evidence, withdraw the evidence of voided ones, update levels,
    then the ambassador proposals of the schools whose teachers' levels changed.

    `at`: a replay of past events (the demo's history), processed as of then: levels are computed for
    that day and their changes dated `at`. Default: now."""
    now = at or timezone.now()
    touched: set[tuple[int, int]] = set()
    withdrawn_modules: set[int] = set()
    if voided_ids:
        withdrawn = Evidence.objects.filter(statement_id__in=voided_ids)
        touched |= set(withdrawn.values_list("user_id", "competency_id"))
        withdrawn.delete()
        modules = CompletedModule.objects.filter(statement_id__in=voided_ids)
        withdrawn_modules = set(modules.values_list("user_id", flat=True))
        modules.delete()
    # Voided ones are derived again: a void from a writer not trusted for them withdraws nothing.
    derived_ids = list(dict.fromkeys([*statement_ids, *voided_ids]))
    if is_postgresql():
        # The same rules in SQL: evidence in one statement, levels in another.
        pairs, module_users = evidence_sql.evidence_insert(derived_ids)
        touched |= pairs
        history = evidence_sql.levels_update(touched, as_of=now.date(), now=now)
    else:
        rows = derivable_rows(Statement.objects.filter(pk__in=derived_ids, verb_id__in=list(VERB_KINDS)))
        items, modules = derive(rows) if rows else ([], [])
        _evidence_insert(items, modules)
        touched |= {(i.user_id, i.competency_id) for i in items}
        module_users = {m.user_id for m in modules}
        changes: list[tuple[int, int, int, int]] = []
        levels_update(pairs=touched, changes=changes, as_of=now.date(), now=now)
        history = _with_framework(changes)
    changed = len(history)
    # Per framework, the teachers whose levels changed: a listener may care for one framework only
    # (the ambassador policies are written on the CRCN Édu).
    level_changes: dict[str, list[tuple[int, int, int]]] = defaultdict(list)
    for user_id, slug, previous, level in history:
        level_changes[slug].append((user_id, previous, level))
    # A module completed or withdrawn changes what the ambassador policies count.
    module_user_ids = module_users | withdrawn_modules
    changed_users = {row[0] for row in history} | module_user_ids
    # The ambassador proposals of these teachers' schools (in this transaction) and the maps'
    # aggregates (levels, completions, attendance, coverage: refreshed after commit) listen.
    concerned = changed_users | {u for u, _ in touched}
    if concerned:
        levels_changed.send(
            sender=__name__,
            user_ids=changed_users,
            evidence_user_ids=concerned,
            level_changes=dict(level_changes),
            module_user_ids=module_user_ids,
        )
    return changed


def _with_framework(changes: list[tuple[int, int, int, int]]) -> list[tuple[int, str, int, int]]:
    """(user id, framework slug, previous, level) of each (user id, competency id, previous, level)."""
    if not changes:
        return []
    ids = {row[1] for row in changes}
    slugs = dict(Competency.objects.filter(pk__in=ids).values_list("pk", "framework__slug"))
    return [(user_id, slugs[competency_id], previous, level) for user_id, competency_id, previous, level in changes]


def writer_evidence_rederive(*, authority: dict, chunk: int = _CHUNK) -> int:
    """Derive again what one writer's statements give, after its trust policy changed (`trust.py`).

    The writer's statements are found through the agent index (the authority is a related agent),
    a chunk at a time in (stored, id) order; each chunk withdraws their evidence and derives it
    again under the current policy, in its own transaction, with the levels, ambassador proposals
    and maps of the teachers it touches (`statements_process`). Running it again changes nothing.
    Returns how many levels changed.
    """
    rows = StatementAgent.objects.filter(agent_key=agent_key(authority), relation=Relation.RELATED)
    changed = 0
    last = None
    while True:
        page = rows.filter(Q(stored__gt=last[0]) | Q(stored=last[0], statement_id__gt=last[1])) if last else rows
        found = list(page.order_by("stored", "statement_id").values_list("stored", "statement_id")[:chunk])
        if not found:
            return changed
        ids = [str(statement_id) for _, statement_id in found]
        # What its voiding statements voided may count again, or no longer.
        ids += [
            str(t)
            for t in Statement.objects.filter(pk__in=ids, is_voiding=True).values_list("object_statement_id", flat=True)
            if t
        ]
        changed += statements_process(statement_ids=ids, voided_ids=ids)
        last = found[-1]


REBUILD_PHASES = ("evidence", "levels", "stats", "vacuum")


def competencies_rebuild(
    *, as_of: date | None = None, stats: bool = True, phase: Callable[[str], None] | None = None
) -> int:
    """Derive all evidence again from every stored statement, then every level (and, with
    `stats`, the maps' aggregates); then, on PostgreSQL and outside a transaction, `VACUUM ANALYZE`
    of the tables it rewrote, so that they are read as production will read them.

    Levels are recomputed in place, so the history records only real differences. `phase` is
    called with each phase's name (`REBUILD_PHASES`) as it starts (progress of a long command).
    """
    phase = phase or (lambda name: None)
    changed = _rebuild(as_of=as_of, stats=stats, phase=phase)
    if is_postgresql() and not connection.in_atomic_block:
        phase("vacuum")
        # This app's tables; the maps' aggregates (rewritten through `levels_changed`) are theirs.
        tables_vacuum([Evidence, CompletedModule, CompetencyState, LevelChange])
    return changed


@transaction.atomic
def _rebuild(*, as_of: date | None, stats: bool, phase: Callable[[str], None]) -> int:
    now = timezone.now()
    phase("evidence")
    if is_postgresql():
        # Reads go on; writers (the incremental path) wait for the rebuild to commit.
        evidence_sql.derived_tables_lock()
    table_clear(Evidence)
    table_clear(CompletedModule)
    if is_postgresql():
        evidence_sql.evidence_insert_all()
    else:
        users = {str(u): pk for u, pk in get_user_model().objects.values_list("xapi_uuid", "pk")}
        competencies = competencies_by_iri()
        trust = Trust.load()
        for rows in _evidence_statements():
            _evidence_insert(*derive(rows, users=users, competencies=competencies, trust=trust))
    phase("levels")
    changed = _levels_recompute_all(as_of=as_of or now.date(), now=now)
    if stats:
        phase("stats")
        levels_changed.send(sender=__name__, user_ids=None, evidence_user_ids=None)
    return changed


def derivable_rows(statements) -> list[tuple[dict, object]]:
    """(payload, timestamp) of those `statements` (a queryset) that may give evidence: not voided,
    or voided only by writers not trusted for them (`trust.voided_by_trusted`)."""
    rows = list(statements.values_list("payload", "timestamp", "voided", "id", "actor_key"))
    voided = {str(pk): actor_key for _p, _t, is_voided, pk, actor_key in rows if is_voided}
    revoked = voided_by_trusted(voided) if voided else set()
    return [(payload, at) for payload, at, is_voided, pk, _k in rows if not is_voided or str(pk) not in revoked]


def _evidence_statements() -> Iterator[list[tuple[dict, object]]]:
    """Batches of (payload, timestamp) of the stored statements whose verb can give evidence and
    that no trusted writer voided (SQLite: small stores)."""
    # SQLite cursors see the writes that follow: read everything first.
    rows = derivable_rows(Statement.objects.filter(verb_id__in=list(VERB_KINDS)))
    for start in range(0, len(rows), _STREAM):
        yield rows[start : start + _STREAM]


def _evidence_insert(items: list[EvidenceItem], modules: list[ModuleDone]) -> None:
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
        batch_size=500,
    )
    CompletedModule.objects.bulk_create(
        [
            CompletedModule(
                statement_id=m.statement_id, user_id=m.user_id, activity_id=m.activity_id, completed_at=m.completed_at
            )
            for m in modules
        ],
        ignore_conflicts=True,
        batch_size=500,
    )
