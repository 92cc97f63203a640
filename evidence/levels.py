"""The level rule: from a teacher's evidence in one competency to their level. Pure functions.

Each piece of evidence says "level L was shown", with a weight set by its kind
(a certified result or a scored assessment counts most, attendance least). It
keeps that weight for its first quarter (AGE_STEP_DAYS), then loses a step
every quarter, so that it weighs half after HALF_LIFE_DAYS (two years). A teacher holds level L when the evidence
for L *or above* weighs at least THRESHOLD; their level is the highest such L.

Weights are whole numbers (thousandths), so sums are exact: the result does not
depend on the order of the evidence, and removing evidence never raises it.
Age is counted in whole days up to `as_of`, so a level computed incrementally
and one rebuilt the same day are equal.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

THRESHOLD = 1000
AGE_STEP_DAYS = 90
HALF_LIFE_STEPS = 8
HALF_LIFE_DAYS = AGE_STEP_DAYS * HALF_LIFE_STEPS
# Pix certifications are valid three years: no decay before that.
CERTIFIED_VALID_DAYS = 3 * 365
KIND_WEIGHTS = {
    "certified": 1000,
    "assessment": 1000,
    "validated_task": 800,
    "completion": 500,
    "attendance": 250,
}


@dataclass(frozen=True)
class Proof:
    level: int
    kind: str
    occurred_at: datetime


def proof_weight(proof: Proof, *, as_of: date) -> int:
    """The weight of one piece of evidence on `as_of`, in thousandths."""
    base = KIND_WEIGHTS.get(proof.kind, 0)
    age = max(0, (as_of - proof.occurred_at.date()).days)
    if proof.kind == "certified":
        age = max(0, age - CERTIFIED_VALID_DAYS)
    return int(base * 0.5 ** ((age // AGE_STEP_DAYS) / HALF_LIFE_STEPS))


def level_from(proofs: Iterable[Proof], *, as_of: date) -> int:
    """The highest level whose evidence (that level or above) reaches THRESHOLD; 0 if none."""
    weight_at: dict[int, int] = {}
    for proof in proofs:
        if proof.level > 0:
            weight_at[proof.level] = weight_at.get(proof.level, 0) + proof_weight(proof, as_of=as_of)
    support = 0
    for level in sorted(weight_at, reverse=True):
        support += weight_at[level]
        if support >= THRESHOLD:
            return level
    return 0
