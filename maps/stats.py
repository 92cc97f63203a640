"""Derived aggregate tables of the managers' competency maps: refresh, and the reads the pages make.

`stats_refresh(school_ids)` rebuilds, with a few set-based SQL statements, the per-school tables
(teachers and ambassador coverage; level sums and counts per competency; level changes per domain
and month; module completions and session attendances per month) for those schools (None: all),
then brings the roll-ups per département × school kind × sector, and the national rows, up to date.
Call it after levels, memberships or ambassador proposals change. Pages read these tables only: the
national and académie views read the roll-ups (a few thousand rows), the smaller areas the per-school
rows.

A refresh of a few schools costs what those schools' rows cost, not what their département's do: it
reads their per-school rows before and after the rebuild and adds the difference to the roll-up rows
and national rows they are counted in (`_rollups_follow`), rather than summing the département's
schools again (about a second and a half for the largest at national scale). A roll-up row is a sum
over the schools of its group (the group `SchoolStat` records for each school) and exists when one of
them has a row for its key; the full refresh writes exactly that, and so does this, so that both give
the same rows (tests/maps/test_stats.py).

Teachers are counted per membership: a teacher of two schools counts in each.
"""

from collections import defaultdict
from dataclasses import dataclass
from typing import NamedTuple

from django.db import connection, transaction
from django.db.models import Count, F, Q, QuerySet, Sum

from lms.models import School

from . import sql
from .models import (
    COVERAGE_STATUSES,
    LEVEL_COLUMNS,
    DepartementActivityMonth,
    DepartementCompetencyStat,
    DepartementDomainMonth,
    DepartementStat,
    SchoolActivityMonth,
    SchoolCompetencyStat,
    SchoolDomainMonth,
    SchoolStat,
)

# pg_advisory_xact_lock key of the refresh (any number no other lock in the database uses): a refresh
# adds differences to the roll-ups, so two must not interleave.
LOCK_KEY = 0x5E1A15
# Above this many schools, a refresh sums their départements' rows again rather than adding their
# differences (reading that many schools' rows into Python would cost more). Their circonscriptions'
# other écoles do not count: only their one SchoolStat row each is read.
DELTA_SCHOOLS_MAX = 500


@transaction.atomic
def stats_refresh(school_ids: set[int] | None = None) -> None:
    """Rebuild the aggregates of `school_ids` (None: every school) and bring the roll-ups up to date."""
    sql.refresh_lock(LOCK_KEY)
    if school_ids is None:
        sql.aggregates_rebuild()
        return
    school_ids = set(school_ids)
    if not school_ids:
        return
    # An école covered through its circonscription depends on the other écoles of the circonscription:
    # their coverage (SchoolStat) is refreshed too; their levels and activity do not depend on it.
    coverage_ids = set(school_ids)
    circos = set(
        School.objects.filter(pk__in=school_ids)
        .exclude(circonscription_code="")
        .values_list("circonscription_code", flat=True)
    )
    if circos:
        coverage_ids |= set(School.objects.filter(circonscription_code__in=circos).values_list("pk", flat=True))
    if len(school_ids) > DELTA_SCHOOLS_MAX:
        before = _departements(coverage_ids)
        sql.school_rows_rebuild(school_ids=sorted(school_ids), coverage_ids=sorted(coverage_ids))
        sql.rollups_rebuild(departement_ids=sorted(before | _departements(coverage_ids)))
        return
    before = _contributions(school_ids, coverage_ids)
    sql.school_rows_rebuild(school_ids=sorted(school_ids), coverage_ids=sorted(coverage_ids))
    _rollups_follow(before, _contributions(school_ids, coverage_ids))


# ---------------------------------------------------------------------------
# A few schools' refresh: their differences added to the roll-ups
# ---------------------------------------------------------------------------

ROLLUP = {
    SchoolStat: DepartementStat,
    SchoolCompetencyStat: DepartementCompetencyStat,
    SchoolDomainMonth: DepartementDomainMonth,
    SchoolActivityMonth: DepartementActivityMonth,
}
GROUP = ("departement_id", "kind", "sector")
# A school's SchoolStat as its group's DepartementStat counts it (sql.NATIONAL's columns, in order).
STAT_COLUMNS = sql.NATIONAL[DepartementStat][1]


