"""The statements the courses app really writes (its services, not hand-made ones) feed every indicator."""

from django.test import TestCase

from courses import services
from courses.models import CoursePage
from evaluation.models import ActivityStat, Funnel, ItemStat, Participation
from evaluation.refresh import evaluation_refresh
from tests.conftest import block_ids


def test_a_teacher_going_through_a_module(module, teacher):
    course = CoursePage.objects.get(pk=module.get_parent().pk)
    ids = block_ids(module)
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.course_enroll(user=teacher, course=course)
        services.module_launch(user=teacher, module=module)
        services.content_step_complete(user=teacher, module=module, block_id=ids["content_step"])
        services.quiz_submit(user=teacher, module=module, block_id=ids["quiz"], answers={0: [1], 1: [0, 2]})
        services.quiz_submit(user=teacher, module=module, block_id=ids["quiz"], answers={0: [0], 1: [0, 2]})
        services.module_complete(user=teacher, module=module)
    evaluation_refresh()
    course_row = Funnel.objects.get(module=None, departement=None)
    assert (course_row.enrolled, course_row.started, course_row.completed) == (1, 1, 1)
    assert Funnel.objects.filter(departement=teacher.memberships.get().school.departement).count() == 2
    stats = {s.activity.kind: (s.reached, s.done) for s in ActivityStat.objects.filter(departement=None)}
    assert stats == {"content_step": (1, 1), "quiz": (1, 1)}
    q1, q2 = ItemStat.objects.filter(departement=None).order_by("question__position")
    assert (q1.attempts, q1.facility, q1.chosen) == (1, 0.0, [0, 1])  # first attempt: "Cinq"
    assert (q2.attempts, q2.facility, q2.chosen) == (1, 100.0, [1, 0, 1])
    participation = Participation.objects.get()
    assert participation.completed_on is not None
    assert set(participation.levels_before) == set()  # the course targets no competency
