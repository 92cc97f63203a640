"""The quiz's review sits beside each question: right or wrong, feedback, the expected answer once no
attempt is left, the score in percent, and no attempts counter after a pass."""

import re
from html import unescape

import pytest

from tests.conftest import PASSWORD
from tests.courses.factories import block_of

pytestmark = pytest.mark.django_db

WRONG = {"q0": "1", "q1": "0", "q2": "false", "q3": "Moodle"}
HALF = {"q0": "0", "q1": ["0", "1"], "q2": "false", "q3": "Moodle"}
RIGHT = {"q0": "0", "q1": ["0", "1"], "q2": "true", "q3": "Pix"}


@pytest.fixture
def player(client, full_module, enrolled):
    assert client.login(email=enrolled.email, password=PASSWORD)
    quiz = block_of(full_module, "quiz")

    def submit(data):
        response = client.post(f"/formations/modules/{full_module.pk}/quiz/{quiz.id}/", data)
        assert response.status_code == 302
        assert response["Location"] == f"{full_module.url}?resultat={quiz.id}#resultat-{quiz.id}"
        return unescape(client.get(response["Location"]).content.decode())

    submit.visit = lambda: unescape(client.get(full_module.url).content.decode())
    return quiz, submit


def quiz_html(page, quiz):
    """The quiz activity's own markup (the player holds every activity)."""
    start = page.index(f'id="activite-{quiz.id}"')
    end = page.find('id="activite-', start + 1)
    return page[start : end if end != -1 else len(page)]


def test_a_failed_attempt_is_reviewed_beside_each_question(player):
    quiz, submit = player
    page = quiz_html(submit(WRONG), quiz)
    result = re.search(r'<div id="resultat-[^"]+" tabindex="-1"[^>]*>', page).group(0)
    assert 'data-quiz-result="failed"' in result and "autofocus" in result
    assert "Quiz non réussi : 0 bonne(s) réponse(s) sur 4 (0 %)." in page
    assert page.count('data-question-review="wrong"') == 4
    # The reviews are inside the questions' fieldsets, after their inputs.
    first = page[page.index('id="q-') : page.index("</fieldset>")]
    assert 'data-question-review="wrong"' in first and "Non : l'objectif reste le même pour tous." in first
    assert "Si : c'est le principe d'un exerciseur adaptatif." in page
    assert "data-expected" not in page  # attempts left: the answer is not given away
    assert "Tentatives restantes : 2." in page and 'data-best-score="0"' in page


def test_expected_answers_once_the_attempts_are_spent(player):
    quiz, submit = player
    submit(WRONG)
    submit(WRONG)
    page = quiz_html(submit(HALF), quiz)
    assert "Vous avez utilisé toutes vos tentatives" in page and "Valider mes réponses" not in page
    assert page.count('data-question-review="right"') == 2 and page.count("data-expected") == 2
    assert "Réponse attendue : <strong>Vrai</strong>" in page
    assert 'data-best-score="50"' in page and "Meilleur score : 50 % (3 tentatives)." in page


def test_no_attempts_counter_after_a_pass(player):
    quiz, submit = player
    submit(WRONG)
    page = quiz_html(submit(RIGHT), quiz)
    assert 'data-quiz-result="passed"' in page and "Quiz réussi : 4 bonne(s) réponse(s) sur 4 (100 %)." in page
    assert "Tentatives restantes" not in page and "Valider mes réponses" not in page
    assert page.count('data-question-review="right"') == 4 and "data-expected" not in page
    assert "Meilleur score : 100 % (2 tentatives)." in page
    # A later visit (no `resultat` parameter) shows the result without taking the focus.
    later = quiz_html(submit.visit(), quiz)
    assert 'data-quiz-result="passed"' in later and "autofocus" not in later