def _departements(school_ids: set[int]) -> set[int]:
    """The départements whose roll-ups count these schools' rows now."""
    return {
        dep
        for chunk in sql.chunks(sorted(school_ids))
        for dep in SchoolStat.objects.filter(school_id__in=chunk).values_list("departement_id", flat=True)
        if dep is not None
    }


def _contributions(school_ids: set[int], coverage_ids: set[int]) -> dict:
    """{roll-up: {(département, kind, sector, *key): [summed columns]}}: what these schools' rows add
    to the roll-up rows of their groups (a key is there when one of them has a row for it)."""
    result: dict = {rollup: {} for rollup in ROLLUP.values()}
    groups = {}
    stats = result[DepartementStat]
    for chunk in sql.chunks(sorted(coverage_ids)):
        for school_id, *group, teachers, coverage, pending in SchoolStat.objects.filter(
            school_id__in=chunk
        ).values_list("school_id", *GROUP, "teachers", "coverage", "pending"):
            if group[0] is None:
                continue
            groups[school_id] = tuple(group)
            values = stats.setdefault(tuple(group), [0] * len(STAT_COLUMNS))
            values[0] += 1
            values[1] += teachers
            if coverage in COVERAGE_STATUSES:
                values[2 + COVERAGE_STATUSES.index(coverage)] += 1
            values[-1] += pending
    for per_school, rollup in ROLLUP.items():
        if per_school is SchoolStat:
            continue
        keys, columns = sql.NATIONAL[rollup]
        found = result[rollup]
        for chunk in sql.chunks(sorted(school_ids)):
            for school_id, *row in per_school.objects.filter(school_id__in=chunk).values_list(
                "school_id", *keys, *columns
            ):
                group = groups.get(school_id)
                if group is None:
                    continue
                values = found.setdefault((*group, *row[: len(keys)]), [0] * len(columns))
                for i, value in enumerate(row[len(keys) :]):
                    values[i] += value
    return result


def _rollups_follow(before: dict, after: dict) -> None:
    """Add the differences between the schools' rows `before` and `after` their rebuild to the roll-up
    rows of their groups, then the differences of those rows to the national rows."""
    for rollup in ROLLUP.values():
        old, new = _apply(rollup, before[rollup], after[rollup], national=False)
        _apply(rollup, _national(old), _national(new), national=True)


def _national(rows: dict) -> dict:
    """Département roll-up rows summed under their national key (département None)."""
    summed: dict = {}
    for key, values in rows.items():
        total = summed.setdefault((None, *key[1:]), [0] * len(values))
        for i, value in enumerate(values):
            total[i] += value
    return summed


def _apply(rollup, old: dict, new: dict, *, national: bool) -> tuple[dict, dict]:
    """Add `new` − `old` (what some schools', or some départements', rows summed to before and after
    they changed) to the roll-up rows of those keys: a row is written when a key appears, deleted when
    no row of its group is left under it. Returns the rows changed, as they were and as they are."""
    keys, columns = sql.NATIONAL[rollup]
    changed = [key for key in old.keys() | new.keys() if old.get(key) != new.get(key)]
    if not changed:
        return {}, {}
    rows = _rollup_rows(rollup, changed, keys, columns, national=national)
    zeros = [0] * len(columns)
    deletes, inserts, was, now = [], [], {}, {}
    for key in changed:
        pk, current = rows.get(key, (None, None))
        if key not in new and pk is None:
            continue  # gone from these schools, and not there anyway
        values = [c + n - o for c, n, o in zip(current or zeros, new.get(key, zeros), old.get(key, zeros), strict=True)]
        exists = key in new or _counted_elsewhere(rollup, key, keys, national=national)
        if pk is not None:
            if exists and values == current:
                continue
            deletes.append(pk)
            was[key] = current
        if exists:
            inserts.append(rollup(**dict(zip((*GROUP, *keys, *columns), (*key, *values), strict=True))))
            now[key] = values
    if deletes:
        rollup.objects.filter(pk__in=deletes).delete()
    rollup.objects.bulk_create(inserts)
    return was, now


