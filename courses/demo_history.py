"""The demo's 18 months of learning, replayed day by day through the site's own services.

The calendar follows the school year: training campaigns run on school days in autumn, winter and
spring; nothing happens during the holidays (Toussaint, Christmas, winter, spring, summer). Every
teacher's plan (which courses, when, quiz answers right or wrong) is drawn first from dice seeded by
their e-mail; the events are then sorted by time and played one school day at a time: each event
calls the same service as the site with `at=` (when it happened), and the day's statements are
announced together, as of that day (`statements_announced_together`), so that evidence, levels and
their history are dated in the past exactly as if the site had run then.
"""

import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from evidence.services import levels_refresh
from xapi.services import statements_announced_together

from . import questionnaire, services, sessions
from .demo_questionnaires import reaction_data
from .models import CoursePage, ModulePage

HISTORY_DAYS = 548  # 18 months

# Campaign windows of a school year starting in September of year Y: (month, day) to (month, day),
# the second year's months marked by +12. The holidays fall between them.
CAMPAIGNS = [
    ((9, 8), (10, 16)),  # autumn, until the Toussaint holidays
    ((11, 3), (12, 17)),  # autumn, until Christmas
    ((13, 6), (14, 13)),  # January to the winter holidays
    ((15, 2), (16, 10)),  # March to the spring holidays
    ((16, 27), (18, 19)),  # end of April to the summer holidays
]


