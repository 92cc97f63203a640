"""'Mes formations': in progress with where to resume, finished with the certificate, next sessions with
an .ics file; reachable from the site menu."""

from html import unescape

import pytest

from courses import selectors, services, sessions
from courses.models import CoursePage
from tests.conftest import PASSWORD, make_user
from tests.courses.factories import block_of, complete_course, future_session_module

pytestmark = pytest.mark.django_db


def test_in_progress_resumes_where_the_teacher_stopped_and_next_sessions_have_an_ics(client, full_module, enrolled):
    content = block_of(full_module, "content_step")
    services.content_step_complete(user=enrolled, module=full_module, block_id=content.id)
    upcoming = future_session_module(CoursePage.objects.get(pk=full_module.course.pk))
    session = upcoming.activities[0]
    sessions.session_register(user=enrolled, module=upcoming, block_id=session.id)
    # A past session the teacher attended is not "next".
    past = block_of(full_module, "in_person_session")
    sessions.session_register(user=enrolled, module=full_module, block_id=past.id)

    assert client.login(email=enrolled.email, password=PASSWORD)
    home = client.get("/").content.decode()
    assert 'href="/formations/mes-formations/"' in home and "Mes formations" in home
    page = unescape(client.get("/formations/mes-formations/").content.decode())
    assert f'data-course="{full_module.course.pk}"' in page
    # The foundation's module comes first and nothing is done there: resume at its first activity.
    first = full_module.course.modules().first()
    assert f'href="{first.url}#activite-{first.activities[0].id}"' in page
    assert f'data-session="{session.id}"' in page and f'data-session="{past.id}"' not in page

    ics = client.get(f"/formations/modules/{upcoming.pk}/sessions/{session.id}/agenda.ics")
    assert ics.status_code == 200 and ics["Content-Type"].startswith("text/calendar")
    body = ics.content.decode()
    assert body.startswith("BEGIN:VCALENDAR\r\n") and "BEGIN:VEVENT" in body and "\r\nEND:VCALENDAR\r\n" in body
    from datetime import UTC

    assert "DTSTART:" + selectors.session_start(session).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ") in body
    assert "Atelier Canop" in body and "SUMMARY:" in body
    client.logout()
    other = make_user("autre@example.fr")
    client.login(email=other.email, password=PASSWORD)
    assert client.get(f"/formations/modules/{upcoming.pk}/sessions/{session.id}/agenda.ics").status_code == 403


def test_finished_courses_link_their_certificate(client, module, teacher):
    complete_course(module, teacher)
    assert client.login(email=teacher.email, password=PASSWORD)
    page = client.get("/formations/mes-formations/").content.decode()
    assert "data-finished" in page and f"/formations/parcours/{module.course.pk}/attestation/" in page
    assert "data-in-progress" not in page
    client.logout()
    assert client.get("/formations/mes-formations/").status_code == 302  # sign in first


def test_waiting_list_when_full_and_promotion_when_a_place_frees(client, full_module, enrolled, trainer, mailoutbox):
    from django.test import TestCase

    from courses.models import ActivityProgress, SessionRegistration
    from courses.services import LearningError, course_enroll

    course = CoursePage.objects.get(pk=full_module.course.pk)
    module = future_session_module(course)
    session = module.activities[0]
    sessions.session_register(user=enrolled, module=module, block_id=session.id)
    for n in range(session.value["capacity"] - 1):
        other = make_user(f"prof{n}@example.fr")
        course_enroll(user=other, course=course)
        sessions.session_register(user=other, module=module, block_id=session.id)
    late = make_user("tard@example.fr", first_name="Alix")
    course_enroll(user=late, course=course)
    with pytest.raises(LearningError, match="liste d'attente"):
        sessions.session_register(user=late, module=module, block_id=session.id)
    # Through the player: the full session offers its waiting list.
    client.login(email=late.email, password=PASSWORD)
    assert "Rejoindre la liste d'attente" in client.get(module.url).content.decode()
    client.post(f"/formations/modules/{module.pk}/sessions/{session.id}/", {"action": "attente"})
    waiting = SessionRegistration.objects.get(user=late)
    assert waiting.waitlisted and selectors.waitlist_position(waiting) == 1
    assert selectors.session_places_left(module=module, block=session) == 0
    assert not ActivityProgress.objects.filter(user=late, module=module).exists()
    assert "Vous êtes sur la liste d'attente" in client.get("/formations/mes-formations/").content.decode()

    # The first teacher cancels from "Mes formations": the place goes to the teacher waiting, who is told.
    client.logout()
    client.login(email=enrolled.email, password=PASSWORD)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            f"/formations/modules/{module.pk}/sessions/{session.id}/", {"action": "annuler", "retour": "mes-formations"}
        )
    assert response["Location"] == "/formations/mes-formations/"
    assert not SessionRegistration.objects.filter(user=enrolled, module=module).exists()
    waiting.refresh_from_db()
    assert not waiting.waitlisted
    assert ActivityProgress.objects.get(user=late, module=module).status == "registered"
    (mail,) = mailoutbox
    assert mail.to == [late.email] and "place" in mail.subject
    assert mail.attachments[0][0] == "session.ics" and "BEGIN:VEVENT" in mail.attachments[0][1]


def test_reminders_are_sent_once_before_a_session(full_module, enrolled, mailoutbox):
    from courses.tasks import session_reminders_send

    course = CoursePage.objects.get(pk=full_module.course.pk)
    tomorrow = future_session_module(course, days=1, slug="demain")
    later = future_session_module(course, days=21, slug="plus-tard")
    for module in (tomorrow, later):
        sessions.session_register(user=enrolled, module=module, block_id=module.activities[0].id)
    assert session_reminders_send.delay().get() == 1
    (mail,) = mailoutbox
    assert mail.to == [enrolled.email] and "Rappel" in mail.subject and tomorrow.title in mail.body
    assert session_reminders_send.delay().get() == 0  # idempotent
    assert len(mailoutbox) == 1


def test_catalogue_cards_show_progress(client, module, teacher):
    services.course_enroll(user=teacher, course=module.course)
    client.login(email=teacher.email, password=PASSWORD)
    assert 'data-card-progress="0"' in client.get("/").content.decode()
    complete_course(module, teacher)
    assert 'data-card-progress="100"' in client.get("/").content.decode()


def test_course_page_names_the_targeted_level(client, module):
    from courses.models import CourseCompetency
    from frameworks.models import Competency

    course = CoursePage.objects.get(pk=module.course.pk)
    CourseCompetency.objects.create(
        course=course, competency=Competency.objects.get(framework__slug="crcn-edu", code="3.1"), target_level=4
    )
    page = unescape(client.get(course.url).content.decode())
    assert "(niveau 4 — Avancé)" in page


def test_my_competencies_shows_what_would_take_me_to_the_next_level(client, module, teacher):
    course = CoursePage.objects.get(pk=module.course.pk)
    course.save_revision().publish()
    client.login(email=teacher.email, password=PASSWORD)
    page = unescape(client.get("/competences/mes-competences/").content.decode())
    row = page[page.index('<tr data-competency="3.1">') :]
    row = row[: row.index("</tr>")]
    assert "Pour progresser" in row and "Module test" in row and "(niveau 2)" in row  # its lowest level first
    complete_course(module, teacher)
    page = unescape(client.get("/competences/mes-competences/").content.decode())
    row = page[page.index('<tr data-competency="3.1">') :]
    row = row[: row.index("</tr>")]
    assert "Module test" not in row  # nothing above the level it gave
