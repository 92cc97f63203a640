from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext as _

from lms.selectors import schools_in_scope, scope_label

from .figures import school_domain_heatmap
from .models import AmbassadorConsent, AmbassadorProposal, Framework
from .selectors import competency_levels_for_teacher, school_domain_matrix


@login_required
def my_competencies(request):
    consent = AmbassadorConsent.objects.filter(user=request.user).first()
    return render(
        request,
        "competencies/my_competencies.html",
        {
            "frameworks": competency_levels_for_teacher(user=request.user),
            "consented": bool(consent and consent.consented),
            "proposals": AmbassadorProposal.objects.filter(
                user=request.user, status__in=[AmbassadorProposal.Status.PROPOSED, AmbassadorProposal.Status.CONFIRMED]
            ).select_related("school"),
            "title": _("Mes compétences"),
        },
    )


@login_required
def dashboard(request):
    user = request.user
    if not (user.is_manager or user.is_superuser):
        raise PermissionDenied(
            _("Ce tableau de bord est réservé aux gestionnaires d'une académie ou d'un département.")
        )
    frameworks = list(Framework.objects.prefetch_related("levels").order_by("-slug"))
    slug = request.GET.get("referentiel") or "crcn-edu"
    framework = next((f for f in frameworks if f.slug == slug), frameworks[0] if frameworks else None)
    context = {"frameworks": frameworks, "framework": framework, "scope": scope_label(user=user)}
    if framework is not None:
        matrix = school_domain_matrix(schools=schools_in_scope(user=user), framework=framework)
        max_level = max((lv.number for lv in framework.levels.all()), default=1)
        context.update(
            matrix=matrix,
            rows=[
                (school, matrix.teachers.get(school.pk, 0), values)
                for school, values in zip(matrix.schools, matrix.values, strict=True)
            ],
            figure=school_domain_heatmap(matrix, max_level=max_level) if matrix.schools else "",
        )
    context["title"] = _("Tableau de bord des compétences")
    return render(request, "competencies/dashboard.html", context)
