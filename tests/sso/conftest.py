"""Relais configured with two providers (ProConnect-like and an académie's) on the test provider."""

import pytest

from tests.sso.oidc import Person, providers_setting

BASE = "http://testserver"


@pytest.fixture
def sso(settings, oidc_provider):
    """ProConnect (signed userinfo, trusted address, no school) and an académie (school in `rne`)."""
    settings.SOCIALACCOUNT_PROVIDERS = providers_setting(oidc_provider.apps(BASE))
    return oidc_provider


@pytest.fixture
def person(client, sso):
    return Person(client, sso)


@pytest.fixture
def client_factory():
    """Another browser: a fresh test client, with no Relais session."""
    from django.test import Client

    return Client
