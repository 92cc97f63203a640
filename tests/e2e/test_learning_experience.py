"""The teacher's certificate (kept, verifiable by anyone from its code) and the quiz review beside each
question, walked in Chromium on a phone (375 px) and at 1280 px, in French and English, axe-clean;
screenshots for docs/screenshots/."""

import os
import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

from courses.models import Certificate
from tests.courses.factories import future_session_module
from tests.e2e.conftest import (
    ARTIFACTS,
    TEACHER,
    blocking_violations,
    codesign_site,
    format_violations,
    login,
    new_context,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# The docs' screenshots are refreshed on demand (RELAIS_UPDATE_SCREENSHOTS=1); otherwise they go with
# the other test artifacts, so that a test run leaves the tracked files alone.
SCREENSHOTS = (
    Path(__file__).resolve().parents[2] / "docs" / "screenshots"
    if os.environ.get("RELAIS_UPDATE_SCREENSHOTS")
    else ARTIFACTS
)
SCREENSHOTS.mkdir(exist_ok=True)


def test_certificate_verification_and_quiz_review(browser, live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    course, module, _session, _submission, other = codesign_site()
    base = live_server.url
    certificate = Certificate.objects.get(user__email=TEACHER, course=course)
    axe = Axe()
    found = []

    def check(page, label, width):
        page.wait_for_load_state("networkidle")
        violations = blocking_violations(axe, page)
        if violations:
            found.append((f"{label} ({width} px)", violations))
        assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{label} overflows {width} px"

    for width, suffix in ((375, "phone"), (1280, "desktop")):
        # The teacher reaches her certificate from the course page, and the verification link from it.
        context = new_context(browser, base=base, width=width, height=812 if width == 375 else 900)
        page = context.new_page()
        login(page, base, TEACHER)
        page.goto(base + course.url)
        page.get_by_role("link", name="Mon attestation de formation").click()
        page.get_by_text(certificate.code_display, exact=True).wait_for()
        check(page, "certificate", width)
        page.screenshot(path=str(SCREENSHOTS / f"certificate-{suffix}.png"), full_page=True)
        context.close()

        # Anyone, signed out, verifies it from the code (typed in the form).
        context = new_context(browser, base=base, width=width, height=812 if width == 375 else 900)
        page = context.new_page()
        page.goto(base + "/formations/attestations/verifier/")
        check(page, "verification form", width)
        page.get_by_label("Code de vérification").fill(certificate.code.lower())
        page.get_by_role("button", name="Vérifier").click()
        page.get_by_role("heading", name="Attestation valide").wait_for()
        assert course.title in page.content() and "Durand" not in page.content()
        check(page, "verification (valid)", width)
        page.screenshot(path=str(SCREENSHOTS / f"certificate-verify-{suffix}.png"), full_page=True)
        page.goto(base + "/formations/attestations/verifier/ABCD-EFGH-JKMN/")
        page.get_by_role("heading", name="Code inconnu").wait_for()
        check(page, "verification (unknown)", width)
        context.close()

    # English: the verification page is translated.
    context = new_context(browser, base=base, language="en", width=375, height=812)
    page = context.new_page()
    page.goto(f"{base}/formations/attestations/verifier/{certificate.code_display}/")
    page.get_by_role("heading", name="Valid certificate").wait_for()
    context.close()

    # The quiz on a phone: after a wrong attempt the result has the focus and is in view, and each
    # question carries its own review.
    context = new_context(browser, base=base, width=375, height=812)
    page = context.new_page()
    login(page, base, other.email)
    page.goto(base + module.url)
    quiz = page.locator('[data-activity-type="quiz"]')
    quiz.get_by_text("Donner des objectifs différents à chaque élève").click()
    quiz.get_by_text("La note finale").click()
    quiz.get_by_text("Faux", exact=True).click()
    quiz.get_by_label("Votre réponse").fill("Moodle")
    quiz.get_by_role("button", name="Valider mes réponses").click()
    page.wait_for_load_state("networkidle")
    focused = page.evaluate("document.activeElement.id")
    assert focused.startswith("resultat-"), f"the focus is on {focused!r}, not the result"
    box = page.locator(f"#{focused}").bounding_box()
    assert -2 <= box["y"] < 812, "the result is not in view"
    assert quiz.locator('[data-question-review="wrong"]').count() == 4
    check(page, "quiz review", 375)
    page.locator(f"#{focused}").screenshot(path=str(SCREENSHOTS / "quiz-result-phone.png"))
    quiz.screenshot(path=str(SCREENSHOTS / "quiz-review-phone.png"))
    context.close()

    # "Mes formations" from the site menu, with an upcoming session to add to a calendar.
    from courses import sessions

    upcoming = future_session_module(course)
    sessions.session_register(user=other, module=upcoming, block_id=upcoming.activities[0].id)
    for width, suffix in ((375, "phone"), (1280, "desktop")):
        context = new_context(browser, base=base, width=width, height=812 if width == 375 else 900)
        page = context.new_page()
        login(page, base, other.email)
        page.goto(base + "/")
        if width == 375:
            page.get_by_role("button", name="Menu").click()
        page.get_by_role("link", name="Mes formations").click()
        page.get_by_role("heading", name="Mes formations", level=1).wait_for()
        assert page.locator("[data-in-progress] [data-course]").count() == 1
        with page.expect_download() as download:
            page.get_by_role("link", name=re.compile("Ajouter à mon agenda")).click()
        assert download.value.suggested_filename.endswith(".ics")
        check(page, "my training", width)
        page.screenshot(path=str(SCREENSHOTS / f"my-training-{suffix}.png"), full_page=True)
        page.get_by_role("link", name=re.compile("Reprendre")).click()
        page.wait_for_load_state("networkidle")
        assert module.url in page.url and "#activite-" in page.url
        context.close()
    assert not found, "axe-core found serious or critical violations:" + format_violations(found)
