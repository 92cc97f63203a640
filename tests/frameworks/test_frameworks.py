import pytest

from frameworks.models import Competency, Domain, Framework, Level
from frameworks.services import frameworks_load_shipped

pytestmark = pytest.mark.django_db


def test_shipped_frameworks_load_idempotently():
    first = frameworks_load_shipped()
    assert {r.slug: (r.domains, r.competencies, r.levels) for r in first} == {
        "crcn": (5, 16, 8),
        "crcn-edu": (5, 16, 5),
    }
    counts = (Framework.objects.count(), Domain.objects.count(), Competency.objects.count(), Level.objects.count())
    second = frameworks_load_shipped()
    assert all(r.created == 0 for r in second)
    assert counts == (2, 10, 32, 13)
    assert (
        Framework.objects.count(),
        Domain.objects.count(),
        Competency.objects.count(),
        Level.objects.count(),
    ) == counts


def test_competency_iris_and_codes():
    frameworks_load_shipped()
    competency = Competency.objects.get(framework__slug="crcn", code="1.1")
    assert competency.iri == "http://127.0.0.1:8000/competencies/crcn/1.1"
    assert competency.lsu_code == "CN_INF_MEN"
    assert Level.objects.get(framework__slug="crcn-edu", number=5).label == "Expert"


def test_english_names_are_loaded_idempotently_and_shown_in_english_only():
    from django.utils import translation

    frameworks_load_shipped()
    # Rows loaded before the English names existed (blank) are filled by the next load, not duplicated.
    Competency.objects.filter(framework__slug="crcn").update(name_en="")
    frameworks_load_shipped()
    assert not Competency.objects.filter(name_en="").exists()
    assert not Domain.objects.filter(name_en="").exists()
    assert not Level.objects.filter(label_en="").exists()
    assert not Framework.objects.filter(title_en="").exists()
    assert Competency.objects.count() == 32
    # DigComp 2.2's official names where a CRCN competency corresponds; DigCompEdu's for CRCN Édu.
    searching = Competency.objects.get(framework__slug="crcn", code="1.1")
    assert searching.name_en == "Browsing, searching and filtering data, information and digital content"
    assert Competency.objects.get(framework__slug="crcn", code="4.2").name_en == "Protecting personal data and privacy"
    assert Competency.objects.get(framework__slug="crcn-edu", code="1.5").name_en == "Reflective practice"
    crcn3 = Level.objects.get(framework__slug="crcn", number=3)
    edu2 = Level.objects.get(framework__slug="crcn-edu", number=2)
    with translation.override("fr"):
        assert searching.name_display() == "Mener une recherche et une veille d'information"
        assert crcn3.name_display() == "Niveau 3 — Indépendant"
        assert edu2.name_display() == "Niveau 2 — Confirmé (formation initiale)"
        assert searching.domain.name_display() == "Information et données"
    with translation.override("en"):
        assert searching.name_display() == searching.name_en
        assert searching.description_display().startswith("Searching for and monitoring information")
        assert crcn3.name_display() == "Level 3 — Independent"
        assert edu2.name_display() == "Level 2 — Proficient (initial training)"
        assert searching.domain.name_display() == "Information and data literacy"
        # A blank English name falls back to the French.
        searching.name_en = ""
        assert searching.name_display() == "Mener une recherche et une veille d'information"


def test_case_package_has_an_english_variant(client):
    frameworks_load_shipped()
    french = client.get("/competencies/crcn/case.json").json()
    english = client.get("/competencies/crcn/case.json?lang=en").json()
    assert french["CFDocument"]["language"] == "fr" and english["CFDocument"]["language"] == "en"
    assert english["CFDocument"]["title"] == "Digital competence reference framework (CRCN)"
    statements = {item["humanCodingScheme"]: item["fullStatement"] for item in english["CFItems"]}
    assert statements["1.1"] == "Browsing, searching and filtering data, information and digital content"
    assert {item["identifier"] for item in english["CFItems"]} == {item["identifier"] for item in french["CFItems"]}
    assert {i["humanCodingScheme"]: i["fullStatement"] for i in french["CFItems"]}["1.1"].startswith("Mener")
