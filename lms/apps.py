from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LmsConfig(AppConfig):
    name = "lms"
    label = "lms"
    verbose_name = _("Relais : comptes et organisations")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from .sso import signals  # noqa: F401  (allauth sign-in hooks)
