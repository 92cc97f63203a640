"""The reaction questionnaire: validation, one `responded` statement per answer, the read model."""

import pytest
from django.core.exceptions import ValidationError

from courses import questionnaire, services
from courses.models import ActivityProgress, ModuleCompletion
from courses.questionnaire_blocks import QuestionnaireBlock, reaction_default
from courses.statements import course_iri, module_iri
from lms.privacy import user_data_export
from questionnaires.models import QuestionnaireAnswer, QuestionnaireResponse
from questionnaires.selectors import questionnaire_answers, questionnaire_results
from tests.questionnaires.conftest import REACTION, VERB, form, questionnaire_block
from xapi.models import Statement
from xapi.validation.statements import validate_statement

pytestmark = pytest.mark.django_db


def submit(module, user, data):
    block = questionnaire_block(module)
    return questionnaire.reaction_submit(user=user, module=module, block_id=block.id, data=form(**data))


def test_each_answer_is_a_valid_responded_statement_with_its_interaction(survey_module, survey_teacher):
    parsed = submit(survey_module, survey_teacher, REACTION)
    assert parsed.errors == {}
    block = questionnaire_block(survey_module)
    survey_iri = f"{module_iri(survey_module)}/{block.id}"
    registration = str(survey_teacher.enrollments.get().registration)
    responded = {
        s.payload["object"]["id"].rsplit("/", 1)[1]: s.payload
        for s in Statement.objects.filter(verb_id=VERB + "responded")
    }
    assert set(responded) == {"utile", "applicable", "clair", "duree", "remarque"}
    for payload in responded.values():
        validate_statement(payload)  # the LRS's own validator: raises on any deviation from xAPI 1.0.3
        assert payload["context"]["registration"] == registration
        assert payload["context"]["contextActivities"]["parent"][0]["id"] == survey_iri
        assert payload["context"]["contextActivities"]["parent"][0]["definition"]["type"] == (
            "http://adlnet.gov/expapi/activities/survey"
        )
        grouping = {a["id"] for a in payload["context"]["contextActivities"]["grouping"]}
        assert grouping == {module_iri(survey_module), course_iri(survey_module.course)}
        assert payload["object"]["definition"]["type"] == "http://adlnet.gov/expapi/activities/question"
        assert payload["actor"]["account"]["name"] == str(survey_teacher.xapi_uuid)  # pseudonymous
    likert = responded["utile"]["object"]["definition"]
    assert likert["interactionType"] == "likert"
    assert [s["id"] for s in likert["scale"]] == [f"likert_{n}" for n in range(1, 6)]
    assert likert["scale"][0]["description"]["fr-FR"] == "Pas du tout d'accord"
    assert responded["utile"]["result"]["response"] == "likert_5"
    choice = responded["duree"]["object"]["definition"]
    assert choice["interactionType"] == "choice"
    assert [c["description"]["fr-FR"] for c in choice["choices"]] == ["Trop courte", "Adaptée", "Trop longue"]
    assert responded["duree"]["result"]["response"] == "1"
    assert responded["remarque"]["object"]["definition"]["interactionType"] == "long-fill-in"
    assert responded["remarque"]["result"]["response"] == "Très concret, merci."

    completed = Statement.objects.get(verb_id=VERB + "completed", object_activity_id=survey_iri).payload
    validate_statement(completed)
    assert completed["context"]["contextActivities"]["parent"][0]["id"] == module_iri(survey_module)
    assert [a["id"] for a in completed["context"]["contextActivities"]["grouping"]] == [
        course_iri(survey_module.course)
    ]
    assert completed["result"] == {"completion": True}


def test_the_read_model_mirrors_the_statements(survey_module, survey_teacher):
    submit(survey_module, survey_teacher, REACTION)
    response = QuestionnaireResponse.objects.get()
    assert (response.kind, response.module_id, response.course_id) == (
        "reaction",
        survey_module.pk,
        survey_module.course.pk,
    )
    assert str(response.statement_id) == Statement.objects.get(verb_id=VERB + "completed").payload["id"]
    rows = {a.question_key: a for a in response.answers.all()}
    assert (rows["utile"].score, rows["utile"].value) == (5, "likert_5")
    assert rows["duree"].choices == [1]
    assert rows["remarque"].value == "Très concret, merci."
    for row in rows.values():
        assert Statement.objects.filter(pk=row.statement_id, verb_id=VERB + "responded").exists()
    flat = questionnaire_answers(module_ids=[survey_module.pk])
    assert {(r.question_key, r.value) for r in flat} >= {("utile", "likert_5"), ("duree", "1")}
    assert all(r.user_id == survey_teacher.pk and r.kind == "reaction" for r in flat)


