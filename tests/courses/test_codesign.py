"""Co-design in the Wagtail admin: groups, the partners' workflow, comments, revisions, locking,
scheduled publishing, local adaptation with upstream changes."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Comment, Page

from courses.codesign import AdaptationError, local_adaptation_create, trainer_group_for, upstream_changes
from courses.models import CatalogPage, CoursePage, ModulePage
from tests.conftest import PASSWORD, make_user, wagtail_root

pytestmark = pytest.mark.django_db


def login(client, user):
    assert client.login(email=user.email, password=PASSWORD)
    return client


@pytest.fixture
def draft(catalogue, trainer):
    """A course the trainer wrote, not yet published."""
    course = CoursePage(title="Parcours co-conçu", slug="parcours-co-concu", summary="Brouillon", live=False)
    catalogue.add_child(instance=course)
    course.save_revision(user=trainer)
    return CoursePage.objects.get(pk=course.pk)


@pytest.fixture
def other_catalogue(frameworks):
    other = CatalogPage(title="Catalogue de l'Aisne", slug="catalogue-aisne")
    wagtail_root().add_child(instance=other)
    return other


def test_teachers_never_reach_the_admin(client, teacher):
    response = login(client, teacher).get("/admin/")
    assert response.status_code == 302 and "/login" in response["Location"]


def test_trainers_edit_their_catalogue_only_and_do_not_publish_alone(catalogue, other_catalogue, trainer, module):
    assert login_ok(trainer)
    course = module.course
    permissions = course.permissions_for_user(trainer)
    assert permissions.can_edit() and not permissions.can_publish()
    assert catalogue.permissions_for_user(trainer).can_add_subpage()
    assert not other_catalogue.permissions_for_user(trainer).can_add_subpage()
    # Idempotent: the setup can run at every demo load.
    assert trainer_group_for(catalogue).permissions.count() == trainer_group_for(catalogue).permissions.count()


def login_ok(user):
    return user.has_perm("wagtailadmin.access_admin")


def test_partner_groups_approve_in_turn_then_it_is_published(client, draft, trainer, reviewers):
    canope, drane = reviewers
    assert login_ok(canope) and not draft.permissions_for_user(canope).can_publish()
    workflow = draft.get_workflow()
    assert [t.name for t in workflow.tasks] == ["Approbation — Réseau Canopé", "Approbation — DRANE de Versailles"]
    state = workflow.start(draft, trainer)
    task_state = state.current_task_state
    url = reverse("wagtailadmin_pages:workflow_action", args=[draft.pk, "approve", task_state.pk])
    # A reviewer of the other partner cannot act on this task.
    login(client, drane).post(url, {"comment": "Pas mon tour"})
    task_state.refresh_from_db()
    assert task_state.status == "in_progress"
    client.logout()
    response = login(client, canope).post(url, {"comment": "Validé pour Canopé"})
    assert response.status_code in (200, 302)
    task_state.refresh_from_db()
    assert task_state.status == "approved" and task_state.comment == "Validé pour Canopé"
    state.refresh_from_db()
    second = state.current_task_state
    assert second.task.name == "Approbation — DRANE de Versailles"
    client.logout()
    response = login(client, drane).post(
        reverse("wagtailadmin_pages:workflow_action", args=[draft.pk, "approve", second.pk]), {"comment": ""}
    )
    second.refresh_from_db()
    assert second.status == "approved", response.content.decode()[:2000]
    draft.refresh_from_db()
    assert draft.live and draft.live_revision is not None


def test_partner_can_comment_in_the_editor(client, draft, trainer, reviewers):
    canope, _drane = reviewers
    draft.get_workflow().start(draft, trainer)
    response = login(client, canope).get(reverse("wagtailadmin_pages:edit", args=[draft.pk]))
    assert response.status_code == 200
    # Wagtail's commenting starts in the editor only when comments are enabled.
    assert 'data-w-init-event-value="w-comments:init"' in response.content.decode()
    Comment.objects.create(
        page=Page.objects.get(pk=draft.pk), user=canope, text="Ajouter une ressource Canopé ?", contentpath="summary"
    )
    assert Comment.objects.filter(page_id=draft.pk, user=canope).count() == 1


def test_revisions_compare_and_locking(client, draft, trainer, catalogue):
    draft.summary = "Deuxième version"
    second = draft.save_revision(user=trainer)
    first = draft.revisions.order_by("created_at").first()
    response = login(client, trainer).get(
        reverse("wagtailadmin_pages:revisions_compare", args=[draft.pk, first.pk, second.pk])
    )
    assert response.status_code == 200 and "Deuxième version" in response.content.decode()
    response = client.post(reverse("wagtailadmin_pages:lock", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.locked and draft.locked_by == trainer
    colleague = make_user("collegue@example.fr", role="trainer")
    colleague.groups.add(trainer_group_for(catalogue))
    assert draft.get_lock().for_user(colleague) and not draft.get_lock().for_user(trainer)


def test_scheduled_publishing_after_approval(draft, trainer, reviewers):
    canope, drane = reviewers
    draft.go_live_at = timezone.now() + timedelta(days=2)
    draft.save_revision(user=trainer)
    state = draft.get_workflow().start(draft, trainer)
    for reviewer in (canope, drane):  # what the admin's workflow action view does
        state.refresh_from_db()
        task_state = state.current_task_state
        task_state.task.specific.on_action(task_state, reviewer, "approve")
    draft.refresh_from_db()
    assert not draft.live and draft.scheduled_revision is not None
    # Two days later: the scheduled revision's time has come.
    revision = draft.scheduled_revision
    past = timezone.now() - timedelta(minutes=1)
    revision.approved_go_live_at = past
    revision.content["go_live_at"] = past.isoformat()
    revision.save()
    call_command("publish_scheduled")
    draft.refresh_from_db()
    assert draft.live


def test_local_adaptation_keeps_its_origin_and_shows_upstream_changes(module, other_catalogue, trainer):
    shared = module.course
    shared.save_revision(user=trainer).publish()
    trainer.groups.add(trainer_group_for(other_catalogue))
    copy = local_adaptation_create(course=shared, catalogue=other_catalogue, user=trainer)
    assert copy.get_parent().pk == other_catalogue.pk and not copy.live
    assert (
        copy.origin_id == shared.pk and copy.origin_revision_id == CoursePage.objects.get(pk=shared.pk).live_revision_id
    )
    assert ModulePage.objects.child_of(copy).count() == 1
    assert upstream_changes(adaptation=copy)["fields"] == []
    shared = CoursePage.objects.get(pk=shared.pk)
    shared.summary = "Résumé revu par Canopé"
    shared.save_revision(user=trainer)
    changes = upstream_changes(adaptation=copy)
    assert [(c.before, c.after) for c in changes["fields"]] == [("Résumé", "Résumé revu par Canopé")]
    assert changes["compare_url"]
    with pytest.raises(AdaptationError):
        local_adaptation_create(course=shared, catalogue=shared.get_parent().specific, user=trainer)


def test_adaptation_admin_views(client, module, other_catalogue, trainer):
    trainer.groups.add(trainer_group_for(other_catalogue))
    login(client, trainer)
    course = module.course
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[course.pk]))
    assert "Adapter localement" in edit.content.decode()
    url = reverse("courses_adaptation_create", args=[course.pk])
    assert client.post(url, {"catalogue": "pas-un-nombre"}).status_code == 400
    response = client.post(url, {"catalogue": other_catalogue.pk})
    copy = CoursePage.objects.get(origin=course)
    assert response.status_code == 302 and response["Location"].endswith(f"/pages/{copy.pk}/edit/")
    upstream = client.get(reverse("courses_upstream", args=[copy.pk]))
    assert upstream.status_code == 200 and 'data-upstream="none"' in upstream.content.decode()
    # A second click (or a colleague's) gets the same adaptation to edit, not a second copy.
    again = client.post(url, {"catalogue": other_catalogue.pk}, follow=True)
    assert again.redirect_chain[0] == (reverse("wagtailadmin_pages:edit", args=[copy.pk]), 302)
    assert CoursePage.objects.filter(origin=course).count() == 1
    assert "a déjà une adaptation de ce parcours" in again.content.decode()
