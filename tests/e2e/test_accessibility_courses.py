"""axe-core on the co-design pages a teacher sees: catalogue (with filters), course, module player with
every activity kind, certificate, "Mes compétences" (with what each module added), and the trainer's
attendance and review pages; at desktop width and on a phone."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from courses.demo import DEMO_DOMAIN
from tests.e2e.conftest import blocking_violations, codesign_site, format_violations, login, new_context

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TEACHER = f"enseignante@{DEMO_DOMAIN}"
TRAINER = f"formatrice@{DEMO_DOMAIN}"
EXTERNAL_STUB = "<!DOCTYPE html><html lang='fr'><head><title>Vidéo</title></head><body><p>Vidéo</p></body></html>"


def audit_codesign_pages(browser, base, course, module, session, submission, other, *, width):
    axe = Axe()
    found = []

    def audit(page, label, path, status=200):
        response = page.goto(base + path)
        assert response.status == status, f"{label}: {path} answered {response.status}"
        page.wait_for_load_state("networkidle")
        violations = blocking_violations(axe, page)
        if violations:
            found.append((f"{label} ({path}, {width} px)", violations))

    def context_for(email):
        context = new_context(browser, width=width, base=base)
        context.route(
            "**/*",
            lambda route: (
                route.continue_()
                if route.request.url.startswith(base)
                else route.fulfill(status=200, content_type="text/html", body=EXTERNAL_STUB)
            ),
        )
        page = context.new_page()
        login(page, base, email)
        return context, page

    context, page = context_for(TEACHER)
    audit(page, "catalogue with filters", "/?competence=crcn-edu/4.1&format=hybride&public=1d&q=numérique")
    audit(page, "course (completed)", course.url)
    audit(page, "module player (done)", module.url)
    audit(page, "certificate", f"/formations/parcours/{course.pk}/attestation/")
    audit(page, "my competencies", "/competences/mes-competences/")
    context.close()

    context, page = context_for(other.email)
    audit(page, "module player (in progress)", module.url)
    audit(page, "certificate (not yet)", f"/formations/parcours/{course.pk}/attestation/", status=403)
    context.close()

    context, page = context_for(TRAINER)
    audit(page, "trainer space", "/formations/formateur/")
    audit(page, "attendance", f"/formations/formateur/modules/{module.pk}/sessions/{session.id}/")
    audit(page, "review", f"/formations/formateur/productions/{submission.pk}/")
    context.close()
    return found


@pytest.mark.parametrize("width", [1280, 375])
def test_no_serious_violation_on_codesign_pages(browser, live_server, settings, tmp_path, width):
    settings.MEDIA_ROOT = tmp_path
    course, module, session, submission, other = codesign_site()
    found = audit_codesign_pages(browser, live_server.url, course, module, session, submission, other, width=width)
    assert not found, "axe-core found serious or critical violations:" + format_violations(found)
