from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CompetenciesConfig(AppConfig):
    """A shell that holds the migrations of the former `competencies` app (0001-0011).

    Its models moved to `frameworks`, `evidence`, `ambassadors` and `maps` (0011 removes them from
    this app's state; their tables keep their names). It stays installed because the other apps'
    migrations depend on its history; it has no models and no code.
    """

    name = "competencies"
    label = "competencies"
    verbose_name = _("Compétences (historique des migrations)")
    default_auto_field = "django.db.models.BigAutoField"