def _rollup_rows(rollup, changed: list[tuple], keys: list[str], columns: list[str], *, national: bool) -> dict:
    """{key: (pk, [summed columns])} of the roll-up's rows under these keys."""
    by_group = defaultdict(list)
    for key in changed:
        by_group[key[:3]].append(key[3:])
    condition = Q()
    for (departement_id, kind, sector), rest in by_group.items():
        group = Q(kind=kind, sector=sector) & (
            Q(departement__isnull=True) if national else Q(departement_id=departement_id)
        )
        for i, name in enumerate(keys):
            group &= Q(**{f"{name}__in": sorted({values[i] for values in rest})})
        condition |= group
    wanted = set(changed)
    rows = {}
    for pk, *row in rollup.objects.filter(condition).values_list("pk", *GROUP, *keys, *columns):
        key = tuple(row[: 3 + len(keys)])
        if key in wanted:
            rows[key] = (pk, list(row[3 + len(keys) :]))
    return rows


def _counted_elsewhere(rollup, key: tuple, keys: list[str], *, national: bool) -> bool:
    """Whether another row still counts under this roll-up key: a département's (national rows), or a
    school's of the group (département rows). Rare: when a school or département loses its last row
    under a key."""
    departement_id, kind, sector, *rest = key
    named = dict(zip(keys, rest, strict=True))
    if national:
        return rollup.objects.filter(departement__isnull=False, kind=kind, sector=sector, **named).exists()
    schools = SchoolStat.objects.filter(departement_id=departement_id, kind=kind, sector=sector)
    if rollup is DepartementStat:
        return schools.exists()
    per_school = next(model for model, up in ROLLUP.items() if up is rollup)
    return per_school.objects.filter(school_id__in=schools.values("school_id"), **named).exists()


# ---------------------------------------------------------------------------
# Reads
# ---------------------------------------------------------------------------


@dataclass
class Slice:
    """Which rows an area's figures come from.

    `rollup`: the area is whole départements (`departement_ids`, None for all of them) narrowed by
    the kind/degré/sector filters, read from the roll-ups; otherwise from the per-school rows of
    `schools` (already filtered).
    """

    schools: QuerySet[School]
    rollup: bool = False
    departement_ids: list[int] | None = None
    kind: str = ""
    degre: str = ""
    sector: str = ""


GROUP_FIELDS = {
    # by → (roll-up fields, per-school fields)
    "departement": (["departement_id"], ["school__departement_id"]),
    "zone": (None, ["school__circonscription_code", "school__bassin_code"]),
    "school": (None, ["school_id"]),
    None: ([], []),
}


def _base(model, sl: Slice, *, by=None) -> QuerySet:
    if not sl.rollup:
        return model.objects.filter(school__in=sl.schools.values("pk"))
    queryset = ROLLUP[model].objects.all()
    if sl.departement_ids is not None:
        queryset = queryset.filter(departement_id__in=sl.departement_ids)
    elif by == "departement":
        queryset = queryset.filter(departement__isnull=False)
    else:
        queryset = queryset.filter(departement__isnull=True)  # the national rows
    if sl.kind:
        queryset = queryset.filter(kind=sl.kind)
    if sl.degre == "1":
        queryset = queryset.filter(kind=School.Kind.ECOLE)
    elif sl.degre == "2":
        queryset = queryset.exclude(kind=School.Kind.ECOLE)
    if sl.sector:
        queryset = queryset.filter(sector=sl.sector)
    return queryset


def zone_key(circonscription_code: str, bassin_code: str) -> str:
    """A school's zone: its circonscription, else its bassin, else none ("")."""
    if circonscription_code:
        return f"c:{circonscription_code}"
    return f"b:{bassin_code}" if bassin_code else ""


def _group_key(row: dict, fields: list[str]):
    if not fields:
        return None
    if fields == GROUP_FIELDS["zone"][1]:
        return zone_key(row[fields[0]], row[fields[1]])
    return row[fields[0]]


def _grouped(model, sl: Slice, *, by, extra: list[str], sums: dict, filters: dict | None = None) -> list[dict]:
    fields = GROUP_FIELDS[by][1 if not sl.rollup else 0]
    if fields is None:
        raise ValueError(f"{by} rows come from the per-school tables")
    queryset = _base(model, sl, by=by)
    if filters:
        queryset = queryset.filter(**filters)
    if not fields and not extra:
        row = queryset.aggregate(**sums)
        row["key"] = None
        return [row]
    rows = queryset.values(*fields, *extra).annotate(**sums).order_by()
    result = []
    for row in rows:
        row["key"] = _group_key(row, fields)
        result.append(row)
    return result


