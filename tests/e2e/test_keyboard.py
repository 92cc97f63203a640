"""The teacher's main journey with the keyboard alone: Tab to move, Enter or Space to act, typing in fields.

Every control the journey uses must be reachable by Tab and show a visible focus ring (RGAA 10.7, 12.8).
"""

import re

import pytest

from courses.demo import DEMO_PASSWORD
from tests.e2e.conftest import FOCUSED, TEACHER, demo_site, new_context, tab_to

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


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
