"""The level rule (competencies/levels.py): hand-built histories and properties."""

import random
from datetime import UTC, date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from evidence.levels import HALF_LIFE_DAYS, THRESHOLD, Proof, level_from, proof_weight

TODAY = date(2026, 11, 22)


def at(days_ago: int) -> datetime:
    return datetime.combine(TODAY - timedelta(days=days_ago), datetime.min.time(), tzinfo=UTC)


def test_one_scored_assessment_is_enough():
    assert level_from([Proof(4, "assessment", at(0))], as_of=TODAY) == 4


def test_a_completion_alone_is_not_enough_two_are():
    assert level_from([Proof(3, "completion", at(0))], as_of=TODAY) == 0
    assert level_from([Proof(3, "completion", at(0)), Proof(3, "completion", at(5))], as_of=TODAY) == 3


def test_attendance_weighs_least():
    four = [Proof(2, "attendance", at(i)) for i in range(4)]
    assert level_from(four[:3], as_of=TODAY) == 0
    assert level_from(four, as_of=TODAY) == 2


def test_validated_task_needs_support():
    assert level_from([Proof(4, "validated_task", at(0))], as_of=TODAY) == 0
    assert level_from([Proof(4, "validated_task", at(0)), Proof(3, "completion", at(0))], as_of=TODAY) == 3
    assert level_from([Proof(4, "validated_task", at(0)), Proof(4, "attendance", at(0))], as_of=TODAY) == 4


def test_higher_evidence_supports_lower_levels():
    # Level 5 shown once by a completion, level 3 by another: together they hold level 3, not 5.
    assert level_from([Proof(5, "completion", at(0)), Proof(3, "completion", at(0))], as_of=TODAY) == 3


def test_old_evidence_weighs_less():
    assert proof_weight(Proof(3, "assessment", at(HALF_LIFE_DAYS)), as_of=TODAY) == THRESHOLD // 2
    assert level_from([Proof(4, "assessment", at(HALF_LIFE_DAYS))], as_of=TODAY) == 0
    recent = Proof(3, "assessment", at(1))
    assert level_from([Proof(4, "assessment", at(HALF_LIFE_DAYS)), recent], as_of=TODAY) == 3


def test_certified_results_do_not_age_for_three_years():
    assert level_from([Proof(5, "certified", at(3 * 365 - 1))], as_of=TODAY) == 5
    assert level_from([Proof(5, "certified", at(3 * 365 + HALF_LIFE_DAYS))], as_of=TODAY) == 0


def test_future_dated_evidence_counts_as_today():
    assert proof_weight(Proof(2, "assessment", at(-10)), as_of=TODAY) == 1000


proofs = st.lists(
    st.builds(
        Proof,
        level=st.integers(min_value=1, max_value=8),
        kind=st.sampled_from(["certified", "assessment", "validated_task", "completion", "attendance"]),
        occurred_at=st.integers(min_value=0, max_value=2000).map(at),
    ),
    max_size=40,
)


@settings(max_examples=300, deadline=None)
@given(proofs, st.randoms())
def test_level_does_not_depend_on_order(items, rnd):
    shuffled = list(items)
    rnd.shuffle(shuffled)
    assert level_from(shuffled, as_of=TODAY) == level_from(items, as_of=TODAY)


@settings(max_examples=300, deadline=None)
@given(proofs, st.data())
def test_removing_evidence_never_raises_a_level(items, data):
    if not items:
        return
    index = data.draw(st.integers(min_value=0, max_value=len(items) - 1))
    fewer = items[:index] + items[index + 1 :]
    assert level_from(fewer, as_of=TODAY) <= level_from(items, as_of=TODAY)


@settings(max_examples=100, deadline=None)
@given(proofs)
def test_level_never_exceeds_the_best_evidence(items):
    assert level_from(items, as_of=TODAY) <= max((p.level for p in items), default=0)


def test_random_histories_agree_with_a_naive_rule():
    """Cross-check against a direct reading of the rule on 2,000 random histories."""
    rng = random.Random(4)
    for _ in range(2000):
        items = [
            Proof(rng.randint(1, 5), rng.choice(["assessment", "completion", "attendance"]), at(rng.randint(0, 1500)))
            for _ in range(rng.randint(0, 8))
        ]
        naive = max(
            (
                level
                for level in range(1, 9)
                if sum(proof_weight(p, as_of=TODAY) for p in items if p.level >= level) >= THRESHOLD
            ),
            default=0,
        )
        assert level_from(items, as_of=TODAY) == naive
