import os
import sys

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

from lms.gc_tuning import worker_gc_tune

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings")
try:
    application = get_wsgi_application()
except ImproperlyConfigured as error:
    # One line saying what to set, as manage.py does, rather than a traceback in the server's log.
    sys.exit(f"Relais cannot start: {error}")

worker_gc_tune()
