"""Headless Chromium (Debian's package, never a downloaded build) driven by Playwright."""

import copy
import os
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.models import Locale

from courses import practice, services, sessions
from courses.demo import DEMO_DOMAIN, DEMO_PASSWORD, demo_load
from courses.models import CoursePage, ModulePage
from courses.services import course_enroll
from lms.models import User
from tests.conftest import wagtail_root
from tests.courses.factories import finish_module

CHROMIUM = os.environ.get("RELAIS_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"{CHROMIUM} is missing: run `make test` (it installs Debian's chromium) or apt-get install chromium"
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, request):
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    if getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, "rep_" + report.when, report)


def allow_form_action(settings, origin: str) -> None:
    """Let forms lead to ``origin``: a server the test starts on plain HTTP (a cmi5 content, an OpenID Connect
    provider), which the Content-Security-Policy's `form-action 'self' https:` would stop. django-csp reads the
    policy at each request, so the live server sees the change."""
    policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"]["form-action"] = [*policy["DIRECTIVES"]["form-action"], origin]
    settings.CONTENT_SECURITY_POLICY = policy


# Shared by the journeys (they import these from here, not from one another).

TEACHER = f"enseignante@{DEMO_DOMAIN}"
MANAGER = f"gestionnaire@{DEMO_DOMAIN}"
BLOCKING = {"serious", "critical"}
TRAINER = f"formatrice@{DEMO_DOMAIN}"
MAX_TABS = 120

FOCUSED = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const style = getComputedStyle(el);
    // An enlarged link (DSFR cards and tiles) draws its ring on ::before, around the whole card.
    const before = getComputedStyle(el, '::before');
    const ring = (s) => s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
    return {
        tag: el.tagName.toLowerCase(),
        name: el.getAttribute('name') || '',
        text: (el.innerText || el.value || '').trim(),
        outline: ring(style) || (before.content !== 'none' && ring(before)),
        shadow: style.boxShadow !== 'none',
    };
}"""


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


def codesign_site():
    """The demo; the teacher completed the every-block course; a second teacher left work to review."""
    wagtail_root()
    demo_load(teachers_per_school=1, with_history=False)
    course = CoursePage.objects.get(slug="differencier-avec-le-numerique")
    module = ModulePage.objects.child_of(course).get()
    teacher = User.objects.get(email=TEACHER)
    trainer = User.objects.get(email=TRAINER)
    services.course_enroll(user=teacher, course=course)
    finish_module(module, teacher, trainer)
    other = User.objects.filter(email__startswith="enseignant0").first()
    services.course_enroll(user=other, course=course)
    session = next(b for b in module.activities if b.block_type == "in_person_session")
    sessions.session_register(user=other, module=module, block_id=session.id)
    task = next(b for b in module.activities if b.block_type == "practical_task")
    submission = practice.task_submit(
        user=other, module=module, block_id=task.id, uploaded=SimpleUploadedFile("fiche.pdf", b"%PDF-1.4 x")
    )
    # The player with work in progress: the second teacher, the text done only.
    services.content_step_complete(user=other, module=module, block_id=module.activities[0].id)
    return course, module, session, submission, other


def tab_to(page, matches, what):
    """Press Tab until the focused element matches; check that its focus is visible."""
    for _ in range(MAX_TABS):
        focused = page.evaluate(FOCUSED)
        if focused and matches(focused):
            assert focused["outline"] or focused["shadow"], f"{what}: focus is not visible ({focused})"
            return focused
        page.keyboard.press("Tab")
    pytest.fail(f"{what}: not reached after {MAX_TABS} presses of Tab")
