"""What the catalogue, course and module pages show beyond their fields: the view layer of courses's
Wagtail pages. Each builder reads through selectors; CoursesConfig.ready registers them with the page
models (courses.models.page_context_register), which therefore import no selector."""

from .catalogue import catalogue_search
from .models import CatalogPage, CoursePage, ModulePage, page_context_register
from .selectors import (
    catalogue_progress,
    completed_module_ids,
    course_progress,
    course_sessions,
    course_targets,
    earned_certificate,
    enrolled_course_ids,
    enrollment_of,
    module_player,
)


def catalogue_context(page: CatalogPage, request, context: dict) -> None:
    search = catalogue_search(catalogue=page, params=request.GET)
    context["courses"] = search.courses
    context["search"] = search
    if request.user.is_authenticated:
        context["enrolled_ids"] = enrolled_course_ids(user=request.user)
        context["progress_by_course"] = catalogue_progress(user=request.user, course_ids=context["enrolled_ids"])


def course_context(page: CoursePage, request, context: dict) -> None:
    user = request.user
    modules = list(page.modules())
    context["modules"] = modules
    context["targets"] = course_targets(course=page)
    context["sessions"] = course_sessions(course=page, user=user)
    if user.is_authenticated:
        context["enrollment"] = enrollment_of(user=user, course=page)
        context["completed_module_ids"] = completed_module_ids(user=user, modules=modules)
        if context["enrollment"]:
            context["progress"] = course_progress(course=page, user=user)
            # Earned once and kept, even when modules were published since.
            context["certificate"] = earned_certificate(user=user, course=page)


def module_context(page: ModulePage, request, context: dict) -> None:
    """The player: every activity with the teacher's state; resumes at the first one not done.

    Access (login, enrolment) and the "launched" statement are handled before serving, in
    wagtail_hooks.before_serve_page."""
    context.update(module_player(module=page, user=request.user))


def page_contexts_register() -> None:
    page_context_register(CatalogPage, catalogue_context)
    page_context_register(CoursePage, course_context)
    page_context_register(ModulePage, module_context)
