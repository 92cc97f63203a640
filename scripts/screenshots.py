"""Screenshots of Relais's main pages, desktop (1280 px) and phone (375 px), into docs/screenshots/.

Run with the project's venv: `.venv/bin/python scripts/screenshots.py [name prefix …]` (prefixes: only
the shots whose name starts with one, e.g. `pilotage ambassadors`). It builds a throw-away demo
(its own SQLite file, the demo territory with its learning history), serves it on a free local port,
drives Debian's Chromium (RELAIS_CHROMIUM to use another) and stops the server when done. Each shot is
the first screen of the page, not the full page, to keep the PNGs small. RELAIS_SCREENSHOTS_DB: a SQLite
file where `load_demo` already ran (used as is, not rebuilt); RELAIS_SCREENSHOTS_PORT: the port to serve
on (default: a free one); RELAIS_SCREENSHOTS_LANGUAGE=en: the English pages (to look at, into
test-artifacts/screenshots-en/ so that the docs keep the French ones).
"""

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ENGLISH = os.environ.get("RELAIS_SCREENSHOTS_LANGUAGE") == "en"
OUT = ROOT / "test-artifacts" / "screenshots-en" if ENGLISH else ROOT / "docs" / "screenshots"
CHROMIUM = os.environ.get("RELAIS_CHROMIUM", "/usr/bin/chromium")
TEACHER = "enseignante@demo.relais.fr"
MANAGER = "gestionnaire@demo.relais.fr"
ACADEMIE_MANAGER = "rectorat@demo.relais.fr"
ADMIN = "admin@demo.relais.fr"
TRAINER = "formatrice@demo.relais.fr"
PASSWORD = "relais-demo-2026"  # noqa: S105 (courses.demo.DEMO_PASSWORD, printed by `make demo`)
SIZES = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 375, "height": 740}}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(env, *args, **kwargs):
    command = [sys.executable, str(ROOT / "manage.py"), *args]
    return subprocess.run(command, env=env, cwd=ROOT, check=True, **kwargs)  # noqa: S603 (our own manage.py)


def wait_until_up(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 (our own local server)
            return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"the demo server did not answer at {url}")


