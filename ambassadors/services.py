"""Ambassador proposals: teachers expert in digital pedagogy who accompany their colleagues.

For each school, the consenting teachers who meet their académie's policy are
ranked by a score and the best K are proposed, with the reasons in words. A
manager confirms or declines; every decision is kept. Schools left without an
ambassador are flagged with the nearest ones and the teachers closest to
qualifying. All reads are of derived tables (levels, evidence) and of the
statements' completed modules, never per-request scans of raw statements.
"""

import hashlib
import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from evidence.models import Evidence
from frameworks.models import Competency, Framework
from lms.models import Academie, Membership, School
from xapi.models import Relation, Statement

from . import sql
from .badge_status import badge_statuses_sync
from .badges import badge_issue
from .models import AmbassadorConsent, AmbassadorDecision, AmbassadorPolicy, AmbassadorProposal
from .reasons import reasons_codes
from .signals import coverage_changed

FRAMEWORK = Framework.CRCN_EDU  # the policies' scale (Pix+ Édu)
CHUNK = 1000


def policy_for(academie_id: int | None) -> AmbassadorPolicy:
    """The académie's policy, or the defaults (unsaved) when its manager has set none."""
    policy = AmbassadorPolicy.objects.filter(academie_id=academie_id).first() if academie_id else None
    return policy or AmbassadorPolicy(academie_id=academie_id)


def _policy_of(academie: Academie) -> AmbassadorPolicy:
    """`policy_for`, from an académie read with its policy (select_related): no query."""
    try:
        return academie.ambassador_policy
    except AmbassadorPolicy.DoesNotExist:
        return AmbassadorPolicy(academie_id=academie.pk)


@dataclass
class Candidate:
    user_id: int
    school_id: int
    levels: dict[int, int]  # competency id → level, for the qualifying competencies
    domains: set[str]
    modules: int
    latest: object
    qualifies: bool
    score: float = 0.0
    gap: int = 0
    missing: list[int] = field(default_factory=list)  # competency ids still below the required level


# The CRCN Édu competencies, kept in this process while their fingerprint (read with the candidates,
# `sql.candidates_rows`) says they are the same: (fingerprint, {id: competency}).
_competencies_memo: tuple[str, dict[int, Competency]] | None = None


def _fingerprint(competencies: dict[int, Competency]) -> str:
    """What `sql.competencies_fingerprint_sql` reads, from the competencies themselves."""
    return ",".join(f"{c.pk}:{c.code}:{c.domain.code}" for c in sorted(competencies.values(), key=lambda c: c.pk))


def framework_competencies(*, fingerprint: str | None = None) -> dict[int, Competency]:
    """The CRCN Édu competencies (with their domain), by id.

    With the `fingerprint` the database gave in the same transaction, those kept in memory when it
    is theirs (no query): a framework loaded again, by this process or another, changes it (ids,
    codes, domains: what the proposals read). Without one, read."""
    global _competencies_memo  # one tuple swapped whole: safe across threads
    memo = _competencies_memo
    if fingerprint is not None and memo is not None and memo[0] == fingerprint:
        return memo[1]
    competencies = {c.pk: c for c in Competency.objects.filter(framework__slug=FRAMEWORK).select_related("domain")}
    _competencies_memo = (_fingerprint(competencies), competencies)
    return competencies


def candidates_evaluate(
    *, schools: list[School], policies: dict[int, AmbassadorPolicy], as_of=None, competencies=None
) -> dict:
    """{school id: [Candidate…]} for the consenting teachers of `schools`, best first."""
    return _candidates(schools=schools, policies=policies, as_of=as_of, competencies=competencies)[0]


