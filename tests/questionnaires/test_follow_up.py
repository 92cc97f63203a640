"""The follow-up questionnaire by e-mail: one e-mail per completion after the course's delay, a signed link
bound to its teacher (other user, expired, altered, reused: each a clear refusal), answers stored once."""

import re
import time

import pytest
from django.conf import settings
from django.core import mail, signing
from django.urls import reverse

from courses import follow_ups
from courses.statements import course_iri
from courses.tasks import follow_ups_send as follow_ups_task
from questionnaires.models import FollowUpInvitation, QuestionnaireResponse
from questionnaires.selectors import follow_up_counts, questionnaire_answers
from tests.conftest import make_user
from tests.questionnaires.conftest import FOLLOW_UP, VERB, completed_course
from xapi.models import Statement
from xapi.validation.statements import validate_statement

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(survey_module):
    return survey_module.course


def link_in(message) -> str:
    return re.search(r"https?://\S+/suivi/\S+/", message.body).group(0)


def path_of(url: str) -> str:
    return url.removeprefix(settings.RELAIS_BASE_URL)


def test_one_email_per_completion_past_the_delay_even_when_run_twice(course, survey_teacher):
    completed_course(survey_teacher, course, weeks_ago=7)
    early = make_user("tot@example.fr")
    completed_course(early, course, weeks_ago=2)  # the course waits 6 weeks
    ancient = make_user("ancien@example.fr")
    completed_course(ancient, course, weeks_ago=30)  # long before: not asked any more
    assert follow_ups.follow_ups_send() == 1
    assert follow_ups_task.delay().get() == 0  # the beat task, run again (eagerly): nothing new
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["prof@example.fr"]
    assert "Parcours test" in message.subject and "dans votre classe" in message.subject
    assert message.body.startswith("Bonjour Camille,")
    invitation = FollowUpInvitation.objects.get()
    assert invitation.sent_at is not None and invitation.user == survey_teacher
    assert follow_up_counts(course_ids=[course.pk]) == {course.pk: {"sent": 1, "answered": 0}}


def test_a_claimed_invitation_is_not_sent_again(course, survey_teacher):
    """Two runs at once: the second finds the invitation claimed by the first (sent_at set) and skips it."""
    certificate = completed_course(survey_teacher, course, weeks_ago=7)
    FollowUpInvitation.objects.create(
        user=survey_teacher, course=course, completed_at=certificate.completed_at, sent_at=certificate.completed_at
    )
    assert follow_ups.follow_ups_send() == 0
    assert mail.outbox == []


def test_courses_without_follow_up_or_with_no_delay_send_nothing(course, survey_teacher):
    completed_course(survey_teacher, course, weeks_ago=7)
    course.follow_up_delay_weeks = 0
    course.save()
    assert follow_ups.follow_ups_send() == 0
    course.follow_up_delay_weeks = 6
    course.follow_up = []
    course.save()
    assert follow_ups.follow_ups_send() == 0
    assert mail.outbox == []


def test_the_beat_schedule_runs_the_task_daily():
    entry = settings.CELERY_BEAT_SCHEDULE["courses-follow-ups"]
    assert entry["task"] == "courses.follow_ups_send" == follow_ups_task.name
    assert entry["schedule"].hour == {9}


@pytest.fixture
def link(course, survey_teacher):
    completed_course(survey_teacher, course, weeks_ago=7)
    follow_ups.follow_ups_send()
    return path_of(link_in(mail.outbox[0]))


