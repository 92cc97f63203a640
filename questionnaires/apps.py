from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuestionnairesConfig(AppConfig):
    """Answers to the reaction and follow-up questionnaires, as a small relational read model.

    The questionnaires themselves are blocks of the course pages, and the answers are xAPI statements
    that `courses` stores; this app keeps one row per answer for fast reads by `evaluation`. It imports
    no app above it (courses and modules are referenced as Wagtail pages), so `evaluation`, which sits
    below `courses`, can read it."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "questionnaires"
    verbose_name = _("Questionnaires")

    def ready(self):
        from lms.privacy import exporter_register

        from .privacy import export

        exporter_register("questionnaires", export)
