import pytest

from lms.territories import territories_load


@pytest.fixture
def territories(db):
    """The 30 académies and 101 départements."""
    return territories_load()
