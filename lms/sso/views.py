"""The OpenID Connect login and callback views, on allauth's, with the checks ProConnect needs.

- the ID token's nonce must be the one this browser's sign-in sent (allauth checks none);
- ProConnect answers the userinfo request with a signed JWT (`application/jwt`), not JSON;
- the ID token is kept (in the sign-in state, then the session) for RP-initiated logout.
"""

from allauth.account.internal.decorators import login_not_required
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.internal import jwtkit
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from django.http import Http404


class RelaisOIDCAdapter(OpenIDConnectOAuth2Adapter):
    # The sign-in state (PKCE verifier, nonce, next URL), set by the callback view.
    state: dict | None = None

    def complete_login(self, request, app, token, **kwargs):
        id_token = kwargs["response"].get("id_token")
        if not id_token:
            raise OAuth2Error("The provider returned no ID token.")
        # allauth skips the signature when the token came straight from the token endpoint; check it anyway.
        claims = jwtkit.verify_and_decode(
            credential=id_token,
            keys_url=self.openid_config["jwks_uri"],
            issuer=self.openid_config["issuer"],
            audience=app.client_id,
            lookup_kid=jwtkit.lookup_kid_jwk,
        )
        expected_nonce = (self.state or {}).get("nonce")
        if not expected_nonce or claims.get("nonce") != expected_nonce:
            raise OAuth2Error("The ID token's nonce is not the one this sign-in sent.")
        data = {"id_token": claims}
        if app.settings.get("fetch_userinfo", True):
            userinfo = self._fetch_user_info(token.token)
            if userinfo.get("sub") != claims.get("sub"):
                raise OAuth2Error("The userinfo subject is not the ID token's.")
            data["userinfo"] = userinfo
        if self.state is not None:
            self.state["id_token"] = id_token
        return self.get_provider().sociallogin_from_response(request, data)

    def _fetch_user_info(self, access_token: str) -> dict:
        with get_adapter().get_requests_session() as session:
            response = session.get(self.profile_url, headers={"Authorization": f"Bearer {access_token}"})
        response.raise_for_status()
        if response.headers.get("content-type", "").split(";")[0].strip() == "application/jwt":
            return jwtkit.verify_and_decode(
                credential=response.text.strip(),
                keys_url=self.openid_config["jwks_uri"],
                issuer=self.openid_config["issuer"],
                audience=self.get_provider().app.client_id,
                lookup_kid=jwtkit.lookup_kid_jwk,
            )
        return response.json()


class RelaisOIDCCallbackView(OAuth2CallbackView):
    def _get_state(self, request, provider):
        state, response = super()._get_state(request, provider)
        self.adapter.state = state
        return state, response


@login_not_required
def login(request, provider_id):
    try:
        return OAuth2LoginView.adapter_view(RelaisOIDCAdapter(request, provider_id))(request)
    except SocialApp.DoesNotExist as error:
        raise Http404 from error


@login_not_required
def callback(request, provider_id):
    try:
        return RelaisOIDCCallbackView.adapter_view(RelaisOIDCAdapter(request, provider_id))(request)
    except SocialApp.DoesNotExist as error:
        raise Http404 from error
