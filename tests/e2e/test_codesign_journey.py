"""The co-design story, end to end, in headless Chromium (Debian's).

A trainer builds a module with every activity kind in the Wagtail admin and sends it through the
partners' workflow; each partner approves (the first with a comment), which publishes it; a teacher
takes it on a phone (quiz, evidence upload, journal, sessions, external cmi5 content); the trainer
takes attendance and validates the task; the teacher completes the course and downloads the
certificate; every step's statement is in the LRS with the right verb and competency alignment.
"""

import re
from datetime import date, timedelta

import pytest
from django.conf import settings as django_settings

from courses.demo import DEMO_DOMAIN, demo_load
from courses.models import CatalogPage, CourseCompetency, CoursePage, ModulePage
from frameworks.models import Competency
from lms.models import User
from tests.conftest import wagtail_root
from tests.e2e.conftest import login
from xapi.models import Statement

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

VERB = "http://adlnet.gov/expapi/verbs/"
TRAINER = f"formatrice@{DEMO_DOMAIN}"
TEACHER = f"enseignante@{DEMO_DOMAIN}"
CANOPE = f"partenaire-canope@{DEMO_DOMAIN}"
DRANE = f"partenaire-drane@{DEMO_DOMAIN}"
EXTERNAL_STUB = (
    "<!DOCTYPE html><html lang='fr'><head><title>Contenu externe</title></head><body><p>Vidéo</p></body></html>"
)


def shell_course() -> CoursePage:
    """The course the module goes into: already agreed with the partners and published."""
    catalogue = CatalogPage.objects.get(slug="catalogue-val-d-oise")
    course = CoursePage(
        title="Classe mobile et différenciation",
        slug="classe-mobile-et-differenciation",
        summary="Un parcours hybride co-construit avec Canopé et la DRANE.",
        format="hybride",
        audience="1d",
        duration_hours=6,
    )
    course.target_competencies.add(
        CourseCompetency(competency=Competency.objects.get(framework__slug="crcn-edu", code="4.1"), target_level=3)
    )
    catalogue.add_child(instance=course)
    course.save_revision().publish()
    return CoursePage.objects.get(pk=course.pk)


def new_context(browser, base, *, width=1280, height=900):
    context = browser.new_context(locale="fr-FR", viewport={"width": width, "height": height})
    context.set_default_timeout(20_000)

    def outside(route):
        # Embedded videos and links point outside: the test runs offline.
        if route.request.url.startswith(base):
            route.continue_()
        else:
            route.fulfill(status=200, content_type="text/html", body=EXTERNAL_STUB)

    context.route("**/*", outside)
    return context


# --- the trainer's authoring, through the Wagtail admin's StreamField ---------------------------------


def add_block(page, index, label):
    option = page.get_by_role("option", name=label, exact=True)
    for _attempt in range(3):  # a date picker left open may swallow the first click
        page.keyboard.press("Escape")
        page.locator("button.c-sf-add-button").last.click()
        try:
            option.wait_for(timeout=3000)
            break
        except Exception:  # noqa: S112 - try again
            continue
    option.click()
    page.locator(f'[name="activities-{index}-type"]').wait_for(state="attached")


def field(page, index, name):
    return page.locator(f'[name="activities-{index}-value-{name}"]')


def rich_text(page, index, name, text):
    editor = page.locator(
        f'xpath=//input[@name="activities-{index}-value-{name}"]/ancestor::div[@data-field-input][1]'
        '//div[@contenteditable="true"]'
    )
    editor.click()
    editor.type(text)


def align(page, index, code, level):
    field(page, index, "alignment-competencies").select_option([f"crcn-edu/{code}"])
    field(page, index, "alignment-level").fill(str(level))


def add_list_item(page, count_name):
    container = page.locator(f'input[name="{count_name}"]').locator("xpath=..")
    container.locator('button[title="Ajouter"]').last.click()