def _candidates(
    *, schools: list[School], policies: dict[int, AmbassadorPolicy], as_of=None, competencies=None
) -> tuple[dict, dict[int, Competency]]:
    """`candidates_evaluate`, and the competencies it used: teachers, modules and levels in one read."""
    as_of = as_of or timezone.now()
    rows, fingerprint = sql.candidates_rows([s.pk for s in schools], framework=FRAMEWORK)
    if competencies is None:
        competencies = framework_competencies(fingerprint=fingerprint) if rows else {}
    memberships: dict[tuple[int, int], None] = {}
    modules: dict[int, int] = {}
    levels: dict[int, dict[int, int]] = defaultdict(dict)
    latest: dict[tuple[int, int], object] = {}
    for school_id, user_id, n_modules, competency_id, level, evidence_at in rows:
        memberships[(school_id, user_id)] = None
        modules[user_id] = n_modules or 0
        if competency_id is not None and competency_id in competencies:
            levels[user_id][competency_id] = level
            latest[(user_id, competency_id)] = evidence_at
    school_academie = {s.pk: s.departement.academie_id for s in schools}
    result: dict[int, list[Candidate]] = defaultdict(list)
    for school_id, user_id in memberships:
        policy = policies[school_academie[school_id]]
        horizon = as_of - timedelta(days=policy.recency_days)
        qualifying = {
            c: lv
            for c, lv in levels[user_id].items()
            if lv >= policy.required_level and latest.get((user_id, c)) and latest[(user_id, c)] >= horizon
        }
        domains = {competencies[c].domain.code for c in qualifying}
        n_modules = modules.get(user_id, 0)
        missing = [c for c in competencies if c not in qualifying]
        gap = (
            max(0, policy.min_competencies - len(qualifying))
            + max(0, policy.min_domains - len(domains))
            + max(0, policy.min_modules_completed - n_modules)
        )
        dates = [latest[(user_id, c)] for c in qualifying]
        candidate = Candidate(
            user_id=user_id,
            school_id=school_id,
            levels=qualifying,
            domains=domains,
            modules=n_modules,
            latest=max(dates) if dates else None,
            qualifies=gap == 0,
            gap=gap,
            missing=missing,
        )
        # Depth (levels above the requirement) counts most, then breadth (domains), then training.
        candidate.score = round(
            sum(lv - policy.required_level + 1 for lv in qualifying.values())
            + 0.5 * len(domains)
            + 0.2 * min(n_modules, 10),
            2,
        )
        result[school_id].append(candidate)
    for candidates in result.values():
        candidates.sort(key=lambda c: (-c.qualifies, -c.score, c.gap, c.user_id))
    return result, competencies


def reasons_for(candidate: Candidate, *, policy: AmbassadorPolicy, competencies: dict[int, Competency]) -> list[dict]:
    """The reasons, as codes put in words at display time (reasons.reasons_text), in the reader's language."""
    return reasons_codes(
        levels=candidate.levels,
        domains=candidate.domains,
        modules=candidate.modules,
        latest=candidate.latest,
        required_level=policy.required_level,
        competencies=competencies,
    )


@dataclass
class ProposalReport:
    schools: int = 0
    proposed: int = 0
    withdrawn: int = 0
    changed_schools: set = field(default_factory=set)  # whose proposals' statuses changed: coverage to refresh


@transaction.atomic
def ambassadors_propose(*, schools=None, as_of=None) -> ProposalReport:
    """Recompute proposals for `schools` (all when None). Confirmed ambassadors stay; undecided
    proposals are replaced; a confirmed one who no longer qualifies or consents is withdrawn."""
    return proposals_recompute(schools=schools, as_of=as_of)


def proposals_recompute_for_users(user_ids) -> ProposalReport:
    """The proposals of the schools where one of these teachers consented to be an ambassador.

    Only consenting teachers are candidates, so another teacher's new level changes no proposal
    (and withdrawing one's consent withdraws one's proposals at once: `consent_set`).
    """
    consenting = Membership.objects.filter(
        user_id__in=sorted(user_ids), user__ambassador_consent__consented=True
    ).values("school_id")
    return proposals_recompute(schools=School.objects.filter(pk__in=consenting))


def proposals_concerned(user_ids, *, level_changes=None, module_user_ids=None) -> set[int]:
    """Of the teachers whose levels or modules changed (`evidence.signals.levels_changed`), those whose
    proposals may change: a module completed or withdrawn, a CRCN Édu level reached or lost at the
    lowest level a policy may require (below it, a level counts in no policy: a change from 1 to 3
    changes no proposal). All of `user_ids` when the details are not known."""
    if level_changes is None or module_user_ids is None:
        return set(user_ids)
    lowest = min(AmbassadorPolicy.RequiredLevel.values)
    levels = {
        user_id for user_id, previous, level in level_changes.get(FRAMEWORK, ()) if max(previous, level) >= lowest
    }
    return levels | set(module_user_ids)