def _merge(rows: list[dict], key_fields: list[str], value_fields: list[str]) -> dict:
    """Sum rows sharing a key (the zone key merges several (circonscription, bassin) pairs)."""
    merged: dict = defaultdict(lambda: [0] * len(value_fields))
    for row in rows:
        key = tuple(row[f] for f in key_fields) if len(key_fields) > 1 else row[key_fields[0]]
        values = merged[key]
        for i, f in enumerate(value_fields):
            values[i] += row[f] or 0
    return dict(merged)


def teachers_by(sl: Slice, *, by=None) -> dict:
    """{group key: (schools, teachers)}."""
    if sl.rollup:
        sums = {"n_schools": Sum("schools"), "n_teachers": Sum("teachers")}
    else:
        sums = {"n_schools": Count("pk"), "n_teachers": Sum("teachers")}
    rows = _grouped(SchoolStat, sl, by=by, extra=[], sums=sums)
    return {k: tuple(v) for k, v in _merge(rows, ["key"], ["n_schools", "n_teachers"]).items()}


def coverage_by(sl: Slice, *, by=None) -> dict:
    """{group key: {status: schools, …, "proposals_pending": n}}."""
    if sl.rollup:
        sums = {f"s_{c}": Sum(c) for c in COVERAGE_STATUSES} | {"s_pp": Sum("proposals_pending")}
        rows = _grouped(SchoolStat, sl, by=by, extra=[], sums=sums)
    else:
        rows = []
        for row in _grouped(SchoolStat, sl, by=by, extra=["coverage"], sums={"n": Count("pk"), "pp": Sum("pending")}):
            row.update({f"s_{c}": row["n"] if row["coverage"] == c else 0 for c in COVERAGE_STATUSES})
            row["s_pp"] = row["pp"]
            rows.append(row)
    fields = [f"s_{c}" for c in COVERAGE_STATUSES] + ["s_pp"]
    names = [*COVERAGE_STATUSES, "proposals_pending"]
    return {k: dict(zip(names, v, strict=True)) for k, v in _merge(rows, ["key"], fields).items()}


def evaluated_teachers():
    """Teachers with a level (1 or more) in the competency: the sum of the level counts."""
    total = F(LEVEL_COLUMNS[0])
    for column in LEVEL_COLUMNS[1:]:
        total = total + F(column)
    return total


class LevelSums(NamedTuple):
    """Teachers' level sum and how many were evaluated (in a group and competency, or a school)."""

    level_sum: int
    evaluated: int


class LevelCounts(NamedTuple):
    """Teachers' level sum and how many stand at each level: `by_level[0]` at level 1 … `by_level[7]` at 8."""

    level_sum: int
    by_level: tuple[int, ...]


def level_counts_by(sl: Slice, *, competency_ids: list[int], by=None, counts: bool = True) -> dict:
    """{(group key, competency id): LevelCounts}; without `counts`, LevelSums."""
    if counts:
        sums = {f"s_{f}": Sum(f) for f in ["level_sum", *LEVEL_COLUMNS]}
    else:
        sums = {"s_level_sum": Sum("level_sum"), "s_evaluated": Sum(evaluated_teachers())}
    rows = _grouped(
        SchoolCompetencyStat,
        sl,
        by=by,
        extra=["competency_id"],
        sums=sums,
        filters={"competency_id__in": competency_ids},
    )
    merged = _merge(rows, ["key", "competency_id"], list(sums))
    if counts:
        return {key: LevelCounts(values[0], tuple(values[1:])) for key, values in merged.items()}
    return {key: LevelSums(*values) for key, values in merged.items()}