def build_module(page, base, course, session_day):
    page.goto(f"{base}/admin/pages/add/courses/modulepage/{course.pk}/")
    page.locator('[name="title"]').fill("Différencier avec la classe mobile")

    add_block(page, 0, "Texte")
    field(page, 0, "title").fill("Pourquoi une classe mobile")
    rich_text(page, 0, "body", "Des tablettes pour des parcours différenciés.")
    align(page, 0, "4.1", 3)

    add_block(page, 1, "Vidéo")
    field(page, 1, "title").fill("Une séance filmée")
    field(page, 1, "embed_url").fill("https://tube-numerique-educatif.apps.education.fr/w/relais-classe-mobile")
    rich_text(page, 1, "transcript", "Transcription de la séance filmée.")
    align(page, 1, "4.1", 3)

    add_block(page, 2, "Ressource")
    field(page, 2, "title").fill("Fiche repère")
    field(page, 2, "url").fill("https://eduscol.education.fr/")
    align(page, 2, "2.1", 3)

    add_block(page, 3, "Quiz")
    field(page, 3, "title").fill("Quiz de la classe mobile")
    field(page, 3, "pass_mark").fill("100")
    field(page, 3, "max_attempts").fill("2")
    q = "questions-0-value"
    field(page, 3, f"{q}-prompt").fill("Différencier, c'est viser un même objectif ?")
    field(page, 3, f"{q}-choices-0-value-text").fill("Oui")
    field(page, 3, f"{q}-choices-0-value-correct").check()
    field(page, 3, f"{q}-choices-0-value-feedback").fill("Oui, l'objectif reste commun.")
    add_list_item(page, f"activities-3-value-{q}-choices-count")
    field(page, 3, f"{q}-choices-1-value-text").fill("Non")
    add_list_item(page, "activities-3-value-questions-count")
    q = "questions-1-value"
    field(page, 3, f"{q}-kind").select_option("short_answer")
    field(page, 3, f"{q}-prompt").fill("Quel service évalue les compétences numériques ?")
    field(page, 3, f"{q}-accepted_answers").fill("Pix")
    align(page, 3, "4.1", 3)

    add_block(page, 4, "Mise en pratique")
    field(page, 4, "title").fill("Une séance en classe mobile")
    rich_text(page, 4, "instructions", "Menez la séance et déposez sa fiche.")
    field(page, 4, "rubric-0-value-criterion").fill("Deux parcours au moins")
    align(page, 4, "4.1", 4)

    add_block(page, 5, "Journal réflexif")
    field(page, 5, "title").fill("Ce que je retiens")
    rich_text(page, 5, "prompt", "Qu'allez-vous changer ?")
    field(page, 5, "min_length").fill("20")
    align(page, 5, "1.2", 3)

    for index, label, extra in (
        (6, "Session en présentiel", ("place", "Atelier Canopé 95, Cergy")),
        (7, "Classe virtuelle", ("link", "https://visio-agents.education.fr/relais")),
    ):
        add_block(page, index, label)
        field(page, index, "title").fill(f"{label} — classe mobile")
        field(page, index, "date").fill(session_day.isoformat())
        field(page, index, "start_time").fill("14:00")
        field(page, index, "end_time").fill("16:00")
        page.keyboard.press("Escape")
        field(page, index, "capacity").fill("10")
        field(page, index, extra[0]).fill(extra[1])
        align(page, index, "4.1", 3)

    add_block(page, 8, "Contenu xAPI externe (cmi5)")
    field(page, 8, "title").fill("Contenu interactif")
    field(page, 8, "launch_url").fill("/static/courses/cmi5/au.html")
    field(page, 8, "activity_id").fill("https://contenus.example.org/classe-mobile")
    field(page, 8, "move_on").select_option("Completed")
    align(page, 8, "2.1", 3)

    assert page.locator('[name="activities-count"]').input_value() == "9"
    # Send it to the partners: "Soumettre à Co-conception — …" in the footer's menu.
    submit = page.locator('button[name="action-submit"]')
    submit.locator(
        'xpath=ancestor::*[contains(@data-controller, "w-dropdown")][1]//button[@data-w-dropdown-target="toggle"]'
    ).click()
    with page.expect_navigation():
        submit.click()
    page.wait_for_load_state("networkidle")
    module = ModulePage.objects.child_of(course).first()
    if module is None or not module.workflow_in_progress:
        errors = page.locator(".error-message, .help-critical, [data-field-errors]").all_inner_texts()
        raise AssertionError(f"the admin refused the module: {[e.strip() for e in errors if e.strip()]}")


def approve(page, base, module, comment=""):
    """Approve the module's current task from the editor's footer, with a comment when given."""
    page.goto(f"{base}/admin/pages/{module.pk}/edit/")
    selector = 'button[data-workflow-action-name="approve"]'
    button = page.locator(
        selector + ("[data-workflow-action-modal-url]" if comment else ":not([data-workflow-action-modal-url])")
    )
    button.locator(
        'xpath=ancestor::*[contains(@data-controller, "w-dropdown")][1]//button[@data-w-dropdown-target="toggle"]'
    ).click()
    if comment:
        button.click()
        page.locator("textarea[name=comment]").fill(comment)
        with page.expect_navigation():
            page.locator("textarea[name=comment]").locator("xpath=ancestor::form[1]//button[@type='submit']").click()
    else:
        with page.expect_navigation():
            button.click()
    page.wait_for_load_state("networkidle")


