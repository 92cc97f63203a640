"""A teacher's level in a competency at a past date, from the evidence and the level rule of that date.

The level history (`LevelChange`) cannot serve: after a full rebuild its rows are dated at rebuild
time. Instead the level is computed again, by the same rule the rebuild uses (`levels.level_from`,
its only home), from the evidence whose date is on or before the day asked, aged as of that day.
Withdrawn evidence (voided statements) is gone from the table, so it counts at no date.
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta

from django.db.models import Q

from evidence.levels import Proof, level_from
from evidence.models import Evidence

from . import sql

CHUNK = 500


def level_at(*, user_id: int, competency_id: int, day: date) -> int:
    """The level `user_id` held in `competency_id` at the end of `day` (0: none)."""
    return levels_at([(user_id, competency_id, day)])[(user_id, competency_id, day)]


def levels_at(points: Iterable[tuple[int, int, date]]) -> dict[tuple[int, int, date], int]:
    """The level at each (user id, competency id, day): computed by the database (`sql.levels_at`)."""
    return sql.levels_at(points)


def levels_at_python(points: Iterable[tuple[int, int, date]]) -> dict[tuple[int, int, date], int]:
    """`levels_at` by the Python rule itself, one read of the evidence per chunk of users: the
    reference `tests/evaluation/test_levels_sql.py` holds the SQL equal to."""
    points = list(set(points))
    wanted: dict[tuple[int, int], list[date]] = defaultdict(list)
    for user_id, competency_id, day in points:
        wanted[(user_id, competency_id)].append(day)
    result = dict.fromkeys(points, 0)
    users = sorted({user for user, _competency in wanted})
    competencies = sorted({competency for _user, competency in wanted})
    latest = max((day for _u, _c, day in points), default=None)
    for start in range(0, len(users), CHUNK):
        proofs: dict[tuple[int, int], list[Proof]] = defaultdict(list)
        rows = Evidence.objects.filter(
            Q(user_id__in=users[start : start + CHUNK]),
            competency_id__in=competencies,
            # Days are UTC days, as in the level rule (`occurred_at.date()` of a UTC datetime).
            occurred_at__lt=datetime.combine(latest + timedelta(days=1), time(), tzinfo=UTC),
        ).values_list("user_id", "competency_id", "level", "kind", "occurred_at")
        for user_id, competency_id, level, kind, occurred_at in rows.iterator(chunk_size=5000):
            if (user_id, competency_id) in wanted:
                proofs[(user_id, competency_id)].append(Proof(level, kind, occurred_at))
        for pair, pair_proofs in proofs.items():
            for day in wanted[pair]:
                result[(*pair, day)] = level_from([p for p in pair_proofs if p.occurred_at.date() <= day], as_of=day)
    return result
