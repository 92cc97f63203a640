"""Sign-in providers read from the environment, as django-allauth's `openid_connect` apps.

Imported by the settings module: nothing here may touch Django's app registry.

    RELAIS_OIDC_PROVIDERS=proconnect,ac-versailles
    RELAIS_OIDC_PROCONNECT_SERVER_URL=https://auth.agentconnect.gouv.fr/api/v2
    RELAIS_OIDC_PROCONNECT_CLIENT_ID=…
    RELAIS_OIDC_PROCONNECT_SECRET=…
    RELAIS_OIDC_AC_VERSAILLES_NAME=Académie de Versailles
    …
"""

import re
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

# What ProConnect gives every service, and how its button looks (its charter).
PROCONNECT = "proconnect"
PROCONNECT_SCOPES = ["openid", "email", "given_name", "usual_name", "uid", "siret"]
DEFAULT_SCOPES = ["openid", "email", "profile"]
PROVIDER_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
TRUE = {"1", "true", "yes", "on"}


def _words(value: str) -> list[str]:
    return [word for word in re.split(r"[\s,]+", value) if word]


def oidc_app_from_env(provider_id: str, environ) -> dict:
    """One allauth `openid_connect` app from the RELAIS_OIDC_<ID>_* variables."""
    if not PROVIDER_ID_RE.match(provider_id):
        raise ImproperlyConfigured(
            f"RELAIS_OIDC_PROVIDERS: « {provider_id} » is not a valid provider id (lower-case letters, digits, '-')."
        )
    prefix = "RELAIS_OIDC_" + provider_id.upper().replace("-", "_") + "_"

    def get(name: str, default: str = "") -> str:
        return environ.get(prefix + name, default).strip()

    missing = [prefix + name for name in ("SERVER_URL", "CLIENT_ID", "SECRET") if not get(name)]
    if missing:
        raise ImproperlyConfigured(f"Sign-in provider « {provider_id} » needs {', '.join(missing)}.")
    button = get("BUTTON", PROCONNECT if provider_id == PROCONNECT else "")
    is_proconnect = button == PROCONNECT
    settings = {
        "server_url": get("SERVER_URL"),
        "scope": _words(get("SCOPES")) or (PROCONNECT_SCOPES if is_proconnect else DEFAULT_SCOPES),
        # PKCE protects the code. Unset: whenever the provider's discovery document lists S256
        # (ProConnect included: it refuses an authorize parameter it does not list, and lists this one
        # when it takes it); RELAIS_OIDC_<ID>_PKCE=1 or 0 forces it on or off.
        "oauth_pkce_enabled": (get("PKCE").lower() in TRUE) if get("PKCE") else None,
        "token_auth_method": get("TOKEN_AUTH_METHOD", "client_secret_post"),
        "button": button,
        # ProConnect hands over the address the agent's own directory holds: it is verified.
        # Others say so with the standard `email_verified` claim, unless trusted here.
        "verified_email": get("TRUST_EMAIL", "1" if is_proconnect else "0").lower() in TRUE,
        # The claim that holds the person's school (UAI/RNE), when the provider has one.
        "uai_claim": get("UAI_CLAIM"),
    }
    if acr_values := get("ACR_VALUES"):
        settings["auth_params"] = {"acr_values": acr_values}
    return {
        "provider_id": provider_id,
        "name": get("NAME", "ProConnect" if is_proconnect else provider_id),
        "client_id": get("CLIENT_ID"),
        "secret": get("SECRET"),
        "settings": settings,
    }


def oidc_apps_from_env(environ) -> list[dict]:
    """Every provider named in RELAIS_OIDC_PROVIDERS (comma-separated ids), in that order."""
    ids = _words(environ.get("RELAIS_OIDC_PROVIDERS", "").lower())
    return [oidc_app_from_env(provider_id, environ) for provider_id in ids]


def oidc_origins(apps: list[dict]) -> list[str]:
    """The providers' origins: a Content-Security-Policy's `form-action` must allow them.

    The login button and logout are form posts answered by a redirect to the provider, and
    browsers apply `form-action` to that redirect too.
    """
    origins = set()
    for app in apps:
        parts = urlsplit(app["settings"]["server_url"])
        origins.add(f"{parts.scheme}://{parts.netloc}")
    return sorted(origins)
