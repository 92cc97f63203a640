"""A course whose second module ends with the reaction questionnaire, and which has a follow-up one."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.datastructures import MultiValueDict

from courses.models import Certificate, CoursePage, ModulePage
from courses.questionnaire_blocks import follow_up_default, reaction_default
from courses.services import course_enroll
from tests.conftest import CONTENT

VERB = "http://adlnet.gov/expapi/verbs/"


@pytest.fixture
def survey_module(module):
    course = CoursePage.objects.get(pk=module.get_parent().pk)
    course.follow_up = [{"type": "questionnaire", "value": follow_up_default()}]
    course.follow_up_delay_weeks = 6
    course.save()
    page = ModulePage(
        title="Module avec questionnaire",
        slug="module-questionnaire",
        activities=[CONTENT, {"type": "questionnaire", "value": reaction_default()}],
    )
    course.add_child(instance=page)
    page.save_revision().publish()
    return ModulePage.objects.get(pk=page.pk)


@pytest.fixture
def survey_teacher(survey_module, teacher):
    course_enroll(user=teacher, course=survey_module.course)
    return teacher


def questionnaire_block(module):
    return next(block for block in module.activities if block.block_type == "questionnaire")


def form(**answers) -> MultiValueDict:
    """form(q0=["5"], q3=["1"]) → what the browser posts."""
    return MultiValueDict({key: list(values) for key, values in answers.items()})


# Likert 5, 4, 4; "Adaptée"; a remark.
REACTION = {"q0": ["5"], "q1": ["4"], "q2": ["4"], "q3": ["1"], "q4": ["Très concret, merci."]}
# "Oui, régulièrement"; two practices; Likert 4; no obstacle; an example.
FOLLOW_UP = {"q0": ["0"], "q1": ["0", "2"], "q2": ["4"], "q4": ["Une séance d'exerciseur différencié en CM1."]}


def completed_course(user, course, *, weeks_ago: float) -> Certificate:
    """A course completion (the certificate issued when the last module was completed), back-dated."""
    return Certificate.objects.create(
        user=user,
        course=course,
        code=f"C{user.pk:04d}{course.pk:04d}",
        completed_at=timezone.now() - timedelta(weeks=weeks_ago),
        course_title=course.title,
        issuer_name="Relais",
    )
