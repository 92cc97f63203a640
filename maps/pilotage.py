"""What the managers' competency maps show, from the derived tables only (stats.py); no group under the
minimum size.

`pilotage_build` computes every table of one area once per request: what the page shows is what the CSV
and XLSX exports contain. Rows are the area's schools when it has at most SCHOOL_ROWS_MAX of them,
otherwise its child areas (départements, or circonscriptions and bassins), each a drill-down link.
"""

from dataclasses import dataclass, field, replace
from datetime import date

from django import forms
from django.conf import settings
from django.db.models import QuerySet, Sum
from django.utils import formats, timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from frameworks.models import Competency, Domain, Framework
from frameworks.selectors import framework_choices
from lms.models import Departement, School

from .models import MAX_STAT_LEVEL, SchoolCompetencyStat, SchoolStat
from .stats import (
    COVERAGE_STATUSES,
    LevelCounts,
    LevelSums,
    Slice,
    activity_by,
    coverage_by,
    coverage_summary,
    domain_deltas,
    evaluated_teachers,
    first_month,
    level_counts_by,
    level_sums_and_school_sums,
    teachers_by,
    zone_key,
)

SCHOOL_ROWS_MAX = 200  # above this, tables show child areas rather than schools
MAP_POINTS_MAX = 3000  # above this, the map shows départements rather than schools
IDS_MAX = 1000  # up to this many schools, their stats are read by id (see _school_filter)
MAP_POINT_FIELDS = ("pk", "uai", "name", "commune", "latitude", "longitude", "departement__code")
PERIODS = {"3m": 3, "12m": 12, "all": None}
ALL_MONTHS_MAX = 120


class MapFilters(forms.Form):
    """The filters of every dashboard page, kept in the URL so that a view can be shared."""

    referentiel = forms.ChoiceField(label=gettext_lazy("Référentiel"), choices=framework_choices, required=False)
    domaine = forms.CharField(label=gettext_lazy("Domaine"), required=False, max_length=5)
    type = forms.ChoiceField(
        label=gettext_lazy("Type d'établissement"),
        choices=[("", gettext_lazy("Tous")), *School.Kind.choices],
        required=False,
    )
    degre = forms.ChoiceField(
        label=gettext_lazy("Degré"),
        choices=[("", gettext_lazy("Tous")), ("1", gettext_lazy("1er degré")), ("2", gettext_lazy("2nd degré"))],
        required=False,
    )
    secteur = forms.ChoiceField(
        label=gettext_lazy("Secteur"), choices=[("", gettext_lazy("Tous")), *School.Sector.choices], required=False
    )
    periode = forms.ChoiceField(
        label=gettext_lazy("Période"),
        choices=[
            ("12m", gettext_lazy("12 derniers mois")),
            ("3m", gettext_lazy("3 derniers mois")),
            ("all", gettext_lazy("Depuis le début")),
        ],
        required=False,
    )
    carte = forms.ChoiceField(
        label=gettext_lazy("Couleur de la carte"),
        choices=[("niveau", gettext_lazy("Niveau moyen")), ("couverture", gettext_lazy("Couverture en ambassadeurs"))],
        required=False,
    )

    def clean_domaine(self):
        value = self.cleaned_data.get("domaine") or ""
        if value and not value.isdigit():
            raise forms.ValidationError(_("Le domaine est un numéro (1 à 5)."))
        return value

    def _value(self, name: str, default: str = "") -> str:
        return (self.cleaned_data.get(name) if self.is_bound and self.is_valid() else "") or default

    @property
    def framework_slug(self) -> str:
        return self._value("referentiel", Framework.CRCN_EDU)

    @property
    def period(self) -> str:
        return self._value("periode", "12m")

    @property
    def map_colour(self) -> str:
        return self._value("carte", "niveau")

    def describe(self) -> list[tuple[str, str]]:
        """(label, value shown) of every filter, defaults included: what an export states it was made with."""
        rows = []
        for name in ("domaine", "type", "degre", "secteur", "periode"):
            field_ = self.fields[name]
            value = self._value(name, "12m" if name == "periode" else "")
            choices = dict(getattr(field_, "choices", []) or [])
            shown = choices.get(value, value) if value else _("Tous")
            rows.append((str(field_.label), str(shown)))
        return rows

    def apply(self, schools: QuerySet[School]) -> QuerySet[School]:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        if data.get("type"):
            schools = schools.filter(kind=data["type"])
        if data.get("degre") == "1":
            schools = schools.filter(kind=School.Kind.ECOLE)
        elif data.get("degre") == "2":
            schools = schools.exclude(kind=School.Kind.ECOLE)
        if data.get("secteur"):
            schools = schools.filter(sector=data["secteur"])
        return schools

    def slice(self, area) -> Slice:
        return Slice(
            schools=self.apply(area.schools),
            rollup=area.whole_departements,
            departement_ids=area.departement_ids,
            kind=self._value("type"),
            degre=self._value("degre"),
            sector=self._value("secteur"),
        )


