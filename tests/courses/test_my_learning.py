"""'Mes formations': in progress with where to resume, finished with the certificate, next sessions with
an .ics file; reachable from the site menu."""

from html import unescape

import pytest

from courses import services, sessions
from courses.models import CoursePage
from tests.conftest import PASSWORD, make_user
from tests.courses.conftest import block_of
from tests.courses.test_certificates import complete_course
from tests.courses.test_sessions_and_practice import future_session_module

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

    assert "DTSTART:" + sessions.session_start(session).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ") in body
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
