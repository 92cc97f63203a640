from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LmsConfig(AppConfig):
    name = "lms"
    label = "lms"
    verbose_name = _("Relais : comptes et organisations")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import receivers  # noqa: F401  (the language a person signs in with)
        from .privacy import exporter_register
        from .sso import signals  # noqa: F401  (allauth sign-in hooks)
        from .sso.services import sso_accounts_export

        exporter_register("comptes_de_connexion", sso_accounts_export)
