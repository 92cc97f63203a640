"""The follow-up e-mail, sent out of any request, is written in the language the teacher reads the site in."""

import pytest
from django.core import mail

from courses import follow_ups
from tests.conftest import make_user
from tests.questionnaires.conftest import completed_course

pytestmark = pytest.mark.django_db


def test_the_follow_up_email_is_written_in_the_teachers_language(survey_module, survey_teacher):
    course = survey_module.course
    completed_course(survey_teacher, course, weeks_ago=7)
    french = make_user("francais@example.fr", first_name="Louise")
    completed_course(french, course, weeks_ago=7)
    survey_teacher.language = "en"
    survey_teacher.save(update_fields=["language"])
    assert follow_ups.follow_ups_send() == 2
    by_recipient = {message.to[0]: message for message in mail.outbox}
    english = by_recipient[survey_teacher.email]
    assert english.subject.startswith("Training “") and "in your classroom?" in english.subject
    assert english.body.startswith("Hello Camille,")
    assert by_recipient[french.email].body.startswith("Bonjour Louise,")