def proposals_recompute(*, schools=None, as_of=None) -> ProposalReport:
    """`ambassadors_propose` inside the caller's transaction (the incremental path)."""
    now = timezone.now()
    report = ProposalReport()
    queryset = School.objects.all() if schools is None else schools
    # The schools with their académie's policy, in one read.
    school_list = list(queryset.select_related("departement__academie__ambassador_policy").order_by("pk"))
    policies: dict[int, AmbassadorPolicy] = {}
    for school in school_list:
        academie = school.departement.academie
        if academie.pk not in policies:
            policies[academie.pk] = _policy_of(academie)
    for start in range(0, len(school_list), CHUNK):
        chunk = school_list[start : start + CHUNK]
        _propose_chunk(chunk, policies=policies, as_of=as_of, now=now, report=report)
    # The maps and the ambassadors page read coverage from the derived tables: without this, a
    # recomputation (the demo's, a manager's, a new policy's) left them showing the old proposals.
    _coverage_changed(sorted(report.changed_schools))
    return report


def _propose_chunk(chunk, *, policies, as_of, now, report: ProposalReport) -> None:
    evaluated, competencies = _candidates(schools=chunk, policies=policies, as_of=as_of)
    existing = defaultdict(dict)
    for proposal in AmbassadorProposal.objects.filter(school__in=chunk):
        existing[proposal.school_id][proposal.user_id] = proposal
    creates, decisions, changed, deletes = [], [], [], []
    for school in chunk:
        policy = policies[school.departement.academie_id]
        best = [c for c in evaluated.get(school.pk, []) if c.qualifies][: policy.max_per_school]
        best_ids = {c.user_id for c in best}
        current = existing.get(school.pk, {})
        for user_id, proposal in current.items():
            if user_id in best_ids:
                continue
            if proposal.status == AmbassadorProposal.Status.CONFIRMED:
                proposal.status = AmbassadorProposal.Status.WITHDRAWN
                changed.append(proposal)
                decisions.append(
                    AmbassadorDecision(
                        proposal=proposal,
                        decision=AmbassadorProposal.Status.WITHDRAWN,
                        comment=_("Retrait automatique : ne remplit plus les conditions ou a retiré son accord."),
                        decided_at=now,
                    )
                )
                report.withdrawn += 1
                report.changed_schools.add(school.pk)
            elif proposal.status == AmbassadorProposal.Status.PROPOSED:
                deletes.append(proposal.pk)
                report.changed_schools.add(school.pk)
        for rank, candidate in enumerate(best, start=1):
            reasons = reasons_for(candidate, policy=policy, competencies=competencies)
            proposal = current.get(candidate.user_id)
            if proposal is None:
                creates.append(
                    AmbassadorProposal(
                        school=school,
                        user_id=candidate.user_id,
                        score=candidate.score,
                        rank=rank,
                        reasons=reasons,
                        computed_at=now,
                    )
                )
                report.proposed += 1
                report.changed_schools.add(school.pk)
            elif proposal.status != AmbassadorProposal.Status.DECLINED:
                status = proposal.status
                if status == AmbassadorProposal.Status.WITHDRAWN:
                    status = AmbassadorProposal.Status.PROPOSED
                new = (candidate.score, rank, reasons, status)
                if status != proposal.status:
                    report.changed_schools.add(school.pk)
                if (proposal.score, proposal.rank, proposal.reasons, proposal.status) != new:
                    proposal.score, proposal.rank, proposal.reasons, proposal.status = new
                    proposal.computed_at = now
                    changed.append(proposal)
        report.schools += 1
    if deletes:
        AmbassadorProposal.objects.filter(pk__in=deletes).delete()
    AmbassadorProposal.objects.bulk_update(
        changed, ["score", "rank", "reasons", "status", "computed_at"], batch_size=500
    )
    AmbassadorProposal.objects.bulk_create(creates, batch_size=500)
    AmbassadorDecision.objects.bulk_create(decisions, batch_size=500)
    if decisions:
        _badges_follow()


@transaction.atomic
def proposal_decide(*, proposal: AmbassadorProposal, manager, decision: str, comment: str = "") -> AmbassadorProposal:
    """A manager confirms or declines a proposal; the decision is kept."""
    allowed = {AmbassadorProposal.Status.CONFIRMED, AmbassadorProposal.Status.DECLINED}
    if decision not in allowed:
        raise ValueError(_("Décision inconnue."))
    proposal.status = decision
    proposal.save(update_fields=["status"])
    AmbassadorDecision.objects.create(
        proposal=proposal, decided_by=manager, decision=decision, comment=comment, decided_at=timezone.now()
    )
    _coverage_changed([proposal.school_id])
    if decision == AmbassadorProposal.Status.CONFIRMED:
        policy = policy_for(proposal.school.departement.academie_id)
        badge_issue(proposal=proposal, required_level=policy.required_level, valid_days=policy.badge_validity_days)
    else:
        _badges_follow()
    return proposal


