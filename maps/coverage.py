"""What the ambassadors page shows, in the order a manager acts on it: the proposals to decide, then the
schools closest to having an ambassador (with what their volunteers still miss, in words), then every
school of the area by coverage.

Coverage and counts come from the maps' derived tables (`stats.coverage_summary`, `SchoolStat`): the
same figures as the pilotage page, never a second computation of the rule. Every list is a page of a
bounded size, so the number of queries does not grow with the area.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Case, Count, IntegerField, Value, When
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ambassadors.models import AmbassadorPolicy, AmbassadorProposal
from ambassadors.services import Candidate, SchoolCoverage, coverage_suggest, policy_for
from lms.models import Membership, School

from .models import SchoolStat
from .stats import COVERAGE_STATUSES, Slice, coverage_summary

PROPOSALS_PER_PAGE = 10
SCHOOLS_PER_PAGE = 25
CLOSE_SHOWN = 10  # schools without an ambassador whose volunteers are evaluated on a request
# The folded list's order: those that still need someone first.
STATUS_ORDER = ("uncovered", "pending", "circonscription", "covered")


@dataclass
class AmbassadorsPage:
    summary: dict[str, int]  # stats.coverage_summary: what the pilotage page shows too
    proposals: Page  # pending proposals, by school name then rank
    close: list[SchoolCoverage]  # schools without an ambassador whose volunteers are closest, closest first
    close_total: int  # schools without an ambassador that have at least one volunteer
    schools: Page  # SchoolCoverage of every school of the area (or of one status), by status then name
    status: str


def missing_conditions(candidate: Candidate, policy: AmbassadorPolicy) -> list[str]:
    """What a volunteer still lacks to be proposed, in words a manager can pass on."""
    label = AmbassadorPolicy.RequiredLevel(policy.required_level).label
    words = []
    competencies = policy.min_competencies - len(candidate.levels)
    if competencies > 0:
        words.append(
            ngettext(
                "%(n)s compétence de plus au niveau %(label)s ou plus (preuve de moins de %(days)s jours)",
                "%(n)s compétences de plus au niveau %(label)s ou plus (preuves de moins de %(days)s jours)",
                competencies,
            )
            % {"n": competencies, "label": label, "days": policy.recency_days}
        )
    domains = policy.min_domains - len(candidate.domains)
    if domains > 0:
        words.append(
            ngettext("%(n)s domaine de plus couvert", "%(n)s domaines de plus couverts", domains) % {"n": domains}
        )
    modules = policy.min_modules_completed - candidate.modules
    if modules > 0:
        words.append(
            ngettext(
                "%(n)s module de formation de plus terminé", "%(n)s modules de formation de plus terminés", modules
            )
            % {"n": modules}
        )
    return words or [_("remplit les conditions : recalculez les propositions")]


def _area_ids(sl: Slice):
    return sl.schools.values("pk")


def _close(sl: Slice) -> tuple[list[SchoolCoverage], int]:
    """The schools without an ambassador with the most volunteers (at most CLOSE_SHOWN), each with its
    three volunteers closest to the conditions; closest first. And how many such schools there are."""
    uncovered = SchoolStat.objects.filter(school__in=_area_ids(sl), coverage="uncovered").values("school_id")
    volunteers = Membership.objects.filter(
        school_id__in=uncovered, role=Membership.Role.TEACHER, user__ambassador_consent__consented=True
    )
    total = volunteers.values("school_id").distinct().count()
    if not total:
        return [], 0
    top = list(volunteers.values("school_id").annotate(n=Count("user_id")).order_by("-n", "school_id")[:CLOSE_SHOWN])
    schools = School.objects.select_related("departement").in_bulk([row["school_id"] for row in top])
    items = [SchoolCoverage(schools[row["school_id"]], "uncovered") for row in top]
    coverage_suggest(items)
    policies: dict[int, AmbassadorPolicy] = {}
    for item in items:
        academie_id = item.school.departement.academie_id
        if academie_id not in policies:  # setdefault would read the policy for every school
            policies[academie_id] = policy_for(academie_id)
        policy = policies[academie_id]
        item.closest = [
            (candidate, activities, missing_conditions(candidate, policy)) for candidate, activities in item.closest
        ]
    items = [item for item in items if item.closest]
    items.sort(key=lambda item: (item.closest[0][0].gap, item.school.name, item.school.uai))
    return items, total


def _schools(sl: Slice, status: str, page_number) -> Page:
    rows = SchoolStat.objects.filter(school__in=_area_ids(sl))
    if status:
        rows = rows.filter(coverage=status)
    ordered = rows.select_related("school").order_by("school__name", "school__uai")
    if not status:
        ordered = ordered.annotate(
            status_rank=Case(
                *[When(coverage=s, then=Value(i)) for i, s in enumerate(STATUS_ORDER)],
                default=Value(len(STATUS_ORDER)),
                output_field=IntegerField(),
            )
        ).order_by("status_rank", "school__name", "school__uai")
    page = Paginator(ordered, SCHOOLS_PER_PAGE).get_page(page_number)
    stats = list(page.object_list)
    proposals: dict[int, list] = {}
    for proposal in AmbassadorProposal.objects.filter(
        school_id__in=[s.school_id for s in stats],
        status__in=[AmbassadorProposal.Status.CONFIRMED, AmbassadorProposal.Status.PROPOSED],
    ).select_related("user"):
        proposals.setdefault(proposal.school_id, []).append(proposal)
    items = []
    for stat in stats:
        own = proposals.get(stat.school_id, [])
        items.append(
            SchoolCoverage(
                stat.school,
                stat.coverage,
                confirmed=[p for p in own if p.status == AmbassadorProposal.Status.CONFIRMED],
                pending=[p for p in own if p.status == AmbassadorProposal.Status.PROPOSED],
            )
        )
    page.object_list = items
    return page


def ambassadors_page(*, sl: Slice, status: str = "", pages: dict | None = None) -> AmbassadorsPage:
    """The ambassadors page of an area (`sl`, as the pilotage page slices it). `pages`: the page number of
    each list ("propositions", "etablissements")."""
    pages = pages or {}
    status = status if status in COVERAGE_STATUSES else ""
    proposals = (
        AmbassadorProposal.objects.filter(status=AmbassadorProposal.Status.PROPOSED, school__in=_area_ids(sl))
        .select_related("user", "school")
        .order_by("school__name", "school__uai", "rank", "pk")
    )
    close, close_total = _close(sl)
    return AmbassadorsPage(
        summary=coverage_summary(sl),
        proposals=Paginator(proposals, PROPOSALS_PER_PAGE).get_page(pages.get("propositions")),
        close=close,
        close_total=close_total,
        schools=_schools(sl, status, pages.get("etablissements")),
        status=status,
    )


def ambassador_coverage(*, schools, with_suggestions: bool = True) -> list[SchoolCoverage]:
    """Each school's coverage as the maps' derived table holds it (`SchoolStat`, the one home of the
    rule), with its confirmed and pending proposals; uncovered ones get the nearest ambassadors and who
    is closest to qualifying (`with_suggestions`; or call `coverage_suggest` on the part shown)."""
    school_list = list(schools.select_related("departement"))
    ids = [s.pk for s in school_list] if len(school_list) < 2000 else schools.values("pk")
    statuses = dict(SchoolStat.objects.filter(school_id__in=ids).values_list("school_id", "coverage"))
    proposals = defaultdict(list)
    for proposal in AmbassadorProposal.objects.filter(
        school__in=ids, status__in=[AmbassadorProposal.Status.CONFIRMED, AmbassadorProposal.Status.PROPOSED]
    ).select_related("user"):
        proposals[proposal.school_id].append(proposal)
    result = []
    for school in school_list:
        own = proposals.get(school.pk, [])
        confirmed = [p for p in own if p.status == AmbassadorProposal.Status.CONFIRMED]
        pending = [p for p in own if p.status == AmbassadorProposal.Status.PROPOSED]
        result.append(SchoolCoverage(school, statuses.get(school.pk, "uncovered"), confirmed, pending))
    if with_suggestions:
        coverage_suggest(result)
    return result
