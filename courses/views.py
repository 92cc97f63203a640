"""Thin views over the learning services."""

import os
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from . import cmi5, practice, selectors, services, sessions
from .certificate_pdf import certificate_logos, certificate_pdf
from .certificates import (
    CertificateError,
    certificate_by_code,
    certificate_competencies,
    certificate_holder,
    certificate_holder_set,
    certificate_issue,
    certificate_new_modules,
)
from .models import CoursePage, ModulePage, SessionRegistration, TaskSubmission
from .my_learning import my_learning as my_learning_data
from .my_learning import session_ics


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


def _quiz_answers(post) -> dict[int, list[str]]:
    """q<index> → the given values (choice indexes, "true"/"false", or the short answer's text)."""
    answers: dict[int, list[str]] = {}
    for key in post:
        if not key.startswith("q") or not key[1:].isdigit():
            continue
        answers[int(key[1:])] = post.getlist(key)
    return answers


@require_POST
@login_required
def quiz_submit(request, module_id: int, block_id: str):
    module = _module(module_id)
    try:
        services.quiz_submit(user=request.user, module=module, block_id=block_id, answers=_quiz_answers(request.POST))
    except services.LearningError as error:
        messages.error(request, str(error))
        return redirect(f"{module.url}#activite-{block_id}")
    # The result and each question's feedback are shown beside the questions (the latest attempt is kept
    # on the progress row); the fragment scrolls there and `resultat` tells the player to focus it.
    return redirect(f"{module.url}?resultat={block_id}#resultat-{block_id}")


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


def _learning_action(request, module: ModulePage, block_id: str, action, success: str | None):
    """Run a learning service; its refusal becomes a message on the player, never an error page."""
    try:
        action()
    except services.LearningError as error:
        messages.error(request, str(error))
    else:
        if success:
            messages.success(request, success)
    return redirect(f"{module.url}#activite-{block_id}")


@require_POST
@login_required
def session_register(request, module_id: int, block_id: str):
    module = _module(module_id)
    action = request.POST.get("action")
    where = {"user": request.user, "module": module, "block_id": block_id}
    if action == "annuler":
        run = partial(sessions.session_unregister, **where)
        success = _("Votre inscription à la session est annulée.")
    elif action == "attente":
        run = partial(sessions.session_register, **where, waitlist=True)
        success = _("Vous êtes sur la liste d'attente : nous vous écrirons si une place se libère.")
    else:
        run = partial(sessions.session_register, **where)
        success = _("Vous êtes inscrit à la session.")
    response = _learning_action(request, module, block_id, run, success)
    if request.POST.get("retour") == "mes-formations":
        return redirect("courses:my_learning")
    return response


@require_POST
@login_required
def task_submit(request, module_id: int, block_id: str):
    module = _module(module_id)
    return _learning_action(
        request,
        module,
        block_id,
        lambda: practice.task_submit(
            user=request.user,
            module=module,
            block_id=block_id,
            uploaded=request.FILES.get("fichier"),
            note=request.POST.get("commentaire", ""),
        ),
        _("Votre production est déposée : un formateur va la relire."),
    )


@require_POST
@login_required
def journal_write(request, module_id: int, block_id: str):
    module = _module(module_id)
    return _learning_action(
        request,
        module,
        block_id,
        lambda: practice.journal_write(
            user=request.user, module=module, block_id=block_id, text=request.POST.get("texte", "")
        ),
        _("Votre journal est enregistré."),
    )


@require_POST
@login_required
def cmi5_launch(request, module_id: int, block_id: str):
    module = _module(module_id)
    try:
        url = cmi5.cmi5_launch(
            user=request.user, module=module, block_id=block_id, base_url=request.build_absolute_uri("/")
        )
    except services.LearningError as error:
        messages.error(request, str(error))
        return redirect(f"{module.url}#activite-{block_id}")
    return redirect(url)


