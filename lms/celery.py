"""The Celery app. Configured from Django settings (CELERY_* names)."""

import gc
import os

from celery import Celery
from celery.signals import worker_process_init, worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings")

app = Celery("relais")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_ready.connect
@worker_process_init.connect
def _collector_for_long_lived_objects(**kwargs) -> None:
    """As lms/wsgi.py does for web workers: what is loaded by the time the worker (or a prefork child)
    takes tasks lives as long as it, so the collector's full passes leave it alone, and young
    collections run less often. A forwarding run of a thousand-statement batch allocates enough to
    trigger many of them: without this, walking the loaded apps took about a sixth of its time."""
    gc.freeze()
    gc.set_threshold(10_000, 20, 10)
