"""Pulling from the peer changes a teacher's levels in Relais; backfilling sends the past to a new target."""

import time
import uuid

import pytest
from django.core.management import call_command

from evidence.models import CompetencyState
from frameworks.alignment import statement_alignment
from frameworks.models import Competency
from xapi.forwarding.models import ForwardTarget, OutboxEntry, PullSource
from xapi.models import Statement
from xapi.services import statements_store

from .statements import about, new_group

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

EXTERNAL_HOME = "https://ent.example.fr"
PEER_CONSISTENCY_LAG = 2.2


def evidence(actor: dict, group: str, competency, level: int) -> dict:
    context_activities, extensions = statement_alignment(competencies=[competency], level=level)
    context_activities["grouping"] = [{"id": group}]
    return {
        "id": str(uuid.uuid4()),
        "actor": actor,
        "verb": {"id": "http://adlnet.gov/expapi/verbs/passed"},
        "object": {"id": f"{group}/quiz/{competency.code}"},
        "context": {"contextActivities": context_activities},
        "result": {"success": True, "score": {"scaled": 1.0}, "extensions": extensions},
    }


def test_pulled_statements_change_the_teachers_levels(frameworks, teacher, peer):
    c42 = Competency.objects.select_related("framework").get(framework__slug="crcn-edu", code="4.2")
    c31 = Competency.objects.select_related("framework").get(framework__slug="crcn-edu", code="3.1")
    group = new_group()
    ours = teacher.xapi_actor()
    # The same teacher as the académie's LMS names them: its own homePage, our pseudonymous uuid.
    theirs = {"objectType": "Agent", "account": {"homePage": EXTERNAL_HOME, "name": str(teacher.xapi_uuid)}}
    on_peer = [evidence(ours, group, c42, 3), evidence(theirs, group, c31, 4), *about(group, 3)]
    peer.post(on_peer)

    # A target on the peer's host: what comes from the peer is not sent back to it.
    looping = ForwardTarget(name="back-to-peer", endpoint=peer.endpoint, username=peer.key, enabled=True)
    looping.save()
    source = PullSource(
        name="peer",
        endpoint=peer.endpoint,
        username=peer.key,
        query={"activity": group, "related_activities": True},
        actor_home_page=EXTERNAL_HOME,
        page_size=2,  # three pages: the `more` links are followed
        evidence="any",  # the académie trusts it: what it imports counts
    )
    source.set_secret(peer.secret)
    source.save()
    assert not CompetencyState.objects.filter(user=teacher).exists()

    # The peer's consistent-through runs 2 s behind: a pull takes what is older than that.
    time.sleep(PEER_CONSISTENCY_LAG)
    call_command("pull_now", "peer")

    assert set(map(str, Statement.objects.filter(id__in=[s["id"] for s in on_peer]).values_list("id", flat=True))) == {
        s["id"] for s in on_peer
    }
    levels = dict(CompetencyState.objects.filter(user=teacher).values_list("competency__code", "level"))
    assert levels == {"4.2": 3, "3.1": 4}
    source.refresh_from_db()
    assert (source.imported_count, source.rejected_count, source.more_url, source.last_error) == (5, 0, "", "")
    assert source.last_stored is not None
    assert not OutboxEntry.objects.filter(target=looping).exists()

    # Resuming: nothing new is nothing imported; one new statement is one import.
    call_command("pull_now", "peer")
    source.refresh_from_db()
    assert source.imported_count == 5
    later = about(group, 1, start=10)
    peer.post(later)
    time.sleep(PEER_CONSISTENCY_LAG)
    call_command("pull_now", "peer")
    source.refresh_from_db()
    assert source.imported_count == 6
    assert Statement.objects.filter(id=later[0]["id"]).exists()


def test_backfill_forwards_the_past_to_a_new_target(peer, capsys):
    group = new_group()
    past = about(group, 25)
    statements_store(data=past)
    target = ForwardTarget(name="new-peer", endpoint=peer.endpoint, username=peer.key, batch_size=10)
    target.set_secret(peer.secret)
    target.save()

    # In-process Celery here (no broker): the command's delivery runs before it returns.
    call_command("forward_backfill", "new-peer", "--since", "2026-01-01")
    err = capsys.readouterr().err
    assert "déclarations lues : " in err and "terminé en " in err  # its progress, on stderr

    ids = peer.ids_about(group)
    assert sorted(ids) == sorted(s["id"] for s in past)
    assert OutboxEntry.objects.filter(target=target, status=OutboxEntry.Status.DELIVERED).count() == 25
    call_command("forward_backfill", "new-peer", "--since", "2026-01-01")
    assert OutboxEntry.objects.filter(target=target).count() == 25  # nothing queued twice
