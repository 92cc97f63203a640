"""Thin views of the questionnaires: the reaction one inside the module player, the follow-up page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from . import questionnaire
from .follow_ups import FollowUpLinkError, follow_up_invitation
from .models import CoursePage, ModulePage
from .services import LearningError


@require_POST
@login_required
def questionnaire_submit(request, module_id: int, block_id: str):
    module = get_object_or_404(ModulePage.objects.live(), pk=module_id)
    try:
        parsed = questionnaire.reaction_submit(user=request.user, module=module, block_id=block_id, data=request.POST)
    except LearningError as error:
        messages.error(request, str(error))
        return redirect(f"{module.url}#activite-{block_id}")
    if parsed.errors:
        # Shown once beside each question by the player (Post/Redirect/Get keeps the page a Wagtail page).
        request.session[f"questionnaire-{block_id}"] = {"errors": parsed.errors, "given": parsed.given}
        return redirect(f"{module.url}#activite-{block_id}")
    return redirect(f"{module.url}?merci={block_id}#merci-{block_id}")


@require_http_methods(["GET", "POST"])
@login_required
def follow_up(request, token: str):
    """The follow-up questionnaire a teacher opens from the e-mail: for them only, answered once."""
    try:
        invitation = follow_up_invitation(token=token, user=request.user)
    except FollowUpLinkError as error:
        return render(
            request,
            "courses/follow_up.html",
            {"link_error": str(error), "title": _("Questionnaire de suivi")},
            status=error.status,
        )
    course = get_object_or_404(CoursePage, pk=invitation.course_id)
    block = questionnaire.follow_up_block(course)
    # Not "block": inside {% block %} Django's templates give that name to the block node.
    context = {"course": course, "questionnaire": block, "title": block.value["title"] if block else course.title}
    if invitation.response_id:
        context["answered_at"] = invitation.response.submitted_at
        return render(request, "courses/follow_up.html", context, status=409)
    if block is None:
        context["link_error"] = _("Ce parcours n'a plus de questionnaire de suivi.")
        return render(request, "courses/follow_up.html", context, status=404)
    if request.method == "POST":
        try:
            parsed = questionnaire.follow_up_submit(invitation=invitation, data=request.POST)
        except LearningError as error:
            context["link_error"] = str(error)
            return render(request, "courses/follow_up.html", context, status=409)
        if not parsed.errors:
            return redirect(reverse("courses:follow_up_thanks", args=[course.pk]))
        context.update({"form_errors": parsed.errors, "form_given": parsed.given})
        return render(request, "courses/follow_up.html", context, status=400)
    return render(request, "courses/follow_up.html", context)


@login_required
def follow_up_thanks(request, course_id: int):
    course = get_object_or_404(CoursePage, pk=course_id)
    return render(request, "courses/follow_up.html", {"course": course, "thanks": True, "title": _("Merci !")})
