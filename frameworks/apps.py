from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FrameworksConfig(AppConfig):
    """CRCN, CRCN Édu: domains, competencies, levels; their IRIs and CASE export."""

    name = "frameworks"
    label = "frameworks"
    verbose_name = _("Référentiels de compétences")
    default_auto_field = "django.db.models.BigAutoField"
