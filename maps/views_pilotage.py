"""The managers' competency maps: one page per area, filters in the URL, every table exportable."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from frameworks.models import Framework
from lms.models import Departement
from lms.scope import area_resolve, children

from . import figures
from .exports import table_export
from .pilotage import MapFilters, coverage_labels, pilotage_build, table_keys

AREA_KEYS = ("departement", "circonscription", "bassin", "ecole")


def _scope_codes(area) -> set[str] | None:
    """The départements a map of the area draws: all of its scope's when it is whole départements."""
    if not area.whole_departements:
        return None
    departements = Departement.objects.all()
    if area.departement_ids is not None:
        departements = departements.filter(pk__in=area.departement_ids)
    return set(departements.values_list("code", flat=True))


def _map_figure(p, area, colour: str) -> dict | None:
    codes = _scope_codes(area)
    if p.points:
        codes = (codes or set()) | {point["departement__code"] for point in p.points}
        return figures.schools_map_figure(points=p.points, codes=codes, colour=colour)
    if p.by != "departement":
        return None
    areas = []
    for group in p.groups:
        covered = p.group_covered.get(group.key, 0)
        areas.append(
            {
                "code": group.code,
                "label": group.label,
                "mean": p.group_means.get(group.key),
                "teachers": group.teachers,
                "covered_share": round(covered / group.schools, 3) if group.schools else None,
                "drill": urlencode({"departement": group.code}),
            }
        )
    codes = (codes or set()) | {a["code"] for a in areas}
    return figures.departements_map_figure(areas=areas, codes=codes, colour=colour)


def figure_specs(p, area, matrix, colour: str) -> dict[str, dict]:
    """Every figure of the page as a plotly figure dict (div id → figure)."""
    labels = coverage_labels()
    drill = [urlencode({k: v for k, v in g.params.items() if k in AREA_KEYS}) for g in p.groups]
    specs = {}
    map_figure = _map_figure(p, area, colour)
    if map_figure:
        specs["carte-etablissements"] = map_figure
    if matrix.rows:
        specs[f"figure-{matrix.key}"] = figures.heatmap_figure(
            rows=[row[4:] for row in matrix.rows],
            competencies=[(c.code, c.name) for c in p.competencies],
            labels=[row[1] for row in matrix.rows],
            min_size=settings.RELAIS_MIN_GROUP_SIZE,
            evaluated=[[p.matrix_evaluated.get((g.key, c.pk), 0) for c in p.competencies] for g in p.groups],
            teachers=[row[2] for row in matrix.rows],
            drill=drill,
        )
    specs["figure-repartition-niveaux"] = figures.distribution_figure(p.tables["repartition-niveaux"])
    specs["figure-progression-domaines"] = figures.progress_figure(
        p.tables["progression-domaines"], max_level=p.max_level
    )
    specs["figure-activite-mois"] = figures.activity_figure(p.tables["activite-mois"])
    if p.schools:
        specs["figure-couverture"] = figures.coverage_figure(p.coverage_totals, labels)
    return specs


def pilotage(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    area = area_resolve(user=request.user, params=request.GET)
    filters = MapFilters(request.GET or None)
    if filters.is_bound and not filters.is_valid():
        return render(
            request,
            "competencies/pilotage.html",
            {"filters": filters, "area": area, "title": _("Pilotage des compétences")},
            status=400,
        )
    framework = Framework.objects.filter(slug=filters.framework_slug).first()
    if framework is None:
        return render(
            request,
            "competencies/pilotage.html",
            {"filters": filters, "area": area, "title": _("Pilotage des compétences")},
        )
    export = request.GET.get("export")
    p = pilotage_build(
        area=area, filters=filters, framework=framework, only=request.GET.get("tableau", "") if export else None
    )
    if export:
        table = p.tables.get(request.GET.get("tableau", ""))
        if table is None or export not in ("csv", "xlsx"):
            return HttpResponseBadRequest(
                _("Export inconnu : indiquez export=csv ou xlsx et un tableau parmi %(keys)s.")
                % {"keys": ", ".join(table_keys(p.by))},
                content_type="text/plain; charset=utf-8",
            )
        legend = [
            (_("Zone"), " › ".join(label for label, _params in area.breadcrumb)),
            (_("Référentiel"), framework.short_name),
            *filters.describe(),
        ]
        return table_export(table, export, min_size=settings.RELAIS_MIN_GROUP_SIZE, legend=legend)

    filter_params = {k: v for k, v in request.GET.items() if k not in (*AREA_KEYS, "export", "tableau") and v}
    queries: dict[tuple, str] = {}

    def query(params: dict) -> str:
        """The query string of an area under the filters; each area's is built once, not once per table."""
        key = tuple(params.items())
        if key not in queries:
            queries[key] = urlencode({**params, **filter_params})
        return queries[key]

    for table in p.tables.values():
        table.links = [query(params) if params else "" for params in table.links]
    matrix = p.tables.get("etablissements-competences") or p.tables["zones-competences"]
    coverage_table = p.tables.get("couverture-ambassadeurs") or p.tables["couverture-zones"]
    specs = figure_specs(p, area, matrix, filters.map_colour)
    html = {key: figures.to_html(spec, div_id=key) for key, spec in specs.items()}
    if p.by == "school":
        tags = [(label, query(params), n) for label, params, n in children(area)]
    else:
        tags = [(g.label, query(g.params), g.schools) for g in p.groups if g.params]
    labels = coverage_labels()
    context = {
        "area": area,
        "filters": filters,
        "framework": framework,
        "domains": framework.domains.order_by("code"),
        "p": p,
        "matrix_table": matrix,
        "distribution_table": p.tables["repartition-niveaux"],
        "progress_table": p.tables["progression-domaines"],
        "activity_table": p.tables["activite-mois"],
        "activity_groups_table": p.tables["activite-zones"],
        "coverage_table": coverage_table,
        "coverage_totals": [(k, labels[k], p.coverage_totals.get(k) or 0) for k in labels],
        "proposals_pending": p.coverage_totals.get("proposals_pending") or 0,
        "domain_means": p.domain_means,
        "children": tags,
        "breadcrumb": [(label, query(params)) for label, params in area.breadcrumb],
        "query": query(area.params),
        # The ambassadors page of the same area and school filters: it shows the same counts.
        "ambassadors_query": urlencode(
            {k: v for k, v in request.GET.items() if k in (*AREA_KEYS, "type", "degre", "secteur") and v}
        ),
        "map": html.get("carte-etablissements", ""),
        "heatmap": html.get(f"figure-{matrix.key}", ""),
        "heatmap_left_out": sum(1 for row in matrix.rows if all(v is None for v in row[4:])),
        "distribution": html["figure-repartition-niveaux"],
        "progress": html["figure-progression-domaines"],
        "activity": html["figure-activite-mois"],
        "coverage": html.get("figure-couverture", ""),
        "figure_specs": specs,
        "min_size": settings.RELAIS_MIN_GROUP_SIZE,
        "title": _("Pilotage des compétences"),
    }
    return render(request, "competencies/pilotage.html", context)


def dashboard(request):
    """The former single-page dashboard, folded into the competency maps: same filters, one place."""
    query = request.GET.urlencode()
    return redirect(reverse("competencies:pilotage") + (f"?{query}" if query else ""), permanent=False)
