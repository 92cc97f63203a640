import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings")
application = get_wsgi_application()

# What is loaded by now (Django, Wagtail, the apps) lives as long as the worker: keep it out of the
# collector's full passes, which otherwise walk all of it every so often (about 10 ms each, and
# frequent under allocation-heavy requests such as LRS batches). Young collections less often too:
# nearly every object a request makes is freed by reference counting anyway.
gc.freeze()
gc.set_threshold(10_000, 20, 10)
