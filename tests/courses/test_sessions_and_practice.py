"""Sessions (capacity, attendance by a trainer), practical tasks (upload, rubric review) and journals."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from courses import practice, services, sessions
from courses.models import ActivityProgress, SessionRegistration, TaskSubmission
from courses.services import course_enroll
from evidence.models import Evidence
from tests.conftest import PASSWORD, make_user
from tests.courses.factories import EARLIER, VERB, block_of, future_session_module
from xapi.models import Statement

pytestmark = pytest.mark.django_db


def payloads(verb):
    return [s.payload for s in Statement.objects.filter(verb_id=VERB + verb)]


def pdf(name="fiche.pdf", size=200):
    return SimpleUploadedFile(name, b"%PDF-1.4\n" + b"x" * size, content_type="application/pdf")


def test_registration_then_full_session_is_a_clear_message(full_module, enrolled):
    session = block_of(full_module, "in_person_session")
    registration, created = sessions.session_register(
        at=EARLIER, user=enrolled, module=full_module, block_id=session.id
    )
    again, created_again = sessions.session_register(at=EARLIER, user=enrolled, module=full_module, block_id=session.id)
    assert created and not created_again and registration == again
    (registered,) = [p for p in payloads("registered") if p["object"]["id"].endswith(session.id)]
    assert registered["object"]["definition"]["type"] == "http://adlnet.gov/expapi/activities/meeting"
    # Fill the remaining places (capacity 12), then one more teacher is refused.
    for n in range(11):
        other = make_user(f"prof{n}@example.fr")
        course_enroll(user=other, course=full_module.course)
        sessions.session_register(at=EARLIER, user=other, module=full_module, block_id=session.id)
    late = make_user("tard@example.fr")
    course_enroll(user=late, course=full_module.course)
    with pytest.raises(services.LearningError, match="complète"):
        sessions.session_register(at=EARLIER, user=late, module=full_module, block_id=session.id)
    assert SessionRegistration.objects.filter(block_id=session.id).count() == 12


def test_attendance_by_the_trainer_is_attended_with_instructor(
    full_module, enrolled, trainer, django_capture_on_commit_callbacks
):
    session = block_of(full_module, "in_person_session")
    sessions.session_register(at=EARLIER, user=enrolled, module=full_module, block_id=session.id)
    with pytest.raises(services.LearningError, match="formateurs"):
        sessions.attendance_record(
            trainer=enrolled, module=full_module, block_id=session.id, present_user_ids={enrolled.pk}
        )
    with django_capture_on_commit_callbacks(execute=True):
        count = sessions.attendance_record(
            trainer=trainer, module=full_module, block_id=session.id, present_user_ids={enrolled.pk}
        )
    assert count == 1
    (attended,) = payloads("attended")
    assert attended["context"]["instructor"] == trainer.xapi_actor()
    assert attended["context"]["contextActivities"]["other"][0]["id"].endswith("/crcn-edu/4.1")
    # The session's length is the time spent (the evaluation's time panel reads it).
    value = session.value
    length = (value["end_time"].hour * 60 + value["end_time"].minute) - (
        value["start_time"].hour * 60 + value["start_time"].minute
    )
    assert attended["result"]["duration"] == f"PT{length * 60}S" and length > 0
    assert ActivityProgress.objects.get(block_id=session.id).status == "attended"
    assert Evidence.objects.get(user=enrolled).kind == "attendance"
    # Taking attendance again adds nothing; a registered teacher cannot cancel once it is taken.
    assert (
        sessions.attendance_record(
            trainer=trainer, module=full_module, block_id=session.id, present_user_ids={enrolled.pk}
        )
        == 0
    )
    with pytest.raises(services.LearningError, match="déjà été relevée"):
        sessions.session_unregister(user=enrolled, module=full_module, block_id=session.id)


def test_attendance_refuses_someone_not_registered(full_module, enrolled, trainer):
    session = block_of(full_module, "virtual_class")
    with pytest.raises(services.LearningError, match="pas inscrites"):
        sessions.attendance_record(
            trainer=trainer, module=full_module, block_id=session.id, present_user_ids={enrolled.pk}
        )


@pytest.mark.parametrize(
    "upload, message",
    [
        (None, "Choisissez un fichier"),
        (SimpleUploadedFile("virus.exe", b"MZ" * 10), "type de fichier"),
        (SimpleUploadedFile("vide.pdf", b""), "vide"),
    ],
)
def test_evidence_upload_is_checked(full_module, enrolled, upload, message):
    task = block_of(full_module, "practical_task")
    with pytest.raises(services.LearningError, match=message):
        practice.task_submit(user=enrolled, module=full_module, block_id=task.id, uploaded=upload)
    assert not TaskSubmission.objects.exists()


def test_evidence_over_the_size_limit(full_module, enrolled, monkeypatch):
    monkeypatch.setattr(practice, "MAX_EVIDENCE_BYTES", 100)
    task = block_of(full_module, "practical_task")
    with pytest.raises(services.LearningError, match="dépasse"):
        practice.task_submit(user=enrolled, module=full_module, block_id=task.id, uploaded=pdf(size=500))


def test_rubric_review_validates_with_instructor(
    full_module, enrolled, trainer, django_capture_on_commit_callbacks, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    task = block_of(full_module, "practical_task")
    submission = practice.task_submit(user=enrolled, module=full_module, block_id=task.id, uploaded=pdf(), note="Voici")
    assert submission.file.name.startswith(f"productions/{full_module.pk}/") and "fiche" not in submission.file.name
    assert payloads("attempted")[0]["object"]["definition"]["type"] == "http://adlnet.gov/expapi/activities/performance"
    with pytest.raises(services.LearningError, match="Expliquez"):
        practice.task_review(reviewer=trainer, submission=submission, criteria_met=[True, False])
    with django_capture_on_commit_callbacks(execute=True):
        practice.task_review(reviewer=trainer, submission=submission, criteria_met=[True, True], comment="Bravo")
    (passed,) = payloads("passed")
    assert passed["context"]["instructor"] == trainer.xapi_actor()
    assert "score" not in passed["result"] and passed["result"]["success"] is True
    kinds = set(Evidence.objects.filter(user=enrolled).values_list("kind", flat=True))
    assert kinds == {"validated_task"}
    assert ActivityProgress.objects.get(block_id=task.id).status == "passed"
    with pytest.raises(services.LearningError, match="déjà été évaluée"):
        practice.task_review(reviewer=trainer, submission=submission, criteria_met=[True, True])


def test_rework_then_resubmit(full_module, enrolled, trainer, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    task = block_of(full_module, "practical_task")
    first = practice.task_submit(user=enrolled, module=full_module, block_id=task.id, uploaded=pdf())
    practice.task_review(reviewer=trainer, submission=first, criteria_met=[True, False], comment="Deux parcours ?")
    assert payloads("failed")[0]["result"]["success"] is False
    practice.task_submit(user=enrolled, module=full_module, block_id=task.id, uploaded=pdf("v2.pdf"))
    assert ActivityProgress.objects.get(block_id=task.id).status == "submitted"
    assert practice.submissions_to_review(reviewer=trainer)[0].original_name == "v2.pdf"
    assert practice.submissions_to_review(reviewer=enrolled) == []


def test_journal_needs_its_length_and_completes_once(full_module, enrolled):
    journal = block_of(full_module, "journal")
    with pytest.raises(services.LearningError, match="au moins 40"):
        practice.journal_write(user=enrolled, module=full_module, block_id=journal.id, text="Trop court")
    text = "Je proposerai deux parcours d'exercices dès la semaine prochaine."
    practice.journal_write(user=enrolled, module=full_module, block_id=journal.id, text=text)
    practice.journal_write(user=enrolled, module=full_module, block_id=journal.id, text=text + " Et un bilan.")
    completed = [p for p in payloads("completed") if p["object"]["id"].endswith(journal.id)]
    assert len(completed) == 1 and text not in str(completed[0])


def test_export_and_erasure_cover_sessions_tasks_and_journal(full_module, enrolled, settings, tmp_path):
    from lms.privacy import user_data_export, user_erase

    settings.MEDIA_ROOT = tmp_path
    sessions.session_register(
        at=EARLIER, user=enrolled, module=full_module, block_id=block_of(full_module, "virtual_class").id
    )
    submission = practice.task_submit(
        user=enrolled, module=full_module, block_id=block_of(full_module, "practical_task").id, uploaded=pdf()
    )
    practice.journal_write(
        user=enrolled, module=full_module, block_id=block_of(full_module, "journal").id, text="Une réflexion " * 5
    )
    data = user_data_export(user=enrolled)["formations"]
    assert len(data["sessions"]) == 1 and data["productions"][0]["fichier"] == "fiche.pdf"
    assert data["journal"][0]["texte"].startswith("Une réflexion")
    path = tmp_path / submission.file.name
    assert path.exists()
    user_erase(user=enrolled)
    assert not path.exists() and not TaskSubmission.objects.exists()


def test_a_session_in_three_weeks_cannot_be_marked_attended(client, full_module, enrolled, trainer):
    module = future_session_module(full_module.course)
    session = module.activities[0]
    sessions.session_register(at=EARLIER, user=enrolled, module=module, block_id=session.id)
    with pytest.raises(services.LearningError, match="à partir du début de la session"):
        sessions.attendance_record(trainer=trainer, module=module, block_id=session.id, present_user_ids={enrolled.pk})
    assert not payloads("attended")
    assert SessionRegistration.objects.get(block_id=session.id).attended is None
    # Through the trainer's page: the form is shown disabled with when it opens; a forced post is refused.
    assert client.login(email=trainer.email, password=PASSWORD)
    url = f"/formations/formateur/modules/{module.pk}/sessions/{session.id}/"
    page = client.get(url).content.decode()
    assert "data-attendance-closed" in page and "pas encore commencé" in page
    response = client.post(url, {f"etat-{enrolled.pk}": "present"}, follow=True)
    assert response.status_code == 200 and "à partir du début de la session" in response.content.decode()
    assert not payloads("attended")
    # The module cannot be completed on the strength of that session.
    with pytest.raises(services.LearningError, match="Il reste des activités"):
        services.module_complete(user=enrolled, module=module)


def test_absent_and_excused_are_recorded_without_evidence(
    client, full_module, enrolled, trainer, django_capture_on_commit_callbacks
):
    session = block_of(full_module, "in_person_session")
    other = make_user("autre@example.fr", first_name="Lou", last_name="Martin")
    course_enroll(user=other, course=full_module.course)
    third = make_user("trois@example.fr")
    course_enroll(user=third, course=full_module.course)
    for user in (enrolled, other, third):
        sessions.session_register(at=EARLIER, user=user, module=full_module, block_id=session.id)
    assert client.login(email=trainer.email, password=PASSWORD)
    url = f"/formations/formateur/modules/{full_module.pk}/sessions/{session.id}/"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {f"etat-{enrolled.pk}": "present", f"etat-{other.pk}": "excuse", f"etat-{third.pk}": "absent"}
        )
    assert response.status_code == 302
    rows = {r.user_id: (r.attended, r.excused) for r in SessionRegistration.objects.filter(block_id=session.id)}
    assert rows == {enrolled.pk: (True, False), other.pk: (False, True), third.pk: (False, False)}
    assert len(payloads("attended")) == 1
    assert set(Evidence.objects.values_list("user_id", flat=True)) == {enrolled.pk}
    assert not ActivityProgress.objects.filter(user__in=[other, third], status="attended").exists()
    page = client.get(url).content.decode()
    assert f'id="etat-{other.pk}-excuse" name="etat-{other.pk}" value="excuse" checked' in page
    with pytest.raises(services.LearningError, match="à la fois"):
        sessions.attendance_record(
            trainer=trainer,
            module=full_module,
            block_id=session.id,
            present_user_ids={other.pk},
            excused_user_ids={other.pk},
        )
    assert client.post(url, {"etat-abc": "present"}, follow=True).status_code == 200  # unreadable: a message


def test_registration_for_a_past_session_is_refused_with_a_clear_message(client, full_module, enrolled):
    from tests.conftest import PASSWORD

    session = block_of(full_module, "in_person_session")  # 20 days ago
    with pytest.raises(services.LearningError, match="Cette session est passée"):
        sessions.session_register(user=enrolled, module=full_module, block_id=session.id)
    with pytest.raises(services.LearningError, match="Cette session est passée"):
        sessions.session_register(user=enrolled, module=full_module, block_id=session.id, waitlist=True)
    assert client.login(email=enrolled.email, password=PASSWORD)
    response = client.post(f"/formations/modules/{full_module.pk}/sessions/{session.id}/", follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Cette session est passée" in page and "on ne peut plus s&#x27;y inscrire" in page
    assert not SessionRegistration.objects.filter(block_id=session.id).exists()
    assert not [p for p in payloads("registered") if p["object"]["id"].endswith(session.id)]
    # Neither the player nor the course page offers to register for it.
    assert 'data-session-over="true"' in page
    course_page = client.get(full_module.course.url).content.decode()
    assert course_page.count('data-session-over="true"') == 2  # both sessions of the module are over
    # A session in three weeks still takes registrations.
    upcoming = future_session_module(full_module.course)
    _, created = sessions.session_register(user=enrolled, module=upcoming, block_id=upcoming.activities[0].id)
    assert created
