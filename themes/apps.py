from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ThemesConfig(AppConfig):
    name = "themes"
    label = "themes"
    verbose_name = _("Thèmes des territoires")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from courses.branding import site_issuer_register

        from .models import territory_issuer

        # Certificates (courses) show the territory's operator: themes answers, courses never imports it.
        site_issuer_register(territory_issuer)
