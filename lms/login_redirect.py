"""Where each role lands after signing in (an allauth account adapter): trainers and partner
reviewers in the admin, where their courses and reviews are; managers on the pilotage dashboard;
teachers on "Mes formations". A `next` the person was sent with still wins (allauth checks it first).

Destinations are URL names, so this module imports no app above lms."""

from allauth.account.adapter import DefaultAccountAdapter
from django.urls import NoReverseMatch, reverse


class RoleLoginRedirectAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request):
        return login_destination(request.user) or super().get_login_redirect_url(request)


def login_destination(user) -> str | None:
    if user.is_superuser or user.role in ("trainer", "admin"):
        name = "wagtailadmin_home"
    elif user.role == "manager":
        name = "competencies:dashboard"
    else:
        name = "courses:my_learning"
    try:
        return reverse(name)
    except NoReverseMatch:
        return None
