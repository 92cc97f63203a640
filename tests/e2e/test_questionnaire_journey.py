"""Évaluation in itinere, the teacher's side, in Chromium: she completes a module ending with its reaction
questionnaire (errors beside their question on a phone, then answered at 1280 px), completes the course;
weeks later the follow-up e-mail arrives and its link opens the follow-up questionnaire, whose answers are
stored. axe-clean; screenshots questionnaire-{phone,desktop} for docs/screenshots/."""

import re
from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core import mail

from courses import services
from courses.models import Certificate
from courses.tasks import follow_ups_send
from questionnaires.models import QuestionnaireAnswer, QuestionnaireResponse
from tests.conftest import PASSWORD, block_ids
from tests.e2e.test_accessibility import blocking_violations, format_violations, new_context
from tests.e2e.test_learning_experience import SCREENSHOTS
from tests.questionnaires.conftest import survey_module, survey_teacher  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def login(page, base, email):
    page.goto(f"{base}/comptes/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state("networkidle")
    assert "/comptes/login/" not in page.url, f"login failed for {email}"


def test_reaction_then_follow_up_questionnaire(browser, live_server, module, survey_module, survey_teacher):  # noqa: F811
    base = live_server.url
    teacher = survey_teacher
    # The course's first module is done already; the one ending with the questionnaire is left.
    ids = block_ids(module)
    services.content_step_complete(user=teacher, module=module, block_id=ids["content_step"])
    services.quiz_submit(user=teacher, module=module, block_id=ids["quiz"], answers={0: [0], 1: [0, 2]})
    services.module_complete(user=teacher, module=module)
    axe = Axe()
    found = []

    def check(page, label, width):
        page.wait_for_load_state("networkidle")
        violations = blocking_violations(axe, page)
        if violations:
            found.append((f"{label} ({width} px)", violations))
        assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{label} overflows {width} px"

    # On a phone: sent half-answered, each missing answer is said beside its own question.
    context = new_context(browser, base=base, width=375, height=812)
    page = context.new_page()
    login(page, base, teacher.email)
    page.goto(base + survey_module.url)
    page.get_by_role("button", name="J'ai terminé cette étape").click()
    page.wait_for_load_state("networkidle")
    survey = page.locator('[data-activity-type="questionnaire"]')
    survey.get_by_role("group", name=re.compile("Ce module m'a été utile")).get_by_text(
        "Tout à fait d'accord", exact=True
    ).click()
    survey.get_by_role("button", name="Envoyer mes réponses").click()
    page.wait_for_load_state("networkidle")
    errors = survey.locator("[data-question-error]")
    assert errors.count() == 3  # applicable, clair, durée; the remark is optional
    applicable = survey.get_by_role("group", name=re.compile("Je pourrai appliquer"))
    assert "Cette question demande une réponse." in applicable.inner_text()
    assert (
        survey.get_by_role("group", name=re.compile("Ce module m'a été utile"))
        .get_by_label("Tout à fait d'accord")
        .is_checked()
    )
    check(page, "reaction questionnaire with errors", 375)
    survey.screenshot(path=str(SCREENSHOTS / "questionnaire-phone.png"))
    context.close()

    # At 1280 px: answered, thanked, and the module (the course's last) completed.
    context = new_context(browser, base=base, width=1280, height=900)
    page = context.new_page()
    login(page, base, teacher.email)
    page.goto(base + survey_module.url)
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
    survey.get_by_label("Votre réponse").fill("Des exemples très concrets.")
    survey.get_by_role("button", name="Envoyer mes réponses").click()
    page.wait_for_load_state("networkidle")
    page.get_by_text("Merci : vos réponses sont enregistrées.").wait_for()
    check(page, "reaction questionnaire answered", 1280)
    page.get_by_role("button", name="Terminer le module").click()
    page.wait_for_load_state("networkidle")
    reaction = QuestionnaireResponse.objects.get(user=teacher, kind="reaction")
    assert {a.question_key: a.value for a in reaction.answers.all()} == {
        "utile": "likert_5",
        "applicable": "likert_4",
        "clair": "likert_4",
        "duree": "1",
        "remarque": "Des exemples très concrets.",
    }

    # Seven weeks later (the course waits six), the daily task sends the follow-up e-mail, once.
    certificate = Certificate.objects.get(user=teacher, course=survey_module.course)
    Certificate.objects.filter(pk=certificate.pk).update(completed_at=certificate.completed_at - timedelta(weeks=7))
    follow_ups_send.delay()
    follow_ups_send.delay()
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/suivi/\S+/", mail.outbox[0].body).group(0)
    path = "/" + link.split("/", 3)[3]
    page.goto(base + path)
    page.get_by_role("heading", name="Et maintenant, dans votre classe ?", level=1).wait_for()
    check(page, "follow-up questionnaire", 1280)
    page.screenshot(path=str(SCREENSHOTS / "questionnaire-desktop.png"), full_page=True)
    page.get_by_role("group", name=re.compile("mis en œuvre")).get_by_text("Oui, une ou deux fois", exact=True).click()
    practices = page.get_by_role("group", name=re.compile("Qu'avez-vous fait"))
    practices.get_by_text("Différencié avec le numérique", exact=True).click()
    practices.get_by_text("Partagé ces pratiques avec des collègues", exact=True).click()
    page.get_by_role("group", name=re.compile("aidé mes élèves")).get_by_text("Plutôt d'accord", exact=True).click()
    page.get_by_role("button", name="Envoyer mes réponses").click()
    page.get_by_role("heading", name="Merci !", level=1).wait_for()
    check(page, "follow-up thanks", 1280)
    page.goto(base + path)  # the link again: answered already
    page.get_by_text("Vous avez déjà répondu à ce questionnaire").wait_for()
    context.close()

    follow_up = QuestionnaireResponse.objects.get(user=teacher, kind="follow_up")
    answers = {a.question_key: a for a in QuestionnaireAnswer.objects.filter(response=follow_up)}
    assert answers["mise_en_oeuvre"].value == "1"
    assert answers["pratiques"].choices == [2, 4]
    assert answers["effet_eleves"].score == 4
    assert "freins" not in answers and "exemple" not in answers
    assert not found, "axe-core found serious or critical violations:" + format_violations(found)
