from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from wagtail import hooks

from . import services
from .models import Enrollment, ModulePage


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
