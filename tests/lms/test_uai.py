import pytest

from lms.models import uai_is_valid
from tests.lms.factories import uai_make


@pytest.mark.parametrize(
    ("uai", "valid"),
    [
        ("0940176F", True),  # Ecole élémentaire Robert Doisneau, Fresnes
        ("0350122T", True),  # Ille-et-Vilaine, 2023 export
        ("0940176A", False),  # wrong check letter
        ("0940176f", False),  # the letter is upper case
        ("094017F", False),  # 6 digits
        ("09401766", False),  # no letter
        ("0940176FF", False),
        ("", False),
        (None, False),
    ],
)
def test_uai_is_valid(uai, valid):
    assert uai_is_valid(uai) is valid


def test_corsican_uais_are_numeric_with_a_620_or_720_prefix():
    # Corsica's UAIs keep the pre-1976 département number 20, written 620 / 720.
    corse_du_sud = uai_make(departement_code="2A", number=1)
    haute_corse = uai_make(departement_code="2B", number=42)

    assert corse_du_sud.startswith("620") and haute_corse.startswith("720")
    assert uai_is_valid(corse_du_sud) and uai_is_valid(haute_corse)
    assert not uai_is_valid("2A00001" + corse_du_sud[-1])
    assert not uai_is_valid(corse_du_sud[:7] + ("A" if corse_du_sud[-1] != "A" else "B"))


@pytest.mark.parametrize("code", ["01", "94", "2A", "2B", "971", "976"])
def test_uai_make_gives_valid_uais(code):
    for number in (0, 1, 176, 9999, 10_001):
        assert uai_is_valid(uai_make(departement_code=code, number=number))
