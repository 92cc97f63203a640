"""xapi.versions and the comparison of durations: the pure functions behind xAPI 2.0 beside 1.0.3."""

import pytest

from xapi.canonical import duration_to_hundredths
from xapi.versions import V1, V2, current, negotiate, speaking, statement_for_version

AGENTS = [{"objectType": "contextAgent", "agent": {"mbox": "mailto:a@example.fr"}}]


@pytest.mark.parametrize(
    ("header", "version"),
    [("2.0.0", V2), ("2.0", V2), (" 2.0.12 ", V2), ("1.0", V1), ("1.0.3", V1), ("1.0.9", V1)]
    + [(bad, None) for bad in ("2.1.0", "2", "1.1", "0.95", "2.0.0-rc", "", "v2.0.0")],
)
def test_negotiate(header, version):
    assert negotiate(header) == version


def test_speaking_sets_the_version_for_a_block_only():
    assert current() == V1
    with speaking(V2):
        assert current() == V2
        with speaking(V1):
            assert current() == V1
        assert current() == V2
    assert current() == V1


def test_a_2_0_statement_for_a_1_0_3_reader_leaves_the_stored_one_alone():
    stored = {
        "version": "2.0.0",
        "context": {"registration": "r", "contextAgents": AGENTS, "contextGroups": []},
        "object": {"objectType": "SubStatement", "context": {"contextAgents": AGENTS, "language": "fr"}},
    }
    old = statement_for_version(stored, V1)
    assert old == {
        "version": "1.0.0",
        "context": {"registration": "r"},
        "object": {"objectType": "SubStatement", "context": {"language": "fr"}},
    }
    assert stored["context"]["contextAgents"] == AGENTS and stored["object"]["context"]["contextAgents"] == AGENTS
    assert statement_for_version(stored, V2) is stored
    plain = {"version": "1.0.3", "object": {"id": "x"}}
    assert statement_for_version(plain, V1) is plain


@pytest.mark.parametrize(
    ("duration", "comparable"),
    [
        ("P1DT12H36M0.1237S", "P1DT12H36M0.12S"),
        ("PT1.239S", "PT1.23S"),  # truncated, not rounded
        ("PT1S", "PT1.00S"),
        ("PT01.5S", "PT1.50S"),
        ("PT1,5S", "PT1.50S"),
        ("P1D", "P1D"),
        ("PT5M", "PT5M"),
        ("P2W", "P2W"),
    ],
)
def test_durations_compare_to_the_hundredth(duration, comparable):
    assert duration_to_hundredths(duration) == comparable
