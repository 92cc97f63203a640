"""Fixtures for the theme tests: a territory's settings and an uploaded logo."""

import pytest
from django.contrib.auth import get_user_model
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Site

from themes.models import TerritorySettings

PASSWORD = "motdepasse-de-test-2026"


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def default_site(db):
    return Site.objects.get(is_default_site=True)


@pytest.fixture
def logo(db):
    return Image.objects.create(title="Logo du Val-d'Oise", file=get_test_image_file(filename="logo.png"))


@pytest.fixture
def territory(default_site):
    return TerritorySettings.objects.create(
        site=default_site,
        territory_name="Val-d'Oise — Territoire numérique éducatif",
        operator_name="Académie de Versailles",
        tagline="Se former au numérique, ensemble",
        contact_email="tne95@example.fr",
        is_state_site=True,
        accent_colour="green-menthe",
    )


@pytest.fixture
def member(db):
    return get_user_model().objects.create_user(
        email="camille@example.fr", password=PASSWORD, first_name="Camille", last_name="Durand"
    )
