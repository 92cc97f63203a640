"""Providers read from the environment."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from lms.sso.config import PROCONNECT_SCOPES, oidc_apps_from_env, oidc_origins

PROCONNECT = {
    "RELAIS_OIDC_PROVIDERS": "proconnect, ac-lyon",
    "RELAIS_OIDC_PROCONNECT_SERVER_URL": "https://proconnect.example/api/v2",
    "RELAIS_OIDC_PROCONNECT_CLIENT_ID": "relais",
    "RELAIS_OIDC_PROCONNECT_SECRET": "secret",
    "RELAIS_OIDC_AC_LYON_NAME": "Académie de Lyon",
    "RELAIS_OIDC_AC_LYON_SERVER_URL": "https://sso.ac-lyon.example",
    "RELAIS_OIDC_AC_LYON_CLIENT_ID": "relais-lyon",
    "RELAIS_OIDC_AC_LYON_SECRET": "secret-lyon",
    "RELAIS_OIDC_AC_LYON_SCOPES": "openid email profile",
    "RELAIS_OIDC_AC_LYON_UAI_CLAIM": "FrEduRne",
    "RELAIS_OIDC_AC_LYON_ACR_VALUES": "eidas1",
}


def test_no_variable_no_provider():
    assert oidc_apps_from_env({}) == []


def test_proconnect_and_an_academie():
    proconnect, lyon = oidc_apps_from_env(PROCONNECT)
    assert proconnect["provider_id"] == "proconnect" and proconnect["name"] == "ProConnect"
    assert proconnect["settings"]["scope"] == PROCONNECT_SCOPES
    assert proconnect["settings"]["button"] == "proconnect"
    assert proconnect["settings"]["verified_email"] is True
    # Unset: PKCE whenever the provider's discovery document lists S256 (lms.sso.provider).
    assert proconnect["settings"]["oauth_pkce_enabled"] is None
    assert lyon["settings"]["oauth_pkce_enabled"] is None
    forced = oidc_apps_from_env({**PROCONNECT, "RELAIS_OIDC_PROCONNECT_PKCE": "0", "RELAIS_OIDC_AC_LYON_PKCE": "1"})
    assert [app["settings"]["oauth_pkce_enabled"] for app in forced] == [False, True]
    assert lyon["name"] == "Académie de Lyon"
    assert lyon["settings"]["scope"] == ["openid", "email", "profile"]
    assert lyon["settings"]["verified_email"] is False
    assert lyon["settings"]["uai_claim"] == "FrEduRne"
    assert lyon["settings"]["auth_params"] == {"acr_values": "eidas1"}
    assert (lyon["client_id"], lyon["secret"]) == ("relais-lyon", "secret-lyon")


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"RELAIS_OIDC_PROVIDERS": "proconnect"}, "RELAIS_OIDC_PROCONNECT_SERVER_URL"),
        ({**PROCONNECT, "RELAIS_OIDC_AC_LYON_SECRET": ""}, "RELAIS_OIDC_AC_LYON_SECRET"),
        ({"RELAIS_OIDC_PROVIDERS": "ac_lyon!"}, "not a valid provider id"),
    ],
)
def test_a_provider_missing_a_variable_stops_the_start_with_its_name(env, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        oidc_apps_from_env(env)


def test_the_origins_a_content_security_policy_must_allow_for_forms():
    assert oidc_origins(oidc_apps_from_env(PROCONNECT)) == ["https://proconnect.example", "https://sso.ac-lyon.example"]
