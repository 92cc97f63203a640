"""Two beat runs at once (two workers): one e-mail per completion, never two."""

import threading

import pytest
from django.core import mail
from django.db import connection

from courses import follow_ups
from questionnaires.models import FollowUpInvitation
from tests.conftest import make_user
from tests.questionnaires.conftest import completed_course


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_send_each_email_once(survey_module, survey_teacher):
    course = survey_module.course
    completed_course(survey_teacher, course, weeks_ago=7)
    for n in range(3):
        completed_course(make_user(f"prof{n}@example.fr"), course, weeks_ago=6.5)
    if connection.vendor != "postgresql":
        # SQLite serialises writers: the runs follow one another.
        counts = [follow_ups.follow_ups_send(), follow_ups.follow_ups_send()]
    else:
        barrier = threading.Barrier(2)
        counts = []

        def run():
            try:
                barrier.wait()
                counts.append(follow_ups.follow_ups_send())
            finally:
                connection.close()

        threads = [threading.Thread(target=run) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    assert sum(counts) == 4, counts
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        ["prof@example.fr", "prof0@example.fr", "prof1@example.fr", "prof2@example.fr"]
    )
    assert FollowUpInvitation.objects.filter(sent_at__isnull=False).count() == 4
