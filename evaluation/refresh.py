"""Rebuild the evaluation's derived tables from the outlines, the statements and the evidence.

Run by a Celery task (nightly, and on demand from the pages' "refresh" for administrators); pages
read the tables only. Every indicator is computed for all teachers (département NULL) and for the
teachers of each département's schools.

Rules, one per indicator:
- enrolled: a `registered` statement about the course; started (module): a `launched` statement
  about it or any statement about one of its activities; completed: a `completed` statement about
  the module (the course).
- drop-off: per activity, the learners who reached it (any statement about it or its questions) and
  finished it (completed, passed or attended); sessions: registered and attended.
- time: per learner and activity (or module), the longest `result.duration` among its statements
  (a closing statement's duration covers the session's earlier ones); per module, the sum.
- item analysis (Moodle's quiz statistics): each learner's first answer to each question; facility
  is the percentage right; discrimination the correlation (×100) of the item's score with the rest
  of the test over the learners who answered every question; how many chose each choice.
- effect: `effect.py`; each learner's levels before and after a module (`Participation`, the
  evaluators' export): the day before their first statement in it, 3 months after its completion.

The statements are read once for every course, grouped per learner, IRI and verb (`Seen`: when
first, the durations, the first answer) by the database on PostgreSQL (`sql.statements_seen`), in
Python elsewhere (`statements_seen_python`); the rules above only need those groups.
"""

import math
import statistics
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_duration

from evidence.trust import Trust
from lms.models import Membership
from xapi.models import Statement

from . import sql
from .effect import add_months, effect_rows
from .level_history import levels_at
from .models import (
    Activity,
    ActivityStat,
    Course,
    EffectStat,
    Funnel,
    ItemStat,
    Module,
    Participation,
    Question,
    Refresh,
    ResponseStat,
)
from .outline import outlines_collect
from .responses import responses_collect
from .sql import Seen

ADL = "http://adlnet.gov/expapi/verbs/"
REGISTERED, LAUNCHED, COMPLETED = ADL + "registered", ADL + "launched", ADL + "completed"
ANSWERED, ATTENDED, PASSED = ADL + "answered", ADL + "attended", ADL + "passed"
DONE_VERBS = {COMPLETED, PASSED, ATTENDED, "http://activitystrea.ms/schema/1.0/attend"}
SESSION_KINDS = ("in_person_session", "virtual_class")
CHUNK = 900


# --- outlines -------------------------------------------------------------------------------------


