from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    label = "courses"
    verbose_name = _("Formations")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from evaluation.outline import outline_provider_register
        from lms.privacy import eraser_register, exporter_register
        from xapi.http.binding import bound_rules_register

        from . import receivers  # noqa: F401
        from .cmi5_rules import LaunchTokenRules
        from .evaluation_outline import course_outlines
        from .pages import page_contexts_register
        from .privacy import erase_files, export

        # The pages' contexts come from the view layer (courses.pages): models import no selector.
        page_contexts_register()
        exporter_register("formations", export)
        eraser_register("formations", erase_files)
        # What a cmi5 launch token may send beyond its binding to the learner.
        bound_rules_register(LaunchTokenRules())
        # The evaluation reads the courses' shape through this (it may not import courses).
        outline_provider_register(course_outlines)
