"""Fixtures of the competencies tests."""

import pytest

from maps.stats import stats_refresh
from tests.factories import build_territory


@pytest.fixture
def territory(frameworks):
    """A generated territory (schools, teachers, evidence, levels, proposals) with its maps' aggregates."""
    schools = build_territory()
    stats_refresh(None)
    return schools
