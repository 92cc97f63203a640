"""Wagtail admin views for co-design: local adaptation of a shared course, and its upstream changes."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from .codesign import (
    AdaptationError,
    AlreadyAdapted,
    catalogues_for_adaptation,
    local_adaptation_create,
    upstream_changes,
)
from .models import CatalogPage, CoursePage


def adaptation_create(request, page_id: int):
    course = get_object_or_404(CoursePage, pk=page_id)
    catalogues = catalogues_for_adaptation(user=request.user, course=course)
    if not catalogues:
        raise PermissionDenied(_("Vous ne pouvez ajouter de parcours à aucun autre catalogue."))
    error = None
    if request.method == "POST":
        try:
            catalogue_id = int(request.POST.get("catalogue", ""))
        except ValueError:
            error = _("Choisissez le catalogue de votre territoire.")
        else:
            catalogue = next((c for c in catalogues if c.pk == catalogue_id), None)
            if catalogue is None:
                error = _("Choisissez le catalogue de votre territoire.")
            else:
                try:
                    copy = local_adaptation_create(course=course, catalogue=catalogue, user=request.user)
                except AlreadyAdapted as found:
                    messages.info(request, str(found))
                    return redirect("wagtailadmin_pages:edit", found.adaptation.pk)
                except AdaptationError as failure:
                    error = str(failure)
                else:
                    messages.success(
                        request,
                        _("« %(title)s » est copié dans « %(catalogue)s » : adaptez-le puis soumettez-le.")
                        % {"title": course.title, "catalogue": catalogue.title},
                    )
                    return redirect("wagtailadmin_pages:edit", copy.pk)
    return render(
        request,
        "courses/admin/adaptation_form.html",
        {"course": course, "catalogues": catalogues, "error": error, "page_title": _("Adaptation locale")},
        status=400 if error else 200,
    )


def upstream(request, page_id: int):
    course = get_object_or_404(CoursePage, pk=page_id)
    if not course.permissions_for_user(request.user).can_edit():
        raise PermissionDenied
    return render(
        request,
        "courses/admin/upstream.html",
        {"course": course, **upstream_changes(adaptation=course), "page_title": _("Changements en amont")},
    )


def catalogue_ids_editable(user) -> list[int]:
    return [c.pk for c in CatalogPage.objects.all() if c.permissions_for_user(user).can_add_subpage()]


def shared_courses(request):
    """Other territories' published courses, to adapt locally; and the trainer's adaptations, with their
    upstream changes. Trainers cannot browse other catalogues in the page explorer, so this is where
    "Adapter localement" is reached."""
    editable = set(catalogue_ids_editable(request.user))
    if not editable:
        raise PermissionDenied(_("Vous ne pouvez ajouter de parcours à aucun catalogue."))
    others = []
    adaptations = []
    for course in CoursePage.objects.live().specific().select_related("origin").order_by("title"):
        catalogue = course.get_parent()
        if catalogue.pk in editable:
            if course.origin_id:
                adaptations.append(course)
            continue
        others.append({"course": course, "catalogue": catalogue})
    # Drafts of adaptations too: they are the trainer's work in progress.
    drafts = CoursePage.objects.not_live().filter(origin__isnull=False).specific().order_by("title")
    adaptations += [c for c in drafts if c.get_parent().pk in editable]
    return render(
        request,
        "courses/admin/shared_courses.html",
        {"others": others, "adaptations": adaptations, "page_title": _("Parcours partagés")},
    )