# --- the teacher, on a phone ------------------------------------------------------------------------


def activity(page, module, kind, nth=0):
    return page.locator(f'li[data-activity-type="{kind}"]').nth(nth)


def take_module(page, base, module, upload):
    page.goto(base + module.url)
    for kind, button in (
        ("content_step", "J'ai terminé cette étape"),
        ("video", "J'ai regardé la vidéo"),
        ("resource", "J'ai consulté cette ressource"),
    ):
        activity(page, module, kind).get_by_role("button", name=button).click()
        page.wait_for_load_state("networkidle")
        assert activity(page, module, kind).get_attribute("data-done") == "true"
    quiz = activity(page, module, "quiz")
    # A first attempt with a wrong short answer: failed, one attempt left.
    quiz.get_by_text("Oui", exact=True).click()
    quiz.get_by_label("Votre réponse").fill("Moodle")
    quiz.get_by_role("button", name="Valider mes réponses").click()
    page.get_by_text(re.compile("Quiz non réussi")).wait_for()
    quiz = activity(page, module, "quiz")
    quiz.get_by_text("Oui", exact=True).click()
    quiz.get_by_label("Votre réponse").fill("pix")
    quiz.get_by_role("button", name="Valider mes réponses").click()
    page.get_by_text(re.compile("Quiz réussi : 2 bonne")).wait_for()

    task = activity(page, module, "practical_task")
    task.locator("input[type=file]").set_input_files(str(upload))
    task.get_by_role("button", name="Déposer ma production").click()
    page.get_by_text("Votre production est déposée").wait_for()

    journal = activity(page, module, "journal")
    journal.get_by_label(re.compile("Mon journal")).fill("Je ferai deux parcours dès lundi, avec les tablettes.")
    journal.get_by_role("button", name="Enregistrer mon journal").click()
    page.get_by_text("Votre journal est enregistré").wait_for()

    for kind in ("in_person_session", "virtual_class"):
        activity(page, module, kind).get_by_role("button", name="S'inscrire à la session").click()
        page.get_by_text("Vous êtes inscrit à la session").first.wait_for()

    activity(page, module, "external_xapi").get_by_role("button", name="Lancer le contenu").click()
    page.wait_for_url(re.compile(r"/static/courses/cmi5/au\.html\?endpoint="))
    page.locator("body[data-state=initialized]").wait_for()
    page.get_by_role("button", name="J'ai terminé ce contenu").click()
    # Terminated, the content goes back to the module (LaunchData's returnURL), the step done.
    page.wait_for_url(re.compile(r"#activite-"))
    assert activity(page, module, "external_xapi").get_attribute("data-done") == "true"


def statements_for(user, verb, module=None):
    actor = f"account:{django_settings.RELAIS_BASE_URL}|{user.xapi_uuid}"
    found = [s.payload for s in Statement.objects.filter(actor_key=actor, verb_id=VERB + verb)]
    if module is not None:
        found = [
            s
            for s in found
            if f"/modules/{module.pk}" in s["object"]["id"] or s["object"]["id"].startswith("https://contenus")
        ]
    return found


def aligned_to(statement, code):
    other = statement["context"]["contextActivities"].get("other", [])
    return any(a["id"].endswith(f"/crcn-edu/{code}") for a in other) and "result" in statement


