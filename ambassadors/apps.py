from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AmbassadorsConfig(AppConfig):
    """Policies, consent, proposals, decisions, Open Badges."""

    name = "ambassadors"
    label = "ambassadors"
    verbose_name = _("Ambassadeurs")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from lms.privacy import eraser_register, exporter_register

        from . import privacy, receivers  # noqa: F401  (receivers subscribes to evidence's levels_changed)

        exporter_register("competences", privacy.export)
        eraser_register("competences", privacy.erase)