@dataclass
class Table:
    """A table as shown and exported. Cells hold numbers, text, or None for a hidden small group.

    `links`: per row, the query string that drills into it (first column becomes a link), or "".
    """

    key: str
    title: str
    headers: list[str]
    rows: list[list] = field(default_factory=list)
    note: str = ""
    links: list = field(default_factory=list)

    def body_html(self) -> str:
        """The table's <tbody> rows. Built here rather than with template loops: a national page has
        thousands of cells, and the template engine would spend more on them than the rest of the page."""
        separator = formats.get_format("DECIMAL_SEPARATOR")
        hidden = '<td><span class="fr-text--xs">%s</span></td>' % escape(  # noqa: UP031
            _("moins de %(n)s") % {"n": min_size()}
        )
        parts = []
        for index, row in enumerate(self.rows):
            link = self.links[index] if index < len(self.links) else ""
            first = escape(row[0])
            cells = [
                f'<th scope="row"><a href="?{escape(link)}">{first}</a></th>'
                if link
                else f'<th scope="row">{first}</th>'
            ]
            for value in row[1:]:
                if value is None:
                    cells.append(hidden)
                elif isinstance(value, bool) or not isinstance(value, int | float):
                    text = escape(value)
                    cells.append(f'<td data-value="{text}">{text}</td>')
                else:
                    shown = str(value).replace(".", separator) if isinstance(value, float) else str(value)
                    cells.append(f'<td data-value="{value}">{shown}</td>')
            parts.append("<tr>" + "".join(cells) + "</tr>")
        if not parts:
            parts.append(
                f'<tr><td colspan="{len(self.headers)}">{escape(_("Aucune donnée pour ces filtres."))}</td></tr>'
            )
        return mark_safe("\n".join(parts))  # noqa: S308 (every value escaped above)


@dataclass
class Group:
    """One row of the tables: a school or a child area, with how to drill into it."""

    key: object
    code: str
    label: str
    params: dict
    schools: int = 0
    teachers: int = 0


@dataclass
class Pilotage:
    """Everything one area's page shows."""

    by: str  # school, zone, departement
    groups: list[Group]
    competencies: list[Competency]
    domains: list[Domain]
    max_level: int
    teachers: int
    schools: int
    months: list[date]
    tables: dict[str, Table] = field(default_factory=dict)
    domain_means: dict = field(default_factory=dict)
    group_means: dict = field(default_factory=dict)  # group key → mean level over the evaluated competencies shown
    # group key → schools covered by an ambassador, their own or their circonscription's (by zone or département)
    group_covered: dict = field(default_factory=dict)
    matrix_evaluated: dict = field(default_factory=dict)  # (group key, competency id) → teachers evaluated
    coverage_totals: dict = field(default_factory=dict)  # stats.coverage_summary: the ambassadors page's too
    points: list[dict] = field(default_factory=list)  # schools on the map, when they are few enough


def min_size() -> int:
    return settings.RELAIS_MIN_GROUP_SIZE


def _shown(n: int | None) -> bool:
    return bool(n) and n >= min_size()


