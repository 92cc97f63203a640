"""The learner's pages: catalogue filters and search, course page, the player with every activity,
certificate (HTML and PDF), "Mes compétences", the trainer's space, and the demo."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.html import escape

from courses import practice, services, sessions
from courses.certificates import CertificateError, certificate_issue
from courses.demo import demo_load
from courses.models import CatalogPage, CourseCompetency, CoursePage, ModulePage
from frameworks.models import Competency
from tests.conftest import PASSWORD, make_user, wagtail_root
from tests.courses.factories import VERB, block_of, finish_module
from xapi.models import Statement

pytestmark = pytest.mark.django_db


def login(client, user):
    assert client.login(email=user.email, password=PASSWORD)
    return client


def html(response):
    return response.content.decode()


@pytest.fixture
def targeted(module):
    course = CoursePage.objects.get(pk=module.course.pk)
    CourseCompetency.objects.create(
        course=course, competency=Competency.objects.get(framework__slug="crcn-edu", code="3.1"), target_level=3
    )
    return course


def test_catalogue_filters_and_search(client, targeted):
    assert 'data-count="1"' in html(client.get("/"))
    assert 'data-count="1"' in html(client.get("/?competence=crcn-edu/3.1&niveau=3&format=hybride&public=1d"))
    assert 'data-count="0"' in html(client.get("/?niveau=5"))
    assert 'data-count="0"' in html(client.get("/?format=distanciel"))
    assert 'data-count="1"' in html(client.get("/?q=Parcours&territoire=tous"))
    assert 'data-count="0"' in html(client.get("/?q=astrophysique"))


@pytest.mark.parametrize("query", ["format=zzz", "public=9", "niveau=abc", "competence=x/9.9", "territoire=99"])
def test_unknown_filters_are_ignored_with_a_message(client, targeted, query):
    response = client.get("/?" + query)
    assert response.status_code == 200
    assert "fr-alert--warning" in html(response) and 'data-count="1"' in html(response)


def test_player_renders_every_activity_and_resumes(client, full_module, enrolled):
    login(client, enrolled)
    response = client.get(full_module.url)
    assert response.status_code == 200
    page = html(response)
    for kind in (
        "content_step", "video", "resource", "quiz", "practical_task", "journal", "in_person_session",
        "virtual_class", "external_xapi",
    ):  # fmt: skip
        assert f'data-activity-type="{kind}"' in page
    assert 'data-question-kind="short_answer"' in page and 'data-question-kind="true_false"' in page
    first = full_module.activities[0]
    services.content_step_complete(user=enrolled, module=full_module, block_id=first.id)
    page = html(client.get(full_module.url))
    second = full_module.activities[1]
    assert f'id="activite-{second.id}" class="fr-mb-4w fr-p-2w relais-activity relais-activity--current"' in page
    assert "Reprendre où je m" in page and 'data-module-progress="11"' in page


def test_session_and_task_views_answer_with_messages(client, full_module, enrolled, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    login(client, enrolled)
    session = block_of(full_module, "in_person_session")
    response = client.post(f"/formations/modules/{full_module.pk}/sessions/{session.id}/", follow=True)
    assert "Vous êtes inscrit à la session" in html(response)
    task = block_of(full_module, "practical_task")
    response = client.post(
        f"/formations/modules/{full_module.pk}/productions/{task.id}/",
        {"fichier": SimpleUploadedFile("script.sh", b"rm -rf /")},
        follow=True,
    )
    assert response.status_code == 200 and "type de fichier n&#x27;est pas accepté" in html(response)
    assert client.post(f"/formations/modules/{full_module.pk}/journal/inconnu/", {"texte": "x"}).status_code == 302


def test_trainer_space_attendance_and_review(client, full_module, enrolled, trainer, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    session = block_of(full_module, "in_person_session")
    sessions.session_register(user=enrolled, module=full_module, block_id=session.id)
    task = block_of(full_module, "practical_task")
    submission = practice.task_submit(
        user=enrolled, module=full_module, block_id=task.id, uploaded=SimpleUploadedFile("fiche.pdf", b"%PDF-1.4 x")
    )
    # A teacher is refused the trainer's pages and others' files.
    login(client, enrolled)
    assert client.get("/formations/formateur/").status_code == 403
    own = client.get(f"/formations/productions/{submission.pk}/fichier/")
    assert own.status_code == 200 and b"".join(own.streaming_content) == b"%PDF-1.4 x"
    assert 'filename="fiche.pdf"' in own["Content-Disposition"]
    client.logout()
    login(client, make_user("voisin@example.fr"))
    assert client.get(f"/formations/productions/{submission.pk}/fichier/").status_code == 403
    client.logout()
    login(client, trainer)
    home = html(client.get("/formations/formateur/"))
    assert escape(session.value["title"]) in home and enrolled.get_full_name() in home
    url = f"/formations/formateur/modules/{full_module.pk}/sessions/{session.id}/"
    assert client.post(url, {"etat-abc": "present"}).status_code == 200
    client.post(url, {f"etat-{enrolled.pk}": "present"})
    assert Statement.objects.filter(verb_id=VERB + "attended").count() == 1
    review = f"/formations/formateur/productions/{submission.pk}/"
    page = html(client.get(review))
    assert "Objectif commun explicite" in page and "fiche.pdf" in page
    client.post(review, {"critere-0": "1", "critere-1": "1"})
    submission.refresh_from_db()
    assert submission.status == "validated" and submission.reviewer == trainer


def test_certificate_after_the_course_lists_competencies(
    client, module, full_module, enrolled, trainer, django_capture_on_commit_callbacks, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    settings.RELAIS_ISSUER_NAME = "DRANE de Versailles"
    course = full_module.course
    login(client, enrolled)
    assert client.get(f"/formations/parcours/{course.pk}/attestation/").status_code == 403
    assert client.get(f"/formations/parcours/{course.pk}/attestation.pdf").status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        finish_module(full_module, enrolled, trainer)
        # The course's other module, to complete the course.
        ids = {b.block_type: b.id for b in module.activities}
        services.content_step_complete(user=enrolled, module=module, block_id=ids["content_step"])
        services.quiz_submit(user=enrolled, module=module, block_id=ids["quiz"], answers={0: [0], 1: [0, 2]})
        services.module_complete(user=enrolled, module=module)
    completed_course = [
        s.payload
        for s in Statement.objects.filter(verb_id=VERB + "completed")
        if "/parcours/" in s.payload["object"]["id"]
    ]
    assert len(completed_course) == 1
    assert Statement.objects.filter(verb_id=VERB + "progressed").count() == 1
    page = html(client.get(course.url))
    assert "Mon attestation de formation" in page and 'data-course-progress="100"' in page
    certificate = html(client.get(f"/formations/parcours/{course.pk}/attestation/"))
    for key in ("crcn-edu/4.1", "crcn-edu/3.1", "crcn-edu/1.2", "crcn-edu/2.1"):
        assert f'data-competency="{key}"' in certificate
    assert "Délivrée par DRANE de Versailles" in certificate  # the issuer badges name too
    response = client.get(f"/formations/parcours/{course.pk}/attestation.pdf")
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF-")
    assert b"DejaVu" in response.content  # the embedded font that carries French accents
    mine = html(client.get("/competences/mes-competences/"))
    assert "Ce que chaque module vous a apporté" in mine
    assert f'data-module="{full_module.pk}"' in mine and f'data-module="{module.pk}"' in mine


def test_no_certificate_before_completion(module, teacher):
    with pytest.raises(CertificateError, match="0 / 1"):
        certificate_issue(course=module.course, user=teacher)


def test_demo_has_every_block_partners_and_workflow(db):
    wagtail_root()
    demo_load(teachers_per_school=1, with_history=False)
    demo_load(teachers_per_school=1, with_history=False)  # idempotent
    module = ModulePage.objects.get(slug="differencier-module-complet")
    kinds = {b.block_type for b in module.activities}
    assert kinds == {
        "content_step", "video", "resource", "quiz", "practical_task", "journal", "in_person_session",
        "virtual_class", "external_xapi",
    }  # fmt: skip
    course = CoursePage.objects.get(slug="differencier-avec-le-numerique")
    assert course.live and course.co_designers.count() == 3 and course.target_competencies.count() == 2
    assert [t.name for t in course.get_workflow().tasks] == [
        "Approbation — Réseau Canopé",
        "Approbation — DRANE de Versailles",
    ]


def test_territory_filter_reaches_another_catalogue(client, targeted, departement):
    from lms.models import Departement

    aisne = Departement.objects.create(code="02", name="Aisne", academie=departement.academie, is_tne=True)
    other = CatalogPage(title="Catalogue de l'Aisne", slug="catalogue-aisne", territory=aisne)
    wagtail_root().add_child(instance=other)
    other.add_child(instance=CoursePage(title="Tablettes en maternelle", slug="tablettes", summary="Aisne"))
    home = html(client.get("/"))
    assert 'data-count="1"' in home and "Tablettes en maternelle" not in home
    aisne_only = html(client.get("/?territoire=02"))
    assert 'data-count="1"' in aisne_only and "Tablettes en maternelle" in aisne_only
    assert 'data-count="2"' in html(client.get("/?territoire=tous"))
