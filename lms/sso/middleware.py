"""Sign-in rules that hold on every request.

- A teacher who signed in through a provider that did not say their school picks it before anything else.
- With RELAIS_SSO_ONLY, the admin sites' login forms take no password.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse

from .services import SCHOOL_REQUIRED_SESSION_KEY, user_needs_school


class SchoolRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.session.get(SCHOOL_REQUIRED_SESSION_KEY) and request.user.is_authenticated:
            choose_url = reverse("school_choose")
            # The way out (logout), the language switch, static files and the LRS's API stay open.
            open_paths = (
                choose_url,
                reverse("account_logout"),
                "/i18n/",
                "/xapi/",
                settings.STATIC_URL,
                settings.MEDIA_URL,
            )
            if not request.path_info.startswith(open_paths):
                if user_needs_school(user=request.user):
                    return redirect(f"{choose_url}?{urlencode({'next': request.get_full_path()})}")
                # An administrator attached the teacher meanwhile.
                del request.session[SCHOOL_REQUIRED_SESSION_KEY]
        return self.get_response(request)


class PasswordSignInOffMiddleware:
    """RELAIS_SSO_ONLY: the admin sites' own login forms take no password either (allauth's refuses its own)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not settings.SOCIALACCOUNT_ONLY:
            return self.get_response(request)
        admin_logins = {reverse("wagtailadmin_login"): "/admin/", reverse("admin:login"): "/django-admin/"}
        if request.path_info in admin_logins:
            if request.method == "POST":
                raise PermissionDenied
            # Its form would take no password: show the providers' buttons instead.
            next_url = request.GET.get("next") or admin_logins[request.path_info]
            return redirect(f"{reverse('account_login')}?{urlencode({'next': next_url})}")
        return self.get_response(request)