def _months(period: str, first: date | None, today: date) -> list[date]:
    count = PERIODS[period]
    if count is None:
        count = 1 if first is None else (today.year - first.year) * 12 + today.month - first.month + 1
        count = max(1, min(count, ALL_MONTHS_MAX))
    months = []
    year, month = today.year, today.month
    for _i in range(count):
        months.append(date(year, month, 1))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return months[::-1]


@dataclass
class AreaSchools:
    """The area's schools (by name) and their per-school stats, read once for the rows, the coverage and
    the map of a page whose rows are schools or zones (a département: up to a few thousand schools)."""

    rows: list[dict]
    stats: dict[int, dict]  # school id → teachers, coverage, confirmed, pending; no row: not refreshed yet


def _area_schools(sl: Slice) -> AreaSchools:
    rows = list(
        sl.schools.order_by("name").values(
            *MAP_POINT_FIELDS, "kind", "circonscription_code", "circonscription", "bassin_code", "bassin"
        )
    )
    stats = {
        row["school_id"]: row
        for row in SchoolStat.objects.filter(**_school_filter(sl, rows)).values(
            "school_id", "teachers", "coverage", "confirmed", "pending"
        )
    }
    return AreaSchools(rows, stats)


def _school_filter(sl: Slice, rows: list[dict]) -> dict:
    """The filter of per-school stats to the area's schools already loaded (`rows`).

    By id when they are few: with the exact number of schools PostgreSQL reads their rows through the
    index, where `school IN (subquery)` made it scan every school's. A long IN list costs more to bind
    and plan than it saves, and a scan is the right plan for that many schools anyway.
    """
    if len(rows) <= IDS_MAX:
        return {"school_id__in": [row["pk"] for row in rows]}
    return {"school__in": sl.schools.values("pk")}


def _zone_stats(schools: AreaSchools):
    """(zone key, per-school stats) of each of the area's schools that has stats, as the per-school
    tables group them by zone."""
    for row in schools.rows:
        stat = schools.stats.get(row["pk"])
        if stat is not None:
            yield zone_key(row["circonscription_code"], row["bassin_code"]), stat


def _groups(area, sl: Slice, by: str, schools: AreaSchools | None) -> list[Group]:
    if by == "departement":
        totals = teachers_by(sl, by="departement")
        deps = Departement.objects.in_bulk(list(totals))
        return [
            Group(dep.pk, dep.code, str(dep), {**area.params, "departement": dep.code}, *totals[dep.pk])
            for dep in sorted(deps.values(), key=lambda d: d.code)
        ]
    if by == "zone":
        # {zone: [schools with stats, teachers]}, as teachers_by(…, by="zone") counts them.
        totals: dict[str, list[int]] = {}
        names = {}
        for row in schools.rows:
            if row["circonscription_code"]:
                names[f"c:{row['circonscription_code']}"] = row["circonscription"] or row["circonscription_code"]
            if row["bassin_code"]:
                names[f"b:{row['bassin_code']}"] = row["bassin"] or row["bassin_code"]
        for zone, stat in _zone_stats(schools):
            total = totals.setdefault(zone, [0, 0])
            total[0] += 1
            total[1] += stat["teachers"]
        groups = []
        for key in sorted(totals, key=lambda k: (k == "", k[:1], names.get(k, ""), k)):
            if key == "":
                groups.append(Group("", "", _("Autres établissements"), {}, *totals[key]))
                continue
            kind, code = key.split(":", 1)
            param = "circonscription" if kind == "c" else "bassin"
            groups.append(Group(key, code, names.get(key, code), {**area.params, param: code}, *totals[key]))
        return groups
    return [
        Group(
            s["pk"],
            s["uai"],
            s["name"],
            {**area.params, "ecole": s["uai"]},
            1,
            (schools.stats.get(s["pk"]) or {}).get("teachers") or 0,
        )
        for s in schools.rows
    ]


def _competencies(framework: Framework, domain_code: str = "") -> list[Competency]:
    queryset = Competency.objects.filter(framework=framework).select_related("domain").order_by("code")
    if domain_code:
        queryset = queryset.filter(domain__code=domain_code)
    return list(queryset)


