"""Effect on competencies: the levels of those who completed a course, beside their colleagues'.

For each competency the course targets, the mean level of the teachers who completed it, at the
completion date and 3 and 6 months later (`level_history.levels_at`: the evidence and the level rule
of that date), beside the same measure for the teachers of the same schools who did not take it
(not enrolled). The colleagues of a school are measured at the median completion date of the
school's completers, and 3 and 6 months after. A moment still in the future is not measured. Level 0
means no level attested. This is a comparison, not a proof of cause: the pages say so.
"""

from collections import defaultdict
from datetime import date

from lms.models import Membership

from .level_history import levels_at
from .models import EffectStat

MOMENTS = (("m0", 0), ("m3", 3), ("m6", 6))


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day when it has fewer days)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def _schools(user_ids) -> dict[int, list[tuple[int, int]]]:
    """user → [(school id, département id)] where they teach."""
    result: dict[int, list[tuple[int, int]]] = defaultdict(list)
    rows = Membership.objects.filter(user_id__in=list(user_ids), role="teacher").values_list(
        "user_id", "school_id", "school__departement_id"
    )
    for user, school, dep in rows:
        result[user].append((school, dep))
    return result


def effect_rows(
    *, course, competency_ids: list[int], completions: dict[int, date], takers: set[int], today: date
) -> list[EffectStat]:
    """EffectStat rows of one course; `completions`: user → completion day; `takers`: enrolled or completed."""
    if not competency_ids or not completions:
        return []
    completer_schools = _schools(completions)
    by_school: dict[int, list[date]] = defaultdict(list)
    for user, places in completer_schools.items():
        for school, _dep in places:
            by_school[school].append(completions[user])
    reference = {school: sorted(days)[(len(days) - 1) // 2] for school, days in by_school.items()}
    colleagues: dict[int, tuple[date, list[int]]] = {}
    rows = Membership.objects.filter(school_id__in=list(reference), role="teacher").values_list(
        "user_id", "school_id", "school__departement_id"
    )
    for user, school, dep in sorted(rows):
        if user in takers:
            continue
        if user not in colleagues:
            colleagues[user] = (reference[school], [])
        colleagues[user][1].append(dep)
    members = [
        ("completers", user, day, sorted({dep for _s, dep in completer_schools.get(user, [])}))
        for user, day in completions.items()
    ] + [("comparison", user, day, sorted(set(deps))) for user, (day, deps) in colleagues.items()]
    points = []
    for _group, user, day, _deps in members:
        for _moment, months in MOMENTS:
            when = add_months(day, months)
            if when <= today:
                points += [(user, competency, when) for competency in competency_ids]
    levels = levels_at(points)
    sums: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for group, user, day, deps in members:
        for moment, months in MOMENTS:
            when = add_months(day, months)
            if when > today:
                continue
            for competency in competency_ids:
                level = levels[(user, competency, when)]
                for dep in [None, *deps]:
                    entry = sums[(competency, dep, group, moment)]
                    entry[0] += 1
                    entry[1] += level
    return [
        EffectStat(
            course=course,
            competency_id=competency,
            departement_id=dep,
            group=group,
            moment=moment,
            n=n,
            level_sum=total,
        )
        for (competency, dep, group, moment), (n, total) in sums.items()
    ]