@transaction.atomic
def consent_set(*, user, consented: bool) -> AmbassadorConsent:
    """Opt in or out. Opting out withdraws every proposal at once."""
    consent, _created = AmbassadorConsent.objects.update_or_create(
        user=user, defaults={"consented": consented, "changed_at": timezone.now()}
    )
    if not consented:
        now = timezone.now()
        withdrawn = AmbassadorProposal.objects.filter(user=user).exclude(
            status__in=[AmbassadorProposal.Status.WITHDRAWN, AmbassadorProposal.Status.DECLINED]
        )
        _coverage_changed(list(withdrawn.values_list("school_id", flat=True)))
        for proposal in withdrawn:
            proposal.status = AmbassadorProposal.Status.WITHDRAWN
            proposal.save(update_fields=["status"])
            AmbassadorDecision.objects.create(
                proposal=proposal,
                decision=AmbassadorProposal.Status.WITHDRAWN,
                comment=_("L'enseignant a retiré son accord."),
                decided_at=now,
            )
        _badges_follow()
    return consent


def _badges_follow() -> None:
    """Badges of ambassadors no longer confirmed are revoked, for good, in the published list."""
    badge_statuses_sync()


def _coverage_changed(school_ids: list[int]) -> None:
    """Announce it: the maps mark these schools' coverage figures in this transaction and refresh them
    after it commits with the other marked schools (`maps.receivers`)."""
    if school_ids:
        coverage_changed.send(sender=__name__, school_ids=list(school_ids))


def ambassadors_propose_nightly() -> int:
    """Every school's proposals, then every school's coverage figures (the maps listen), then the
    ambassadors pages' suggestions warmed. How many were proposed."""
    proposed = ambassadors_propose().proposed
    coverage_changed.send(sender=__name__, school_ids=None)
    for level in AmbassadorPolicy.RequiredLevel.values:
        activity_tops(level, refresh=True)
    return proposed


def ambassadors_propose_announced(*, schools) -> ProposalReport:
    """A manager's recomputation over `schools`, off the request: the proposals, then the coverage
    figures of every one of these schools."""
    report = ambassadors_propose(schools=schools)
    coverage_changed.send(sender=__name__, school_ids=list(schools.values_list("pk", flat=True)))
    return report


def distance_km(a: School, b: School) -> float | None:
    if None in (a.latitude, a.longitude, b.latitude, b.longitude):
        return None
    lat1, lon1, lat2, lon2 = map(math.radians, (a.latitude, a.longitude, b.latitude, b.longitude))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371 * math.asin(math.sqrt(h))


@dataclass
class SchoolCoverage:
    school: School
    status: str  # covered, circonscription, pending, uncovered
    confirmed: list = field(default_factory=list)
    pending: list = field(default_factory=list)
    nearest: list = field(default_factory=list)  # (proposal, km) of confirmed ambassadors nearby
    closest: list = field(default_factory=list)  # (user, gap, [activity names]) for uncovered schools


ACTIVITY_TOPS_SECONDS = 6 * 3600


def activity_tops(level: int, *, per_competency: int = 5, refresh: bool = False) -> dict[int, list[tuple[str, int]]]:
    """{competency id: [(activity id, teachers' successes), …]}: the activities whose success most
    often evidenced each CRCN Édu competency at `level` or more. One grouped read of the evidence,
    kept in the cache for six hours (the nightly ambassador pass warms it)."""
    key = f"competencies:activity-tops:{level}:{per_competency}"
    tops = None if refresh else cache.get(key)
    if tops is None:
        rows = (
            Evidence.objects.filter(competency__framework__slug=FRAMEWORK, level__gte=level)
            .exclude(kind__in=["certified", "attendance"])
            .values_list("competency_id", "activity_id")
            .annotate(n=Count("id"))
        )
        grouped: dict[int, list[tuple[str, int]]] = defaultdict(list)
        for competency_id, activity_id, n in rows:
            grouped[competency_id].append((activity_id, n))
        tops = {c: sorted(items, key=lambda i: (-i[1], i[0]))[:per_competency] for c, items in grouped.items()}
        cache.set(key, tops, ACTIVITY_TOPS_SECONDS)
    return tops