def _month_day(year: int, month_day: tuple[int, int]) -> date:
    month, day = month_day
    return date(year + (month - 1) // 12, (month - 1) % 12 + 1, day)


def campaign_days(start: date, end: date) -> list[date]:
    """The school days of the training campaigns between `start` and `end` (both included)."""
    days = []
    for year in range(start.year - 1, end.year + 1):
        for first, last in CAMPAIGNS:
            day, stop = _month_day(year, first), _month_day(year, last)
            while day <= stop:
                if start <= day <= end and day.weekday() < 5:
                    days.append(day)
                day += timedelta(days=1)
    return sorted(days)


def at(day: date, minutes: int) -> datetime:
    """A moment of a school day: from 9:00, `minutes` later (within the day)."""
    return timezone.make_aware(datetime.combine(day, time(9, 0)) + timedelta(minutes=minutes % 540))


@dataclass
class Event:
    when: datetime
    order: int
    run: Callable[[datetime], object]


def _answers(block, right: bool) -> dict[int, list]:
    answers = {}
    for i, question in enumerate(block.value["questions"]):
        choices = list(question["choices"])
        correct = [j for j, c in enumerate(choices) if c["correct"]]
        wrong = [j for j, c in enumerate(choices) if not c["correct"]]
        answers[i] = correct if right or not wrong else wrong[:1]
    return answers


@dataclass
class Teacher:
    user: object
    skill: float  # chance of passing a quiz
    engagement: float  # how many courses they take


def teacher_plan(teacher: Teacher, courses: list[CoursePage], days: list[date], modules_of: dict) -> list[Event]:
    """One teacher's events: enrolments at campaign starts, modules over the next weeks, quiz retries."""
    rng = random.Random(f"relais-demo/{teacher.user.email}")
    user = teacher.user
    events: list[Event] = []
    if not days:
        return events
    # Campaign starts: the first school day of each window, where most enrolments happen.
    starts = [i for i, day in enumerate(days) if i == 0 or (day - days[i - 1]).days > 4]
    chosen = [c for c in courses if rng.random() < teacher.engagement]
    for course in chosen:
        start = rng.choice(starts) + rng.randint(0, 12)
        if start >= len(days):
            continue
        minutes = rng.randint(0, 480)
        index = start
        events.append(Event(at(days[index], minutes), 0, _call(services.course_enroll, user=user, course=course)))
        for module in modules_of[course.pk]:
            index += rng.randint(2, 12)
            if index >= len(days) or rng.random() < 0.04:
                break  # not yet, or dropped out
            when = at(days[index], minutes + 60)
            events.append(Event(when, 1, _call(services.module_launch, user=user, module=module)))
            finished = True
            for step, block in enumerate(module.activities):
                moment = when + timedelta(minutes=5 * (step + 1))
                if block.block_type == "content_step":
                    events.append(
                        Event(
                            moment,
                            2,
                            _call(services.content_step_complete, user=user, module=module, block_id=block.id),
                        )
                    )
                elif block.block_type == "questionnaire":
                    data = reaction_data(block=block, rng=rng, skill=teacher.skill, module_key=module.slug)
                    events.append(
                        Event(
                            moment,
                            2,
                            _call(
                                questionnaire.reaction_submit, user=user, module=module, block_id=block.id, data=data
                            ),
                        )
                    )
                elif block.block_type == "quiz":
                    passed = False
                    for attempt in range(3):
                        right = rng.random() < teacher.skill + 0.15 * attempt
                        events.append(
                            Event(
                                moment,
                                2,
                                _call(
                                    services.quiz_submit,
                                    user=user,
                                    module=module,
                                    block_id=block.id,
                                    answers=_answers(block, right),
                                ),
                            )
                        )
                        if right:
                            passed = True
                            break
                        index += rng.randint(2, 6)  # another try a few days later
                        if index >= len(days):
                            break
                        moment = at(days[index], minutes + 90)
                    if not passed:
                        finished = False
                        break
                    when = moment
            if not finished:
                break
            events.append(
                Event(when + timedelta(minutes=40), 3, _call(services.module_complete, user=user, module=module))
            )
    return events


def _call(function, **kwargs):
    def run(moment):
        return function(**kwargs, at=moment)

    return run


def history_play(events: list[Event]) -> int:
    """Play the events in time order, one day at a time; returns how many days were played.

    On the first of each month, the levels' refresh runs as of that day (the site runs it daily):
    evidence ages, so a teacher who stopped training sees a level fall, then, as on the site."""
    by_day: dict[date, list[Event]] = defaultdict(list)
    for event in events:
        by_day[timezone.localdate(event.when)].append(event)
    if not by_day:
        return 0
    first, last = min(by_day), max(by_day)
    month = date(first.year, first.month, 1)
    refreshes = []
    while month <= last:
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
        refreshes.append(month)
    for day in sorted(set(by_day) | {m for m in refreshes if m <= last}):
        if day in refreshes:
            levels_refresh(at=timezone.make_aware(datetime.combine(day, time(6, 0))))
        if day not in by_day:
            continue
        day_events = sorted(by_day[day], key=lambda e: (e.when, e.order))
        end_of_day = timezone.make_aware(datetime.combine(day, time(19, 0)))
        with statements_announced_together(at=end_of_day):
            for event in day_events:
                event.run(event.when)
    return len(by_day)


def sessions_play(*, trainer, module: ModulePage, past_block_id: str, future_block_ids: list[str], teachers, today):
    """Registrations for the workshop module's sessions, and the attendance of the one already held."""
    past_block = module.activity(past_block_id)
    held = timezone.make_aware(datetime.combine(past_block.value["date"], past_block.value["end_time"]))
    # Places taken on the school days of the three weeks before.
    before = campaign_days(held.date() - timedelta(days=35), held.date() - timedelta(days=3))[-15:] or [
        held.date() - timedelta(days=7)
    ]
    registered_on = [timezone.make_aware(datetime.combine(d, time(17, 30))) for d in before[::3]]
    present = set()
    capacity = past_block.value["capacity"]
    for number, user in enumerate(teachers[:capacity]):
        when = registered_on[number % len(registered_on)]
        with statements_announced_together(at=when):
            services.course_enroll(user=user, course=module.course, at=when - timedelta(hours=1))
            sessions.session_register(user=user, module=module, block_id=past_block_id, at=when)
        if number % 6 != 5:  # one in six did not come
            present.add(user.pk)
    with statements_announced_together(at=held):
        sessions.attendance_record(
            trainer=trainer, module=module, block_id=past_block_id, present_user_ids=present, at=held
        )
    # The next sessions: places taken in the last days.
    recent = campaign_days(today - timedelta(days=30), today - timedelta(days=1))[-5:] or [today]
    for number, user in enumerate(teachers[: capacity + 6]):
        when = timezone.make_aware(datetime.combine(recent[number % len(recent)], time(17, 30)))
        with statements_announced_together(at=when):
            services.course_enroll(user=user, course=module.course, at=when)
            for block_id in future_block_ids:
                sessions.session_register(user=user, module=module, block_id=block_id, waitlist=True, at=when)
