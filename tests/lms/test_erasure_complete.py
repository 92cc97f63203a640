"""Erasure leaves nothing of the teacher anywhere in the database, while the records of the others
that named them (as object, group member, instructor, team, inside a SubStatement) stay whole."""

import json
import uuid

import pytest
from django.apps import apps
from django.conf import settings

from ambassadors.badge_status import status_is_revoked
from ambassadors.models import AmbassadorProposal, BadgeStatus
from ambassadors.services import ambassadors_propose, proposal_decide
from tests.conftest import make_school, make_user
from tests.factories import expert, teacher_in
from xapi.forwarding.models import ErasureNotice, ForwardTarget, OutboxEntry
from xapi.http.auth import client_create
from xapi.identity import agent_key
from xapi.models import Document, Statement, StatementAgent
from xapi.services import statement_store

pytestmark = pytest.mark.django_db


@pytest.fixture
def college(departement):
    return make_school(departement, "0951002Y", "Collège Jean Moulin", kind="college")


VERB = "http://adlnet.gov/expapi/verbs/"


def _activity(name: str) -> dict:
    return {"objectType": "Activity", "id": f"http://example.org/activities/{name}"}


def _statement(actor, verb, obj, **extra) -> dict:
    return {"id": str(uuid.uuid4()), "actor": actor, "verb": {"id": VERB + verb}, "object": obj, **extra}


def _everything() -> str:
    """Every value of every row of every table, as text."""
    chunks = []
    for model in apps.get_models(include_auto_created=True):
        if not model._meta.managed or model._meta.proxy:
            continue
        for row in model.objects.all().values_list():
            for value in row:
                if isinstance(value, bytes | memoryview):
                    value = bytes(value).decode("utf-8", "replace")
                chunks.append(value if isinstance(value, str) else json.dumps(value, default=str, ensure_ascii=False))
    return "\n".join(chunks)