MATRIX_KEYS = ("etablissements-competences", "zones-competences")
COVERAGE_KEYS = ("couverture-ambassadeurs", "couverture-zones")
MONTH_KEYS = ("progression-domaines", "activite-mois", "activite-zones")


def table_keys(by: str) -> list[str]:
    """The tables a page shows (and exports) when its rows are `by`, in page order."""
    school = by == "school"
    return [
        MATRIX_KEYS[0 if school else 1],
        "repartition-niveaux",
        "progression-domaines",
        "activite-mois",
        "activite-zones",
        COVERAGE_KEYS[0 if school else 1],
    ]


def pilotage_build(
    *, area, filters: MapFilters, framework: Framework, today: date | None = None, only: str | None = None
) -> Pilotage:
    """Every table and figure input of an area, under the filters, from the derived tables.

    `only`: the key of the one table an export needs; the rest is not computed.
    """
    today = today or timezone.localdate()

    def wanted(*keys) -> bool:
        return only is None or only in keys

    domain_code = filters._value("domaine")
    sl = filters.slice(area)
    summary = coverage_summary(sl)
    schools, teachers = summary["schools"], summary["teachers"]
    if schools <= SCHOOL_ROWS_MAX:
        by = "school"
    elif sl.rollup and (sl.departement_ids is None or len(sl.departement_ids) > 1):
        by = "departement"
    else:
        by = "zone"
    group_slice = sl if by == "departement" else replace(sl, rollup=False)
    competencies = _competencies(framework, domain_code)
    domains = list(Domain.objects.filter(framework=framework).order_by("code"))
    if domain_code:
        domains = [d for d in domains if d.code == domain_code]
    timed = wanted(*MONTH_KEYS)
    points = only is None and schools <= MAP_POINTS_MAX
    grouped = wanted(*MATRIX_KEYS, *COVERAGE_KEYS, "activite-zones")
    area_schools = _area_schools(sl) if (by != "departement" and grouped) or points else None
    result = Pilotage(
        by=by,
        groups=_groups(area, sl, by, area_schools) if grouped else [],
        competencies=competencies,
        domains=domains,
        max_level=min(framework.levels.count(), MAX_STAT_LEVEL),
        teachers=teachers,
        schools=schools,
        months=_months(filters.period, first_month(sl) if timed and filters.period == "all" else None, today),
        coverage_totals=summary,
    )
    competency_ids = [c.pk for c in competencies]
    area_counts = (
        level_counts_by(sl, competency_ids=competency_ids) if wanted("repartition-niveaux", *MONTH_KEYS) else {}
    )
    tables = []
    school_sums = None  # {school id: LevelSums} for the map, when read with the matrix
    if wanted(*MATRIX_KEYS):
        if by == "zone" and points:
            group_counts, school_sums = level_sums_and_school_sums(group_slice, competency_ids=competency_ids, by=by)
        else:
            group_counts = level_counts_by(group_slice, competency_ids=competency_ids, by=by, counts=False)
        if by == "school":
            totals: dict[int, list[int]] = {}
            for (school_id, _competency_id), values in group_counts.items():
                total = totals.setdefault(school_id, [0, 0])
                total[0] += values.level_sum
                total[1] += values.evaluated
            school_sums = {school_id: LevelSums(*total) for school_id, total in totals.items()}
        tables.append(_matrix_table(result, framework, group_counts))
    if wanted("repartition-niveaux"):
        tables.append(_distribution_table(result, framework, area_counts))
    if wanted("progression-domaines"):
        tables.append(_progress_table(result, framework, sl, area_counts))
    if wanted("activite-mois", "activite-zones"):
        tables += _activity_tables(result, sl, group_slice)
    if wanted(*COVERAGE_KEYS):
        tables.append(_coverage_table(result, sl, group_slice, area_schools))
    result.tables = {t.key: t for t in tables}
    if only is None:
        result.domain_means = _domain_means(result, area_counts)
        if points:
            result.points = _map_points(result, sl, area_schools, school_sums)
    return result


def _mean(level_sum, n: int) -> float | None:
    return round((level_sum or 0) / n, 2) if _shown(n) else None


