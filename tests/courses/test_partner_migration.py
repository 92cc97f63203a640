"""Partner moved from themes to courses (courses 0012-0013, themes 0004): a filled database keeps its
partners, their logos, reviewer groups and links, and the permissions groups held on them."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from wagtail.models import Site as CurrentSite

from courses.models import Partner as CurrentPartner
from tests.conftest import wagtail_root

BEFORE = [("courses", "0009_session_waitlist_reminder"), ("themes", "0003_partner_kind_reviewer_group")]


def _executor() -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    return executor


def _latest() -> list[tuple[str, str]]:
    return _executor().loader.graph.leaf_nodes()


@pytest.fixture(autouse=True)
def _back_to_latest():
    """Whatever happens, the next tests find the database at the latest migrations."""
    latest = _latest()
    yield
    _executor().migrate(latest)


@pytest.mark.django_db(transaction=True)
def test_a_filled_database_keeps_its_partners_through_the_move():
    # A transactional test before this one may have flushed what Wagtail's migrations made.
    root = wagtail_root()
    if not CurrentSite.objects.exists():
        CurrentSite.objects.create(hostname="localhost", root_page=root, is_default_site=True)
    latest = _latest()
    executor = _executor()
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps

    ContentType = old.get_model("contenttypes", "ContentType")
    Permission = old.get_model("auth", "Permission")
    Group = old.get_model("auth", "Group")
    Collection = old.get_model("wagtailcore", "Collection")
    Image = old.get_model("wagtailimages", "Image")
    Site = old.get_model("wagtailcore", "Site")
    OldPartner = old.get_model("themes", "Partner")
    TerritorySettings = old.get_model("themes", "TerritorySettings")
    TerritoryPartner = old.get_model("themes", "TerritoryPartner")

    collection = Collection.objects.first()
    logo = Image.objects.create(
        title="Logo Canopé",
        file="original_images/canope.png",
        width=120,
        height=60,
        collection=collection,
    )
    reviewers = Group.objects.create(name="Relecteurs — Réseau Canopé")
    canope = OldPartner.objects.create(
        name="Réseau Canopé", kind="canope", url="https://www.reseau-canope.fr", logo=logo, reviewer_group=reviewers
    )
    drane = OldPartner.objects.create(name="DRANE de Versailles", kind="dane")
    settings = TerritorySettings.objects.create(site=Site.objects.first(), territory_name="Val-d'Oise")
    TerritoryPartner.objects.create(territory=settings, partner=drane, sort_order=0)
    TerritoryPartner.objects.create(territory=settings, partner=canope, sort_order=1)
    partner_type, _ = ContentType.objects.get_or_create(app_label="themes", model="partner")
    view_partner, _ = Permission.objects.get_or_create(
        content_type=partner_type, codename="view_partner", defaults={"name": "Can view partenaire"}
    )
    trainers = Group.objects.create(name="Formateurs — Val-d'Oise")
    trainers.permissions.add(view_partner)

    executor = _executor()
    executor.migrate(latest)
    new = executor.loader.project_state(latest).apps

    Partner = new.get_model("courses", "Partner")
    assert Partner._meta.db_table == "courses_partner"
    moved = Partner.objects.get(pk=canope.pk)
    assert (moved.name, moved.kind, moved.url) == ("Réseau Canopé", "canope", "https://www.reseau-canope.fr")
    assert moved.logo_id == logo.pk
    assert moved.reviewer_group_id == reviewers.pk
    assert Partner.objects.get(pk=drane.pk).kind == "dane"
    footer = new.get_model("themes", "TerritoryPartner").objects.filter(territory_id=settings.pk).order_by("sort_order")
    assert [row.partner.name for row in footer] == ["DRANE de Versailles", "Réseau Canopé"]
    NewContentType = new.get_model("contenttypes", "ContentType")
    assert not NewContentType.objects.filter(app_label="themes", model="partner").exists()
    assert NewContentType.objects.get(app_label="courses", model="partner").pk == partner_type.pk
    codenames = set(
        new.get_model("auth", "Group")
        .objects.get(pk=trainers.pk)
        .permissions.values_list("content_type__app_label", "codename")
    )
    assert ("courses", "view_partner") in codenames

    # The model the code imports reads the same rows.
    assert CurrentPartner.objects.get(pk=canope.pk).logo.title == "Logo Canopé"
