import json

import pytest
from django.core.management import call_command

from lms.models import Academie, Departement
from lms.territories import DATA_DIR, territories_load

pytestmark = pytest.mark.django_db


def test_loads_the_30_academies_and_101_departements_with_the_12_tne():
    counts = territories_load()

    assert counts["academies"] == Academie.objects.count() == 30
    assert counts["departements"] == Departement.objects.count() == 101
    assert counts["tne"] == Departement.objects.filter(is_tne=True).count() == 12
    assert counts["created"] == 131


def test_is_idempotent():
    territories_load()

    counts = territories_load()

    assert (counts["created"], counts["updated"], counts["unchanged"]) == (0, 0, 131)
    assert Departement.objects.count() == 101


def test_names_come_from_the_geojson_and_academies_from_academies_json():
    territories_load()

    val_de_marne = Departement.objects.select_related("academie").get(code="94")
    assert (val_de_marne.name, val_de_marne.academie.name, val_de_marne.is_tne) == ("Val-de-Marne", "Créteil", False)
    corse_du_sud = Departement.objects.get(code="2A")
    assert (corse_du_sud.name, corse_du_sud.academie.name, corse_du_sud.is_tne) == ("Corse-du-Sud", "Corse", True)
    guadeloupe = Departement.objects.get(code="971")
    assert guadeloupe.is_tne and guadeloupe.academie.code == "32"
    assert Departement.objects.get(code="976").academie.name == "Mayotte"


def test_tne_departements_are_in_the_academie_tne_json_says():
    territories_load()
    tne = json.loads((DATA_DIR / "tne.json").read_text(encoding="utf-8"))["departements"]

    for item in tne:
        departement = Departement.objects.select_related("academie").get(code=item["code"])
        assert departement.is_tne
        assert departement.academie.code == item["academie_code"]
        assert departement.name == item["name"]


def test_a_second_load_puts_back_the_reference_values():
    territories_load()
    Departement.objects.filter(code="94").update(name="Val de Marne (modifié)", is_tne=True)

    counts = territories_load()

    assert counts["updated"] == 1
    assert Departement.objects.values_list("name", "is_tne").get(code="94") == ("Val-de-Marne", False)


def test_command_prints_the_counts(capsys):
    call_command("load_territories")

    out = capsys.readouterr().out
    assert "30 académies, 101 départements (dont 12 TNE)" in out
    assert "131 créés" in out