def test_answering_completes_the_step_and_lets_the_module_complete(survey_module, survey_teacher):
    block = questionnaire_block(survey_module)
    content = next(b for b in survey_module.activities if b.block_type == "content_step")
    services.content_step_complete(user=survey_teacher, module=survey_module, block_id=content.id)
    with pytest.raises(services.LearningError, match="Votre avis sur ce module"):
        services.module_complete(user=survey_teacher, module=survey_module)
    submit(survey_module, survey_teacher, REACTION)
    assert ActivityProgress.objects.get(module=survey_module, block_id=block.id).status == "completed"
    services.module_complete(user=survey_teacher, module=survey_module)
    assert ModuleCompletion.objects.filter(user=survey_teacher, module=survey_module).exists()


def test_optional_questions_may_stay_empty(survey_module, survey_teacher):
    data = {key: value for key, value in REACTION.items() if key != "q4"}
    assert submit(survey_module, survey_teacher, data).errors == {}
    assert Statement.objects.filter(verb_id=VERB + "responded").count() == 4
    assert not QuestionnaireAnswer.objects.filter(question_key="remarque").exists()


@pytest.mark.parametrize(
    "change, index, message",
    [
        ({"q0": []}, 0, "demande une réponse"),
        ({"q0": ["9"]}, 0, "un seul point"),
        ({"q1": ["3", "4"]}, 1, "un seul point"),
        ({"q2": ["beaucoup"]}, 2, "illisible"),
        ({"q3": ["7"]}, 3, "aucune proposition"),
        ({"q3": ["0", "2"]}, 3, "Une seule réponse"),
        ({"q4": ["x" * 2001]}, 4, "trop longue"),
    ],
)
def test_bad_answers_are_refused_beside_their_question_and_nothing_is_stored(
    survey_module, survey_teacher, change, index, message
):
    parsed = submit(survey_module, survey_teacher, {**REACTION, **change})
    assert list(parsed.errors) == [index]
    assert message in parsed.errors[index]
    assert parsed.given[0] == [v for v in (change.get("q0", REACTION["q0"])) if v]  # kept to refill the form
    assert not Statement.objects.filter(verb_id=VERB + "responded").exists()
    assert not QuestionnaireResponse.objects.exists()


def test_a_questionnaire_is_answered_once(survey_module, survey_teacher):
    submit(survey_module, survey_teacher, REACTION)
    with pytest.raises(questionnaire.QuestionnaireError, match="déjà répondu"):
        submit(survey_module, survey_teacher, {**REACTION, "q0": ["1"]})
    assert Statement.objects.filter(verb_id=VERB + "responded").count() == 5
    assert QuestionnaireAnswer.objects.get(question_key="utile").score == 5


def test_not_enrolled_teachers_cannot_answer(survey_module, teacher):
    with pytest.raises(services.LearningError, match="Inscrivez-vous"):
        submit(survey_module, teacher, REACTION)


def test_results_are_aggregated_and_hidden_under_the_minimum_group(survey_module, survey_teacher, settings):
    submit(survey_module, survey_teacher, REACTION)
    settings.RELAIS_MIN_GROUP_SIZE = 2
    hidden = questionnaire_results(module_id=survey_module.pk, kind="reaction")
    assert hidden.respondents == 1 and hidden.hidden and hidden.questions == []
    settings.RELAIS_MIN_GROUP_SIZE = 1
    shown = questionnaire_results(module_id=survey_module.pk, kind="reaction")
    by_key = {q.key: q for q in shown.questions}
    assert by_key["utile"].counts == {"likert_1": 0, "likert_2": 0, "likert_3": 0, "likert_4": 0, "likert_5": 1}
    assert by_key["utile"].mean == 5
    assert by_key["remarque"].texts == ["Très concret, merci."]  # no name, no date beside it


def test_block_refuses_double_keys_missing_choices_and_partial_scales():
    block = QuestionnaireBlock()
    value = reaction_default()
    value["questions"][1]["key"] = "utile"
    with pytest.raises(ValidationError):
        block.clean(block.to_python(value))
    value = reaction_default()
    value["questions"][3]["choices"] = ["Seule"]
    with pytest.raises(ValidationError):
        block.clean(block.to_python(value))
    value = reaction_default()
    value["questions"][0]["scale"] = ["Non", "Bof", "Oui"]
    with pytest.raises(ValidationError):
        block.clean(block.to_python(value))
    assert block.clean(block.to_python(reaction_default()))


def test_the_teachers_answers_are_in_her_data_export(survey_module, survey_teacher):
    submit(survey_module, survey_teacher, REACTION)
    exported = user_data_export(user=survey_teacher)["questionnaires"]
    answers = {a["cle"]: a["reponse"] for a in exported["reponses"][0]["reponses"]}
    assert answers["remarque"] == "Très concret, merci." and answers["utile"] == "likert_5"
