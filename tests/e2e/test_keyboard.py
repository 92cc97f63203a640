"""The teacher's main journey with the keyboard alone: Tab to move, Enter or Space to act, typing in fields.

Every control the journey uses must be reachable by Tab and show a visible focus ring (RGAA 10.7, 12.8).
"""

import re

import pytest

from courses.demo import DEMO_PASSWORD
from tests.e2e.test_accessibility import TEACHER, demo_site, new_context

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

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


def tab_to(page, matches, what):
    """Press Tab until the focused element matches; check that its focus is visible."""
    for _ in range(MAX_TABS):
        focused = page.evaluate(FOCUSED)
        if focused and matches(focused):
            assert focused["outline"] or focused["shadow"], f"{what}: focus is not visible ({focused})"
            return focused
        page.keyboard.press("Tab")
    pytest.fail(f"{what}: not reached after {MAX_TABS} presses of Tab")


def text_is(pattern):
    return lambda focused: re.search(pattern, focused["text"]) is not None


def test_teacher_journey_by_keyboard_only(browser, live_server):
    course, module = demo_site(enrol=False)
    base = live_server.url
    context = new_context(browser, base=base)
    page = context.new_page()
    page.goto(base + "/")

    # The first Tab lands on the skip links.
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED)["text"] == "Contenu"

    tab_to(page, text_is("^Se connecter$"), "header sign-in link")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile("/comptes/login/"))

    tab_to(page, lambda f: f["name"] == "login", "e-mail field")
    page.keyboard.type(TEACHER)
    tab_to(page, lambda f: f["name"] == "password", "password field")
    page.keyboard.type(DEMO_PASSWORD)
    tab_to(page, lambda f: f["tag"] == "button" and f["text"] == "Se connecter", "sign-in button")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/comptes/login/" not in url)

    page.goto(base + "/")
    tab_to(page, text_is(f"^{re.escape(course.title)}$"), "course card")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(re.escape(course.url)))

    tab_to(page, text_is("inscrire à ce parcours"), "enrol button")
    page.keyboard.press("Space")
    page.get_by_text("Vous êtes inscrit").first.wait_for()

    tab_to(page, text_is(f"^{re.escape(module.title)}$"), "module link")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(re.escape(module.url)))

    tab_to(page, text_is("J'ai terminé cette étape"), "complete-step button")
    page.keyboard.press("Enter")
    page.locator('li[data-activity-type="content_step"][data-done="true"]').first.wait_for()
    context.close()
