"""At 320 CSS pixels wide (RGAA 10.11, WCAG reflow) the main pages scroll vertically only."""

import pytest

from tests.e2e.conftest import MANAGER, TEACHER, demo_site, login, new_context

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WIDTH = 320


def horizontal_overflow(page):
    """How many pixels the page is wider than the viewport, and the widest offenders if any."""
    return page.evaluate(
        """(width) => {
            const excess = document.documentElement.scrollWidth - width;
            if (excess <= 0) return [excess, []];
            const wide = [...document.querySelectorAll('body *')]
                .filter((el) => el.getBoundingClientRect().right > width + 1)
                .slice(0, 5)
                .map((el) => el.tagName.toLowerCase() + '.' + [...el.classList].join('.'));
            return [excess, wide];
        }""",
        WIDTH,
    )


def test_main_pages_fit_in_320_pixels(browser, live_server):
    course, module = demo_site()
    base = live_server.url
    overflowing = []

    def check(page, path):
        page.goto(base + path)
        page.wait_for_load_state("networkidle")
        excess, wide = horizontal_overflow(page)
        if excess > 0:
            overflowing.append(f"{path}: {excess}px too wide ({', '.join(wide)})")

    context = new_context(browser, width=WIDTH, height=640, base=base)
    page = context.new_page()
    for path in ["/", course.url, "/comptes/login/", "/comptes/signup/", "/comptes/password/reset/", "/nulle-part/"]:
        check(page, path)
    login(page, base, TEACHER)
    for path in [module.url, "/competences/mes-competences/", "/comptes/mes-donnees/"]:
        check(page, path)
    context.close()

    context = new_context(browser, width=WIDTH, height=640, base=base)
    page = context.new_page()
    login(page, base, MANAGER)
    for path in ["/competences/tableau-de-bord/", "/competences/ambassadeurs/", "/competences/pilotage/"]:
        check(page, path)
    context.close()

    assert not overflowing, "pages wider than 320 px:\n" + "\n".join(overflowing)
