"""Quizzes: single and multiple choice, true/false, short answers, feedback, pass mark, attempt limit."""

import pytest
from django.core.exceptions import ValidationError

from courses import services
from courses.blocks import QuestionBlock
from courses.models import ActivityProgress
from frameworks.alignment import level_extension
from tests.courses.factories import VERB, block_of
from xapi.models import Statement

pytestmark = pytest.mark.django_db

RIGHT = {0: [0], 1: [0, 1], 2: ["true"], 3: ["  pix+ edu "]}


def test_every_kind_graded_with_feedback(full_module, enrolled):
    quiz = block_of(full_module, "quiz")
    outcome = services.quiz_submit(user=enrolled, module=full_module, block_id=quiz.id, answers=RIGHT)
    assert (outcome.correct, outcome.total, outcome.passed) == (4, 4, True)
    assert outcome.feedback[0] == ["Oui : l'objectif reste commun."]
    assert outcome.feedback[2] == ["Exact."] and outcome.feedback[3] == ["Oui, Pix."]


def test_wrong_answers_fail_and_say_why(full_module, enrolled):
    quiz = block_of(full_module, "quiz")
    outcome = services.quiz_submit(
        user=enrolled, module=full_module, block_id=quiz.id, answers={0: [1], 1: [0], 2: ["false"], 3: ["Moodle"]}
    )
    assert outcome.correct == 0 and not outcome.passed
    assert outcome.feedback[2] == ["Si : c'est le principe d'un exerciseur adaptatif."]
    assert outcome.attempts_left == 2
    assert Statement.objects.filter(verb_id=VERB + "failed").count() == 1


def test_one_answered_statement_per_question_then_passed_aligned(full_module, enrolled):
    quiz = block_of(full_module, "quiz")
    services.quiz_submit(user=enrolled, module=full_module, block_id=quiz.id, answers=RIGHT)
    answered = [s.payload for s in Statement.objects.filter(verb_id=VERB + "answered")]
    assert len(answered) == 4
    kinds = sorted(s["object"]["definition"]["interactionType"] for s in answered)
    assert kinds == ["choice", "choice", "fill-in", "true-false"]
    assert all(s["result"]["success"] for s in answered)
    (passed,) = [s.payload for s in Statement.objects.filter(verb_id=VERB + "passed")]
    assert passed["result"]["score"]["scaled"] == 1.0
    assert [a["id"].rsplit("/", 1)[1] for a in passed["context"]["contextActivities"]["other"]] == ["4.1"]
    assert passed["result"]["extensions"][level_extension()].endswith("/crcn-edu/niveaux/3")


def test_attempt_limit_refuses_a_fourth_try(full_module, enrolled):
    quiz = block_of(full_module, "quiz")
    wrong = {0: [1], 1: [2], 2: ["false"], 3: ["non"]}
    for _ in range(3):
        services.quiz_submit(user=enrolled, module=full_module, block_id=quiz.id, answers=wrong)
    with pytest.raises(services.LearningError, match="3 tentatives"):
        services.quiz_submit(user=enrolled, module=full_module, block_id=quiz.id, answers=RIGHT)
    assert ActivityProgress.objects.get(block_id=quiz.id).attempts == 3


@pytest.mark.parametrize(
    "answers, message",
    [
        ({0: [0], 1: [0], 2: ["peut-être"], 3: ["Pix"]}, "vrai ou faux"),
        ({0: [0, 1], 1: [0], 2: ["true"], 3: ["Pix"]}, "Une seule réponse"),
        ({0: [0], 1: [0], 2: ["true"], 3: ["  "]}, "sans réponse : 4"),
        ({0: [0], 1: [0], 2: ["true"], 3: ["x" * 501]}, "trop longue"),
    ],
)
def test_bad_answers_are_clear_errors(full_module, enrolled, answers, message):
    quiz = block_of(full_module, "quiz")
    with pytest.raises(services.LearningError, match=message):
        services.quiz_submit(user=enrolled, module=full_module, block_id=quiz.id, answers=answers)
    assert not Statement.objects.filter(verb_id=VERB + "answered").exists()


def test_question_block_validation():
    block = QuestionBlock()
    base = {"prompt": "?", "choices": [], "accepted_answers": "", "true_is_correct": False}
    with pytest.raises(ValidationError):
        block.clean(block.to_python({**base, "kind": "short_answer"}))
    two_right = [{"text": "a", "correct": True, "feedback": ""}, {"text": "b", "correct": True, "feedback": ""}]
    with pytest.raises(ValidationError):
        block.clean(block.to_python({**base, "kind": "single", "choices": two_right}))
    assert block.clean(block.to_python({**base, "kind": "multiple", "choices": two_right}))["kind"] == "multiple"
    assert block.clean(block.to_python({**base, "kind": "true_false"}))["kind"] == "true_false"


def test_video_block_wants_one_source_and_a_playable_file(frameworks):
    from django.core.files.base import ContentFile
    from wagtail.documents.models import Document

    from courses.blocks import VideoBlock

    block = VideoBlock()
    base = {
        "title": "Vidéo",
        "transcript": "<p>Texte</p>",
        "alignment": {"framework": "crcn-edu", "competencies": ["crcn-edu/4.1"], "level": 2},
    }
    with pytest.raises(ValidationError) as neither:
        block.clean(block.to_python({**base, "video_file": None, "embed_url": ""}))
    assert "embed_url" in neither.value.block_errors
    slides = Document.objects.create(title="Diaporama", file=ContentFile(b"x", name="diaporama.pdf"))
    with pytest.raises(ValidationError) as not_a_video:
        block.clean(block.to_python({**base, "video_file": slides.pk, "embed_url": ""}))
    assert list(not_a_video.value.block_errors) == ["video_file"]
    film = Document.objects.create(title="Film", file=ContentFile(b"x", name="film.webm"))
    assert block.clean(block.to_python({**base, "video_file": film.pk, "embed_url": ""}))["video_file"] == film
