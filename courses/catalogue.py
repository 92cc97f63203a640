"""The catalogue's filters (competency, level, format, audience, territory) and search, from the URL."""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from frameworks.models import Competency, Level

from .models import CatalogPage, CourseCompetency, CoursePage

ALL_TERRITORIES = "tous"


@dataclass
class CatalogueSearch:
    courses: list
    query: str = ""
    filters: dict = field(default_factory=dict)
    competency_options: list = field(default_factory=list)
    level_options: list = field(default_factory=list)
    format_options: list = field(default_factory=list)
    audience_options: list = field(default_factory=list)
    territory_options: list = field(default_factory=list)
    errors: list = field(default_factory=list)

    @property
    def active(self) -> bool:
        return bool(self.query or any(self.filters.values()))


def catalogue_search(*, catalogue: CatalogPage, params) -> CatalogueSearch:
    """Courses of `catalogue` (or of every territory) matching the URL's filters and search words.

    Unknown filter values are ignored with a message rather than an error page."""
    errors = []
    query = (params.get("q") or "").strip()[:200]
    territory = params.get("territoire") or ""
    competency = params.get("competence") or ""
    level = params.get("niveau") or ""
    format_ = params.get("format") or ""
    audience = params.get("public") or ""

    catalogues = list(CatalogPage.objects.live().select_related("territory").order_by("title"))
    territory_options = [(ALL_TERRITORIES, _("Tous les territoires"))] + [
        (c.territory.code, c.territory.name) for c in catalogues if c.territory
    ]
    courses = CoursePage.objects.live().public()
    if territory == ALL_TERRITORIES:
        pass
    elif territory and territory in {code for code, _label in territory_options}:
        courses = courses.filter(
            pk__in=_courses_under([c for c in catalogues if c.territory and c.territory.code == territory])
        )
    else:
        if territory:
            errors.append(_("Territoire inconnu : le catalogue de ce territoire est affiché."))
            territory = ""
        courses = courses.child_of(catalogue)
    if format_ in CoursePage.Format.values:
        courses = courses.filter(format=format_)
    elif format_:
        errors.append(_("Format inconnu : ce filtre est ignoré."))
        format_ = ""
    if audience in CoursePage.Audience.values:
        # A course for everyone suits each audience.
        courses = courses.filter(audience__in=[audience, CoursePage.Audience.ALL])
    elif audience:
        errors.append(_("Public inconnu : ce filtre est ignoré."))
        audience = ""
    targets = CourseCompetency.objects.all()
    if competency:
        if (
            "/" in competency
            and CourseCompetency.objects.filter(
                competency__framework__slug=competency.split("/", 1)[0], competency__code=competency.split("/", 1)[1]
            ).exists()
        ):
            slug, code = competency.split("/", 1)
            targets = targets.filter(competency__framework__slug=slug, competency__code=code)
        else:
            errors.append(_("Aucun parcours ne vise cette compétence : ce filtre est ignoré."))
            competency = ""
    if level:
        slug, _sep, number = level.rpartition(":")
        if (
            number.isdigit()
            and Level.objects.filter(number=int(number), **({"framework__slug": slug} if slug else {})).exists()
        ):
            # "crcn-edu:3" (a level by its name in one framework) or a bare number (older links).
            targets = targets.filter(
                target_level=int(number), **({"competency__framework__slug": slug} if slug else {})
            )
        else:
            errors.append(_("Niveau inconnu : ce filtre est ignoré."))
            level = ""
    if competency or level:
        courses = courses.filter(pk__in=targets.values("course_id"))
    if query:
        matching = {page.pk for page in CoursePage.objects.live().search(query, operator="and")}
        courses = courses.filter(pk__in=matching)
    competency_rows = (
        Competency.objects.filter(pk__in=CourseCompetency.objects.values("competency_id"))
        .select_related("framework")
        .order_by("framework__slug", "code")
    )
    return CatalogueSearch(
        courses=list(courses.order_by("title").specific()),
        query=query,
        filters={
            "territoire": territory,
            "competence": competency,
            "niveau": level,
            "format": format_,
            "public": audience,
        },
        competency_options=[(c.key, f"{c.code} — {c.name_display()}") for c in competency_rows],
        level_options=level_options(),
        format_options=list(CoursePage.Format.choices),
        audience_options=[c for c in CoursePage.Audience.choices if c[0] != CoursePage.Audience.ALL],
        territory_options=territory_options,
        errors=errors,
    )


def level_options() -> list[tuple[str, list[tuple[str, str]]]]:
    """The levels by name, grouped by framework (CRCN Édu first): ("crcn-edu:3", "Niveau 3 — Confirmé …")."""
    groups: dict[str, list] = {}
    for lv in Level.objects.select_related("framework").order_by("-framework__slug", "number"):
        groups.setdefault(lv.framework.short_name, []).append((f"{lv.framework.slug}:{lv.number}", lv.name_display()))
    return list(groups.items())


def _courses_under(catalogues) -> list[int]:
    ids = []
    for catalogue in catalogues:
        ids += list(CoursePage.objects.child_of(catalogue).values_list("pk", flat=True))
    return ids
