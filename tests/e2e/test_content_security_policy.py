"""Every page type under the enforced Content-Security-Policy: Chromium reports no violation, and the
pages that need scripts still work (DSFR menus, plotly figures, the quiz, the Wagtail editor)."""

import pytest

from courses.demo import DEMO_DOMAIN, DEMO_PASSWORD, demo_load
from courses.models import CoursePage, ModulePage
from courses.services import course_enroll
from lms.models import User
from maps.stats import stats_refresh
from tests.conftest import wagtail_root

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Runs in every document before its own scripts (CDP, not an inline script: the policy does not apply).
LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " blocked " + (e.blockedURI || "inline") +
    " at " + (e.sourceFile || document.location.href) + ":" + e.lineNumber);
});
"""


class Watch:
    """A browser context that records CSP violations, from the event and from the console."""

    def __init__(self, browser, base):
        self.base = base
        self.context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
        self.context.add_init_script(LISTEN)
        self.context.set_default_timeout(15_000)
        self.page = self.context.new_page()
        self.found: list[str] = []
        self.page.on(
            "console",
            lambda message: (
                self.found.append(f"console: {message.text}") if "Content Security Policy" in message.text else None
            ),
        )

    def visit(self, path: str, status: int = 200):
        response = self.page.goto(self.base + path)
        assert response.status == status, f"{path} answered {response.status}"
        assert "Content-Security-Policy" in {name.title() for name in response.headers}, f"{path}: no CSP header"
        self.page.wait_for_load_state("networkidle")
        self.collect(path)
        return response

    def collect(self, where: str):
        for violation in self.page.evaluate("window.__cspViolations || []"):
            self.found.append(f"{where}: {violation}")

    def login(self, email: str):
        self.page.goto(f"{self.base}/comptes/login/")
        self.page.locator("input[name=login]").fill(email)
        self.page.locator("input[name=password]").fill(DEMO_PASSWORD)
        self.page.locator("form button[type=submit]").last.click()
        self.page.wait_for_load_state("networkidle")
        assert "/comptes/login/" not in self.page.url, f"login failed for {email}"


@pytest.fixture
def demo(live_server):
    wagtail_root()
    demo_load(teachers_per_school=5, with_history=False)
    stats_refresh(None)
    return live_server.url


def test_no_page_breaks_the_content_security_policy(browser, demo):
    teacher = User.objects.get(email=f"enseignante@{DEMO_DOMAIN}")
    course = CoursePage.objects.live().get(slug="differencier-avec-le-numerique")
    course_enroll(user=teacher, course=course)
    module = ModulePage.objects.live().child_of(course).first()
    assert {"quiz", "video"} <= {block.block_type for block in module.activities}

    visitor = Watch(browser, demo)
    visitor.visit("/")
    visitor.visit(course.url)
    visitor.visit("/comptes/login/")
    visitor.visit("/comptes/signup/")
    visitor.visit("/comptes/password/reset/")
    visitor.visit("/cette-page-n-existe-pas/", status=404)
    # The DSFR's script runs: the language menu opens.
    # (On a loaded machine the click can come before the script binds the button: click until it answers.)
    language = visitor.page.locator(".fr-translate__btn").first
    for _attempt in range(10):
        if language.get_attribute("aria-expanded") == "true":
            break
        language.click()
        visitor.page.wait_for_timeout(500)
    assert language.get_attribute("aria-expanded") == "true"

    visitor.login(teacher.email)
    visitor.visit(module.url)
    assert visitor.page.locator("iframe.fr-responsive-vid__player").count() == 1
    quiz = visitor.page.locator('[data-activity-type="quiz"] form').first
    quiz.locator(".fr-radio-group label, .fr-checkbox-group label").first.click()
    quiz.locator("button[type=submit]").last.click()
    visitor.page.wait_for_load_state("networkidle")
    visitor.collect("quiz submitted")
    visitor.visit(course.url)
    visitor.visit(course.get_parent().url)  # the catalogue, with the teacher's progress on its cards
    visitor.visit("/formations/mes-formations/")
    visitor.visit("/competences/mes-competences/")
    visitor.visit("/comptes/mes-donnees/")

    manager = Watch(browser, demo)
    manager.login(f"gestionnaire@{DEMO_DOMAIN}")
    manager.visit("/competences/pilotage/")
    # plotly.js drew every figure from its JSON (no inline script left to do it).
    assert manager.page.locator(".relais-figure.js-plotly-plot .main-svg").count() >= 5
    manager.visit("/competences/ambassadeurs/")
    manager.visit("/competences/tableau-de-bord/")
    manager.visit("/competences/ambassadeurs/regles/", status=403)  # the académie's, not the département's

    rectorat = Watch(browser, demo)
    rectorat.login(f"rectorat@{DEMO_DOMAIN}")
    rectorat.visit("/competences/ambassadeurs/regles/")
    rectorat.visit("/competences/pilotage/")

    trainer = Watch(browser, demo)
    trainer.login(f"formatrice@{DEMO_DOMAIN}")
    trainer.visit("/formations/formateur/")

    admin = Watch(browser, demo)
    admin.login(f"admin@{DEMO_DOMAIN}")
    admin.visit("/admin/")
    admin.visit(f"/admin/pages/{module.pk}/edit/")
    assert admin.page.locator("[data-streamfield-stream-container], .w-panel").count() > 0
    admin.visit("/django-admin/")

    watches = (visitor, manager, rectorat, trainer, admin)
    for watch in watches:
        watch.context.close()
    found = [violation for watch in watches for violation in watch.found]
    assert not found, "Content-Security-Policy violations:\n" + "\n".join(found)
