"""The national benchmark's generator gives teachers TNE-like histories: at full scale at least
2 million levels for 850,000 teachers (issue #20).

The generator's histories are derived here by the Python rules (`evidence.derive`, `levels.level_from`,
what SQLite runs and what the SQL is tested against), for a few hundred teachers given the full
store's statements per teacher: the levels per teacher must reach the full-scale ratio.
"""

import random
import uuid
from collections import defaultdict
from datetime import UTC, datetime

import pytest
from django.conf import settings
from django.core.management import call_command

from bench import national
from evidence.derive import derive
from evidence.levels import Proof, level_from
from xapi.services import default_authority

pytestmark = pytest.mark.django_db

TEACHERS = 400


def _levels(statements: list[dict], users: dict[str, int], now: datetime) -> dict[tuple[int, int], int]:
    items, _modules = derive(
        [(data, datetime.fromisoformat(data["timestamp"].replace("Z", "+00:00"))) for data in statements],
        users=users,
    )
    proofs = defaultdict(list)
    for item in items:
        proofs[(item.user_id, item.competency_id)].append(Proof(item.level, item.kind, item.occurred_at))
    levels = {pair: level_from(found, as_of=now.date()) for pair, found in proofs.items()}
    return {pair: level for pair, level in levels.items() if level > 0}


def test_generated_histories_hold_the_full_scale_levels_per_teacher():
    call_command("load_frameworks", verbosity=0)
    rng = random.Random(3)
    teachers = [(pk, str(uuid.UUID(int=rng.getrandbits(128), version=4))) for pk in range(1, TEACHERS + 1)]
    per_teacher = national.FULL["statements"] / national.FULL["teachers"]
    count = round(per_teacher * TEACHERS)
    now = datetime.now(tz=UTC)
    authority = default_authority()
    statements = []
    for data in national.histories(
        random.Random(58),
        teachers,
        count,
        competencies=national.framework_iris(),
        base=settings.RELAIS_BASE_URL,
        competency_base=settings.RELAIS_COMPETENCY_BASE_IRI,
        now=now,
    ):
        statements.append({**data, "authority": authority})
    assert len(statements) == count  # the store's size is kept: the density comes from the histories
    levels = _levels(statements, {uuid: pk for pk, uuid in teachers}, now)
    ratio = len(levels) / TEACHERS
    assert ratio >= national.LEVELS_PER_TEACHER_MIN, f"{ratio:.2f} levels per teacher"
    # Many competencies per teacher who trains, not one each.
    per_user = defaultdict(int)
    for user_id, _competency in levels:
        per_user[user_id] += 1
    assert sum(per_user.values()) / len(per_user) >= 5
