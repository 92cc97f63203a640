from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class XapiConfig(AppConfig):
    name = "xapi"
    label = "xapi"
    verbose_name = _("Entrepôt xAPI (LRS)")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # tasks: registered in every process (the store queues its drain by name).
        from . import tasks, trust  # noqa: F401  (a deleted client's statements stop counting: xapi.trust)
