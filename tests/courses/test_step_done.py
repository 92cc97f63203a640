"""A step becomes done in one place (services.step_done): every path that completes a step (content read,
journal written, cmi5 content reporting, attendance taken) records its statement exactly once, even when
it runs twice."""

import pytest

from courses import cmi5, practice, services, sessions
from courses.models import ActivityProgress
from tests.courses.cmi5_au import COMPLETED, Au
from tests.courses.factories import EARLIER, VERB, block_of
from xapi.models import Statement

pytestmark = pytest.mark.django_db


def statements_about(module, block, verb: str) -> list[dict]:
    step = f"/modules/{module.pk}/{block.id}"
    return [
        s.payload for s in Statement.objects.filter(verb_id=VERB + verb) if s.payload["object"]["id"].endswith(step)
    ]


def test_content_read_twice_is_completed_once(full_module, enrolled):
    block = block_of(full_module, "content_step")
    for _ in range(2):
        services.content_step_complete(user=enrolled, module=full_module, block_id=block.id)
    assert len(statements_about(full_module, block, "completed")) == 1
    assert ActivityProgress.objects.get(block_id=block.id).status == "completed"


def test_journal_written_twice_is_completed_once(full_module, enrolled):
    block = block_of(full_module, "journal")
    text = "Ce que je retiens de la séance et ce que je change dans ma classe. " * 3
    practice.journal_write(user=enrolled, module=full_module, block_id=block.id, text=text)
    practice.journal_write(user=enrolled, module=full_module, block_id=block.id, text=text + "Et un bilan.")
    assert len(statements_about(full_module, block, "completed")) == 1


def test_cmi5_content_reporting_twice_is_completed_once(
    full_module, enrolled, client, django_capture_on_commit_callbacks
):
    block = block_of(full_module, "external_xapi")
    with django_capture_on_commit_callbacks(execute=True):
        au = Au(client, full_module, enrolled, block).start()
        # cmi5 rules refuse a second `completed` from the content; the store's hook delivering the same
        # statements again (a retried task) is what may run twice.
        assert au.send(au.statement("completed", result=COMPLETED)).status_code == 200
    stored = [str(pk) for pk in Statement.objects.values_list("pk", flat=True)]
    assert cmi5.cmi5_statements_stored(statement_ids=stored) == []
    assert cmi5.cmi5_statements_stored(statement_ids=stored) == []
    assert len(statements_about(full_module, block, "completed")) == 1


def test_attendance_taken_twice_is_attended_once(full_module, enrolled, trainer, django_capture_on_commit_callbacks):
    block = block_of(full_module, "in_person_session")
    sessions.session_register(user=enrolled, module=full_module, block_id=block.id, at=EARLIER)
    with django_capture_on_commit_callbacks(execute=True):
        counts = [
            sessions.attendance_record(
                trainer=trainer, module=full_module, block_id=block.id, present_user_ids={enrolled.pk}
            )
            for _ in range(2)
        ]
    assert counts == [1, 0]
    (attended,) = statements_about(full_module, block, "attended")
    assert attended["context"]["instructor"] == trainer.xapi_actor()
    assert ActivityProgress.objects.get(block_id=block.id).status == "attended"


@pytest.mark.parametrize("block_type", ["content_step", "journal", "external_xapi", "in_person_session"])
def test_step_done_itself_records_once(full_module, enrolled, block_type):
    block = block_of(full_module, block_type)
    verb = "attended" if block_type == "in_person_session" else "completed"
    status = ActivityProgress.Status.ATTENDED if verb == "attended" else ActivityProgress.Status.COMPLETED
    first = services.step_done(user=enrolled, module=full_module, block=block, status=status, verb=verb)
    second = services.step_done(user=enrolled, module=full_module, block=block, status=status, verb=verb)
    assert (first, second) == (True, False)
    assert len(statements_about(full_module, block, verb)) == 1
