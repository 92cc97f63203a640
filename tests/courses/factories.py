"""Shared helpers of the courses tests (and of the journeys that reuse them): doing a module's activities
as a teacher and a trainer would, and finding its blocks."""

from datetime import date, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase

from courses import cmi5, practice, services, sessions
from courses.demo_codesign import every_block_activities
from courses.models import Cmi5Launch, CoursePage, ModulePage
from tests.conftest import block_ids
from xapi.http.auth import client_authority
from xapi.services import statement_store

VERB = "http://adlnet.gov/expapi/verbs/"


def block_of(module, block_type):
    return next(block for block in module.activities if block.block_type == block_type)


def course_of(module) -> CoursePage:
    return CoursePage.objects.get(pk=module.get_parent().pk)


def complete_course(module, user):
    # The evidence is derived after commit, as in production.
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.course_enroll(user=user, course=module.course)
        ids = block_ids(module)
        services.content_step_complete(user=user, module=module, block_id=ids["content_step"])
        services.quiz_submit(user=user, module=module, block_id=ids["quiz"], answers={0: [0], 1: [0, 2]})
        services.module_complete(user=user, module=module)


def future_session_module(course, days=21, slug="atelier-a-venir"):
    """A module whose only activity is an in-person session in three weeks."""
    session = next(
        b
        for b in every_block_activities(session_day=date.today() + timedelta(days=days))
        if b["type"] == "in_person_session"
    )
    module = ModulePage(title="Atelier à venir", slug=slug, activities=[session])
    course.add_child(instance=module)
    module.save_revision().publish()
    return ModulePage.objects.get(pk=module.pk)


def cmi5_report_completed(*, module, user, block):
    """The content's `initialized` and `completed`, stored with its launch token's authority, then what the
    store's after-commit hook does with them (called here: callers may hold the transaction open)."""
    cmi5.cmi5_launch(user=user, module=module, block_id=block.id)
    launch = Cmi5Launch.objects.filter(user=user, block_id=block.id).latest("launched_at")
    ids = []
    for verb, result in (("initialized", None), ("completed", {"completion": True, "duration": "PT1M"})):
        statement = cmi5.cmi5_statement(launch=launch, block=block, verb=verb, result=result)
        if result:
            statement["context"]["contextActivities"]["category"].append({"id": cmi5.CATEGORY_MOVEON})
        ids.append(str(statement_store(data=statement, authority=client_authority(launch.client)).id))
    cmi5.cmi5_statements_stored(statement_ids=ids)


def finish_module(module, user, trainer, tmp_files=True):
    """Do every activity of the every-block module, as the teacher and the trainer would."""
    for block in module.activities:
        kind = block.block_type
        if kind in ("content_step", "video", "resource"):
            services.content_step_complete(user=user, module=module, block_id=block.id)
        elif kind == "quiz":
            services.quiz_submit(
                user=user, module=module, block_id=block.id, answers={0: [0], 1: [0, 1], 2: ["true"], 3: ["Pix"]}
            )
        elif kind == "practical_task":
            submission = practice.task_submit(
                user=user, module=module, block_id=block.id, uploaded=SimpleUploadedFile("f.pdf", b"%PDF-1.4 x")
            )
            practice.task_review(reviewer=trainer, submission=submission, criteria_met=[True, True])
        elif kind == "journal":
            practice.journal_write(user=user, module=module, block_id=block.id, text="x" * 50)
        elif kind in sessions.SESSION_TYPES:
            sessions.session_register(user=user, module=module, block_id=block.id)
            sessions.attendance_record(trainer=trainer, module=module, block_id=block.id, present_user_ids={user.pk})
        elif kind == "external_xapi":
            cmi5_report_completed(module=module, user=user, block=block)
    return services.module_complete(user=user, module=module)
