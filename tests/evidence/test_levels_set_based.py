"""The daily refresh and the rebuild compute every level at once (in SQL on PostgreSQL): the same
levels as the incremental path's `levels.level_from`, on random evidence of every kind and age."""

import random
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from evidence.levels import KIND_WEIGHTS
from evidence.models import CompetencyState, Evidence, LevelChange
from evidence.services import levels_refresh, levels_update
from frameworks.models import Competency
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

AS_OF = date(2026, 11, 22)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_set_based_levels_equal_pair_by_pair_levels(frameworks, seed):
    rng = random.Random(seed)
    users = [make_user(f"e{seed}-{i}@example.fr") for i in range(25)]
    competencies = list(Competency.objects.filter(framework__slug="crcn-edu")[:8])
    rows = []
    for _ in range(2500):
        # Ages from the future (clock skew) to five years, around the 90-day steps and the 3-year validity.
        days = rng.choice([-3, 0, 1, 89, 90, 91, 179, 180, 364, 719, 720, 1094, 1095, 1096, 1200, 1800])
        days += rng.randrange(-2, 3)
        occurred = datetime.combine(AS_OF - timedelta(days=days), datetime.min.time(), tzinfo=UTC) + timedelta(
            seconds=rng.randrange(86400)
        )
        rows.append(
            Evidence(
                statement_id=uuid.uuid4(),
                user=rng.choice(users),
                competency=rng.choice(competencies),
                level=rng.randint(0, 5),
                kind=rng.choice(list(KIND_WEIGHTS)),
                occurred_at=occurred,
            )
        )
    Evidence.objects.bulk_create(rows)
    pairs = {(e.user_id, e.competency_id) for e in rows}

    levels_update(pairs=pairs, as_of=AS_OF)
    expected = sorted(CompetencyState.objects.values_list("user_id", "competency_id", "level", "evidence_at"))
    assert len({lv for *_, lv, _at in expected}) >= 3  # several levels reached, not a trivial history

    assert levels_refresh(as_of=AS_OF) == 0  # same evidence, same day: nothing changes
    assert sorted(CompetencyState.objects.values_list("user_id", "competency_id", "level", "evidence_at")) == expected

    CompetencyState.objects.all().delete()
    LevelChange.objects.all().delete()
    assert levels_refresh(as_of=AS_OF) == len(expected)
    assert sorted(CompetencyState.objects.values_list("user_id", "competency_id", "level", "evidence_at")) == expected
    assert LevelChange.objects.filter(previous=0).count() == len(expected)

    # A year later every level is computed again by both paths, and they still agree.
    later = AS_OF + timedelta(days=365)
    changed = levels_refresh(as_of=later)
    after_refresh = sorted(CompetencyState.objects.values_list("user_id", "competency_id", "level", "evidence_at"))
    CompetencyState.objects.all().delete()
    levels_update(pairs=pairs, as_of=later)
    assert sorted(CompetencyState.objects.values_list("user_id", "competency_id", "level", "evidence_at")) == (
        after_refresh
    )
    assert changed > 0  # evidence aged: some levels fell
