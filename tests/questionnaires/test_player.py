"""The reaction questionnaire inside the module player: the form, errors beside their question, thanks."""

import pytest
from django.urls import reverse

from questionnaires.models import QuestionnaireResponse
from tests.questionnaires.conftest import REACTION, questionnaire_block

pytestmark = pytest.mark.django_db


def test_the_player_shows_the_form_then_errors_beside_questions_then_thanks(client, survey_module, survey_teacher):
    client.force_login(survey_teacher)
    block = questionnaire_block(survey_module)
    html = client.get(survey_module.url).content.decode()
    assert 'data-activity-type="questionnaire"' in html
    assert '<legend class="fr-fieldset__legend" id="qr-' + block.id + '-utile-legend">1. Ce module' in html
    assert html.count('name="q0"') == 5  # the Likert points
    url = reverse("courses:questionnaire_submit", args=[survey_module.pk, block.id])
    refused = client.post(url, {**REACTION, "q1": []})
    assert refused.status_code == 302 and refused["Location"].endswith(f"#activite-{block.id}")
    html = client.get(survey_module.url).content.decode()
    applicable = html.split('data-question-key="applicable"')[1].split("</fieldset>")[0]
    assert "fr-fieldset--error" in html and "Cette question demande une réponse." in applicable
    assert f'aria-labelledby="qr-{block.id}-applicable-legend qr-{block.id}-applicable-messages"' in html
    assert 'value="5" checked' in html.split('data-question-key="utile"')[1].split("</fieldset>")[0]
    assert "Très concret, merci." in html  # the text typed is kept
    assert "Cette question demande une réponse." not in client.get(survey_module.url).content.decode()  # once
    sent = client.post(url, REACTION)
    assert sent["Location"].endswith(f"?merci={block.id}#merci-{block.id}")
    html = client.get(sent["Location"]).content.decode()
    assert "Merci : vos réponses sont enregistrées." in html and 'name="q0"' not in html
    assert QuestionnaireResponse.objects.filter(user=survey_teacher).count() == 1
    again = client.post(url, REACTION, follow=True)
    assert "déjà répondu" in again.content.decode()
    assert QuestionnaireResponse.objects.count() == 1


def test_the_course_page_editor_has_the_follow_up_fields(survey_module):
    course = survey_module.course
    assert course.follow_up_delay_weeks == 6
    assert course.follow_up[0].value["questions"][0]["key"] == "mise_en_oeuvre"
