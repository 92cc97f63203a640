"""The frameworks at stable public URLs: the IRIs statements carry resolve here (CASE JSON, CSV, HTML)."""

from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render

from .alignment import level_iri
from .case import competency_case_item, domain_iri, framework_case_package, framework_csv
from .models import Competency, Domain, Framework, Level

JSON_PARAMS = {"json_dumps_params": {"ensure_ascii": False, "indent": 1}}


def _wants_html(request) -> bool:
    accept = request.headers.get("Accept", "")
    return "text/html" in accept and "application/json" not in accept.split(",")[0]


def framework_detail(request, slug: str):
    framework = get_object_or_404(Framework, slug=slug)
    if _wants_html(request):
        domains = Domain.objects.filter(framework=framework).prefetch_related("competencies").order_by("code")
        return render(
            request,
            "competencies/framework.html",
            {"framework": framework, "domains": domains, "levels": framework.levels.order_by("number")},
        )
    return JsonResponse(framework_case_package(framework), **JSON_PARAMS)


def framework_case(request, slug: str):
    return JsonResponse(framework_case_package(get_object_or_404(Framework, slug=slug)), **JSON_PARAMS)


def framework_csv_download(request, slug: str):
    framework = get_object_or_404(Framework, slug=slug)
    response = HttpResponse(framework_csv(framework), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{framework.slug}.csv"'
    return response


def competency_detail(request, slug: str, code: str):
    competency = get_object_or_404(
        Competency.objects.select_related("framework", "domain"), framework__slug=slug, code=code
    )
    if _wants_html(request):
        return render(request, "competencies/competency.html", {"competency": competency})
    return JsonResponse(competency_case_item(competency), **JSON_PARAMS)


def level_detail(request, slug: str, number: int):
    level = get_object_or_404(Level.objects.select_related("framework"), framework__slug=slug, number=number)
    return JsonResponse(
        {
            "uri": level_iri(slug, number),
            "humanCodingScheme": str(number),
            "fullStatement": level.label,
            "CFItemType": "Niveau",
        },
        **JSON_PARAMS,
    )


def domain_detail(request, slug: str, code: str):
    domain = Domain.objects.select_related("framework").filter(framework__slug=slug, code=code).first()
    if domain is None:
        raise Http404
    return JsonResponse(
        {
            "uri": domain_iri(domain.framework, domain),
            "humanCodingScheme": code,
            "fullStatement": domain.name,
            "CFItemType": "Domaine",
        },
        **JSON_PARAMS,
    )
