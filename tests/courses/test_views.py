"""The learning views: journeys through HTTP, and bad input answered with a clear message."""

import pytest
from django.contrib.messages import get_messages

from courses.models import ActivityProgress, Enrollment
from tests.conftest import PASSWORD, block_ids
from xapi.models import Statement

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_teacher(client, teacher):
    assert client.login(email=teacher.email, password=PASSWORD)
    return client


def texts(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_catalogue_course_and_module_pages(client_teacher, module, teacher):
    course = module.course
    assert "Parcours test" in client_teacher.get("/").content.decode()
    page = client_teacher.get(course.url)
    assert page.status_code == 200 and "inscrire à ce parcours" in page.content.decode()
    # A module is closed until the teacher enrols.
    assert client_teacher.get(module.url).status_code == 302
    response = client_teacher.post(f"/formations/parcours/{course.pk}/inscription/")
    assert response.status_code == 302 and Enrollment.objects.filter(user=teacher).count() == 1
    page = client_teacher.get(module.url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Lire ceci" in html and "Quiz de fin" in html and "À faire maintenant" in html
    launched = Statement.objects.filter(verb_id="http://adlnet.gov/expapi/verbs/launched").count()
    client_teacher.get(module.url)
    assert Statement.objects.filter(verb_id="http://adlnet.gov/expapi/verbs/launched").count() == launched == 1


def test_quiz_through_http(client_teacher, module):
    client_teacher.post(f"/formations/parcours/{module.course.pk}/inscription/")
    quiz = block_ids(module)["quiz"]
    response = client_teacher.post(f"/formations/modules/{module.pk}/quiz/{quiz}/", {"q0": "0", "q1": ["0", "2"]})
    assert response.status_code == 302 and response["Location"].endswith(f"?resultat={quiz}#resultat-{quiz}")
    page = client_teacher.get(response["Location"]).content.decode()
    assert "Quiz réussi : 2 bonne(s) réponse(s) sur 2 (100 %)." in page
    assert ActivityProgress.objects.get(block_id=quiz).status == "passed"


@pytest.mark.parametrize(
    "data, message",
    [
        ({"q0": "0"}, "Répondez à toutes les questions"),
        ({"q0": "zéro", "q1": "0"}, "Réponse illisible"),
        ({"q0": "7", "q1": "0"}, "ne correspond à aucune proposition"),
    ],
)
def test_quiz_bad_input_is_a_message_not_a_500(client_teacher, module, data, message):
    client_teacher.post(f"/formations/parcours/{module.course.pk}/inscription/")
    quiz = block_ids(module)["quiz"]
    response = client_teacher.post(f"/formations/modules/{module.pk}/quiz/{quiz}/", data)
    assert response.status_code == 302
    assert any(message in t for t in texts(response))
    assert not ActivityProgress.objects.exists()


def test_unknown_activity_module_and_method(client_teacher, module):
    client_teacher.post(f"/formations/parcours/{module.course.pk}/inscription/")
    response = client_teacher.post(f"/formations/modules/{module.pk}/quiz/inconnu/", {"q0": "0"})
    assert any("n'existe pas" in t for t in texts(response))
    assert client_teacher.post("/formations/modules/999999/terminer/").status_code == 404
    assert client_teacher.get(f"/formations/modules/{module.pk}/terminer/").status_code == 405
    response = client_teacher.post(f"/formations/modules/{module.pk}/terminer/")
    assert any("Il reste des activités" in t for t in texts(response))


def test_anonymous_is_sent_to_login(client, module):
    response = client.post(f"/formations/parcours/{module.course.pk}/inscription/")
    assert response.status_code == 302 and "/comptes/login/" in response["Location"]
    response = client.get(module.url)
    assert response.status_code == 302 and "/comptes/login/" in response["Location"]