def not_evaluated() -> str:
    """The cell of a mean that nobody's level gives (shown as text, drawn apart from a low level)."""
    return _("non évalué")


def _mean_cell(level_sum, evaluated: int, teachers: int):
    """A mean level over the teachers evaluated: None (hidden) when the group or those evaluated are
    fewer than the minimum, "non évalué" when nobody is."""
    if not _shown(teachers):
        return None
    if not evaluated:
        return not_evaluated()
    return _mean(level_sum, evaluated)


def _share(evaluated: int, total: int) -> int | None:
    """The share evaluated, in whole percent."""
    return round(100 * evaluated / total) if total else None


def _matrix_table(p: Pilotage, framework: Framework, counts: dict) -> Table:
    """Mean level of each school's (or child area's) teachers in each competency, over the teachers
    evaluated in it, with the share of (teacher, competency) pairs evaluated."""
    if p.by == "school":
        key, first = "etablissements-competences", [_("UAI"), _("Établissement")]
        title = _("Niveau moyen par établissement et par compétence (%(fw)s)")
        note = _("Établissements de moins de %(n)s enseignants masqués.")
    else:
        key, first = "zones-competences", [_("Code"), _("Zone")]
        title = _("Niveau moyen par zone et par compétence (%(fw)s)")
        note = _("Zones de moins de %(n)s enseignants masquées.")
    note = (
        note % {"n": min_size()}
        + " "
        + _(
            "Moyennes sur les enseignants évalués dans la compétence (moins de %(n)s évalués : masquée) ; "
            "« part évaluée » : part des couples enseignant × compétence ayant un niveau."
        )
        % {"n": min_size()}
    )
    table = Table(
        key,
        title % {"fw": framework.short_name},
        [*first, _("Enseignants"), _("Part évaluée (%)")] + [f"{c.code} {c.name}" for c in p.competencies],
        note=note,
    )
    n_comp = len(p.competencies) or 1
    for group in p.groups:
        n = group.teachers
        cells, level_total, evaluated_total = [], 0, 0
        for c in p.competencies:
            level_sum, evaluated = counts.get((group.key, c.pk)) or LevelSums(0, 0)
            level_total += level_sum or 0
            evaluated_total += evaluated
            p.matrix_evaluated[(group.key, c.pk)] = evaluated
            cells.append(_mean_cell(level_sum, evaluated, n) if _shown(evaluated) or not evaluated else None)
        shown = _shown(n)
        table.rows.append(
            [group.code, group.label, n if shown else None, _share(evaluated_total, n * n_comp) if shown else None]
            + cells
        )
        table.links.append(group.params)
        p.group_means[group.key] = _mean(level_total, evaluated_total) if shown else None
    return table


def _distribution_table(p: Pilotage, framework: Framework, counts: dict) -> Table:
    """How many teachers of the area stand at each level of each competency; small counts hidden."""
    table = Table(
        "repartition-niveaux",
        _("Répartition des enseignants par niveau (%(fw)s)") % {"fw": framework.short_name},
        [_("Compétence"), _("Non évalué")] + [_("Niveau %(n)s") % {"n": n} for n in range(1, p.max_level + 1)],
        note=_("Effectifs de moins de %(n)s masqués.") % {"n": min_size()},
    )
    for competency in p.competencies:
        row = counts.get((None, competency.pk)) or LevelCounts(0, (0,) * MAX_STAT_LEVEL)
        by_level = row.by_level[: p.max_level]
        cells = [p.teachers - sum(by_level), *by_level]
        table.rows.append([f"{competency.code} {competency.name}", *[c if _shown(c) else None for c in cells]])
    return table


def _domain_sums(p: Pilotage, counts: dict) -> dict[int, tuple[int, int]]:
    """{domain id: (level sum of the area, competencies in the domain)} over the competencies shown."""
    sums: dict[int, list[int]] = {}
    for competency in p.competencies:
        entry = sums.setdefault(competency.domain_id, [0, 0])
        found = counts.get((None, competency.pk))
        entry[0] += found.level_sum if found else 0
        entry[1] += 1
    return {k: (v[0], v[1]) for k, v in sums.items()}


