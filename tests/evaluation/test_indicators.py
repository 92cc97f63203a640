"""Each indicator on the hand-built history of `history.py`, whose right answers are worked out here."""

from datetime import date

import pytest

from evaluation.effect import add_months
from evaluation.level_history import level_at, levels_at
from evaluation.models import ActivityStat, Course, EffectStat, Funnel, ItemStat, ResponseStat
from evaluation.refresh import duration_seconds, evaluation_refresh, pearson
from evaluation.selectors import course_report, good_practices_table, territories_table
from tests.evaluation.history import History

TODAY = date(2026, 7, 15)


@pytest.fixture
def history(module, departement):
    return History(module).build()


@pytest.fixture
def refreshed(history):
    evaluation_refresh(today=TODAY)
    return history


def test_duration_and_pearson():
    assert duration_seconds("PT1H2M3S") == 3723
    assert duration_seconds("P1DT1S") == 86401
    assert duration_seconds("nonsense") is None
    assert duration_seconds(None) is None
    assert pearson([1, 1, 0, 1], [1, 0, 0, 1]) == pytest.approx(0.5 / 0.75**0.5)
    assert pearson([1, 1], [0, 1]) is None  # no variance in x


def test_add_months_keeps_the_day_or_the_last_of_the_month():
    assert add_months(date(2026, 1, 10), 3) == date(2026, 4, 10)
    assert add_months(date(2025, 11, 30), 3) == date(2026, 2, 28)
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)


def test_outline_copied_from_the_course_pages(refreshed):
    course = Course.objects.get()
    assert course.iri == refreshed.course_iri
    assert [c.pk for c in course.competencies.all()] == [refreshed.competency.pk]
    module = course.modules.get()
    assert [(a.kind, a.iri) for a in module.activities.all()] == [
        ("content_step", refreshed.content_iri),
        ("quiz", refreshed.quiz_iri),
        ("in_person_session", refreshed.session_iri),
    ]
    quiz = module.activities.get(kind="quiz")
    assert [(q.choices, q.correct) for q in quiz.questions.all()] == [
        (["Quatre", "Cinq"], [0]),
        (["2", "3", "4"], [0, 2]),
    ]


def test_funnel_per_course_module_and_departement(refreshed):
    h = refreshed
    course = Funnel.objects.get(module=None, departement=None)
    assert (course.enrolled, course.started, course.completed) == (5, 4, 2)
    # Time: u1 10 min, u2 20, u3 30 (u4 declared none).
    assert (course.timed, course.seconds_total, course.seconds_median) == (3, 3600, 1200)
    in_95 = Funnel.objects.get(module=None, departement=h.dep95)
    assert (in_95.enrolled, in_95.started, in_95.completed) == (4, 4, 2)
    in_02 = Funnel.objects.get(module=None, departement=h.dep02)
    assert (in_02.enrolled, in_02.started, in_02.completed) == (1, 0, 0)
    module = Funnel.objects.get(module__isnull=False, departement=None)
    assert (module.enrolled, module.started, module.completed) == (5, 4, 2)


def test_dropoff_and_attendance(refreshed):
    h = refreshed
    rows = {
        s.activity.kind: (s.reached, s.done, s.registered, s.attended)
        for s in ActivityStat.objects.filter(departement=None).select_related("activity")
    }
    assert rows == {
        "content_step": (4, 4, 0, 0),
        "quiz": (4, 2, 0, 0),  # all four answered, two passed
        "in_person_session": (3, 2, 3, 2),
    }
    report = course_report(course=Course.objects.get(), departement_ids=None)
    assert [row[4] for row in report.tables["abandons"].rows] == ["", 0, 1]
    assert report.tables["presences"].rows[0][2:] == [3, 2, 66.7]
    assert h.session_iri


def test_item_analysis_facility_discrimination_distractors(refreshed):
    q1, q2 = ItemStat.objects.filter(departement=None).order_by("question__position")
    # First attempts: u1 (right, right), u2 (right, wrong), u3 (wrong, wrong), u4 (right, right); u4's
    # second attempt is ignored.
    assert (q1.attempts, q1.facility, q1.chosen) == (4, 75.0, [3, 1])
    assert (q2.attempts, q2.facility, q2.chosen) == (4, 50.0, [3, 1, 2])
    # Item score against the rest of the test: [1,1,0,1] vs [1,0,0,1] → r = 0.5 / √0.75.
    assert q1.discrimination == 57.7
    assert q2.discrimination == 57.7


def test_questionnaire_distribution_keeps_each_persons_latest_answer(refreshed):
    stat = ResponseStat.objects.get(departement=None)
    assert stat.kind == "likert"
    assert stat.respondents == 2
    assert stat.counts == {"2": 1, "3": 1}  # u1 changed 4 → 2
    assert [label for _value, label in stat.scale] == ["Pas du tout", "Peu", "Assez", "Très"]
    assert stat.questionnaire == "Questionnaire de fin"


def test_level_at_a_past_date_uses_the_evidence_of_that_date(history):
    u1, c = history.users["u1"], history.competency
    assert level_at(user_id=u1.pk, competency_id=c.pk, day=date(2025, 11, 30)) == 0
    assert level_at(user_id=u1.pk, competency_id=c.pk, day=date(2025, 12, 1)) == 2
    assert level_at(user_id=u1.pk, competency_id=c.pk, day=date(2026, 3, 1)) == 4
    c2 = history.users["c2"]
    got = levels_at([(c2.pk, c.pk, date(2026, 4, 30)), (c2.pk, c.pk, date(2026, 5, 1))])
    assert got == {(c2.pk, c.pk, date(2026, 4, 30)): 0, (c2.pk, c.pk, date(2026, 5, 1)): 2}