def login(page, base, email):
    page.goto(f"{base}/comptes/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(lambda url: "/comptes/login/" not in url)


def shoot(browser, base, size_name, shots):
    """One browser context per user; shots is a list of (user or None, scheme, name, path-or-callable[, "full"]):
    "full" takes the whole page on the desktop (the first screen on a phone)."""
    contexts = {}
    for user, scheme, name, path, *options in shots:
        key = (user, scheme)
        if key not in contexts:
            context = browser.new_context(viewport=SIZES[size_name], locale="en-GB" if ENGLISH else "fr-FR")
            context.add_init_script(f"try {{ localStorage.setItem('scheme', '{scheme}'); }} catch (e) {{}}")
            page = context.new_page()
            if user:
                login(page, base, user)
            contexts[key] = (context, page)
        page = contexts[key][1]
        page.goto(base + (path() if callable(path) else path))
        page.wait_for_load_state("networkidle")
        target = OUT / f"{name}-{size_name}.png"
        page.screenshot(path=str(target), full_page="full" in options and size_name == "desktop")
        print(f"  {target.relative_to(ROOT)} ({target.stat().st_size // 1024} KB)")
    for context, _ in contexts.values():
        context.close()


def main() -> None:
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        ready = os.environ.get("RELAIS_SCREENSHOTS_DB")
        env = {
            **os.environ,
            "DJANGO_DEBUG": "1",
            "DATABASE_URL": f"sqlite:///{ready or f'{tmp}/screenshots.sqlite3'}",
            "MEDIA_ROOT": f"{tmp}/media",
        }
        if not ready:
            print("Building the demo…")
            manage(env, "migrate", "--noinput", stdout=subprocess.DEVNULL)
            manage(env, "load_frameworks", stdout=subprocess.DEVNULL)
            manage(env, "load_demo", stdout=subprocess.DEVNULL)
        # The maps read derived tables; make sure they are current whatever path filled the levels.
        refresh = "from maps.stats import stats_refresh; stats_refresh(None)"
        manage(env, "shell", "-c", refresh, stdout=subprocess.DEVNULL)
        biggest = (
            "from django.db.models import Count; from lms.models import School; "
            "print(School.objects.filter(departement__code='95')"  # the demo manager's département (else a 403)
            ".annotate(n=Count('memberships')).order_by('-n', 'name').first().uai)"
        )
        # The last line: Django 5.2's shell first says how many objects it imported.
        school_uai = manage(env, "shell", "-c", biggest, capture_output=True, text=True).stdout.strip().splitlines()[-1]
        # The evaluation of the demo's first course (the page id is the URL's), for its trainer.
        first_course = (
            "from courses.models import CoursePage; "
            "print(CoursePage.objects.get(slug='enseigner-en-hybride', origin__isnull=True).pk)"
        )
        course_id = manage(env, "shell", "-c", first_course, capture_output=True, text=True).stdout.split()[-1]
        port = int(os.environ.get("RELAIS_SCREENSHOTS_PORT") or free_port())
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(  # noqa: S603 (our own manage.py)
            [sys.executable, str(ROOT / "manage.py"), "runserver", "--noreload", f"127.0.0.1:{port}"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_until_up(base + "/comptes/login/")
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
                )
                context = browser.new_context()
                page = context.new_page()
                page.goto(base + "/")
                course_path = page.locator(".fr-card__title a").first.get_attribute("href")
                # The teacher enrols, so that the course shows its modules as links.
                login(page, base, TEACHER)
                page.goto(base + course_path)
                enrol = page.locator("form[action*='/inscription/'] button")
                if enrol.count():
                    enrol.first.click()
                    page.wait_for_load_state("networkidle")
                module_path = page.locator(".fr-tile__title a").first.get_attribute("href")
                context.close()

                shots = [
                    (None, "light", "catalogue", "/"),
                    (None, "dark", "catalogue-dark", "/"),
                    (None, "light", "login", "/comptes/login/"),
                    (TEACHER, "light", "course", course_path),
                    (TEACHER, "light", "module", module_path),
                    (TEACHER, "light", "my-competencies", "/competences/mes-competences/"),
                    # The competency maps (the old dashboard URL redirects there), one shot per panel.
                    (MANAGER, "light", "pilotage", "/competences/pilotage/"),
                    (MANAGER, "dark", "pilotage-dark", "/competences/pilotage/"),
                    (MANAGER, "light", "pilotage-map", "/competences/pilotage/#carte"),
                    (MANAGER, "light", "pilotage-coverage-map", "/competences/pilotage/?carte=couverture#carte"),
                    (MANAGER, "light", "pilotage-heatmap", "/competences/pilotage/#competences"),
                    (MANAGER, "light", "pilotage-levels", "/competences/pilotage/#repartition"),
                    (MANAGER, "light", "pilotage-progress", "/competences/pilotage/?periode=12m#progression"),
                    (MANAGER, "light", "pilotage-activity", "/competences/pilotage/?periode=12m#activite"),
                    (MANAGER, "light", "pilotage-ambassadors", "/competences/pilotage/#couverture"),
                    (MANAGER, "light", "pilotage-school", f"/competences/pilotage/?ecole={school_uai}"),
                    (ADMIN, "light", "pilotage-national", "/competences/pilotage/#carte"),
                    # The académie's manager: both départements, then the drill into the Yvelines.
                    (ACADEMIE_MANAGER, "light", "pilotage-academie", "/competences/pilotage/"),
                    (ACADEMIE_MANAGER, "light", "pilotage-academie-heatmap", "/competences/pilotage/#competences"),
                    (ACADEMIE_MANAGER, "light", "pilotage-yvelines", "/competences/pilotage/?departement=78#carte"),
                    # Évaluation in itinere: a course for its trainer, the territories side by side.
                    # The whole page on the desktop; on a phone, the questionnaires and the comparison.
                    (
                        TRAINER,
                        "light",
                        "evaluation-course",
                        f"/evaluation/parcours/{course_id}/#questionnaires",
                        "full",
                    ),
                    (
                        ACADEMIE_MANAGER,
                        "light",
                        "evaluation-territories",
                        "/evaluation/territoires/?comparer=95&comparer=78#comparaison",
                        "full",
                    ),
                    (MANAGER, "light", "ambassadors", "/competences/ambassadeurs/"),
                    (MANAGER, "light", "ambassadors-close", "/competences/ambassadeurs/#proches"),
                    (
                        MANAGER,
                        "light",
                        "ambassadors-schools",
                        "/competences/ambassadeurs/?statut=uncovered#etablissements",
                    ),
                ]
                prefixes = sys.argv[1:]
                if prefixes:
                    shots = [shot for shot in shots if shot[2].startswith(tuple(prefixes))]
                for size_name in SIZES:
                    print(f"{size_name}:")
                    shoot(browser, base, size_name, shots)
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
