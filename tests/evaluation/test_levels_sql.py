"""The levels at past dates computed by the database (`evaluation.sql.levels_at`) equal the Python
rule's (`level_history.levels_at_python`, `evidence.levels.level_from`) on evidence of every kind,
level and age, around the quarter steps and a certification's validity."""

import random
import uuid
from datetime import UTC, date, datetime, timedelta

from evaluation.level_history import levels_at, levels_at_python
from evaluation.sql import weight_table
from evidence.levels import KIND_WEIGHTS
from evidence.models import Evidence
from frameworks.models import Competency
from tests.conftest import make_user


def test_sql_levels_equal_the_python_rule(frameworks):
    rng = random.Random(18)
    users = [make_user(f"l{i}@example.fr") for i in range(6)]
    competencies = list(Competency.objects.order_by("pk")[:3])
    start = date(2022, 1, 1)
    rows = []
    for user in users:
        for competency in competencies:
            for _ in range(rng.randint(0, 6)):
                day = start + timedelta(days=rng.randint(0, 4 * 365))
                rows.append(
                    Evidence(
                        statement_id=uuid.uuid4(),
                        user=user,
                        competency=competency,
                        level=rng.randint(0, 6),
                        kind=rng.choice(list(KIND_WEIGHTS)),
                        # Late in the UTC day too: the day is the UTC day on both sides.
                        occurred_at=datetime.combine(day, datetime.min.time(), tzinfo=UTC)
                        + timedelta(hours=rng.choice([0, 12, 23]), minutes=59),
                    )
                )
    Evidence.objects.bulk_create(rows)
    points = [
        (user.pk, competency.pk, start + timedelta(days=offset))
        for user in users
        for competency in competencies
        for offset in [-1, 0, 89, 90, 365, 730, 1095, 1184, 1185, 1500, 1900, 2600, 5000]
    ]
    expected = levels_at_python(points)
    assert any(expected.values())  # the history gives levels to compare
    assert levels_at(points) == expected


def test_weight_table_ends_at_zero_for_every_kind():
    table = weight_table()
    last = max(step for _kind, step, _weight in table)
    assert {kind for kind, step, weight in table if step == 0 and weight} == set(KIND_WEIGHTS)
    assert all(weight == 0 for _kind, step, weight in table if step == last)
