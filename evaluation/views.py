"""The evaluation pages: thin; what they show comes from `selectors` (derived tables only)."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lms.models import Departement
from lms.scope import is_manager, is_national
from maps.exports import table_export

from . import figures, tasks
from .access import course_reader, manager_departements, trained_course_ids
from .export import dataset_build, dataset_csv, dataset_xlsx, dictionary_csv, dictionary_markdown
from .models import Course, Refresh
from .selectors import course_report, courses_for, good_practices_table, territories_table


def _export(request, tables: dict, legend: list[tuple[str, str]]):
    """The CSV or XLSX of one table of the page (`?export=csv|xlsx&tableau=<key>`), or a 400."""
    table = tables.get(request.GET.get("tableau", ""))
    fmt = request.GET.get("export")
    if table is None or fmt not in ("csv", "xlsx"):
        return HttpResponseBadRequest(
            _("Export inconnu : indiquez export=csv ou xlsx et un tableau parmi %(keys)s.")
            % {"keys": ", ".join(tables)},
            content_type="text/plain; charset=utf-8",
        )
    return table_export(table, fmt, min_size=settings.RELAIS_MIN_GROUP_SIZE, legend=legend)


@login_required
def home(request):
    """The courses the user may read, and the links to the territories' comparison and the export."""
    trained = trained_course_ids(request.user)
    manager = is_manager(request.user)
    if not trained and not manager:
        raise PermissionDenied(_("L'évaluation des formations est réservée aux formateurs et aux gestionnaires."))
    courses = list(courses_for(departement_ids=None, course_ids=trained)) if trained else []
    scope_courses = []
    if manager:
        scope_courses = [
            c for c in courses_for(departement_ids=manager_departements(request.user)) if c.pk not in trained
        ]
    last = Refresh.objects.order_by("-finished_at").first()
    return render(
        request,
        "evaluation/home.html",
        {
            "trained": courses,
            "scope_courses": scope_courses,
            "manager": manager,
            "may_refresh": is_national(request.user),
            "refreshed_at": last.finished_at if last else None,
            "title": _("Évaluation des formations"),
        },
    )


@login_required
@require_POST
def refresh(request):
    """Rebuild the indicators now (national administrators): queued, at most once a minute."""
    if not is_national(request.user):
        raise PermissionDenied(_("Seul un administrateur national peut recalculer les indicateurs."))
    if cache.add("evaluation:refresh-asked", 1, timeout=60):
        transaction.on_commit(tasks.refresh.delay)
        messages.success(request, _("Le calcul des indicateurs est lancé ; rechargez la page dans quelques minutes."))
    else:
        messages.info(request, _("Un calcul des indicateurs vient d'être demandé."))
    return redirect("evaluation:home")


@login_required
def course(request, page_id: int):
    course = get_object_or_404(Course, page_id=page_id)
    reader = course_reader(request.user, course)
    report = course_report(course=course, departement_ids=reader.departement_ids)
    if request.GET.get("export"):
        scope = _("tous les enseignants") if reader.departement_ids is None else _("périmètre du gestionnaire")
        return _export(request, report.tables, [(_("Parcours"), course.title), (_("Enseignants"), scope)])
    t = report.tables
    specs = {
        "figure-entonnoir": figures.funnel_figure(report.funnel) if report.funnel else None,
        "figure-abandons": figures.dropoff_figure(t["abandons"]) if t["abandons"].rows else None,
        "figure-questions": figures.items_figure(t["questions"]) if t["questions"].rows else None,
        "figure-questionnaires": figures.likert_figure(report.responses) if report.responses else None,
        "figure-effet": figures.effect_figure(report.effect) if report.effect else None,
    }
    html = {key: figures.to_html(spec, div_id=key) if spec else "" for key, spec in specs.items()}
    return render(
        request,
        "evaluation/course.html",
        {
            "course": course,
            "report": report,
            "tables": t,
            "figure_funnel": html["figure-entonnoir"],
            "figure_dropoff": html["figure-abandons"],
            "figure_items": html["figure-questions"],
            "figure_likert": html["figure-questionnaires"],
            "figure_effect": html["figure-effet"],
            "reader": reader,
            "min_size": settings.RELAIS_MIN_GROUP_SIZE,
            "departements": Departement.objects.filter(pk__in=reader.departement_ids or []).order_by("code"),
            "title": _("Évaluation — %(title)s") % {"title": course.title},
        },
    )


