from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CompetenciesConfig(AppConfig):
    name = "competencies"
    label = "competencies"
    verbose_name = _("Compétences")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from lms.privacy import eraser_register, exporter_register

        from . import privacy, receivers  # noqa: F401  (receivers subscribes to xapi's statement_stored)

        exporter_register("competences", privacy.export)
        eraser_register("competences", privacy.erase)
