from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    """Is the training working, and for whom: funnels, item analysis, effect on levels (issue #18)."""

    name = "evaluation"
    label = "evaluation"
    verbose_name = _("Évaluation des formations")
    default_auto_field = "django.db.models.BigAutoField"