@login_required
def territories(request):
    """The indicators per département of the manager's scope, TNE first; two of them side by side."""
    departement_ids = manager_departements(request.user)
    scope = Departement.objects.all() if departement_ids is None else Departement.objects.filter(pk__in=departement_ids)
    course = None
    if request.GET.get("parcours"):
        try:
            course = Course.objects.get(pk=int(request.GET["parcours"]))
        except (ValueError, Course.DoesNotExist):
            return HttpResponseBadRequest(_("Parcours inconnu."), content_type="text/plain; charset=utf-8")
    compared_codes = [code for code in request.GET.getlist("comparer") if code][:2]
    # In the order the manager chose them (first, second): the title, the table and the figure say the same.
    by_code = {d.code: d for d in scope.filter(code__in=compared_codes)}
    compared = [by_code[code] for code in dict.fromkeys(compared_codes) if code in by_code]
    if len(by_code) != len(set(compared_codes)):
        raise PermissionDenied(_("Ce département n'est pas dans votre périmètre."))
    table = territories_table(departement_ids=departement_ids, course=course)
    practices = good_practices_table(departement_ids=departement_ids)
    comparison = None
    if len(compared) == 2:
        comparison = territories_table(departement_ids=[d.pk for d in compared], course=course)
        chosen = [f"{d.name} ({d.code})" for d in compared]
        comparison.rows.sort(key=lambda row: chosen.index(row[0]) if row[0] in chosen else len(chosen))
        # No article before a département's name ("de l'Aisne", "du Val-d'Oise"): side by side, in either language.
        comparison.key, comparison.title = (
            "comparaison",
            _("%(a)s et %(b)s côte à côte") % {"a": compared[0].name, "b": compared[1].name},
        )
    tables = {t.key: t for t in (table, practices, comparison) if t is not None}
    if request.GET.get("export"):
        return _export(request, tables, [(_("Parcours"), course.title if course else _("tous"))])
    for t in tables.values():
        t.links = []  # rows are not drill-downs here: the comparison form picks the départements
    base = {"parcours": course.pk} if course else {}
    query = urlencode({**base, **({"comparer": compared_codes} if compared_codes else {})}, doseq=True)
    shown = comparison or table
    return render(
        request,
        "evaluation/territories.html",
        {
            "table": table,
            "practices": practices,
            "comparison": comparison,
            "figure": figures.to_html(figures.territories_figure(shown), div_id="figure-territoires")
            if shown.rows
            else "",
            "departements": scope.order_by("-is_tne", "code"),
            "compared": compared_codes,
            "courses": courses_for(departement_ids=departement_ids),
            "course": course,
            "query": query,
            "min_size": settings.RELAIS_MIN_GROUP_SIZE,
            "title": _("Évaluation : comparer les territoires"),
        },
    )


@login_required
def export(request):
    """The evaluators' pseudonymised dataset (`?format=csv|xlsx|dictionnaire-csv|dictionnaire-md`)."""
    departement_ids = manager_departements(request.user)
    fmt = request.GET.get("format")
    if not fmt:
        return render(
            request,
            "evaluation/export.html",
            {
                "courses": courses_for(departement_ids=departement_ids),
                "formats": [
                    ("xlsx", _("XLSX, avec le dictionnaire des données dans une seconde feuille")),
                    ("csv", _("CSV (séparateur point-virgule)")),
                    ("dictionnaire-csv", _("Dictionnaire des données, CSV")),
                    ("dictionnaire-md", _("Dictionnaire des données, Markdown")),
                ],
                "title": _("Export pour les évaluateurs"),
            },
        )
    course_id = None
    if request.GET.get("parcours"):
        try:
            course_id = Course.objects.get(pk=int(request.GET["parcours"])).pk
        except (ValueError, Course.DoesNotExist):
            return HttpResponseBadRequest(_("Parcours inconnu."), content_type="text/plain; charset=utf-8")
    dataset = dataset_build(departement_ids=departement_ids, course_id=course_id)
    stamp = timezone.localdate().isoformat()
    outputs = {
        "csv": (dataset_csv, "text/csv; charset=utf-8", "csv", "evaluation"),
        "xlsx": (
            dataset_xlsx,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
            "evaluation",
        ),
        "dictionnaire-csv": (dictionary_csv, "text/csv; charset=utf-8", "csv", "dictionnaire"),
        "dictionnaire-md": (dictionary_markdown, "text/markdown; charset=utf-8", "md", "dictionnaire"),
    }
    if fmt not in outputs:
        return HttpResponseBadRequest(
            _("Format inconnu : indiquez format=csv, xlsx, dictionnaire-csv ou dictionnaire-md."),
            content_type="text/plain; charset=utf-8",
        )
    write, content_type, extension, name = outputs[fmt]
    if fmt == "csv":  # written row by row as it is sent
        response = StreamingHttpResponse(write(dataset), content_type=content_type)
    else:
        response = HttpResponse(write(dataset), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.{extension}"'
    return response