# xAPI's activity type of a course: the course a step belongs to is the statement's grouping of that type.
COURSE_TYPE = "http://adlnet.gov/expapi/activities/course"


def _language_map(definition: dict | None) -> str | None:
    names = (definition or {}).get("name") or {}
    return names.get("fr-FR") or next(iter(names.values()), None)


def _activity_names(activity_id: str) -> tuple[str, str | None]:
    """The activity's name and its course's (None when the statement names no course), from the latest
    statement about it; the activity's id when no statement names it."""
    key = f"competencies:activity-names:{hashlib.sha1(activity_id.encode()).hexdigest()}"  # noqa: S324
    names = cache.get(key)
    if names is None:
        # Through the activity index (direct: the statement's object), like the LRS's `activity` filter.
        statement = (
            Statement.objects.filter(activity_index__activity_id=activity_id, activity_index__relation=Relation.DIRECT)
            .only("payload")
            .order_by("-stored")
            .first()
        )
        payload = statement.payload if statement else {}
        name = _language_map((payload.get("object") or {}).get("definition")) or activity_id
        grouping = ((payload.get("context") or {}).get("contextActivities") or {}).get("grouping") or []
        course = next(
            (
                _language_map(g.get("definition"))
                for g in grouping
                if isinstance(g, dict) and (g.get("definition") or {}).get("type") == COURSE_TYPE
            ),
            None,
        )
        names = (name, course if course and course != name else None)
        cache.set(key, names, ACTIVITY_TOPS_SECONDS)
    return tuple(names)


def _activity_name(activity_id: str) -> str:
    """The activity in words a manager can pass on: its name and, when a statement says it, its course's
    (two courses' "Quiz final", a course's and its local adaptation's, are then told apart)."""
    name, course = _activity_names(activity_id)
    if course is None:
        return name
    return _("%(activity)s, parcours « %(course)s »") % {"activity": name, "course": course}


def _activities_evidencing(competency_ids: list[int], level: int, limit: int = 3) -> list[str]:
    """Names of activities whose success evidences these competencies at `level` or more: those
    covering the most of them first, then the most often passed. Activities named alike (the same step
    of the same course, in two copies) are listed once."""
    tops = activity_tops(level)
    score: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for competency_id in competency_ids:
        for activity_id, n in tops.get(competency_id, ()):
            score[activity_id][0] += 1
            score[activity_id][1] += n
    names: list[str] = []
    for activity_id in sorted(score, key=lambda a: (-score[a][0], -score[a][1], a)):
        name = _activity_name(activity_id)
        if name not in names:
            names.append(name)
        if len(names) == limit:
            break
    return names


def coverage_suggest(items: list[SchoolCoverage]) -> None:
    """For the uncovered and pending schools of `items`: the three nearest confirmed ambassadors of
    the département, and the three consenting teachers closest to qualifying with the activities
    that would get them there."""
    targets = [c for c in items if c.status in ("uncovered", "pending")]
    if not targets:
        return
    confirmed_by_dep = defaultdict(list)
    for proposal in AmbassadorProposal.objects.filter(
        status=AmbassadorProposal.Status.CONFIRMED,
        school__departement__in={c.school.departement_id for c in targets},
    ).select_related("user", "school"):
        confirmed_by_dep[proposal.school.departement_id].append(proposal)
    policies: dict[int, AmbassadorPolicy] = {}
    for coverage in targets:
        academie_id = coverage.school.departement.academie_id
        if academie_id not in policies:  # setdefault would read the policy for every school
            policies[academie_id] = policy_for(academie_id)
        nearby = [(p, distance_km(coverage.school, p.school)) for p in confirmed_by_dep[coverage.school.departement_id]]
        coverage.nearest = sorted([n for n in nearby if n[1] is not None], key=lambda n: n[1])[:3]
    evaluated = candidates_evaluate(schools=[c.school for c in targets], policies=policies)
    for coverage in targets:
        policy = policies[coverage.school.departement.academie_id]
        near = sorted(
            [c for c in evaluated.get(coverage.school.pk, []) if not c.qualifies], key=lambda c: (c.gap, -c.score)
        )
        for candidate in near[:3]:
            coverage.closest.append((candidate, _activities_evidencing(candidate.missing, policy.required_level)))