def _domain_means(p: Pilotage, counts: dict) -> dict[str, float]:
    """The area's mean level per domain, or nothing when it has too few teachers."""
    if not _shown(p.teachers):
        return {}
    sums = _domain_sums(p, counts)
    return {
        f"{d.code}. {d.name}": round(sums[d.pk][0] / (p.teachers * sums[d.pk][1]), 2) for d in p.domains if d.pk in sums
    }


def _progress_table(p: Pilotage, framework: Framework, sl: Slice, counts: dict) -> Table:
    """Mean level per domain at the end of each month of the period, from the level changes."""
    table = Table(
        "progression-domaines",
        _("Niveau moyen par domaine à la fin de chaque mois (%(fw)s)") % {"fw": framework.short_name},
        [_("Mois")] + [f"{d.code}. {d.name}" for d in p.domains],
        note=_("Zone de moins de %(n)s enseignants : valeurs masquées.") % {"n": min_size()},
    )
    sums = _domain_sums(p, counts)
    domain_ids = [d.pk for d in p.domains if d.pk in sums]
    deltas = domain_deltas(sl, domain_ids=domain_ids, since=p.months[0]) if _shown(p.teachers) else {}
    # Level at the end of `month` = today's level minus the changes made in later months: one pass per
    # domain from the newest month back, not a scan of every change for every cell (120 months × domains).
    changes: dict[int, list] = {}
    for (domain_id, month), value in deltas.items():
        changes.setdefault(domain_id, []).append((month, value[0]))
    later: dict[tuple, int] = {}
    for domain_id, items in changes.items():
        items.sort(key=lambda item: item[0], reverse=True)
        total, index = 0, 0
        for month in reversed(p.months):
            while index < len(items) and items[index][0] > month:
                total += items[index][1]
                index += 1
            later[(domain_id, month)] = total
    for month in p.months:
        row = [month.strftime("%Y-%m")]
        for domain in p.domains:
            if domain.pk not in sums or not _shown(p.teachers):
                row.append(None)
                continue
            level_sum, n_comp = sums[domain.pk]
            row.append(round((level_sum - later.get((domain.pk, month), 0)) / (p.teachers * n_comp), 2))
        table.rows.append(row)
    return table


def _activity_tables(p: Pilotage, sl: Slice, group_slice: Slice) -> list[Table]:
    """Module completions and session attendances per month, and per school or child area over the period."""
    monthly = activity_by(sl, since=p.months[0])
    per_month = Table(
        "activite-mois",
        _("Modules terminés et présences aux sessions, par mois"),
        [_("Mois"), _("Modules terminés"), _("Présences aux sessions"), _("Enseignants actifs")],
        note=_("Mois où moins de %(n)s enseignants ont été actifs : valeurs masquées.") % {"n": min_size()},
    )
    for month in p.months:
        completions, attendances, active = monthly.get((None, month)) or (0, 0, 0)
        shown = _shown(active) and _shown(p.teachers)
        per_month.rows.append(
            [month.strftime("%Y-%m"), *((completions, attendances, active) if shown else (None, None, None))]
        )
    totals = activity_by(group_slice, since=p.months[0], by=p.by, per_month=False)
    first = [_("UAI"), _("Établissement")] if p.by == "school" else [_("Code"), _("Zone")]
    per_group = Table(
        "activite-zones",
        _("Modules terminés et présences aux sessions sur la période"),
        [*first, _("Enseignants"), _("Modules terminés"), _("Présences aux sessions")],
        note=_("Moins de %(n)s enseignants : valeurs masquées.") % {"n": min_size()},
    )
    for group in p.groups:
        completions, attendances, _teacher_months = totals.get(group.key, (0, 0, 0))
        shown = _shown(group.teachers)
        per_group.rows.append(
            [group.code, group.label, *((group.teachers, completions, attendances) if shown else (None, None, None))]
        )
        per_group.links.append(group.params)
    return [per_month, per_group]


def coverage_labels() -> dict[str, str]:
    return {
        "covered": _("couvert"),
        "circonscription": _("couvert par la circonscription"),
        "pending": _("proposition en attente"),
        "uncovered": _("sans ambassadeur"),
    }