def test_trainer_partners_teacher_journey(browser, live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    wagtail_root()
    demo_load(teachers_per_school=1, with_history=False)
    course = shell_course()
    base = live_server.url
    session_day = date.today() - timedelta(days=1)  # attendance is taken once a session has begun
    upload = tmp_path / "fiche-seance.pdf"
    upload.write_bytes(b"%PDF-1.4\n% fiche de seance\n")

    # 1. The trainer builds the module with every activity kind and submits it to the partners.
    context = new_context(browser, base)
    page = context.new_page()
    login(page, base, TRAINER)
    build_module(page, base, course, session_day)
    module = ModulePage.objects.child_of(course).get()
    assert not module.live and module.get_workflow() is not None
    kinds = [b.block_type for b in module.get_latest_revision_as_object().activities]
    assert kinds == [
        "content_step", "video", "resource", "quiz", "practical_task", "journal", "in_person_session",
        "virtual_class", "external_xapi",
    ]  # fmt: skip
    context.close()

    # 2. Canopé's reviewer comments and approves; the DRANE's approves: it is published.
    for reviewer, comment in ((CANOPE, "Validé pour Canopé : penser au prêt de tablettes."), (DRANE, "")):
        context = new_context(browser, base)
        page = context.new_page()
        login(page, base, reviewer)
        approve(page, base, module, comment)
        context.close()
    module = ModulePage.objects.get(pk=module.pk)
    assert module.live
    from wagtail.models import TaskState

    assert TaskState.objects.filter(comment__startswith="Validé pour Canopé", status="approved").exists()

    # 3. The teacher, on a phone, enrols and takes the module.
    phone = new_context(browser, base, width=375, height=812)
    page = phone.new_page()
    login(page, base, TEACHER)
    page.goto(base + "/?competence=crcn-edu/4.1&public=1d")
    page.get_by_role("link", name="Classe mobile et différenciation").click()
    page.get_by_role("button", name=re.compile("inscrire à ce parcours")).click()
    page.get_by_text("Vous êtes inscrit").first.wait_for()
    take_module(page, base, module, upload)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375, "the player overflows a phone's width"

    # 4. The trainer takes attendance and validates the practical task.
    trainer_context = new_context(browser, base)
    tpage = trainer_context.new_page()
    login(tpage, base, TRAINER)
    for index in (6, 7):
        block = module.activities[index]
        tpage.goto(f"{base}/formations/formateur/modules/{module.pk}/sessions/{block.id}/")
        tpage.locator("fieldset", has_text="Camille Durand").locator("label", has_text="Présent·e").click()
        tpage.get_by_role("button", name="Enregistrer la présence").click()
        tpage.get_by_text(re.compile("Présence enregistrée")).first.wait_for()
    tpage.goto(f"{base}/formations/formateur/")
    tpage.get_by_role("link", name=re.compile("Camille Durand")).click()
    tpage.get_by_text("Deux parcours au moins").click()
    tpage.get_by_role("button", name="Enregistrer l'évaluation").click()
    tpage.get_by_text("Évaluation enregistrée").wait_for()
    trainer_context.close()

    # 5. The teacher completes the module, then downloads the certificate.
    page.goto(base + module.url)
    page.get_by_role("button", name="Terminer le module").click()
    page.get_by_text(re.compile("terminé. Bravo")).wait_for()
    page.get_by_role("link", name="Mon attestation de formation").click()
    assert page.locator('tr[data-competency="crcn-edu/4.1"]').count() == 1
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("Télécharger l'attestation")).click()
    pdf = download_info.value.path().read_bytes()
    assert pdf.startswith(b"%PDF-") and len(pdf) > 2000
    page.goto(base + "/competences/mes-competences/")
    assert page.locator(f'li[data-module="{module.pk}"] li[data-competency="crcn-edu/4.1"]').count() >= 1
    phone.close()

    # 6. Every step is in the LRS, with the right verb and alignment.
    teacher = User.objects.get(email=TEACHER)
    trainer = User.objects.get(email=TRAINER)
    assert statements_for(teacher, "registered")  # course, and each session
    assert len([s for s in statements_for(teacher, "registered") if "/modules/" in s["object"]["id"]]) == 2
    assert statements_for(teacher, "launched", module)
    completed = statements_for(teacher, "completed", module)
    assert sum(aligned_to(s, "4.1") for s in completed) >= 2  # text and video
    assert any(aligned_to(s, "2.1") for s in completed)  # the resource, and the cmi5 content
    assert any(aligned_to(s, "1.2") for s in completed)  # the journal
    assert len(statements_for(teacher, "answered", module)) == 4  # two questions, two attempts
    (failed_quiz,) = [s for s in statements_for(teacher, "failed", module) if "score" in s.get("result", {})]
    assert aligned_to(failed_quiz, "4.1") and failed_quiz["result"]["success"] is False
    passed = statements_for(teacher, "passed", module)
    assert any("score" in s["result"] and aligned_to(s, "4.1") for s in passed)  # the quiz
    task = [s for s in passed if "instructor" in s["context"]]
    assert len(task) == 1 and task[0]["context"]["instructor"] == trainer.xapi_actor() and aligned_to(task[0], "4.1")
    attended = statements_for(teacher, "attended", module)
    assert len(attended) == 2 and all(s["context"]["instructor"] == trainer.xapi_actor() for s in attended)
    assert all(aligned_to(s, "4.1") for s in attended)
    assert statements_for(teacher, "attempted", module)
    # The external content's own statements, sent with its one-time credentials.
    assert statements_for(teacher, "initialized", module) and statements_for(teacher, "terminated", module)
    assert any(s["object"]["id"].endswith(f"/parcours/{course.pk}") for s in statements_for(teacher, "completed"))
