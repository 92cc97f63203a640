"""allauth's OpenID Connect provider, made to do what ProConnect and the académies ask.

Registered in place of allauth's own through SOCIALACCOUNT_PROVIDERS["openid_connect"]["provider_class"];
its URLs (lms.sso.urls) keep allauth's names and paths.
"""

import logging
import secrets

import requests
from allauth.account.models import EmailAddress
from allauth.socialaccount.helpers import render_authentication_error
from allauth.socialaccount.providers.oauth2.utils import generate_code_challenge
from allauth.socialaccount.providers.openid_connect.provider import OpenIDConnectProvider, _pick_data

from .views import RelaisOIDCAdapter

logger = logging.getLogger(__name__)


class ProviderUnavailable(Exception):
    """The provider could not be reached, or answered with something that is not OpenID Connect."""


class RelaisOpenIDConnectProvider(OpenIDConnectProvider):
    package = "lms.sso"
    oauth2_adapter_class = RelaisOIDCAdapter

    def redirect(self, request, process, next_url=None, data=None, **kwargs):
        # allauth sends no nonce; ProConnect requires one, and it binds the ID token to this browser.
        nonce = secrets.token_urlsafe(32)
        auth_params = kwargs.pop("auth_params", None)
        if auth_params is None:
            auth_params = self.get_auth_params()
        auth_params["nonce"] = nonce
        try:
            return super().redirect(request, process, next_url, data, auth_params=auth_params, nonce=nonce, **kwargs)
        except (requests.RequestException, ValueError, KeyError) as error:
            # The discovery document is fetched here: a provider that is down must not give a 500.
            logger.warning("Sign-in provider %s unreachable: %s", self.app.provider_id, error)
            response = render_authentication_error(request, self, exception=ProviderUnavailable(str(error)))
            response.status_code = 503
            return response

    def get_oauth2_adapter(self, request):
        # One adapter for the provider's request: the discovery document is fetched once, whether for
        # the PKCE decision or for the endpoints.
        if getattr(self, "_oauth2_adapter", None) is None:
            self._oauth2_adapter = super().get_oauth2_adapter(request)
        return self._oauth2_adapter

    def pkce_enabled(self) -> bool:
        """PKCE (S256) unless the app's setting says otherwise; by default whenever the provider says it
        takes it (`code_challenge_methods_supported` in its discovery document)."""
        enabled = self.app.settings.get("oauth_pkce_enabled")
        if enabled is not None:
            return bool(enabled)
        config = self.get_oauth2_adapter(self.request).openid_config
        return "S256" in (config.get("code_challenge_methods_supported") or ())

    def get_pkce_params(self) -> dict:
        return generate_code_challenge() if self.pkce_enabled() else {}

    def extract_common_fields(self, data):
        fields = super().extract_common_fields(data)
        claims = _pick_data(data)
        # ProConnect's family name is `usual_name` (the name in use), `family_name` elsewhere.
        fields["last_name"] = claims.get("usual_name") or claims.get("family_name")
        return fields

    def extract_email_addresses(self, data):
        claims = _pick_data(data)
        email = (claims.get("email") or "").strip()
        if not email:
            return []
        verified = claims.get("email_verified") in (True, "true") or self.app.settings.get("verified_email") is True
        return [EmailAddress(email=email.lower(), verified=verified, primary=True)]

    def uai_claims(self, data) -> list[str]:
        """The school codes (UAI) the provider says the person works in, if it says any."""
        claim = self.app.settings.get("uai_claim")
        if not claim:
            return []
        value = _pick_data(data).get(claim)
        values = value if isinstance(value, list) else [value]
        # Directory attributes such as FrEduRne carry more after the UAI: "0951001X$UAJ$PU$…".
        return [str(item).strip()[:8].upper() for item in values if item]
