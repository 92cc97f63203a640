from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.html import format_html, json_script
from django.utils.translation import gettext as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.widgets import Button

from frameworks.models import Level

from . import services, views_admin
from .models import CoursePage, Enrollment, ModulePage


@hooks.register("before_serve_page")
def module_access(page, request, serve_args, serve_kwargs):
    """A module opens to enrolled teachers only; its first opening in a session is recorded as launched."""
    if not isinstance(page, ModulePage):
        return None
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    course = page.course
    if not Enrollment.objects.filter(user=request.user, course=course).exists():
        messages.info(request, _("Inscrivez-vous à ce parcours pour ouvrir ses modules."))
        return redirect(course.url)
    session_key = f"module-launched-{page.pk}"
    if not request.session.get(session_key):
        services.module_launch(user=request.user, module=page)
        request.session[session_key] = True
    return None


@hooks.register("register_admin_urls")
def register_codesign_urls():
    return [
        path("parcours/<int:page_id>/adapter/", views_admin.adaptation_create, name="courses_adaptation_create"),
        path("parcours/<int:page_id>/amont/", views_admin.upstream, name="courses_upstream"),
        path("parcours-partages/", views_admin.shared_courses, name="courses_shared"),
    ]


class _TrainerMenuItem(MenuItem):
    """Shown to trainers (and superusers) only."""

    def is_shown(self, request):
        user = request.user
        return user.is_superuser or getattr(user, "is_trainer", False)


@hooks.register("register_admin_menu_item")
def shared_courses_menu_item():
    return _TrainerMenuItem(_("Parcours partagés"), reverse("courses_shared"), icon_name="copy", order=250)


@hooks.register("register_admin_menu_item")
def trainer_space_menu_item():
    # The site's trainer space: attendance after a session, submitted work to review.
    return _TrainerMenuItem(_("Espace formateur"), reverse("courses:trainer_home"), icon_name="group", order=251)


def _codesign_buttons(page, user):
    if not isinstance(page.specific_deferred, CoursePage):
        return
    course = page.specific
    if views_admin.catalogue_ids_editable(user):
        yield Button(
            _("Adapter localement"),
            url=reverse("courses_adaptation_create", args=[page.pk]),
            icon_name="copy",
            priority=35,
        )
    if course.origin_id:
        yield Button(
            _("Changements en amont"), url=reverse("courses_upstream", args=[page.pk]), icon_name="history", priority=36
        )


@hooks.register("register_page_header_buttons")
def codesign_header_buttons(page, user, view_name, next_url=None):
    yield from _codesign_buttons(page, user)


@hooks.register("register_page_listing_more_buttons")
def codesign_listing_buttons(page, user, next_url=None):
    yield from _codesign_buttons(page, user)


@hooks.register("insert_editor_js")
def alignment_editor_js():
    """The competency list limited to the chosen framework, and the level's name beside its number."""

    names: dict[str, dict[int, str]] = {}
    for level in Level.objects.select_related("framework"):
        names.setdefault(level.framework.slug, {})[level.number] = level.label
    return format_html(
        '{}<script src="{}"></script>', json_script(names, "relais-level-names"), static("courses/js/alignment.js")
    )
