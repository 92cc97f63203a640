"""Receivers of the accounts app: connected by LmsConfig.ready()."""

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils import translation

from .models import User


@receiver(user_logged_in, dispatch_uid="relais_language_remembered")
def language_remembered(sender, request, user, **kwargs):
    """A person who never chose a language keeps the one they signed in with (their browser's or the
    switch's), so that the e-mails sent to them later are in the language they read the site in."""
    if request is None or getattr(user, "language", None) != "":
        return
    language = translation.get_language_from_request(request)
    if language in dict(settings.LANGUAGES):
        User.objects.filter(pk=user.pk, language="").update(language=language)
        user.language = language