def _sync(model, wanted: dict[str, dict], fields: list[str]) -> dict[str, object]:
    """Bring `model`'s rows to `wanted` (IRI → field values) in a few statements; IRI → row."""
    existing = {row.iri: row for row in model.objects.all()}
    created, changed = [], []
    for iri, values in wanted.items():
        row = existing.get(iri)
        if row is None:
            created.append(model(iri=iri, **values))
        elif any(getattr(row, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(row, name, value)
            changed.append(row)
    model.objects.filter(iri__in=[iri for iri in existing if iri not in wanted]).delete()
    model.objects.bulk_create(created, batch_size=1000)
    model.objects.bulk_update(changed, fields, batch_size=1000)
    return {row.iri: row for row in model.objects.all()} if created else {**existing, **{r.iri: r for r in changed}}


@transaction.atomic
def outlines_sync() -> None:
    """Bring Course, Module, Activity and Question to the registered outlines (by IRI): a few statements
    whatever the number of courses, and no write when nothing changed."""
    outlines = outlines_collect()
    courses = _sync(
        Course,
        {
            c.iri: {
                "page_id": c.page_id,
                "title": c.title[:255],
                "co_designers": list(c.co_designers),
                "departement_id": c.departement_id,
            }
            for c in outlines
        },
        ["page_id", "title", "co_designers", "departement_id"],
    )
    through = Course.competencies.through
    wanted_links = {(courses[c.iri].pk, pk) for c in outlines for pk in c.competency_ids}
    existing_links = set(through.objects.values_list("course_id", "competency_id"))
    for course_id, competency_id in existing_links - wanted_links:
        through.objects.filter(course_id=course_id, competency_id=competency_id).delete()
    through.objects.bulk_create([through(course_id=a, competency_id=b) for a, b in wanted_links - existing_links])
    modules = _sync(
        Module,
        {
            m.iri: {"course_id": courses[c.iri].pk, "page_id": m.page_id, "title": m.title[:255], "position": i}
            for c in outlines
            for i, m in enumerate(c.modules)
        },
        ["course_id", "page_id", "title", "position"],
    )
    activities = _sync(
        Activity,
        {
            a.iri: {"module_id": modules[m.iri].pk, "title": a.title[:255], "kind": a.kind, "position": i}
            for c in outlines
            for m in c.modules
            for i, a in enumerate(m.activities)
        },
        ["module_id", "title", "kind", "position"],
    )
    _sync(
        Question,
        {
            q.iri: {
                "activity_id": activities[a.iri].pk,
                "prompt": q.prompt,
                "choices": list(q.choices),
                "correct": list(q.correct),
                "position": i,
            }
            for c in outlines
            for m in c.modules
            for a in m.activities
            for i, q in enumerate(a.questions)
        },
        ["activity_id", "prompt", "choices", "correct", "position"],
    )


# --- reading the statements -----------------------------------------------------------------------


def duration_seconds(value) -> int | None:
    """An ISO 8601 duration (result.duration) in whole seconds; None when absent or unreadable."""
    if not isinstance(value, str):
        return None
    parsed = parse_duration(value)
    if parsed is None or parsed.total_seconds() < 0:
        return None
    return int(parsed.total_seconds())


def actor_users(actor_keys) -> dict[str, int]:
    """actor key → user id, for the pseudonymous accounts of this site's users."""
    base = settings.RELAIS_BASE_URL.rstrip("/")
    prefixes = (f"account:{base}|", f"account:{base}/|")  # a homePage with or without its final slash
    by_uuid: dict[str, list[str]] = defaultdict(list)
    for key in actor_keys:
        for prefix in prefixes:
            if key.startswith(prefix):
                by_uuid[key[len(prefix) :].lower()].append(key)
    found = {}
    names = sorted(by_uuid)
    for start in range(0, len(names), CHUNK):
        for pk, uuid in (
            get_user_model().objects.filter(xapi_uuid__in=names[start : start + CHUNK]).values_list("pk", "xapi_uuid")
        ):
            for key in by_uuid[str(uuid)]:
                found[key] = pk
    return found


def user_departements(user_ids) -> dict[int, set[int]]:
    """user id → the départements of the schools they teach in."""
    result: dict[int, set[int]] = defaultdict(set)
    ids = sorted(user_ids)
    for start in range(0, len(ids), CHUNK):
        rows = Membership.objects.filter(user_id__in=ids[start : start + CHUNK], role="teacher").values_list(
            "user_id", "school__departement_id"
        )
        for user_id, departement_id in rows:
            result[user_id].add(departement_id)
    return result


def user_places(user_ids) -> dict[int, list[list]]:
    """user id → [school kind, département code, TNE, département id] of each school they teach in."""
    result: dict[int, set[tuple]] = defaultdict(set)
    ids = sorted(user_ids)
    for start in range(0, len(ids), CHUNK):
        rows = Membership.objects.filter(user_id__in=ids[start : start + CHUNK], role="teacher").values_list(
            "user_id",
            "school__kind",
            "school__departement__code",
            "school__departement__is_tne",
            "school__departement_id",
        )
        for user_id, *place in rows:
            result[user_id].add(tuple(place))
    return {user: [list(place) for place in sorted(places)] for user, places in result.items()}


@dataclass
class Row:
    user: int
    verb: str
    iri: str
    at: datetime
    result: dict


def statements_about(iris: list[str], trust: Trust | None = None) -> list[Row]:
    """The statements (not voided) whose object is one of `iris`, with their actor as a user id; only
    those whose writer is trusted for their actor (evidence's rule, `evidence.trust`): an LRS client
    with no evidence policy, or bound to another actor, does not count in the indicators. In the
    order of their timestamp, then stored, then id (the first answer is the first of that order)."""
    trust = trust or Trust.load()
    raw = []
    for start in range(0, len(iris), CHUNK):
        raw.extend(
            Statement.objects.filter(object_activity_id__in=iris[start : start + CHUNK], voided=False, is_voiding=False)
            .order_by("timestamp", "stored", "id")
            .values_list("actor_key", "verb_id", "object_activity_id", "timestamp", "payload__result", "authority")
        )
    users = actor_users({row[0] for row in raw})
    return [
        Row(users[key], verb, iri, at, result if isinstance(result, dict) else {})
        for key, verb, iri, at, result, authority in raw
        if key in users and trust.trusts(authority, lambda key=key: key)
    ]


def seen_of(rows: list[Row]) -> list[Seen]:
    """`rows` grouped per learner, IRI and verb (what `sql.statements_seen` gives on PostgreSQL)."""
    groups: dict[tuple[int, str, str], list] = {}
    for row in rows:
        key = (row.user, row.iri, row.verb)
        duration = row.result.get("duration")
        if key not in groups:
            groups[key] = [row.at, set(), row.result if row.verb == ANSWERED else None]
        group = groups[key]
        if row.at < group[0]:
            group[0] = row.at
            if row.verb == ANSWERED:
                group[2] = row.result
        if isinstance(duration, str):
            group[1].add(duration)
    return [
        Seen(user, verb, iri, at, frozenset(durations), first)
        for (user, iri, verb), (at, durations, first) in groups.items()
    ]


def statements_seen_python(iris_by_course: dict[int, list[str]], trust: Trust) -> Iterator[tuple[int, list[Seen]]]:
    """`sql.statements_seen` in Python, one course's statements at a time (SQLite, and the reference
    `tests/evaluation/test_seen_sql.py` holds the SQL equal to)."""
    for course, iris in iris_by_course.items():
        yield course, seen_of(statements_about(iris, trust))


def statements_seen(iris_by_course: dict[int, list[str]], trust: Trust) -> Iterator[tuple[int, list[Seen]]]:
    """(course id, its `Seen` rows) for each course: grouped by the database on PostgreSQL."""
    if connection.vendor == "postgresql":
        return sql.statements_seen(iris_by_course, ANSWERED)
    return statements_seen_python(iris_by_course, trust)


# --- computing ------------------------------------------------------------------------------------


@dataclass
class Counts:
    """Sets of learners per indicator of one course, before they are split by département."""

    enrolled: set = field(default_factory=set)
    started: dict = field(default_factory=lambda: defaultdict(set))  # module id → users
    completed: dict = field(default_factory=lambda: defaultdict(set))  # module id (None: course) → users
    reached: dict = field(default_factory=lambda: defaultdict(set))  # activity id → users
    done: dict = field(default_factory=lambda: defaultdict(set))
    registered: dict = field(default_factory=lambda: defaultdict(set))
    attended: dict = field(default_factory=lambda: defaultdict(set))
    seconds: dict = field(default_factory=lambda: defaultdict(int))  # (user, iri) → longest duration
    first_seen: dict = field(default_factory=dict)  # (user, module id) → first day of a statement in it
    completed_on: dict = field(default_factory=dict)  # (user, module id) → first completion day


def _median(values: list[int]) -> int | None:
    return int(statistics.median(values)) if values else None


def _split(users, departements: dict[int, set[int]]) -> dict:
    """{None: users, département id: its users}."""
    split = {None: set(users)}
    for user in users:
        for dep in departements.get(user, ()):
            split.setdefault(dep, set()).add(user)
    return split


def pearson(xs: list[float], ys: list[float]) -> float | None:
    n = len(xs)
    if n < 2:
        return None
    mx, my = sum(xs) / n, sum(ys) / n
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx == 0 or syy == 0:
        return None
    return sxy / math.sqrt(sxx * syy)


def item_stats(
    questions: list[Question], answers: dict[tuple[int, str], tuple[datetime, dict]], departement_id=None
) -> list[ItemStat]:
    """Item analysis of one quiz's questions; `answers`: (user, question IRI) → (time, result) of the first answer."""
    scores: dict[int, dict[int, float]] = defaultdict(dict)  # user → question id → 0/1
    chosen: dict[int, list[int]] = {q.pk: [0] * len(q.choices) for q in questions}
    for q in questions:
        for (user, iri), (_at, result) in answers.items():
            if iri != q.iri:
                continue
            scores[user][q.pk] = 1.0 if result.get("success") is True else 0.0
            for value in str(result.get("response", "")).split("[,]"):
                if value.isdigit() and int(value) < len(q.choices):
                    chosen[q.pk][int(value)] += 1
    complete = {user: s for user, s in scores.items() if len(s) == len(questions)}
    stats = []
    for q in questions:
        answered = [s[q.pk] for s in scores.values() if q.pk in s]
        item = [s[q.pk] for s in complete.values()]
        rest = [sum(s.values()) - s[q.pk] for s in complete.values()]
        r = pearson(item, rest)
        stats.append(
            ItemStat(
                question=q,
                departement_id=departement_id,
                attempts=len(answered),
                right=int(sum(answered)),
                facility=round(100 * sum(answered) / len(answered), 1) if answered else None,
                discrimination=round(100 * r, 1) if r is not None else None,
                chosen=chosen[q.pk],
            )
        )
    return stats


def course_compute(course: Course, seen: list[Seen], iri_owner: dict) -> tuple[Counts, dict]:
    """Counts of one course, and each learner's first answer per question."""
    counts = Counts()
    first_answers: dict[tuple[int, str], tuple[datetime, dict]] = {}
    for row in seen:
        kind, obj = iri_owner[row.iri]
        if kind == "module":
            module_id = obj.pk
        elif kind == "activity":
            module_id = obj.module_id
        elif kind == "question":
            module_id = obj.activity.module_id
        else:
            module_id = None
        day = row.first_at.astimezone(UTC).date()
        if module_id is not None and row.verb != REGISTERED:
            key = (row.user, module_id)
            counts.first_seen[key] = min(counts.first_seen.get(key, day), day)
            if kind == "module" and row.verb == COMPLETED:
                counts.completed_on[key] = min(counts.completed_on.get(key, day), day)
        if kind != "question":
            for duration in row.durations:
                seconds = duration_seconds(duration)
                if seconds is not None:
                    key = (row.user, row.iri)
                    counts.seconds[key] = max(counts.seconds[key], seconds)
        if kind == "course":
            if row.verb == REGISTERED:
                counts.enrolled.add(row.user)
            elif row.verb == COMPLETED:
                counts.completed[None].add(row.user)
        elif kind == "module":
            if row.verb == COMPLETED:
                counts.completed[obj.pk].add(row.user)
                counts.started[obj.pk].add(row.user)
            elif row.verb == LAUNCHED:
                counts.started[obj.pk].add(row.user)
        elif kind == "activity":
            counts.reached[obj.pk].add(row.user)
            counts.started[obj.module_id].add(row.user)
            if row.verb in DONE_VERBS:
                counts.done[obj.pk].add(row.user)
            if obj.kind in SESSION_KINDS:
                if row.verb == REGISTERED:
                    counts.registered[obj.pk].add(row.user)
                elif row.verb in DONE_VERBS:
                    counts.attended[obj.pk].add(row.user)
        elif kind == "question":
            counts.reached[obj.activity_id].add(row.user)
            counts.started[obj.activity.module_id].add(row.user)
            if row.verb == ANSWERED:
                first_answers[(row.user, row.iri)] = (row.first_at, row.first_result)
    return counts, first_answers


def _times(users, seconds_of) -> tuple[int, int, int | None]:
    values = [seconds_of(user) for user in users]
    values = [v for v in values if v]
    return len(values), sum(values), _median(values)


def course_rows(course: Course, counts: Counts, departements: dict[int, set[int]]) -> tuple[list, list]:
    """Funnel and ActivityStat rows of one course, for all teachers and per département."""
    modules = list(course.modules.all())
    activities = {m.pk: list(m.activities.all()) for m in modules}
    module_iris = {m.pk: [m.iri, *[a.iri for a in activities[m.pk]]] for m in modules}

    def module_seconds(module_id):
        return lambda user: sum(counts.seconds.get((user, iri), 0) for iri in module_iris[module_id])

    def course_seconds(user):
        return sum(module_seconds(m.pk)(user) for m in modules) + counts.seconds.get((user, course.iri), 0)

    sessions = {m.pk: [a.pk for a in activities[m.pk] if a.kind in SESSION_KINDS] for m in modules}

    def session_sums(module_ids, users) -> dict:
        pks = [pk for module_id in module_ids for pk in sessions[module_id]]
        return {
            "registered": sum(len(counts.registered[pk] & users) for pk in pks),
            "attended": sum(len(counts.attended[pk] & users) for pk in pks),
        }

    started_any = set().union(*counts.started.values())
    timed_users = {user for user, _iri in counts.seconds}  # the others count for no time anywhere
    enrolled_all = counts.enrolled | started_any | counts.completed[None]
    funnels, stats = [], []
    for dep, users in _split(enrolled_all, departements).items():
        started = started_any & users
        timed, total, median = _times(started & timed_users, course_seconds)
        funnels.append(
            Funnel(
                course=course,
                module=None,
                departement_id=dep,
                enrolled=len(users),
                started=len(started),
                completed=len(counts.completed[None] & users),
                timed=timed,
                seconds_total=total,
                seconds_median=median,
                **session_sums([m.pk for m in modules], users),
            )
        )
        for m in modules:
            m_started = counts.started[m.pk] & users
            timed, total, median = _times(m_started & timed_users, module_seconds(m.pk))
            funnels.append(
                Funnel(
                    course=course,
                    module=m,
                    departement_id=dep,
                    enrolled=len(users),
                    started=len(m_started),
                    completed=len(counts.completed[m.pk] & users),
                    timed=timed,
                    seconds_total=total,
                    seconds_median=median,
                    **session_sums([m.pk], users),
                )
            )
            for a in activities[m.pk]:
                reached = counts.reached[a.pk] & users
                timed, _total, median = _times(
                    reached & timed_users, lambda user, iri=a.iri: counts.seconds.get((user, iri), 0)
                )
                stats.append(
                    ActivityStat(
                        activity=a,
                        departement_id=dep,
                        reached=len(reached),
                        done=len(counts.done[a.pk] & users),
                        registered=len(counts.registered[a.pk] & users),
                        attended=len(counts.attended[a.pk] & users),
                        timed=timed,
                        seconds_median=median,
                    )
                )
    return funnels, stats


def latest_responses(courses: list[Course], responses) -> dict:
    """(actor key, question IRI) → (course, the person's latest answer), for the courses' questions."""
    owner = {}
    for course in courses:
        owner[course.iri] = course
        for module in course.modules.all():
            owner[module.iri] = course
    latest: dict[tuple[str, str], tuple] = {}  # one answer per person and question: their latest
    for response in responses:
        course = next((owner[iri] for iri in response.context_iris if iri in owner), None)
        if course is None:
            continue
        key = (response.actor_key, response.question_iri)
        if key in latest and latest[key][1].at >= response.at:
            continue
        latest[key] = (course, response)
    return latest


def response_rows(latest: dict, departements: dict[str, set[int]] | None = None) -> list[ResponseStat]:
    """Questionnaire distributions per course and question, for all teachers and per département
    (`departements`: actor key → the départements of the schools they teach in)."""
    departements = departements or {}
    by_question: dict[tuple[int, str, int | None], dict] = {}
    for (actor, _iri), (course, response) in latest.items():
        for dep in [None, *sorted(departements.get(actor, ()))]:
            _response_count(by_question, (course.pk, response.question_iri, dep), course, response)
    order = {key: i for i, key in enumerate(sorted({(c, iri) for c, iri, _dep in by_question}))}
    return [
        ResponseStat(
            course=entry["course"],
            departement_id=dep,
            question_iri=iri,
            question=entry["question"],
            questionnaire=entry["questionnaire"][:255],
            kind=entry["kind"],
            scale=entry["scale"],
            counts=dict(entry["counts"]),
            respondents=entry["respondents"],
            position=order[(course_id, iri)],
        )
        for (course_id, iri, dep), entry in by_question.items()
    ]


def _response_count(by_question: dict, key: tuple, course: Course, response) -> None:
    entry = by_question.setdefault(
        key,
        {
            "course": course,
            "question": response.question,
            "questionnaire": response.questionnaire,
            "kind": response.kind,
            "scale": [list(pair) for pair in response.scale],
            "counts": defaultdict(int),
            "respondents": 0,
        },
    )
    entry["respondents"] += 1
    if response.kind != "text":
        for value in response.values:
            entry["counts"][value] += 1


def participation_rows(
    course: Course, counts: Counts, answers: dict[int, dict[str, list]], module_answers: dict, today
) -> list[Participation]:
    """One row per learner and module they started, with their levels in the course's competencies the
    day before they started and 3 months after they completed it (when that day has come)."""
    competencies = {c.pk: c.key for c in course.competencies.all()}
    modules = {m.pk: m for m in course.modules.all()}
    points, rows = [], []
    for (user, module_id), started in counts.first_seen.items():
        completed = counts.completed_on.get((user, module_id))
        after = add_months(completed, 3) if completed else None
        for competency in competencies:
            points.append((user, competency, started - timedelta(days=1)))
            if after and after <= today:
                points.append((user, competency, after))
        rows.append((user, module_id, started, completed, after))
    levels = levels_at(points)
    places = user_places({user for user, *_rest in rows})
    result = []
    for user, module_id, started, completed, after in rows:
        module = modules[module_id]
        iris = [module.iri, *[a.iri for a in module.activities.all()]]
        seconds = sum(counts.seconds.get((user, iri), 0) for iri in iris)
        given = {**answers.get(user, {}), **module_answers.get((user, module.iri), {})}
        result.append(
            Participation(
                user_id=user,
                module=module,
                started_on=started,
                completed_on=completed,
                seconds=seconds or None,
                levels_before={
                    key: levels[(user, pk, started - timedelta(days=1))] for pk, key in competencies.items()
                },
                levels_after={key: levels[(user, pk, after)] for pk, key in competencies.items()}
                if after and after <= today
                else {},
                answers=given,
                places=places.get(user, []),
            )
        )
    return result


def iri_owners(course: Course) -> dict[str, tuple[str, object]]:
    """IRI → (kind, row) for the course, its modules, their activities and the quizzes' questions."""
    iri_owner: dict[str, tuple[str, object]] = {course.iri: ("course", course)}
    for module in course.modules.all():
        iri_owner[module.iri] = ("module", module)
        for activity in module.activities.all():
            iri_owner[activity.iri] = ("activity", activity)
            for question in activity.questions.all():
                question.activity = activity
                iri_owner[question.iri] = ("question", question)
    return iri_owner


def _course_refresh(
    course: Course, seen: list[Seen], iri_owner: dict, course_answers: dict, module_answers: dict, today
) -> None:
    """Compute and write one course's Funnel, ActivityStat, ItemStat, EffectStat and Participation rows."""
    questions_by_quiz: dict[int, list[Question]] = {}
    for kind, obj in iri_owner.values():
        if kind == "question":
            questions_by_quiz.setdefault(obj.activity_id, []).append(obj)
    counts, first_answers = course_compute(course, seen, iri_owner)
    departements = user_departements({row.user for row in seen})
    funnels, activity_stats = course_rows(course, counts, departements)
    items = []
    for dep, users in _split({user for user, _iri in first_answers}, departements).items():
        answers = {key: value for key, value in first_answers.items() if key[0] in users}
        items += [stat for questions in questions_by_quiz.values() for stat in item_stats(questions, answers, dep)]
    completions = {}
    for row in seen:
        if row.iri == course.iri and row.verb == COMPLETED:
            day = row.first_at.astimezone(UTC).date()
            completions[row.user] = min(completions.get(row.user, day), day)
    sql.rows_write(Funnel, funnels)
    sql.rows_write(ActivityStat, activity_stats)
    sql.rows_write(ItemStat, items)
    sql.rows_write(
        EffectStat,
        effect_rows(
            course=course,
            competency_ids=[c.pk for c in course.competencies.all()],
            completions=completions,
            takers=counts.enrolled | set().union(*counts.started.values()) | set(completions),
            today=today,
        ),
    )
    sql.rows_write(Participation, participation_rows(course, counts, course_answers, module_answers, today))


def evaluation_refresh(*, today=None) -> float:
    """Rebuild every derived table; returns the seconds it took."""
    started_at = time.monotonic()
    today = today or timezone.now().date()
    outlines_sync()
    courses = list(Course.objects.prefetch_related("modules__activities__questions", "competencies__framework"))
    latest = latest_responses(courses, responses_collect())
    answerers = actor_users({actor for actor, _question in latest})
    course_answers: dict[int, dict[int, dict]] = defaultdict(lambda: defaultdict(dict))  # course → user → answers
    module_answers: dict[tuple[int, str], dict] = defaultdict(dict)  # (user, module IRI) → answers
    for (actor, question_iri), (course, response) in latest.items():
        if actor not in answerers:
            continue
        value = "|".join(response.values)
        module_iris = {m.iri for m in course.modules.all()} & set(response.context_iris)
        if module_iris:
            for iri in module_iris:
                module_answers[(answerers[actor], iri)][question_iri] = value
        else:
            course_answers[course.pk][answerers[actor]][question_iri] = value
    with transaction.atomic():
        # One course at a time, written as soon as computed: memory holds one course's statements and
        # rows, whatever the number of courses. Readers see the previous tables until the commit.
        for model in (Funnel, ActivityStat, ItemStat, ResponseStat, EffectStat, Participation):
            model.objects.all().delete()
        owners = {course.pk: iri_owners(course) for course in courses}
        by_pk = {course.pk: course for course in courses}
        for pk, seen in statements_seen({pk: list(owner) for pk, owner in owners.items()}, Trust.load()):
            _course_refresh(by_pk[pk], seen, owners[pk], course_answers[pk], module_answers, today)
        user_deps = user_departements(set(answerers.values()))
        actor_deps = {actor: user_deps.get(user, set()) for actor, user in answerers.items()}
        sql.rows_write(ResponseStat, response_rows(latest, actor_deps))
        seconds = time.monotonic() - started_at
        Refresh.objects.all().delete()
        Refresh.objects.create(finished_at=timezone.now(), seconds=seconds)
    return seconds
