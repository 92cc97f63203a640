"""Who counts as a manager (the one home of the rule), what they may see, and where they stand in it:
académie → département → circonscription/bassin → school.

Every dashboard page and export resolves its area here, so that a manager sees
only their scope everywhere; an area outside it is a 403.
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, QuerySet
from django.utils.translation import gettext as _

from .models import Departement, School, User


@dataclass
class Area:
    """A place in the hierarchy: its schools, how to get back up, and what lies below."""

    level: str  # scope, departement, circonscription, bassin, school
    label: str
    schools: QuerySet[School]
    params: dict[str, str] = field(default_factory=dict)
    breadcrumb: list[tuple[str, dict]] = field(default_factory=list)
    # Whole départements (None: all of them): figures can be read from the roll-ups (stats.py).
    whole_departements: bool = False
    departement_ids: list[int] | None = None


def is_manager(user) -> bool:
    """Who counts as a manager, everywhere: a manager (académie or département), an administrator or a
    superuser (all of France, as `schools_in_scope` says)."""
    return bool(user.is_authenticated and (user.is_superuser or user.role in (user.Role.MANAGER, user.Role.ADMIN)))


def is_national(user) -> bool:
    """An administrator or a superuser: every académie is in their scope."""
    return bool(user.is_authenticated and (user.is_superuser or user.role == user.Role.ADMIN))


def schools_in_scope(*, user: User) -> QuerySet[School]:
    """The schools a manager may see: their académie or département; all for an admin; none otherwise."""
    if is_national(user):
        return School.objects.all()
    if user.role != User.Role.MANAGER:
        return School.objects.none()
    if user.scope_departement_id:
        return School.objects.filter(departement_id=user.scope_departement_id)
    if user.scope_academie_id:
        return School.objects.filter(departement__academie_id=user.scope_academie_id)
    return School.objects.none()


def scope_label(*, user: User) -> str:
    """The manager's scope in words: a département, an académie, or all of France for an admin."""
    if user.scope_departement_id:
        return str(user.scope_departement)
    if user.scope_academie_id:
        return _("Académie de %(name)s") % {"name": user.scope_academie}
    return _("France entière")


def school_in_scope(user, school_id: int) -> bool:
    """Whether a manager may see this school (its badge, its proposals): the one test for a single school."""
    return is_manager(user) and schools_in_scope(user=user).filter(pk=school_id).exists()


def manager_required(user, message: str | None = None):
    """The user when they count as a manager; PermissionDenied (a 403 page saying why) otherwise."""
    if not is_manager(user):
        raise PermissionDenied(
            message or _("Cette page est réservée aux gestionnaires d'une académie ou d'un département.")
        )
    return user


def may_set_ambassador_rules(user) -> bool:
    """The ambassador rules are the académie's: only a manager of the whole académie, or a national one,
    reads or changes them; a département's manager applies them."""
    if is_national(user):
        return True
    return is_manager(user) and bool(user.scope_academie_id) and not user.scope_departement_id


def area_resolve(*, user, params) -> Area:
    """The area the request asks for (`departement`, `circonscription`, `bassin`, `ecole`), inside the user's scope."""
    manager_required(user, _("Ces tableaux de bord sont réservés aux gestionnaires."))
    allowed = schools_in_scope(user=user)
    top_label = scope_label(user=user)
    area = Area("scope", top_label, allowed, {}, [(top_label, {})], True, _scope_departements(user))
    departement = params.get("departement")
    if departement:
        dep = Departement.objects.filter(code=departement).first()
        if dep is None or not _owns_departement(user, dep):
            raise PermissionDenied(_("Ce département n'est pas dans votre périmètre."))
        schools = allowed.filter(departement=dep)
        area = Area(
            "departement",
            str(dep),
            schools,
            {"departement": dep.code},
            [*area.breadcrumb, (str(dep), {"departement": dep.code})],
            True,
            [dep.pk],
        )
    for key, field_name, label_field, level in (
        ("circonscription", "circonscription_code", "circonscription", "circonscription"),
        ("bassin", "bassin_code", "bassin", "bassin"),
    ):
        code = params.get(key)
        if code:
            schools = area.schools.filter(**{field_name: code})
            first = schools.first()
            if first is None:
                raise PermissionDenied(_("Cette zone n'est pas dans votre périmètre."))
            label = getattr(first, label_field) or code
            new_params = {**area.params, key: code}
            area = Area(level, label, schools, new_params, [*area.breadcrumb, (label, new_params)])
    uai = params.get("ecole")
    if uai:
        school = area.schools.filter(uai=uai).first()
        if school is None:
            raise PermissionDenied(_("Cet établissement n'est pas dans votre périmètre."))
        new_params = {**area.params, "ecole": uai}
        area = Area(
            "school",
            school.name,
            area.schools.filter(pk=school.pk),
            new_params,
            [*area.breadcrumb, (school.name, new_params)],
        )
    return area


def scope_departement_ids(user) -> list[int] | None:
    """The départements of the user's scope (None: all of them)."""
    return _scope_departements(user)


def _scope_departements(user) -> list[int] | None:
    if is_national(user):
        return None
    if user.scope_departement_id:
        return [user.scope_departement_id]
    return list(Departement.objects.filter(academie_id=user.scope_academie_id).values_list("pk", flat=True))


def _owns_departement(user, dep: Departement) -> bool:
    if is_national(user):
        return True
    return dep.pk == user.scope_departement_id or dep.academie_id == user.scope_academie_id


def children(area: Area) -> list[tuple[str, dict, int]]:
    """The areas one level down, with their school count: départements, then circonscriptions/bassins, then schools."""
    schools = area.schools
    several = area.departement_ids is None or len(area.departement_ids) > 1
    if area.level == "scope" and several:
        rows = (
            schools.values("departement__code", "departement__name")
            .annotate(n=Count("id"))
            .order_by("departement__code")
        )
        return [
            (
                f"{r['departement__name']} ({r['departement__code']})",
                {**area.params, "departement": r["departement__code"]},
                r["n"],
            )
            for r in rows
        ]
    if area.level in ("scope", "departement"):
        result = []
        # By code only: schools of one circonscription may spell its name differently (accents, spaces).
        circos = (
            schools.exclude(circonscription_code="")
            .values("circonscription_code")
            .annotate(n=Count("id"), name=Max("circonscription"))
        )
        for r in circos.order_by("name", "circonscription_code"):
            result.append(
                (
                    r["name"] or r["circonscription_code"],
                    {**area.params, "circonscription": r["circonscription_code"]},
                    r["n"],
                )
            )
        bassins = schools.exclude(bassin_code="").values("bassin_code", "bassin").annotate(n=Count("id"))
        for r in bassins.order_by("bassin"):
            result.append((r["bassin"] or r["bassin_code"], {**area.params, "bassin": r["bassin_code"]}, r["n"]))
        if result:
            return result
    if area.level == "school":
        return []
    return [(s.name, {**area.params, "ecole": s.uai}, 1) for s in schools.order_by("name")[:500]]