def _coverage_table(p: Pilotage, sl: Slice, group_slice: Slice, schools: AreaSchools | None) -> Table:
    """Schools covered by an ambassador (their own, or their circonscription's), with a proposal pending, or not."""
    labels = coverage_labels()
    if p.by == "school":
        table = Table(
            "couverture-ambassadeurs",
            _("Couverture en ambassadeurs"),
            [
                _("UAI"),
                _("Établissement"),
                _("Type"),
                _("Couverture"),
                _("Ambassadeurs confirmés"),
                _("Propositions en attente"),
            ],
        )
        stats = schools.stats
        kinds = {row["pk"]: row["kind"] for row in schools.rows}
        kind_labels = {kind.value: str(kind.label) for kind in School.Kind}
        for group in p.groups:
            stat = stats.get(group.key) or {"coverage": "uncovered", "confirmed": 0, "pending": 0}
            table.rows.append(
                [
                    group.code,
                    group.label,
                    kind_labels[kinds[group.key]],
                    labels[stat["coverage"]],
                    stat["confirmed"],
                    stat["pending"],
                ]
            )
            table.links.append(group.params)
        return table
    table = Table(
        "couverture-zones",
        _("Couverture en ambassadeurs par zone (nombre d'établissements)"),
        [_("Code"), _("Zone"), _("Établissements"), *[labels[c].capitalize() for c in COVERAGE_STATUSES]]
        + [_("Propositions en attente")],
    )
    if p.by == "zone":
        # {zone: {status: schools, "proposals_pending": n}}, as coverage_by(…, by="zone") counts them.
        counts: dict = {}
        for zone, stat in _zone_stats(schools):
            in_zone = counts.setdefault(zone, dict.fromkeys([*COVERAGE_STATUSES, "proposals_pending"], 0))
            if stat["coverage"] in COVERAGE_STATUSES:
                in_zone[stat["coverage"]] += 1
            in_zone["proposals_pending"] += stat["pending"]
    else:
        counts = coverage_by(group_slice, by=p.by)
    for group in p.groups:
        row = counts.get(group.key) or {}
        p.group_covered[group.key] = row.get("covered", 0) + row.get("circonscription", 0)
        table.rows.append(
            [group.code, group.label, group.schools]
            + [row.get(c, 0) for c in COVERAGE_STATUSES]
            + [row.get("proposals_pending", 0)]
        )
        table.links.append(group.params)
    return table


def _map_points(p: Pilotage, sl: Slice, schools: AreaSchools, sums: dict | None = None) -> list[dict]:
    """The area's schools with their position, mean level (None: too few teachers) and coverage.

    `sums`: {school id: LevelSums over the competencies shown} when the matrix read them already.
    """
    competency_ids = [c.pk for c in p.competencies]
    if sums is None:
        sums = {
            school_id: LevelSums(level_sum or 0, evaluated or 0)
            for school_id, level_sum, evaluated in SchoolCompetencyStat.objects.filter(
                **_school_filter(sl, schools.rows), competency_id__in=competency_ids
            )
            .values("school_id")
            .annotate(s=Sum("level_sum"), e=Sum(evaluated_teachers()))
            .order_by()
            .values_list("school_id", "s", "e")
        }
    labels = coverage_labels()
    points = []
    for row in schools.rows:
        if row["latitude"] is None or row["longitude"] is None:
            continue
        stat = schools.stats.get(row["pk"]) or {"teachers": 0, "coverage": "uncovered"}
        n = stat["teachers"]
        level_sum, evaluated = sums.get(row["pk"]) or (0, 0)
        points.append(
            {
                **{key: row[key] for key in MAP_POINT_FIELDS},
                "teachers": n,
                # Over the evaluated (teacher, competency) pairs, as the heatmap's means; hidden below the
                # minimum as a heatmap cell is.
                "mean": _mean(level_sum, evaluated) if _shown(n) else None,
                "coverage": stat["coverage"],
                "coverage_label": labels[stat["coverage"]],
            }
        )
    return points
