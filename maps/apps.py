from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MapsConfig(AppConfig):
    """The managers' read models: stats, figures, exports, the pilotage and ambassadors pages."""

    name = "maps"
    label = "maps"
    verbose_name = _("Cartes de compétences")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import receivers  # noqa: F401  (subscribes to levels_changed and coverage_changed)