@csrf_exempt  # called by the launched content, which holds no session: the unguessable id is the secret
@require_http_methods(["POST", "OPTIONS"])
def cmi5_fetch(request, fetch_id):
    if request.method == "OPTIONS":
        # The CORS preflight of content that POSTs with a Content-Type header: it gives no token.
        response = HttpResponse(status=200)
        response["Access-Control-Allow-Methods"] = "POST, OPTIONS"
        response["Access-Control-Allow-Headers"] = "Content-Type"
    else:
        status, body = cmi5.cmi5_fetch(fetch_id=fetch_id)
        response = JsonResponse(body, status=status)
        response["Cache-Control"] = "no-store"
    # Content is usually served from its publisher's origin: it must be able to read the answer.
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _course(course_id: int) -> CoursePage:
    return get_object_or_404(CoursePage.objects.live(), pk=course_id)


def _verify_url(request, certificate) -> str:
    return request.build_absolute_uri(reverse("courses:certificate_verify", args=[certificate.code_display]))


@login_required
def certificate(request, course_id: int):
    course = _course(course_id)
    try:
        earned = certificate_issue(course=course, user=request.user)
    except CertificateError as error:
        return render(
            request,
            "courses/certificate.html",
            {"course": course, "error": str(error), "title": course.title},
            status=403,
        )
    if request.method == "POST":
        try:
            certificate_holder_set(certificate=earned, user=request.user, choice=request.POST.get("affichage", ""))
        except CertificateError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Votre choix est enregistré."))
        return redirect("courses:certificate", course_id=course.pk)
    return render(
        request,
        "courses/certificate.html",
        {
            "course": course,
            "certificate": earned,
            "competencies": certificate_competencies(earned),
            "new_modules": certificate_new_modules(earned),
            "holder": certificate_holder(earned),
            "holder_choices": earned.Holder.choices,
            "verify_url": _verify_url(request, earned),
            "title": course.title,
        },
    )


@login_required
def certificate_download(request, course_id: int):
    course = _course(course_id)
    try:
        earned = certificate_issue(course=course, user=request.user)
    except CertificateError as error:
        messages.error(request, str(error))
        return redirect("courses:certificate", course_id=course.pk)
    content = certificate_pdf(certificate=earned, verify_url=_verify_url(request, earned))
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="attestation-{slugify(earned.course_title)[:60]}.pdf"'
    return response


def certificate_verify(request, code: str = ""):
    """Public: anyone holding a code (typed, or from the QR code) checks the certificate, without an account."""
    code = code or request.GET.get("code", "")
    found = certificate_by_code(code) if code else None
    context = {"code": code, "certificate": found, "title": _("Vérifier une attestation")}
    if found:
        context.update(
            {
                "competencies": certificate_competencies(found),
                "holder": certificate_holder(found),
                "logos": certificate_logos(found),
            }
        )
    status = 404 if code and not found else 200
    return render(request, "courses/certificate_verify.html", context, status=status)


def _trainer_module(request, module_id: int) -> ModulePage:
    module = _module(module_id)
    if not selectors.is_module_trainer(user=request.user, module=module):
        raise PermissionDenied(_("Cet espace est réservé aux formateurs de ce parcours."))
    return module


@login_required
def trainer_home(request):
    if not (request.user.is_trainer or request.user.is_superuser):
        raise PermissionDenied(_("Cet espace est réservé aux formateurs."))
    rows = []
    for module in ModulePage.objects.live().specific().order_by("path"):
        if not selectors.is_module_trainer(user=request.user, module=module):
            continue
        for block in module.activities:
            if block.block_type in selectors.SESSION_TYPES:
                rows.append(
                    {
                        "module": module,
                        "block": block,
                        "registered": SessionRegistration.objects.filter(module=module, block_id=block.id).count(),
                    }
                )
    return render(
        request,
        "courses/trainer_home.html",
        {
            "sessions": rows,
            "submissions": practice.submissions_to_review(reviewer=request.user),
            "title": _("Espace formateur"),
        },
    )


