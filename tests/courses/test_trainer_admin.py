"""Trainers in the admin: shared courses to adapt (reachable from the admin menu), the trainer space in
both menus, alignment helpers in the editor, no permission error after the final approval, and each
role's landing page after login."""

import pytest
from django.urls import reverse

from courses.codesign import trainer_group_for
from courses.models import CatalogPage, CoursePage
from tests.conftest import PASSWORD, make_user, wagtail_root

pytestmark = pytest.mark.django_db


@pytest.fixture
def aisne(module):
    other = CatalogPage(title="Catalogue de l'Aisne", slug="catalogue-aisne")
    wagtail_root().add_child(instance=other)
    return other


@pytest.fixture
def aisne_trainer(aisne):
    user = make_user("formateur-aisne@example.fr", role="trainer")
    user.groups.add(trainer_group_for(aisne))
    return user


def test_a_trainer_of_another_territory_adapts_from_the_admin_menu(client, module, aisne, aisne_trainer):
    course = CoursePage.objects.get(pk=module.course.pk)
    course.save_revision().publish()
    assert client.login(email=aisne_trainer.email, password=PASSWORD)
    # The shared course is not theirs to edit, so the page explorer cannot lead them to it...
    assert client.get(reverse("wagtailadmin_pages:edit", args=[course.pk])).status_code in (302, 403)
    # ...the admin menu does.
    home = client.get("/admin/").content.decode()
    assert reverse("courses_shared") in home and reverse("courses:trainer_home") in home
    shared = client.get(reverse("courses_shared")).content.decode()
    assert "data-shared-courses" in shared and course.title in shared
    assert reverse("courses_adaptation_create", args=[course.pk]) in shared
    client.post(reverse("courses_adaptation_create", args=[course.pk]), {"catalogue": aisne.pk})
    copy = CoursePage.objects.get(origin=course)
    mine = client.get(reverse("courses_shared")).content.decode()
    assert reverse("courses_upstream", args=[copy.pk]) in mine
    # The adaptation's header and the listing carry "Changements en amont".
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[copy.pk])).content.decode()
    assert reverse("courses_upstream", args=[copy.pk]) in edit
    listing = client.get(reverse("wagtailadmin_explore", args=[aisne.pk])).content.decode()
    assert reverse("courses_upstream", args=[copy.pk]) in listing


def test_teachers_have_no_shared_courses_page(client, teacher):
    client.login(email=teacher.email, password=PASSWORD)
    assert client.get(reverse("courses_shared")).status_code in (302, 403)


def test_the_editor_limits_competencies_to_the_framework_and_names_levels(client, module, trainer):
    client.login(email=trainer.email, password=PASSWORD)
    page = client.get(reverse("wagtailadmin_pages:edit", args=[module.pk])).content.decode()
    assert "courses/js/alignment.js" in page
    # The block definitions carry the level names (JSON-escaped), grouped by framework.
    assert "Niveau 3 \\u2014 Ind\\u00e9pendant" in page and "Niveau 5 \\u2014 Expert" in page
    from courses.blocks import competency_choices

    groups = dict(competency_choices())
    assert set(groups) == {"CRCN", "CRCN Édu"}
    assert all(key.startswith("crcn-edu/") for key, _label in groups["CRCN Édu"])


def test_each_role_lands_where_its_work_is(client, teacher, manager, module, trainer):
    for user, destination in (
        (teacher, "/formations/mes-formations/"),
        (trainer, "/admin/"),
        (manager, reverse("competencies:dashboard")),
    ):
        response = client.post("/comptes/login/", {"login": user.email, "password": PASSWORD})
        assert response.status_code == 302 and response["Location"] == destination, user.email
        client.logout()
    response = client.post(
        "/comptes/login/?next=/competences/mes-competences/", {"login": teacher.email, "password": PASSWORD}
    )
    assert response["Location"] == "/competences/mes-competences/"


def test_no_permission_error_after_the_final_approval(client, module, trainer, reviewers):
    from courses.models import ModulePage

    draft = ModulePage.objects.get(pk=module.pk)
    draft.save_revision(user=trainer)
    state = draft.get_workflow().start(draft, trainer)
    canope, drane = reviewers
    for reviewer in (canope, drane):
        task_state = state.current_task_state
        client.login(email=reviewer.email, password=PASSWORD)
        url = reverse("wagtailadmin_pages:workflow_action", args=[draft.pk, "approve", task_state.pk])
        response = client.post(url, {"comment": ""}, follow=True)
        page = response.content.decode()
        assert response.status_code == 200 and response.redirect_chain == [("/admin/", 302)]
        assert "autorisations pour accéder" not in page  # Wagtail's "you do not have permission"
        client.logout()
        state.refresh_from_db()
    draft.refresh_from_db()
    assert draft.live
