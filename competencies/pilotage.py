"""Aggregates for the managers' competency maps. Derived tables only; no group under the minimum size.

Every function takes the schools of an Area (scope.py) and returns a `Table`:
what the page shows is what the CSV and XLSX exports contain.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django import forms
from django.conf import settings
from django.db.models import Count, QuerySet, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lms.models import Membership, School

from .models import Competency, CompetencyState, Domain, Framework
from .selectors import teacher_counts


class MapFilters(forms.Form):
    """The filters of every dashboard page, kept in the URL so that a view can be shared."""

    referentiel = forms.ChoiceField(
        label=gettext_lazy("Référentiel"), choices=[("crcn-edu", "CRCN Édu"), ("crcn", "CRCN")], required=False
    )
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

    def clean_domaine(self):
        value = self.cleaned_data.get("domaine") or ""
        if value and not value.isdigit():
            raise forms.ValidationError(_("Le domaine est un numéro (1 à 5)."))
        return value

    @property
    def framework_slug(self) -> str:
        return (self.cleaned_data.get("referentiel") if self.is_bound and self.is_valid() else "") or "crcn-edu"

    def apply(self, schools: QuerySet[School]) -> QuerySet[School]:
        data = self.cleaned_data if self.is_valid() else {}
        if data.get("type"):
            schools = schools.filter(kind=data["type"])
        if data.get("degre") == "1":
            schools = schools.filter(kind=School.Kind.ECOLE)
        elif data.get("degre") == "2":
            schools = schools.exclude(kind=School.Kind.ECOLE)
        if data.get("secteur"):
            schools = schools.filter(sector=data["secteur"])
        return schools


@dataclass
class Table:
    """A table as shown and exported. Cells hold numbers, text, or None for a hidden small group."""

    key: str
    title: str
    headers: list[str]
    rows: list[list] = field(default_factory=list)
    note: str = ""


def _min_size() -> int:
    return settings.RELAIS_MIN_GROUP_SIZE


def _competencies(framework: Framework, domain_code: str = "") -> list[Competency]:
    queryset = Competency.objects.filter(framework=framework).select_related("domain").order_by("code")
    if domain_code:
        queryset = queryset.filter(domain__code=domain_code)
    return list(queryset)


def school_competency_table(
    *, schools: QuerySet[School], framework: Framework, domain_code: str = "", counts: dict | None = None
) -> Table:
    """Mean level of each school's teachers in each competency (no evidence counts as 0)."""
    competencies = _competencies(framework, domain_code)
    school_list = list(schools.order_by("name"))
    counts = teacher_counts(schools=schools) if counts is None else counts
    sums = defaultdict(int)
    for row in (
        CompetencyState.objects.filter(
            competency__in=competencies,
            user__memberships__school__in=schools,
            user__memberships__role=Membership.Role.TEACHER,
        )
        .values("user__memberships__school_id", "competency_id")
        .annotate(total=Sum("level"))
    ):
        sums[(row["user__memberships__school_id"], row["competency_id"])] = row["total"]
    table = Table(
        "etablissements-competences",
        _("Niveau moyen par établissement et par compétence (%(fw)s)") % {"fw": framework.short_name},
        [_("UAI"), _("Établissement"), _("Enseignants")] + [f"{c.code} {c.name}" for c in competencies],
        note=_("Établissements de moins de %(n)s enseignants masqués.") % {"n": _min_size()},
    )
    for school in school_list:
        n = counts.get(school.pk, 0)
        hidden = n < _min_size()
        values = [None if hidden else round(sums[(school.pk, c.pk)] / n, 2) for c in competencies]
        table.rows.append([school.uai, school.name, n if not hidden else None, *values])
    return table


def level_distribution_table(
    *, schools: QuerySet[School], framework: Framework, domain_code: str = "", counts: dict | None = None
) -> Table:
    """How many teachers of the area stand at each level of each competency; small counts hidden."""
    competencies = _competencies(framework, domain_code)
    max_level = framework.levels.count()
    total = sum((teacher_counts(schools=schools) if counts is None else counts).values())
    counts = defaultdict(int)
    for row in (
        CompetencyState.objects.filter(
            competency__in=competencies,
            user__memberships__school__in=schools,
            user__memberships__role=Membership.Role.TEACHER,
        )
        .values("competency_id", "level")
        .annotate(n=Count("user_id", distinct=True))
    ):
        counts[(row["competency_id"], row["level"])] = row["n"]
    table = Table(
        "repartition-niveaux",
        _("Répartition des enseignants par niveau (%(fw)s)") % {"fw": framework.short_name},
        [_("Compétence"), _("Non évalué")] + [_("Niveau %(n)s") % {"n": n} for n in range(1, max_level + 1)],
        note=_("Effectifs de moins de %(n)s masqués.") % {"n": _min_size()},
    )
    for competency in competencies:
        by_level = [counts[(competency.pk, lv)] for lv in range(1, max_level + 1)]
        cells = [total - sum(by_level), *by_level]
        table.rows.append([f"{competency.code} {competency.name}", *[c if c >= _min_size() else None for c in cells]])
    return table


def domain_means(
    *, schools: QuerySet[School], framework: Framework, counts: dict | None = None
) -> dict[str, float | None]:
    """The area's mean level per domain, or None when it has too few teachers."""
    total = sum((teacher_counts(schools=schools) if counts is None else counts).values())
    if total < _min_size():
        return {}
    domains = Domain.objects.filter(framework=framework).annotate(n=Count("competencies")).order_by("code")
    sums = dict(
        CompetencyState.objects.filter(
            competency__framework=framework,
            user__memberships__school__in=schools,
            user__memberships__role=Membership.Role.TEACHER,
        )
        .values("competency__domain__code")
        .annotate(total=Sum("level"))
        .values_list("competency__domain__code", "total")
    )
    return {f"{d.code}. {d.name}": round(sums.get(d.code, 0) / (total * d.n), 2) for d in domains if d.n}


def school_means(
    *, schools: QuerySet[School], framework: Framework, counts: dict | None = None
) -> dict[int, float | None]:
    """Each school's mean level over the framework's competencies (None under the minimum size)."""
    n_competencies = Competency.objects.filter(framework=framework).count() or 1
    counts = teacher_counts(schools=schools) if counts is None else counts
    sums = dict(
        CompetencyState.objects.filter(
            competency__framework=framework,
            user__memberships__school__in=schools,
            user__memberships__role=Membership.Role.TEACHER,
        )
        .values("user__memberships__school_id")
        .annotate(total=Sum("level"))
        .values_list("user__memberships__school_id", "total")
    )
    return {
        pk: (round(sums.get(pk, 0) / (n * n_competencies), 2) if n >= _min_size() else None)
        for pk, n in ((s.pk, counts.get(s.pk, 0)) for s in schools)
    }


def coverage_table(*, schools: QuerySet[School]) -> Table:
    from .ambassadors import ambassador_coverage

    labels = {
        "covered": _("couvert"),
        "circonscription": _("couvert par la circonscription"),
        "pending": _("proposition en attente"),
        "uncovered": _("sans ambassadeur"),
    }
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
    for item in ambassador_coverage(schools=schools.order_by("name"), with_suggestions=False):
        table.rows.append(
            [
                item.school.uai,
                item.school.name,
                item.school.get_kind_display(),
                labels[item.status],
                len(item.confirmed),
                len(item.pending),
            ]
        )
    return table
