"""A module with every activity kind, a trainer of its catalogue, partners with reviewers."""

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import Group

from courses.codesign import codesign_workflow_setup, trainer_group_for
from courses.demo_codesign import every_block_activities
from courses.models import CatalogPage, ModulePage, Partner
from courses.services import course_enroll
from tests.conftest import make_user


@pytest.fixture
def full_module(module):
    """Beside the foundation's module, in the same course: a module holding every activity kind."""
    course = module.course
    full = ModulePage(
        title="Module complet",
        slug="module-complet",
        # Both sessions are over (in-person 20 days ago, virtual class 6 days ago): attendance can be taken.
        activities=every_block_activities(session_day=date.today() - timedelta(days=20)),
    )
    course.add_child(instance=full)
    full.save_revision().publish()
    return ModulePage.objects.get(pk=full.pk)


@pytest.fixture
def enrolled(full_module, teacher):
    course_enroll(user=teacher, course=full_module.course)
    return teacher


@pytest.fixture
def catalogue(module):
    return CatalogPage.objects.get(pk=module.course.get_parent().pk)


@pytest.fixture
def trainer(catalogue):
    user = make_user("formatrice@example.fr", role="trainer", first_name="Hélène", last_name="Garnier")
    user.groups.add(trainer_group_for(catalogue))
    return user


@pytest.fixture
def partners(catalogue):
    canope = Partner.objects.create(name="Réseau Canopé", kind="canope")
    drane = Partner.objects.create(name="DRANE de Versailles", kind="dane")
    codesign_workflow_setup(catalogue=catalogue, partners=[canope, drane])
    return canope, drane


@pytest.fixture
def reviewers(partners):
    canope, drane = partners
    a = make_user("relecteur-canope@example.fr", role="trainer")
    a.groups.add(Group.objects.get(pk=Partner.objects.get(pk=canope.pk).reviewer_group_id))
    b = make_user("relecteur-drane@example.fr", role="trainer")
    b.groups.add(Group.objects.get(pk=Partner.objects.get(pk=drane.pk).reviewer_group_id))
    return a, b
