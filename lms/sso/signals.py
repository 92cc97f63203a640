"""Hooks into allauth's sign-in: connected by LmsConfig.ready()."""

from allauth.account.signals import user_logged_in
from django.dispatch import receiver

from .services import sso_sign_in_record


@receiver(user_logged_in, dispatch_uid="relais_sso_signed_in")
def sso_signed_in(sender, request, user, sociallogin=None, **kwargs):
    id_token = sociallogin.state.get("id_token") if sociallogin is not None else None
    if not id_token:
        return  # a password sign-in
    provider = sociallogin.provider
    uais = provider.uai_claims(sociallogin.account.extra_data) if hasattr(provider, "uai_claims") else []
    sso_sign_in_record(
        session=request.session, user=user, provider_id=sociallogin.account.provider, id_token=id_token, uais=uais
    )