def test_erasure_replaces_the_teacher_everywhere_and_keeps_the_others_records(
    client, frameworks, college, manager, django_capture_on_commit_callbacks
):
    cap = django_capture_on_commit_callbacks
    teacher = teacher_in(college, "zephyrine.quasimodo@example.fr")
    teacher.first_name, teacher.last_name = "Zéphyrine", "Quasimodo"
    teacher.save()
    other = make_user("collegue@example.fr", first_name="Albertine", last_name="Durand")
    me, them = teacher.xapi_actor(), other.xapi_actor()
    by_mail = {"objectType": "Agent", "mbox": f"mailto:{teacher.email}", "name": "Zéphyrine Quasimodo"}
    # The teacher is a confirmed ambassador with a badge.
    expert(teacher, cap, level=5)
    ambassadors_propose()
    proposal_decide(proposal=AmbassadorProposal.objects.get(user=teacher), manager=manager, decision="confirmed")
    badge_status = BadgeStatus.objects.get(badge__proposal__user=teacher)

    target = ForwardTarget.objects.create(name="entrepot", endpoint="http://127.0.0.1:9/xapi/", username="u")
    own = statement_store(data=_statement(me, "completed", _activity("own")))
    kept = [
        # The teacher as instructor of a colleague's task, and as a member of their context team.
        _statement(
            them,
            "passed",
            _activity("task"),
            context={
                "instructor": me,
                "team": {"objectType": "Group", "member": [me, them]},
                "extensions": {"http://example.org/ext/reviewer": str(teacher.xapi_uuid)},
            },
        ),
        # The teacher as the object, known by their e-mail address and name.
        _statement(them, "mentored", by_mail),
        # The teacher as a member of the acting group.
        _statement({"objectType": "Group", "member": [me, them]}, "attended", _activity("session")),
        # The teacher inside a SubStatement: its actor, and its instructor.
        _statement(
            them,
            "observed",
            {
                "objectType": "SubStatement",
                "actor": me,
                "verb": {"id": VERB + "presented"},
                "object": _activity("talk"),
                "context": {"instructor": me},
            },
        ),
    ]
    stored = [statement_store(data=data) for data in kept]
    assert OutboxEntry.objects.filter(target=target).count() == 1 + len(kept)
    OutboxEntry.objects.filter(statement_id=stored[0].id).update(status=OutboxEntry.Status.DELIVERED)
    # Documents about the teacher: their state in an activity and an agent profile.
    for kind, extra in (("state", {"activity_id": "http://example.org/activities/own"}), ("agent_profile", {})):
        Document.objects.create(
            kind=kind,
            agent_key=agent_key(me),
            document_id="preferences",
            content=json.dumps({"name": "Zéphyrine Quasimodo"}).encode(),
            content_type="application/json",
            etag="x",
            updated=stored[0].stored,
            **extra,
        )

    # An LRS client bound to the teacher (a cmi5 launch's): it names them, so it goes too.
    client_create(name="cmi5 — lancement", scopes=["statements/write"], bound_actor=me)

    client.force_login(teacher)
    exported = client.get("/comptes/mes-donnees/export/").json()["competences"]
    assert {d["type"] for d in exported["documents_xapi"]} == {"state", "agent_profile"}
    assert exported["documents_xapi"][0]["contenu"] == {"name": "Zéphyrine Quasimodo"}
    naming = exported["declarations_xapi_vous_mentionnant"]
    assert len(naming) == len(kept)
    # Their own identifier is there; a colleague's pseudonym is not.
    assert str(teacher.xapi_uuid) in json.dumps(naming) and str(other.xapi_uuid) not in json.dumps(naming)
    assert naming[0]["context"]["instructor"] == me and naming[0]["actor"]["name"] == "(autre personne)"
    (badge,) = exported["ambassadeur"]["badges"]
    assert badge["justificatif_signe_jwt"].count(".") == 2 and badge["revoque"] is False
    assert badge["page_de_verification"] == badge["justificatif"]["id"]

    response = client.post("/comptes/mes-donnees/supprimer/", {"confirmation": "SUPPRIMER"})
    assert response.status_code == 302

    everything = _everything()
    for trace in (teacher.email, "Zéphyrine", "Quasimodo", str(teacher.xapi_uuid), teacher.xapi_uuid.hex):
        assert trace not in everything, trace
    assert not Statement.objects.filter(id=own.id).exists()
    assert not OutboxEntry.objects.filter(statement_id=own.id).exists()
    assert not Document.objects.exists()
    # The others' records are all there, with the same ids, the teacher replaced by one tombstone.
    after = {s.id: s.payload for s in Statement.objects.filter(id__in=[s.id for s in stored])}
    assert set(after) == {s.id for s in stored}
    erased_home = f"{settings.RELAIS_BASE_URL}/erased"
    instructor = after[stored[0].id]["context"]["instructor"]
    assert instructor["account"]["homePage"] == erased_home and set(instructor) == {"objectType", "account"}
    tomb = instructor["account"]["name"]
    assert after[stored[0].id]["actor"] == them
    assert after[stored[0].id]["context"]["team"]["member"] == [
        {"objectType": "Agent", "account": instructor["account"]},
        them,
    ]
    assert after[stored[1].id]["object"] == {"objectType": "Agent", "account": {"homePage": erased_home, "name": tomb}}
    assert after[stored[2].id]["actor"]["member"][1] == them
    assert after[stored[3].id]["object"]["actor"]["account"]["name"] == tomb
    # The agent index follows: the tombstone is found where the teacher was.
    tomb_key = f"account:{erased_home}|{tomb}"
    assert set(StatementAgent.objects.filter(agent_key=tomb_key).values_list("statement_id", flat=True)) == set(after)
    assert not StatementAgent.objects.filter(agent_key=agent_key(me)).exists()
    # Their badge is revoked in the published list; the colleague is untouched.
    badge_status.refresh_from_db()
    assert badge_status.revoked_at is not None and status_is_revoked(badge_status)
    assert "Albertine" in everything
    # What was already forwarded is out of reach: the administrator is told which target to ask.
    (notice,) = ErasureNotice.objects.all()
    assert notice.target == target and notice.statements == 1
    admin = make_user("admin@example.fr", is_superuser=True, is_staff=True)
    client.force_login(admin)
    status_page = client.get("/admin/lrs/forwarding/").content.decode()
    assert "Effacements à relayer" in status_page and "entrepot" in status_page
    client.post(f"/admin/lrs/forwarding/erasures/{notice.pk}/settle/")
    notice.refresh_from_db()
    assert notice.settled_at is not None
    assert "Effacements à relayer" not in client.get("/admin/lrs/forwarding/").content.decode()
