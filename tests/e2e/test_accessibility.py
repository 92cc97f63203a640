"""axe-core on every page type, in French and English, light and dark: no serious or critical violation.

axe-playwright-python ships axe-core's script in its wheel, so this runs offline.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe
from wagtail.models import Locale

from courses.demo import DEMO_DOMAIN, DEMO_PASSWORD, demo_load
from courses.models import CoursePage, ModulePage
from courses.services import course_enroll
from lms.models import User
from tests.conftest import wagtail_root

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TEACHER = f"enseignante@{DEMO_DOMAIN}"
MANAGER = f"gestionnaire@{DEMO_DOMAIN}"
BLOCKING = {"serious", "critical"}


def demo_site(*, enrol=True):
    """The demo territory and its first course and module; the teacher enrolled in it unless told not."""
    Locale.objects.get_or_create(language_code="fr")  # a transactional test's flush removed Wagtail's
    wagtail_root()
    demo_load(teachers_per_school=5, with_history=False)
    course = CoursePage.objects.live().order_by("path").first()
    if enrol:
        course_enroll(user=User.objects.get(email=TEACHER), course=course)
    module = ModulePage.objects.live().child_of(course).order_by("path").first()
    return course, module


def new_context(browser, *, language="fr", scheme="light", width=1280, height=900, base=None):
    """A fresh browser context in one language (Django's cookie) and one DSFR colour scheme."""
    context = browser.new_context(
        locale="fr-FR" if language == "fr" else "en-GB", viewport={"width": width, "height": height}
    )
    if base:
        host = base.split("//", 1)[1].split(":")[0]
        context.add_cookies([{"name": "django_language", "value": language, "domain": host, "path": "/"}])
    # The DSFR reads the user's choice from localStorage["scheme"] when it starts.
    context.add_init_script(f"try {{ localStorage.setItem('scheme', '{scheme}'); }} catch (e) {{}}")
    context.set_default_timeout(15_000)
    return context


def login(page, base, email):
    """Sign in through the allauth form, whatever the language."""
    page.goto(f"{base}/comptes/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state("networkidle")
    assert "/comptes/login/" not in page.url, f"login failed for {email}"


def format_violations(found):
    lines = []
    for label, violations in found:
        lines.append(f"\n== {label}")
        for violation in violations:
            lines.append(f"  [{violation['impact']}] {violation['id']}: {violation['help']} ({violation['helpUrl']})")
            for node in violation["nodes"][:5]:
                lines.append(f"      {' '.join(node['target'])}: {node.get('failureSummary', '').splitlines()[-1:]}")
                lines.append(f"        {node['html'][:200]}")
    return "\n".join(lines)


def blocking_violations(axe, page):
    results = axe.run(page)
    return [v for v in results.response["violations"] if v["impact"] in BLOCKING]


def audit_every_page_type(browser, base, course, module, *, language, scheme, width=1280):
    """Run axe on each page type; return the blocking violations found, by page."""
    axe = Axe()
    found = []

    def audit(page, label, path, status=200):
        response = page.goto(base + path)
        assert response.status == status, f"{label}: {path} answered {response.status}"
        page.wait_for_load_state("networkidle")
        assert page.locator("html").get_attribute("data-fr-theme") == scheme, f"{label}: not in {scheme} scheme"
        assert page.locator("html").get_attribute("lang") == language, f"{label}: not in {language}"
        violations = blocking_violations(axe, page)
        if violations:
            found.append((f"{label} ({path}, {language}, {scheme}, {width} px)", violations))

    context = new_context(browser, language=language, scheme=scheme, width=width, base=base)
    page = context.new_page()
    audit(page, "catalogue", "/")
    audit(page, "course", course.url)
    audit(page, "login", "/comptes/login/")
    audit(page, "signup", "/comptes/signup/")
    audit(page, "password reset", "/comptes/password/reset/")
    audit(page, "404", "/cette-page-n-existe-pas/", status=404)

    login(page, base, TEACHER)
    audit(page, "module player", module.url)
    audit(page, "my competencies", "/competences/mes-competences/")
    audit(page, "my data", "/comptes/mes-donnees/")
    context.close()

    context = new_context(browser, language=language, scheme=scheme, width=width, base=base)
    page = context.new_page()
    login(page, base, MANAGER)
    audit(page, "dashboard", "/competences/tableau-de-bord/")
    audit(page, "ambassadors", "/competences/ambassadeurs/")
    audit(page, "pilotage", "/competences/pilotage/")
    context.close()
    return found


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("language", ["fr", "en"])
def test_no_serious_violation_on_any_page_type(browser, live_server, language, scheme):
    course, module = demo_site()
    found = audit_every_page_type(browser, live_server.url, course, module, language=language, scheme=scheme)
    assert not found, "axe-core found serious or critical violations:" + format_violations(found)


def test_no_serious_violation_on_a_phone(browser, live_server):
    """The phone layout (DSFR's collapsed header menu, scrolling tables) in French, light scheme."""
    course, module = demo_site()
    found = audit_every_page_type(browser, live_server.url, course, module, language="fr", scheme="light", width=375)
    assert not found, "axe-core found serious or critical violations:" + format_violations(found)
