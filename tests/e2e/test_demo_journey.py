"""The foundation's journey, as a new user would do it on the demo territory.

The demo teacher logs in, enrols, completes a step, passes a quiz, answers the reaction questionnaire,
completes the module; "Mes compétences" shows the new level; the manager's dashboard shows
the change for that teacher's school.
"""

import re

import pytest

from courses.demo import DEMO_DOMAIN, DEMO_PASSWORD, demo_load
from lms.models import Membership
from tests.conftest import wagtail_root

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def login(page, base, email):
    page.goto(f"{base}/comptes/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.get_by_role("button", name=re.compile("Se connecter", re.I)).click()
    page.wait_for_load_state("networkidle")


def logout(page, base):
    page.context.clear_cookies()


def dashboard_value(page, base, uai, domain_code):
    """The school's mean level in a domain, as the manager's maps show it when they drill into the school.

    The maps read derived tables: refresh them as the level services do after a change.
    """
    from maps.stats import stats_refresh

    stats_refresh(None)
    page.goto(f"{base}/competences/pilotage/?ecole={uai}&referentiel=crcn-edu")
    tile = page.locator(f'li[data-domain="{domain_code}"]')
    return float(tile.get_attribute("data-value"))


def test_teacher_journey_changes_levels_and_dashboard(page, live_server):
    wagtail_root()
    demo_load(teachers_per_school=5, with_history=False)
    base = live_server.url
    teacher_email = f"enseignante@{DEMO_DOMAIN}"
    school = Membership.objects.get(user__email=teacher_email).school

    # The manager's view before: domain 3 (Enseignement - Apprentissage) of the teacher's school.
    login(page, base, f"gestionnaire@{DEMO_DOMAIN}")
    before = dashboard_value(page, base, school.uai, "3")
    logout(page, base)

    login(page, base, teacher_email)
    page.goto(base + "/")
    page.get_by_role("link", name="Enseigner en hybride : premiers pas").click()
    page.get_by_role("button", name=re.compile("inscrire à ce parcours")).click()
    page.get_by_text("Vous êtes inscrit").first.wait_for()
    page.get_by_role("link", name="Concevoir une séance hybride").click()

    page.get_by_role("button", name="J'ai terminé cette étape").click()
    page.get_by_text("À faire maintenant").wait_for()
    page.get_by_text("Le temps à distance", exact=True).click()  # DSFR styles the label, not the input
    page.get_by_text("Des consignes claires et un retour", exact=True).click()
    assert page.get_by_role("radio", name="Le temps à distance", exact=True).is_checked()
    page.get_by_role("button", name="Valider mes réponses").click()
    page.get_by_text(re.compile("Quiz réussi : 2 bonne")).wait_for()
    # The module ends with its reaction questionnaire: answered as a teacher would.
    survey = page.locator('[data-activity-type="questionnaire"]')
    survey.get_by_role("group", name=re.compile("Ce module m'a été utile")).get_by_text(
        "Tout à fait d'accord", exact=True
    ).click()
    survey.get_by_role("group", name=re.compile("Je pourrai appliquer")).get_by_text(
        "Plutôt d'accord", exact=True
    ).click()
    survey.get_by_role("group", name=re.compile("contenus et les consignes")).get_by_text(
        "Plutôt d'accord", exact=True
    ).click()
    survey.get_by_role("group", name=re.compile("La durée du module")).get_by_text("Adaptée", exact=True).click()
    survey.get_by_role("button", name="Envoyer mes réponses").click()
    page.get_by_text("Merci : vos réponses sont enregistrées.").wait_for()
    page.get_by_role("button", name="Terminer le module").click()
    page.get_by_text(re.compile("terminé. Bravo")).wait_for()

    page.get_by_role("link", name="Mes compétences").first.click()
    row = page.locator('table[data-framework="crcn-edu"] tr[data-competency="3.1"] td.level')
    assert row.get_attribute("data-level") == "3"
    assert "Confirmé" in row.inner_text()
    logout(page, base)

    login(page, base, f"gestionnaire@{DEMO_DOMAIN}")
    after = dashboard_value(page, base, school.uai, "3")
    # 6 teachers, domain 3 has 3 competencies: the teacher's 3.1 at level 3 adds 3 / 18.
    assert after == pytest.approx(before + round(3 / 18, 2), abs=0.01)
    assert page.locator(".js-plotly-plot").count() >= 4
