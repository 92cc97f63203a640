"""A teacher in Chromium, at 375 px and 1280 px, in French and English: reads a course page before
enrolling (objectives, targeted competencies with their level names, format, duration, sessions,
co-designers, prerequisites), finds a past session closed, registers for an upcoming one, and opens a
certificate signed by the site's signatory, then its public verification page. axe on every page."""

import io
import math
import os
from datetime import date, timedelta
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from PIL import ImageDraw
from wagtail.images.models import Image
from wagtail.models import Site

from courses import services
from courses.demo_codesign import every_block_activities
from courses.models import Certificate, CourseCompetency, CoursePage, ModulePage
from courses.signature import CertificateSettings
from frameworks.models import Competency
from tests.conftest import CONTENT, PASSWORD, block_ids, make_user
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_accessibility import blocking_violations, format_violations, new_context
from themes.models import Partner

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = (
    Path(__file__).resolve().parents[2] / "docs" / "screenshots"
    if os.environ.get("RELAIS_UPDATE_SCREENSHOTS")
    else ARTIFACTS
)
SCREENSHOTS.mkdir(exist_ok=True)


def signature_png() -> ImageFile:
    """A hand-drawn-looking signature stroke on a transparent background."""
    image = PILImage.new("RGBA", (360, 120), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    points = [(20 + x, 70 - 28 * math.sin(x / 18) * math.exp(-x / 300)) for x in range(0, 320, 2)]
    draw.line(points, fill=(20, 30, 90, 255), width=4)
    draw.line([(60, 95), (300, 88)], fill=(20, 30, 90, 255), width=3)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return ImageFile(buffer, name="signature.png")


def one_session(day: date, title: str) -> dict:
    block = next(b for b in every_block_activities(session_day=day) if b["type"] == "in_person_session")
    block["value"]["title"] = title
    return block


def login(page, base, email):
    page.goto(f"{base}/comptes/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state("networkidle")
    assert "/comptes/login/" not in page.url, f"login failed for {email}"


def serve_media(context, media_root: Path):
    """The test server does not serve uploaded files (DEBUG is off): the browser gets them from disk."""

    def fulfil(route):
        path = media_root / route.request.url.split("/media/", 1)[1].split("?")[0]
        if path.exists():
            route.fulfill(status=200, body=path.read_bytes(), content_type="image/png")
        else:
            route.fulfill(status=404, body=b"")

    context.route("**/media/**", fulfil)


def test_course_page_before_enrolment_and_a_signed_certificate(browser, live_server, module, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    base = live_server.url
    axe = Axe()
    found = []

    def check(page, label):
        if violations := blocking_violations(axe, page):
            found.append((label, violations))

    # A course as a trainer would fill it in the admin.
    course = CoursePage.objects.get(pk=module.course.pk)
    course.title = "Différencier avec le numérique"
    course.summary = "Concevoir des activités différenciées avec les outils numériques de la classe."
    course.objectives = (
        "Repérer les besoins de ses élèves à l'aide d'outils numériques\n"
        "Concevoir une activité différenciée avec l'ENT\n"
        "Évaluer les effets de la différenciation"
    )
    course.prerequisites = "Savoir se connecter à l'ENT de son établissement."
    course.format = CoursePage.Format.HYBRID
    course.duration_hours = 9
    course.save()
    course.co_designers.add(Partner.objects.create(name="Réseau Canopé", kind="canope"))
    course.save_revision().publish()
    for code, level in (("4.2", 3), ("3.1", 4)):
        CourseCompetency.objects.create(
            course=course, competency=Competency.objects.get(framework__slug="crcn-edu", code=code), target_level=level
        )
    for slug, day, title in (
        ("atelier-passe", date.today() - timedelta(days=10), "Atelier de lancement"),
        ("atelier-a-venir", date.today() + timedelta(days=21), "Atelier de mise en pratique"),
    ):
        session_module = ModulePage(title=title, slug=slug, activities=[one_session(day, title)])
        course.add_child(instance=session_module)
        session_module.save_revision().publish()

    # A finished course whose certificate the site's signatory signs.
    signing = CertificateSettings.for_site(Site.objects.get(is_default_site=True))
    signing.signatory_name = "Claire Martin"
    signing.signatory_title = "La directrice académique du numérique"
    signing.signature_image = Image.objects.create(title="Signature", file=signature_png())
    signing.save()
    finished = CoursePage(title="Premiers pas avec l'ENT", slug="premiers-pas-ent", summary="Un parcours court.")
    course.get_parent().add_child(instance=finished)
    step = ModulePage(title="Découvrir l'ENT", slug="decouvrir-ent", activities=[CONTENT])
    finished.add_child(instance=step)
    teacher = make_user("camille@example.fr", first_name="Camille", last_name="Durand")
    services.course_enroll(user=teacher, course=finished)
    services.content_step_complete(user=teacher, module=step, block_id=block_ids(step)["content_step"])
    services.module_complete(user=teacher, module=step)

    # On a phone, in French: what the course aims at, before enrolling.
    context = new_context(browser, base=base, width=375, height=812)
    serve_media(context, tmp_path)
    page = context.new_page()
    login(page, base, teacher.email)
    page.goto(f"{base}{course.url}")
    objectives = page.locator("[data-objectives] li")
    assert objectives.count() == 3
    targets = page.locator("[data-targets]").inner_text()
    assert "Niveau 3 — Confirmé (formation continue)" in targets and "Niveau 4 — Avancé" in targets
    facts = page.locator("[data-facts]").inner_text()
    assert "Hybride" in facts and "9 heures" in facts and "2 sessions" in facts and "Réseau Canopé" in facts
    assert "Savoir se connecter" in page.locator("[data-prerequisites]").inner_text()
    check(page, "course page (375 px)")
    page.screenshot(path=str(SCREENSHOTS / "course-page-phone.png"), full_page=True)
    page.get_by_role("button", name="S'inscrire à ce parcours").click()
    page.wait_for_load_state("networkidle")
    # The past session is closed; the upcoming one takes the registration.
    past = page.locator("[data-session]", has_text="Atelier de lancement")
    assert "les inscriptions sont closes" in past.inner_text().lower()
    assert "places restantes" not in past.inner_text()
    assert past.get_by_role("button").count() == 0
    page.get_by_role("button", name="S'inscrire à « Atelier de mise en pratique »").click()
    page.wait_for_load_state("networkidle")
    assert "Vous êtes inscrit à la session" in page.content()
    context.close()

    # At 1280 px, in French then English: the course page and the signed certificate.
    for language in ("fr", "en"):
        context = new_context(browser, base=base, language=language)
        serve_media(context, tmp_path)
        page = context.new_page()
        login(page, base, teacher.email)
        page.goto(f"{base}{course.url}")
        targets = page.locator("[data-targets]").inner_text()
        if language == "en":
            assert "Level 3 — Proficient (continuing training)" in targets and "Differentiation" in targets
            assert page.get_by_role("heading", name="Objectives").count() == 1
        check(page, f"course page (1280 px, {language})")
        page.screenshot(path=str(SCREENSHOTS / f"course-page-desktop-{language}.png"), full_page=True)

        page.goto(f"{base}/formations/parcours/{finished.pk}/attestation/")
        signature = page.locator("[data-signature]")
        assert "La directrice académique du numérique" in signature.inner_text()
        assert "Claire Martin" in signature.inner_text()
        image = signature.locator("img")
        assert image.evaluate("img => img.complete && img.naturalWidth > 0"), "the signature image is not shown"
        check(page, f"certificate (1280 px, {language})")
        page.screenshot(path=str(SCREENSHOTS / f"certificate-signature-{language}.png"), full_page=True)
        pdf = page.request.get(f"{base}/formations/parcours/{finished.pk}/attestation.pdf")
        # The QR code, the signature and its transparency mask.
        assert pdf.ok and pdf.body().count(b"/Subtype /Image") == 3
        context.close()

    # Anyone verifies it, on a phone, without an account.
    certificate = Certificate.objects.get(user=teacher)
    context = new_context(browser, base=base, width=375, height=812, language="en")
    serve_media(context, tmp_path)
    page = context.new_page()
    page.goto(f"{base}/formations/attestations/verifier/{certificate.code_display}/")
    assert "Claire Martin" in page.locator("[data-signature]").inner_text()
    check(page, "certificate verification (375 px, en)")
    page.screenshot(path=str(SCREENSHOTS / "certificate-verify-phone-en.png"), full_page=True)
    context.close()
    assert not found, "axe-core found serious or critical violations:" + format_violations(found)
