"""Finding one's school by UAI, name or commune."""

import pytest

from lms.selectors import schools_search
from tests.conftest import make_school

pytestmark = pytest.mark.django_db


@pytest.fixture
def schools(departement):
    ferry = make_school(departement, "0951001X", "École Jules Ferry")
    college = make_school(departement, "0950002J", "Collège Jules Verne", kind="college")
    closed = make_school(departement, "0951003L", "École fermée")
    closed.is_open = False
    closed.save()
    return ferry, college


def test_by_uai_prefix_name_words_and_commune(schools):
    ferry, college = schools
    assert list(schools_search(query="0951001x")) == [ferry]
    assert list(schools_search(query="095")) == [college, ferry]  # by UAI
    assert list(schools_search(query="jules")) == [college, ferry]  # by name
    assert list(schools_search(query="ferry cergy")) == [ferry]  # every word, in the name or the commune
    assert list(schools_search(query="ECOLE jules")) == [ferry]  # whatever the accents and case
    assert list(schools_search(query="école")) == [ferry]
    assert list(schools_search(query="collège")) == [college]
    assert list(schools_search(query="jules (")) == []  # typed punctuation is text, not a pattern
    assert list(schools_search(query="   ")) == []
    assert list(schools_search(query="fermée")) == []  # closed schools are not offered


def test_results_are_bounded(departement):
    for number in range(30):
        uai = f"095{number:04d}"
        make_school(departement, uai + "ABCDEFGHJKLMNPRSTUVWXYZ"[int(uai) % 23], f"École {number}")
    assert len(schools_search(query="école")) == 20
