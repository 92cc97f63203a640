"""The trainer's side in the Wagtail editor: the questionnaire blocks, their default question sets (in the
editor's language), the follow-up delay on the course."""

import pytest
from django.urls import reverse
from django.utils import translation

from courses.questionnaire_blocks import FollowUpQuestionnaireBlock, QuestionnaireBlock
from tests.conftest import PASSWORD
from tests.courses.conftest import catalogue, trainer  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def test_the_editor_offers_the_questionnaire_with_its_default_questions(client, survey_module, trainer):  # noqa: F811
    client.login(email=trainer.email, password=PASSWORD)
    module_page = client.get(reverse("wagtailadmin_pages:edit", args=[survey_module.pk]))
    assert module_page.status_code == 200
    html = module_page.content.decode()
    assert "Questionnaire de fin de module" in html
    assert "Je pourrai appliquer ce que j" in html  # the stored question (the value, escaped in the page's JSON)
    assert html.count("Votre avis sur ce module") >= 2  # ... and the default of a newly inserted block
    course_page = client.get(reverse("wagtailadmin_pages:edit", args=[survey_module.course.pk]))
    assert course_page.status_code == 200
    html = course_page.content.decode()
    assert 'name="follow_up_delay_weeks"' in html and "Questionnaire de suivi" in html


def test_default_question_sets_follow_the_editors_language():
    assert QuestionnaireBlock().get_default()["title"] == "Votre avis sur ce module"
    with translation.override("en"):
        reaction = QuestionnaireBlock().get_default()
        follow_up = FollowUpQuestionnaireBlock().get_default()
        # Scale labels left empty by the trainer read in the reader's language.
        assert reaction["questions"][0].scale_labels[0] == "Strongly disagree"
    assert reaction["questions"][0].scale_labels[0] == "Pas du tout d'accord"
    assert reaction["title"] == "Your opinion of this module"
    assert follow_up["questions"][0]["prompt"].startswith("Since the training")
    assert [q["key"] for q in follow_up["questions"]] == [
        "mise_en_oeuvre",
        "pratiques",
        "effet_eleves",
        "freins",
        "exemple",
    ]
