from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForwardingConfig(AppConfig):
    name = "xapi.forwarding"
    label = "xapi_forwarding"
    verbose_name = _("Transfert xAPI (LRS externes)")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # tasks: registered in every process, so that the services can queue them by name.
        from . import hook, outbox, tasks, trust  # noqa: F401  (trust: a deleted source's statements stop counting)

        hook.register(outbox.forwarding_enqueue, single=outbox.forwarding_single_part)
