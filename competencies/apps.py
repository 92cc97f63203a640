from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CompetenciesConfig(AppConfig):
    name = "competencies"
    label = "competencies"
    verbose_name = _("Compétences")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import receivers  # noqa: F401  (subscribes to xapi's statement_stored)
