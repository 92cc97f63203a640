"""Thin views over the learning services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import services
from .models import CoursePage, ModulePage


def _module(module_id: int) -> ModulePage:
    return get_object_or_404(ModulePage.objects.live(), pk=module_id)


@require_POST
@login_required
def course_enroll(request, course_id: int):
    course = get_object_or_404(CoursePage.objects.live(), pk=course_id)
    _enrollment, created = services.course_enroll(user=request.user, course=course)
    if created:
        messages.success(request, _("Vous êtes inscrit à « %(title)s ».") % {"title": course.title})
    else:
        messages.info(request, _("Vous étiez déjà inscrit à ce parcours."))
    return redirect(course.url)


@require_POST
@login_required
def step_complete(request, module_id: int, block_id: str):
    module = _module(module_id)
    try:
        services.content_step_complete(user=request.user, module=module, block_id=block_id)
    except services.LearningError as error:
        messages.error(request, str(error))
    return redirect(f"{module.url}#activite-{block_id}")


def _quiz_answers(post) -> dict[int, list[int]]:
    answers: dict[int, list[int]] = {}
    for key in post:
        if not key.startswith("q"):
            continue
        try:
            index = int(key[1:])
            answers[index] = [int(v) for v in post.getlist(key)]
        except ValueError as error:
            raise services.LearningError(_("Réponse illisible ; rechargez la page et recommencez.")) from error
    return answers


@require_POST
@login_required
def quiz_submit(request, module_id: int, block_id: str):
    module = _module(module_id)
    try:
        outcome = services.quiz_submit(
            user=request.user, module=module, block_id=block_id, answers=_quiz_answers(request.POST)
        )
    except services.LearningError as error:
        messages.error(request, str(error))
        return redirect(f"{module.url}#activite-{block_id}")
    summary = _("%(correct)s bonne(s) réponse(s) sur %(total)s (%(percent)s %%).") % {
        "correct": outcome.correct,
        "total": outcome.total,
        "percent": round(outcome.scaled * 100),
    }
    if outcome.passed:
        messages.success(request, _("Quiz réussi : ") + summary)
    else:
        messages.warning(request, _("Quiz non réussi : ") + summary + " " + _("Vous pouvez le retenter."))
    for lines in outcome.feedback:
        for line in lines:
            messages.info(request, line)
    return redirect(f"{module.url}#activite-{block_id}")


@require_POST
@login_required
def module_complete(request, module_id: int):
    module = _module(module_id)
    try:
        services.module_complete(user=request.user, module=module)
    except services.LearningError as error:
        messages.error(request, str(error))
        return redirect(module.url)
    messages.success(request, _("Module « %(title)s » terminé. Bravo !") % {"title": module.title})
    return redirect(module.course.url)
