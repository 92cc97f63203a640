from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    label = "courses"
    verbose_name = _("Formations")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from lms.privacy import eraser_register, exporter_register

        from . import receivers  # noqa: F401
        from .privacy import erase_files, export

        exporter_register("formations", export)
        eraser_register("formations", erase_files)
