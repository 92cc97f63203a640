"""allauth adapters: who a provider may sign in or sign up, and logout that ends the provider's session."""

import logging
import secrets
from urllib.parse import urlencode

import requests
from allauth import app_settings as allauth_settings
from allauth.account.utils import filter_users_by_email
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.base.constants import AuthError
from django.shortcuts import render
from django.utils.translation import gettext as _

from lms.login_redirect import RoleLoginRedirectAdapter
from lms.models import User

from .provider import ProviderUnavailable
from .services import LOGOUT_SESSION_KEY
from .views import RelaisOIDCAdapter

logger = logging.getLogger(__name__)


class AccountAdapter(RoleLoginRedirectAdapter):
    def is_open_for_signup(self, request):
        # A deployment that signs in through its providers only takes no password sign-ups.
        return not allauth_settings.SOCIALACCOUNT_ONLY

    def get_logout_redirect_url(self, request):
        """After a provider sign-in, logout goes on to the provider's end_session_endpoint, then back here."""
        url = super().get_logout_redirect_url(request)
        signed_in = request.session.get(LOGOUT_SESSION_KEY)
        if signed_in and request.user.is_authenticated:
            return provider_logout_url(request, signed_in, request.build_absolute_uri(url)) or url
        return url


def provider_logout_url(request, signed_in: dict, post_logout_redirect_uri: str) -> str | None:
    """RP-initiated logout: the provider's end_session_endpoint from its discovery document, if it has one."""
    try:
        adapter = RelaisOIDCAdapter(request, signed_in["provider_id"])
        endpoint = adapter.openid_config.get("end_session_endpoint")
    except (SocialApp.DoesNotExist, requests.RequestException, ValueError, KeyError) as error:
        # The provider is gone from the settings or down: the Relais session still ends.
        logger.warning("No RP-initiated logout at %s: %s", signed_in.get("provider_id"), error)
        return None
    if not endpoint:
        return None
    query = urlencode(
        {
            "id_token_hint": signed_in["id_token"],
            "post_logout_redirect_uri": post_logout_redirect_uri,
            "state": secrets.token_urlsafe(32),
        }
    )
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request, sociallogin):
        # Sign-up through a provider stays open when password sign-up is off.
        return True

    def generate_state_param(self, state):
        # ProConnect refuses a state shorter than 32 characters (allauth's is 16).
        return secrets.token_urlsafe(32)

    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        # Roles come from an administrator, never from a claim the person's provider sends.
        user.role = User.Role.TEACHER
        user.is_staff = False
        user.is_superuser = False
        return user

    def pre_social_login(self, request, sociallogin):
        if sociallogin.is_existing:
            return
        # Not linked (no such provider account, no verified address matching one): if an account already
        # holds this address, neither sign the person in to it nor make them a second account.
        for address in sociallogin.email_addresses:
            if filter_users_by_email(address.email):
                raise ImmediateHttpResponse(
                    render(
                        request,
                        "socialaccount/email_taken.html",
                        {"provider": sociallogin.provider, "email": address.email},
                        status=409,
                    )
                )

    def on_authentication_error(self, request, provider, error=None, exception=None, extra_context=None):
        super().on_authentication_error(request, provider, error, exception, extra_context)
        reason = authentication_error_reason(request, error, exception, extra_context or {})
        logger.warning(
            "Sign-in through %s failed: %s (%s)", getattr(provider.app, "provider_id", provider.id), reason, exception
        )
        if extra_context is not None:
            extra_context["relais_reason"] = reason


def authentication_error_reason(request, error, exception, extra_context) -> str:
    """What went wrong, in words the person can act on."""
    if isinstance(exception, ProviderUnavailable | requests.RequestException):
        return _(
            "Le service de connexion ne répond pas pour le moment. Réessayez dans quelques minutes ; "
            "si cela dure, prévenez l’équipe du site."
        )
    if error == AuthError.CANCELLED:
        return _("Vous avez refusé la connexion : rien n’a été transmis à Relais.")
    if exception is None and "state" not in extra_context:
        return _(
            "Cette demande de connexion a expiré ou a été ouverte dans un autre navigateur. "
            "Recommencez depuis la page de connexion."
        )
    if exception is not None:
        return _(
            "La réponse du service de connexion n’a pas pu être vérifiée : par prudence, vous n’êtes pas "
            "connecté. Recommencez depuis la page de connexion."
        )
    provider_error = request.GET.get("error_description") or request.GET.get("error") or ""
    return _("Le service de connexion a refusé la demande (%(error)s). Recommencez, ou prévenez l’équipe du site.") % {
        "error": provider_error[:200]
    }