def test_the_link_opens_the_questionnaire_and_the_answers_are_stored(client, link, course, survey_teacher):
    response = client.get(link)
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    client.force_login(survey_teacher)
    page = client.get(link)
    assert page.status_code == 200
    assert "Et maintenant, dans votre classe ?" in page.content.decode()
    assert 'name="q1" value="2"' in page.content.decode()
    assert 'maxlength="2000"></textarea>' in page.content.decode()  # the free text starts empty
    sent = client.post(link, FOLLOW_UP)
    assert sent.status_code == 302 and sent["Location"] == reverse("courses:follow_up_thanks", args=[course.pk])
    assert "Merci" in client.get(sent["Location"]).content.decode()
    rows = {r.question_key: r for r in questionnaire_answers(course_ids=[course.pk], kind="follow_up")}
    assert set(rows) == {"mise_en_oeuvre", "pratiques", "effet_eleves", "exemple"}
    assert rows["pratiques"].choices == [0, 2] and rows["pratiques"].value == "0[,]2"
    assert rows["pratiques"].labels[2] == "Différencié avec le numérique"
    assert FollowUpInvitation.objects.get().response == QuestionnaireResponse.objects.get(kind="follow_up")
    for statement in Statement.objects.filter(verb_id=VERB + "responded"):
        validate_statement(statement.payload)
        assert statement.payload["context"]["registration"] == str(survey_teacher.enrollments.get().registration)
        assert statement.payload["context"]["contextActivities"]["grouping"] == [
            {
                "objectType": "Activity",
                "id": course_iri(course),
                "definition": {"name": {"fr-FR": course.title}, "type": "http://adlnet.gov/expapi/activities/course"},
            }
        ]
    multiple = Statement.objects.get(verb_id=VERB + "responded", object_activity_id__endswith="/pratiques").payload
    assert multiple["result"]["response"] == "0[,]2"
    assert len(multiple["object"]["definition"]["choices"]) == 5
    assert follow_up_counts(course_ids=[course.pk]) == {course.pk: {"sent": 1, "answered": 1}}


def test_the_link_used_again_says_it_was_answered(client, link, survey_teacher):
    client.force_login(survey_teacher)
    client.post(link, FOLLOW_UP)
    again = client.get(link)
    assert again.status_code == 409
    assert "déjà répondu" in again.content.decode()
    twice = client.post(link, {**FOLLOW_UP, "q0": ["3"]})
    assert twice.status_code == 409
    assert Statement.objects.filter(verb_id=VERB + "responded").count() == 4


def test_another_teachers_link_is_refused(client, link):
    intruder = make_user("autre@example.fr")
    client.force_login(intruder)
    response = client.get(link)
    assert response.status_code == 403
    assert "envoyé à une autre personne" in response.content.decode()
    assert client.post(link, FOLLOW_UP).status_code == 403
    assert not QuestionnaireResponse.objects.exists()


def test_an_altered_link_is_refused(client, link, survey_teacher):
    client.force_login(survey_teacher)
    token = link.rstrip("/").rsplit("/", 1)[1]
    payload = signing.loads(token, salt=follow_ups.SALT)
    forged = signing.dumps({**payload, "u": payload["u"] + 1}, salt="autre")
    for bad in (token[:-3] + "abc", forged):
        response = client.get(reverse("courses:follow_up", args=[bad]))
        assert response.status_code == 400
        assert "incomplet ou a été modifié" in response.content.decode()


class OldSigner(signing.TimestampSigner):
    """Signs as if 61 days ago (the real signer, with an older clock)."""

    def timestamp(self):
        return signing.b62_encode(int(time.time()) - 61 * 86400)


def test_an_expired_link_is_refused(client, link, survey_teacher):
    client.force_login(survey_teacher)
    invitation = FollowUpInvitation.objects.get()
    payload = {"i": invitation.pk, "u": survey_teacher.pk, "n": str(invitation.nonce)}
    old = OldSigner(salt=follow_ups.SALT).sign_object(payload)
    response = client.get(reverse("courses:follow_up", args=[old]))
    assert response.status_code == 410
    assert "a expiré" in response.content.decode()
    assert client.get(link).status_code == 200  # the same payload signed today works


def test_a_bad_answer_is_shown_beside_its_question(client, link, survey_teacher):
    client.force_login(survey_teacher)
    response = client.post(link, {**FOLLOW_UP, "q0": []})
    assert response.status_code == 400
    html = response.content.decode()
    fieldset = html.split('data-question-key="mise_en_oeuvre"')[1].split("</fieldset>")[0]
    assert "fr-message--error" in fieldset and "Cette question demande une réponse." in fieldset
    assert 'value="2" checked' in html.split('data-question-key="pratiques"')[1]  # answers kept
    assert not QuestionnaireResponse.objects.exists()


def test_the_email_goes_out_in_english_when_the_site_speaks_english(course, survey_teacher, settings):
    settings.LANGUAGE_CODE = "en"
    completed_course(survey_teacher, course, weeks_ago=7)
    follow_ups.follow_ups_send()
    assert "in your classroom" in mail.outbox[0].subject
    assert mail.outbox[0].body.startswith("Hello Camille,")
