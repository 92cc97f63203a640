from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ThemesConfig(AppConfig):
    name = "themes"
    label = "themes"
    verbose_name = _("Thèmes des territoires")
    default_auto_field = "django.db.models.BigAutoField"