@login_required
def attendance(request, module_id: int, block_id: str):
    module = _trainer_module(request, module_id)
    block = module.activity(block_id)
    if block is None or block.block_type not in selectors.SESSION_TYPES:
        raise PermissionDenied(_("Cette session n'existe pas ou plus."))
    if request.method == "POST":
        try:
            states = {int(key[5:]): value for key, value in request.POST.items() if key.startswith("etat-")}
            count = sessions.attendance_record(
                trainer=request.user,
                module=module,
                block_id=block_id,
                present_user_ids={pk for pk, state in states.items() if state == "present"},
                excused_user_ids={pk for pk, state in states.items() if state == "excuse"},
            )
        except ValueError:
            messages.error(request, _("Liste de présence illisible ; rechargez la page."))
        except services.LearningError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Présence enregistrée (%(n)s nouvelle(s) présence(s)).") % {"n": count})
            return redirect("courses:attendance", module_id=module.pk, block_id=block_id)
    registrations = SessionRegistration.objects.filter(module=module, block_id=block_id).select_related("user")
    return render(
        request,
        "courses/attendance.html",
        {
            "module": module,
            "activity": block,
            "registrations": registrations,
            "opens": sessions.attendance_opens(block),
            "title": block.value["title"],
        },
    )


@login_required
def submission_review(request, submission_id: int):
    submission = get_object_or_404(TaskSubmission.objects.select_related("module", "user"), pk=submission_id)
    module = _trainer_module(request, submission.module_id)
    block = module.activity(submission.block_id)
    if request.method == "POST":
        rubric = list(block.value["rubric"]) if block else []
        met = [request.POST.get(f"critere-{i}") == "1" for i in range(len(rubric))]
        try:
            practice.task_review(
                reviewer=request.user, submission=submission, criteria_met=met, comment=request.POST.get("retour", "")
            )
        except services.LearningError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Évaluation enregistrée."))
            return redirect("courses:trainer_home")
    return render(
        request,
        "courses/submission_review.html",
        {"submission": submission, "module": module, "activity": block, "title": _("Relire une production")},
    )


@login_required
def submission_file(request, submission_id: int):
    """The evidence file, for its author and the module's trainers only (never a public media URL)."""
    submission = get_object_or_404(TaskSubmission, pk=submission_id)
    if submission.user_id != request.user.pk and not selectors.is_module_trainer(
        user=request.user, module=submission.module.specific
    ):
        raise PermissionDenied(_("Ce fichier n'est visible que par son auteur et les formateurs du parcours."))
    extension = os.path.splitext(submission.original_name)[1].lower()
    name = (slugify(os.path.splitext(submission.original_name)[0])[:80] or "production") + extension
    return FileResponse(submission.file.open("rb"), as_attachment=True, filename=name)


@login_required
def my_learning(request):
    """ "Mes formations": in progress (resume), finished (certificates), next sessions."""
    return render(
        request, "courses/my_learning.html", {**my_learning_data(user=request.user), "title": _("Mes formations")}
    )


@login_required
def session_calendar(request, module_id: int, block_id: str):
    """The session as an .ics file, for the teachers registered to it."""
    module = _module(module_id)
    block = module.activity(block_id)
    if block is None or block.block_type not in selectors.SESSION_TYPES:
        raise PermissionDenied(_("Cette session n'existe pas ou plus."))
    if not SessionRegistration.objects.filter(user=request.user, module=module, block_id=block_id).exists():
        raise PermissionDenied(_("Inscrivez-vous d'abord à cette session pour l'ajouter à votre agenda."))
    response = HttpResponse(
        session_ics(module=module, block=block, base_url=request.build_absolute_uri("/")),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="session-{slugify(block.value["title"])[:50]}.ics"'
    return response
