from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvidenceConfig(AppConfig):
    """Statements -> evidence -> levels; rebuild; Pix import."""

    name = "evidence"
    label = "evidence"
    verbose_name = _("Preuves et niveaux")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import receivers  # noqa: F401  (subscribes to xapi's statement_stored)
