import gc
import os
import sys

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings")
try:
    application = get_wsgi_application()
except ImproperlyConfigured as error:
    # One line saying what to set, as manage.py does, rather than a traceback in the server's log.
    sys.exit(f"Relais cannot start: {error}")

# What is loaded by now (Django, Wagtail, the apps) lives as long as the worker: keep it out of the
# collector's full passes, which otherwise walk all of it every so often (about 10 ms each, and
# frequent under allocation-heavy requests such as LRS batches). Young collections less often too:
# nearly every object a request makes is freed by reference counting anyway.
gc.freeze()
gc.set_threshold(10_000, 20, 10)
