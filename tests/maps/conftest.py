"""Fixtures of the competencies tests."""

import pytest

from maps import sql
from tests.factories import build_territory


@pytest.fixture
def territory(frameworks):
    """A generated territory (schools, teachers, evidence, levels, proposals) with its maps' aggregates.

    Rebuilt as `stats_refresh(None)` does, without its lock: that lock would be held by the test's
    transaction to its end, and a test that plays another refresh's session must be able to take it.
    """
    schools = build_territory()
    sql.aggregates_rebuild()
    return schools