def test_level_at_ages_evidence_as_of_the_day(history):
    """The rule of levels.py, as of the day: an assessment loses weight after its first quarter."""
    import uuid

    from evidence.models import Evidence
    from tests.evaluation.history import at

    u3, c = history.users["u3"], history.competency
    Evidence.objects.create(
        statement_id=uuid.uuid4(), user=u3, competency=c, level=5, kind="assessment", occurred_at=at("2026-01-01")
    )
    assert level_at(user_id=u3.pk, competency_id=c.pk, day=date(2026, 3, 31)) == 5  # 89 days: full weight
    assert level_at(user_id=u3.pk, competency_id=c.pk, day=date(2026, 4, 1)) == 0  # 90 days: below the threshold


def test_effect_completers_beside_colleagues(refreshed):
    h = refreshed
    rows = {
        (e.group, e.moment): (e.n, e.level_sum)
        for e in EffectStat.objects.filter(departement=None, competency=h.competency)
    }
    # Completers u1 (10 Jan: 2; 10 Apr: 4; 10 Jul: 4) and u2 (20 Jan: 3; 20 Apr: 3; 20 Jul is after today).
    # Colleagues c1, c2, c3 measured at school A's median completion date (10 Jan), +3 and +6 months:
    # c1 1, 1, 1; c2 0, 0, 2 (evidence of 1 May); c3 0, 0, 0. u3 and u4 enrolled: not colleagues.
    assert rows == {
        ("completers", "m0"): (2, 5),
        ("completers", "m3"): (2, 7),
        ("completers", "m6"): (1, 4),
        ("comparison", "m0"): (3, 1),
        ("comparison", "m3"): (3, 1),
        ("comparison", "m6"): (3, 3),
    }
    assert not EffectStat.objects.filter(departement=h.dep02).exists()


def test_small_groups_hidden_at_the_configured_minimum(refreshed, settings):
    course = Course.objects.get()
    settings.RELAIS_MIN_GROUP_SIZE = 3
    effect = course_report(course=course, departement_ids=None).tables["effet"]
    means = {(row[1], row[2]): row[4] for row in effect.rows}
    assert means[("ont terminé le parcours", "à la fin du parcours")] is None  # n = 2 < 3
    assert means[("collègues des mêmes établissements, sans le parcours", "6 mois après")] == 1.0
    assert "pas la preuve" in effect.note
    funnel = course_report(course=course, departement_ids=None).tables["entonnoir"].rows[0]
    assert funnel[1:5] == [5, 4, 2, 40.0]
    assert funnel[5] == 20.0  # 3 timed learners: shown
    settings.RELAIS_MIN_GROUP_SIZE = 4
    report = course_report(course=course, departement_ids=None)
    assert report.tables["entonnoir"].rows[0][5] is None  # 3 timed < 4
    assert report.tables["questions"].rows[0][3] == 75.0  # 4 attempts
    assert report.tables["questionnaires"].rows[0][3] is None  # 2 respondents
    settings.RELAIS_MIN_GROUP_SIZE = 5
    assert course_report(course=course, departement_ids=None).tables["questions"].rows[0][3] is None


def test_territories_and_good_practices(refreshed, settings):
    h = refreshed
    settings.RELAIS_MIN_GROUP_SIZE = 1
    table = territories_table(departement_ids=[h.dep95.pk, h.dep02.pk])
    by_label = {row[0]: row for row in table.rows}
    assert list(by_label) == ["Aisne (02)", "Val-d'Oise (95)"]  # both TNE: by code; two: no wholes
    assert by_label["Val-d'Oise (95)"][2:6] == [4, 4, 2, 50.0]
    assert by_label["Val-d'Oise (95)"][7] == 66.7
    assert by_label["Val-d'Oise (95)"][8] == 3.5  # completers at 3 months: (4 + 3) / 2
    assert by_label["Aisne (02)"][2:6] == [1, 0, 0, 0.0]
    h.dep02.is_tne = False
    h.dep02.save()
    national = {row[0]: row for row in territories_table(departement_ids=None).rows}
    assert list(national) == [
        "Val-d'Oise (95)",  # TNE first
        "Aisne (02)",
        "Ensemble des départements TNE",
        "Ensemble des autres départements",
    ]
    assert national["Ensemble des départements TNE"][2:6] == [4, 4, 2, 50.0]
    assert national["Ensemble des autres départements"][1:6] == ["non", 1, 0, 0, 0.0]
    settings.RELAIS_MIN_GROUP_SIZE = 2
    assert territories_table(departement_ids=None).rows[1][5] is None  # the Aisne: 1 enrolled
    settings.RELAIS_MIN_GROUP_SIZE = 2
    practices = good_practices_table(departement_ids=None)
    assert practices.rows[0][:4] == ["Module test", "Parcours test", 4, 50.0]
    assert practices.rows[0][4] == round(7 / 2 - 1 / 3, 2)


def test_outline_follows_the_pages_on_the_next_refresh(refreshed):
    from courses.models import ModulePage
    from tests.conftest import CONTENT

    module = ModulePage.objects.get(pk=refreshed.module.pk)
    module.title = "Module renommé"
    module.activities = [CONTENT]
    module.save_revision().publish()
    evaluation_refresh(today=TODAY)
    course = Course.objects.get()
    assert [m.title for m in course.modules.all()] == ["Module renommé"]
    assert [a.kind for a in course.modules.get().activities.all()] == ["content_step"]
    assert not ItemStat.objects.exists()
