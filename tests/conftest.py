"""Fixtures shared by the whole suite: frameworks, a small catalogue, people in schools."""

from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from wagtail.models import Collection, Locale, Page, Site

from courses.models import CatalogPage, CoursePage, ModulePage
from frameworks.services import frameworks_load_shipped
from lms.celery import app
from lms.models import Academie, Departement, Membership, School
from tests.sso.oidc import oidc_provider  # noqa: F401  (one provider process per session, for tests/sso and tests/e2e)

PASSWORD = "motdepasse-de-test-2026"
ROOT = Path(__file__).resolve().parent.parent


def database_url_of_test_db() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def reset_connection_pools():
    # Pools made for the in-process broker must not be reused for Redis (and back).
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (derived look-ups are cached for hours)."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def frameworks(db):
    frameworks_load_shipped()


@pytest.fixture
def departement(db):
    academie, _ = Academie.objects.get_or_create(code="25", defaults={"name": "Versailles"})
    dep, _ = Departement.objects.get_or_create(
        code="95", defaults={"name": "Val-d'Oise", "academie": academie, "is_tne": True}
    )
    return dep


def make_school(departement, uai: str, name: str, kind: str = "ecole") -> School:
    return School.objects.create(uai=uai, name=name, kind=kind, departement=departement, commune="Cergy")


def make_user(email: str, **fields):
    return get_user_model().objects.create_user(email=email, password=PASSWORD, **fields)


@pytest.fixture
def school(departement):
    return make_school(departement, "0951001X", "École Jules Ferry")


@pytest.fixture
def teacher(school):
    user = make_user("prof@example.fr", first_name="Camille", last_name="Durand")
    Membership.objects.create(user=user, school=school)
    return user


@pytest.fixture
def manager(departement):
    return make_user("gestion@example.fr", role="manager", scope_departement=departement)


def alignment(keys, level, framework="crcn-edu"):
    return {"framework": framework, "competencies": keys, "level": level}


QUIZ = {
    "type": "quiz",
    "value": {
        "title": "Quiz de fin",
        "pass_mark": 50,
        "alignment": alignment(["crcn-edu/3.1", "crcn-edu/2.1"], 4),
        "questions": [
            {
                "prompt": "Deux et deux ?",
                "choices": [
                    {"text": "Quatre", "correct": True, "feedback": "Exact."},
                    {"text": "Cinq", "correct": False, "feedback": "Non."},
                ],
            },
            {
                "prompt": "Lesquels sont des nombres pairs ?",
                "choices": [
                    {"text": "2", "correct": True, "feedback": ""},
                    {"text": "3", "correct": False, "feedback": ""},
                    {"text": "4", "correct": True, "feedback": ""},
                ],
            },
        ],
    },
}
CONTENT = {
    "type": "content_step",
    "value": {"title": "Lire ceci", "body": "<p>Un texte.</p>", "alignment": alignment(["crcn-edu/3.1"], 2)},
}


def wagtail_root() -> Page:
    """The tree's root; transactional tests flush the one (and the Locale and root collection) Wagtail's
    migrations made."""
    Locale.objects.get_or_create(language_code="fr")
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    root = Page.get_first_root_node()
    if root is None:
        root = Page.add_root(title="Root", slug="root")
    return root


@pytest.fixture
def module(frameworks):
    """A published catalogue (the default site's root) → course → module with a content step and a quiz."""
    root = wagtail_root()
    catalogue = CatalogPage(title="Catalogue", slug="catalogue-test")
    root.add_child(instance=catalogue)
    site = Site.objects.filter(is_default_site=True).first()
    if site:
        site.root_page = catalogue
        site.save()
    else:
        Site.objects.create(hostname="localhost", root_page=catalogue, is_default_site=True)
    course = CoursePage(title="Parcours test", slug="parcours-test", summary="Résumé")
    catalogue.add_child(instance=course)
    module = ModulePage(title="Module test", slug="module-test", activities=[CONTENT, QUIZ])
    course.add_child(instance=module)
    return ModulePage.objects.get(pk=module.pk)


def block_ids(module):
    return {block.block_type: block.id for block in module.activities}
