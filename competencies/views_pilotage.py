"""The managers' competency maps: one page per area, filters in the URL, every table exportable."""

import json
from functools import cache
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext as _

from .figures import distribution_bars, schools_map, table_heatmap
from .models import Framework
from .pilotage import (
    MapFilters,
    coverage_table,
    domain_means,
    level_distribution_table,
    school_competency_table,
    school_means,
)
from .scope import area_resolve, children
from .selectors import teacher_counts

AREA_KEYS = ("departement", "circonscription", "bassin", "ecole")


@cache
def departements_geojson() -> dict:
    path = Path(settings.BASE_DIR) / "lms" / "data" / "departements.geojson"
    return json.loads(path.read_text(encoding="utf-8"))


def _geojson_for(codes: set[str]) -> dict:
    data = departements_geojson()
    return {"type": "FeatureCollection", "features": [f for f in data["features"] if f["properties"]["code"] in codes]}


def _tables(schools, framework, domain, counts):
    return {
        t.key: t
        for t in (
            school_competency_table(schools=schools, framework=framework, domain_code=domain, counts=counts),
            level_distribution_table(schools=schools, framework=framework, domain_code=domain, counts=counts),
            coverage_table(schools=schools),
        )
    }


def pilotage(request):
    from django.contrib.auth.views import redirect_to_login

    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    area = area_resolve(user=request.user, params=request.GET)
    filters = MapFilters(request.GET or None)
    if filters.is_bound and not filters.is_valid():
        return render(
            request,
            "competencies/pilotage.html",
            {"filters": filters, "area": area, "title": _("Pilotage")},
            status=400,
        )
    framework = Framework.objects.filter(slug=filters.framework_slug).prefetch_related("levels").first()
    domain = (filters.cleaned_data.get("domaine") if filters.is_bound else "") or ""
    schools = filters.apply(area.schools).select_related("departement")
    counts = teacher_counts(schools=schools)  # once per request, shared by every table and figure
    tables = _tables(schools, framework, domain, counts)

    export = request.GET.get("export")
    if export:
        from django.http import HttpResponseBadRequest

        from .exports import table_export

        table = tables.get(request.GET.get("tableau", ""))
        if table is None or export not in ("csv", "xlsx"):
            return HttpResponseBadRequest(
                _("Export inconnu : indiquez export=csv ou xlsx et un tableau parmi %(keys)s.")
                % {"keys": ", ".join(tables)}
            )
        return table_export(table, export, min_size=settings.RELAIS_MIN_GROUP_SIZE)

    max_level = framework.levels.count()
    means = school_means(schools=schools, framework=framework, counts=counts)
    coverage_labels = {row[0]: row[3] for row in tables["couverture-ambassadeurs"].rows}
    school_list = list(schools)
    map_html = schools_map(
        schools=school_list,
        means=means,
        coverage={s.pk: coverage_labels.get(s.uai, "") for s in school_list},
        departements_geojson=_geojson_for({s.departement.code for s in school_list}),
        drill_params=area.params,
    )
    filter_params = {k: v for k, v in request.GET.items() if k not in (*AREA_KEYS, "export", "tableau") and v}
    context = {
        "area": area,
        "filters": filters,
        "framework": framework,
        "domains": framework.domains.order_by("code"),
        "matrix_table": tables["etablissements-competences"],
        "distribution_table": tables["repartition-niveaux"],
        "coverage_table": tables["couverture-ambassadeurs"],
        "domain_means": domain_means(schools=schools, framework=framework, counts=counts),
        "children": [(label, urlencode({**params, **filter_params}), n) for label, params, n in children(area)],
        "breadcrumb": [(label, urlencode({**params, **filter_params})) for label, params in area.breadcrumb],
        "query": urlencode({**area.params, **filter_params}),
        "area_query": urlencode(area.params),
        "map": map_html,
        "heatmap": table_heatmap(tables["etablissements-competences"], first_value_column=3, max_level=max_level)
        if school_list
        else "",
        "distribution": distribution_bars(tables["repartition-niveaux"], max_level=max_level),
        "min_size": settings.RELAIS_MIN_GROUP_SIZE,
        "title": _("Pilotage des compétences"),
    }
    return render(request, "competencies/pilotage.html", context)
