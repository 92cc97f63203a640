"""The ambassador rules are the académie's: who reads and changes them, and who counts as a manager."""

from html import unescape

import pytest

from ambassadors.models import AmbassadorPolicy
from lms.models import Academie
from lms.scope import is_manager, may_set_ambassador_rules
from tests.conftest import PASSWORD, make_user

RULES = "/competences/ambassadeurs/regles/"
GOOD = {
    "required_level": 5,
    "recency_days": 365,
    "min_modules_completed": 1,
    "min_competencies": 3,
    "min_domains": 2,
    "max_per_school": 2,
}


@pytest.fixture
def academie_manager(departement):
    return make_user("academie@example.fr", role="manager", scope_academie=departement.academie)


@pytest.fixture
def national(db):
    return make_user("national@example.fr", role="admin")


def test_a_departement_manager_neither_reads_nor_changes_the_rules(client, departement, manager):
    client.login(email=manager.email, password=PASSWORD)
    response = client.get(RULES)
    assert response.status_code == 403
    html = unescape(response.content.decode())
    assert "seuls les gestionnaires de l'académie" in html and "Val-d'Oise" in html
    assert client.post(RULES, GOOD).status_code == 403
    assert not AmbassadorPolicy.objects.exists()
    # The ambassadors page itself stays theirs, without the link to the rules.
    page = client.get("/competences/ambassadeurs/")
    assert page.status_code == 200 and RULES not in page.content.decode()


def test_the_academie_manager_reads_and_changes_them(client, departement, academie_manager):
    client.login(email=academie_manager.email, password=PASSWORD)
    assert RULES in client.get("/competences/ambassadeurs/").content.decode()
    response = client.get(RULES)
    assert response.status_code == 200 and "Versailles" in response.content.decode()
    assert client.post(RULES, GOOD).status_code == 302
    assert AmbassadorPolicy.objects.get(academie=departement.academie).max_per_school == 2


def test_a_national_manager_picks_the_academie(client, departement, national):
    other = Academie.objects.create(code="24", name="Créteil")
    client.login(email=national.email, password=PASSWORD)
    assert RULES in client.get("/competences/ambassadeurs/").content.decode()
    chooser = client.get(RULES).content.decode()
    assert 'name="academie"' in chooser and "Créteil" in chooser and "Versailles" in chooser
    assert client.post(f"{RULES}?academie=24", GOOD).status_code == 302
    assert AmbassadorPolicy.objects.get().academie == other


def test_a_teacher_gets_403(client, teacher):
    client.login(email=teacher.email, password=PASSWORD)
    response = client.get(RULES)
    assert response.status_code == 403
    assert "réservée aux gestionnaires" in response.content.decode()


def test_one_rule_says_who_is_a_manager(client, departement, manager, academie_manager, national, teacher):
    """The maps and the ambassadors pages let in exactly the same people."""
    trainer = make_user("formatrice@example.fr", role="trainer")
    for user, expected in (
        (manager, True),
        (academie_manager, True),
        (national, True),
        (teacher, False),
        (trainer, False),
    ):
        assert is_manager(user) is expected
        client.login(email=user.email, password=PASSWORD)
        for path in ("/competences/ambassadeurs/", "/competences/pilotage/"):
            status = client.get(path).status_code
            assert (status == 200) is expected, f"{user.email} on {path}: {status}"
    assert [may_set_ambassador_rules(u) for u in (manager, academie_manager, national, teacher)] == [
        False,
        True,
        True,
        False,
    ]