def level_sums_and_school_sums(sl: Slice, *, competency_ids: list[int], by: str) -> tuple[dict, dict]:
    """`level_counts_by(sl, by=by, counts=False)` and {school id: LevelSums over the
    competencies}, from the per-school rows (not the roll-ups), in one scan of them on PostgreSQL
    (GROUPING SETS)."""
    sl = Slice(sl.schools)
    fields = GROUP_FIELDS[by][1]
    if connection.vendor != "postgresql":
        groups = level_counts_by(sl, competency_ids=competency_ids, by=by, counts=False)
        rows = _grouped(
            SchoolCompetencyStat,
            sl,
            by="school",
            extra=[],
            sums={"s": Sum("level_sum"), "e": Sum(evaluated_teachers())},
            filters={"competency_id__in": competency_ids},
        )
        return groups, {row["key"]: LevelSums(row["s"] or 0, row["e"] or 0) for row in rows}
    aliases = [f"g{i}" for i in range(len(fields))]
    queryset = (
        _base(SchoolCompetencyStat, sl)
        .filter(competency_id__in=competency_ids)
        .annotate(**{alias: F(f) for alias, f in zip(aliases, fields, strict=True)}, evaluated=evaluated_teachers())
        .values("school_id", "competency_id", "level_sum", "evaluated", *aliases)
        .order_by()
    )
    groups: dict = defaultdict(lambda: [0, 0])
    schools: dict = {}
    for zone_row, school_id, competency_id, level_sum, evaluated, *values in sql.school_and_zone_sums(
        queryset, aliases
    ):
        if not zone_row:
            schools[school_id] = LevelSums(level_sum or 0, evaluated or 0)
            continue
        key = _group_key(dict(zip(fields, values, strict=True)), fields)
        groups[(key, competency_id)][0] += level_sum or 0
        groups[(key, competency_id)][1] += evaluated or 0
    return {key: LevelSums(*values) for key, values in groups.items()}, schools


def domain_deltas(sl: Slice, *, domain_ids: list[int], since=None) -> dict:
    """{(domain id, month): sum of level changes} for months after `since` (all when None)."""
    filters = {"domain_id__in": domain_ids}
    if since is not None:
        filters["month__gt"] = since
    rows = _grouped(
        SchoolDomainMonth, sl, by=None, extra=["domain_id", "month"], sums={"d": Sum("delta")}, filters=filters
    )
    return _merge(rows, ["domain_id", "month"], ["d"])


def first_month(sl: Slice):
    """The first month with a level change, module completion or attendance in the area (None: none)."""
    months = [
        _base(model, sl).order_by("month").values_list("month", flat=True).first()
        for model in (SchoolDomainMonth, SchoolActivityMonth)
    ]
    months = [m for m in months if m is not None]
    return min(months) if months else None


def activity_by(sl: Slice, *, since, by=None, per_month: bool = True) -> dict:
    """{(group key, month): [completions, attendances, teachers]} from `since` (a month) on; without
    `per_month`, {group key: [completions, attendances, teacher-months]} over the whole period."""
    rows = _grouped(
        SchoolActivityMonth,
        sl,
        by=by,
        extra=["month"] if per_month else [],
        sums={"c": Sum("completions"), "a": Sum("attendances"), "t": Sum("teachers")},
        filters={"month__gte": since},
    )
    return _merge(rows, ["key", "month"] if per_month else ["key"], ["c", "a", "t"])


SUMMARY_KEYS = ("schools", "teachers", *COVERAGE_STATUSES, "proposals_pending")


def coverage_summary(sl: Slice) -> dict[str, int]:
    """The area's schools, teachers, schools per ambassador coverage and pending proposals, in one read.

    The one source of these figures wherever a page shows them (the maps' tiles and coverage panel,
    the ambassadors page), so that two pages never disagree on them.
    """
    if sl.rollup:
        row = _base(SchoolStat, sl).aggregate(
            **{f"s_{k}": Sum(k) for k in ("schools", "teachers", *COVERAGE_STATUSES, "proposals_pending")}
        )
        return {k: row[f"s_{k}"] or 0 for k in SUMMARY_KEYS}
    summary = dict.fromkeys(SUMMARY_KEYS, 0)
    rows = (
        _base(SchoolStat, sl).values("coverage").annotate(n=Count("pk"), t=Sum("teachers"), p=Sum("pending")).order_by()
    )
    for row in rows:
        summary["schools"] += row["n"]
        summary["teachers"] += row["t"] or 0
        summary["proposals_pending"] += row["p"] or 0
        if row["coverage"] in COVERAGE_STATUSES:
            summary[row["coverage"]] += row["n"]
    return summary
