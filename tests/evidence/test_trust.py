"""Evidence that can be trusted (issue #13): a writer's statements count only as far as the académie
trusts it, the policy is set per client and source, and changing it derives their statements again.

The attack of the issue: an LRS client with a write scope POSTs a passed, level-5, Pix-certified
statement aligned to CRCN Édu 1.1, 1.2 and 3.1 for another teacher's pseudonymous account. Run on
SQLite (Python rule) and PostgreSQL (SQL rule) alike.
"""

import base64
import io
import json
import random
import uuid

import pytest
from django.core.management import call_command
from django.test import Client as Browser

from evidence.models import CompetencyState, CompletedModule, Evidence, LevelChange
from evidence.services import competencies_rebuild
from evidence.trust import pix_authority
from frameworks.alignment import certification_iri, statement_alignment
from frameworks.models import Competency
from tests.conftest import make_user
from tests.factories import generated_history
from xapi.forwarding.models import PullSource
from xapi.forwarding.pull import source_authority
from xapi.forwarding.trust import source_evidence_set
from xapi.http.auth import client_authority, client_create
from xapi.models import Client, Statement
from xapi.services import default_authority, statement_store, statements_store
from xapi.trust import client_evidence_set

pytestmark = pytest.mark.django_db

PASSED = "http://adlnet.gov/expapi/verbs/passed"


@pytest.fixture
def edu(frameworks):
    return {c.code: c for c in Competency.objects.select_related("framework").filter(framework__slug="crcn-edu")}


@pytest.fixture
def victim(edu, django_capture_on_commit_callbacks):
    """A teacher whose levels Relais's own statements gave: 1.1 at 4, 3.1 at 3."""
    user = make_user("victime@example.fr")
    with django_capture_on_commit_callbacks(execute=True):
        statements_store(data=[_passed(user, [edu["1.1"]], 4), _passed(user, [edu["3.1"]], 3)])
    assert _levels(user) == {"1.1": 4, "3.1": 3}
    return user


def _passed(user, competencies, level, *, certified=False, actor=None) -> dict:
    context_activities, extensions = statement_alignment(competencies=competencies, level=level)
    if certified:
        context_activities["category"] = [{"id": certification_iri()}]
    return {
        "id": str(uuid.uuid4()),
        "actor": actor or user.xapi_actor(),
        "verb": {"id": PASSED},
        "object": {"id": f"https://example.org/quiz/{uuid.uuid4()}", "objectType": "Activity"},
        "context": {"contextActivities": context_activities},
        "result": {"success": True, "score": {"scaled": 1.0}, "extensions": extensions},
    }


def _attack(user, edu) -> dict:
    """The issue's statement: passed, level 5, Pix certification category, 1.1 1.2 3.1."""
    statement = _passed(user, [edu["1.1"], edu["1.2"], edu["3.1"]], 5, certified=True)
    # A client may write an authority: the LRS replaces it with the one of its credentials.
    statement["authority"] = default_authority()
    return statement


def _levels(user) -> dict[str, int]:
    return dict(
        CompetencyState.objects.filter(user=user, competency__framework__slug="crcn-edu").values_list(
            "competency__code", "level"
        )
    )


def _lrs_client(*args) -> tuple[str, str]:
    out = io.StringIO()
    call_command("lrs_client", "create", *args, stdout=out)
    lines = dict(line.split(": ", 1) for line in out.getvalue().splitlines())
    return lines["key"], lines["secret"]


def _post(key: str, secret: str, statement) -> int:
    response = Browser().post(
        "/xapi/statements",
        json.dumps(statement),
        content_type="application/json",
        HTTP_X_EXPERIENCE_API_VERSION="1.0.3",
        HTTP_AUTHORIZATION="Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode(),
    )
    return response.status_code


def _run(*args) -> str:
    out = io.StringIO()
    call_command("lrs_client", *args, stdout=out)
    return out.getvalue()


def test_a_fresh_client_cannot_raise_another_teachers_levels_until_trusted(
    edu, victim, django_capture_on_commit_callbacks
):
    key, secret = _lrs_client("Contenu externe", "--scope", "statements/write", "statements/read")
    assert Client.objects.get(key=key).evidence == Client.Evidence.NONE  # the default
    attack = _attack(victim, edu)
    with django_capture_on_commit_callbacks(execute=True):
        assert _post(key, secret, attack) == 200

    stored = Statement.objects.get(pk=attack["id"])
    assert stored.authority["account"] == {
        "homePage": client_authority(Client.objects.get(key=key))["account"]["homePage"],
        "name": key,
    }
    assert stored.payload["authority"] == stored.authority  # served with the authority the LRS stamped
    assert not Evidence.objects.filter(statement_id=attack["id"]).exists()
    assert _levels(victim) == {"1.1": 4, "3.1": 3}
    competencies_rebuild()
    assert _levels(victim) == {"1.1": 4, "3.1": 3}

    # An administrator trusts it for any actor: what it sent counts, at once.
    with django_capture_on_commit_callbacks(execute=True):
        assert "à nouveau dérivées" in _run("evidence", key, "any")
    assert _levels(victim) == {"1.1": 5, "1.2": 5, "3.1": 5}
    assert set(Evidence.objects.filter(statement_id=attack["id"]).values_list("kind", flat=True)) == {"certified"}
    assert "\tany\t" in _run("list")

    # And back: its evidence is withdrawn, the levels are what Relais's own statements give.
    with django_capture_on_commit_callbacks(execute=True):
        _run("evidence", key, "none")
    assert _levels(victim) == {"1.1": 4, "3.1": 3}
    history = list(
        LevelChange.objects.filter(user=victim, competency=edu["1.2"]).order_by("pk").values_list("previous", "level")
    )
    assert history == [(0, 5), (5, 0)]
    competencies_rebuild()
    assert _levels(victim) == {"1.1": 4, "3.1": 3}


def test_a_client_trusted_for_its_bound_actor_counts_for_that_actor_only(
    edu, victim, django_capture_on_commit_callbacks
):
    learner = make_user("apprenante@example.fr")
    key, secret = _lrs_client(
        "Application personnelle", "--scope", "statements/write", "--evidence", "bound", "--actor", learner.email
    )
    client = Client.objects.get(key=key)
    assert (client.evidence, client.bound_actor) == (Client.Evidence.BOUND, learner.xapi_actor())
    with django_capture_on_commit_callbacks(execute=True):
        # A bound client writes only about its actor (xapi/http/binding.py): the attack is not even stored.
        assert _post(key, secret, _attack(victim, edu)) == 403
        assert _post(key, secret, _passed(learner, [edu["2.1"]], 3)) == 200
    assert _levels(victim) == {"1.1": 4, "3.1": 3}
    assert _levels(learner) == {"2.1": 3}
    competencies_rebuild()
    assert (_levels(victim), _levels(learner)) == ({"1.1": 4, "3.1": 3}, {"2.1": 3})

    # Bound to someone else: what it wrote about the learner stops counting.
    with django_capture_on_commit_callbacks(execute=True):
        assert client_evidence_set(client=client, evidence="bound", bound_actor=victim.xapi_actor())
    assert _levels(learner) == {}
    with django_capture_on_commit_callbacks(execute=True):
        assert _post(key, secret, _attack(victim, edu)) == 200
    assert _levels(victim) == {"1.1": 5, "1.2": 5, "3.1": 5}


def test_bound_needs_an_actor(edu):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="acteur lié"):
        _lrs_client("X", "--scope", "statements/write", "--evidence", "bound")
    with pytest.raises(CommandError, match="Aucun utilisateur"):
        _lrs_client("X", "--scope", "statements/write", "--evidence", "bound", "--actor", "personne@example.fr")
    with pytest.raises(CommandError, match="groupe"):
        _lrs_client(
            "X",
            "--scope",
            "statements/write",
            "--evidence",
            "bound",
            "--actor",
            '{"objectType": "Group", "member": [{"mbox": "mailto:a@example.fr"}]}',
        )
    key, _secret = _lrs_client("X", "--scope", "statements/write")
    with pytest.raises(CommandError, match="acteur lié"):
        _run("evidence", key, "bound")
    assert not Client.objects.exclude(evidence="none").exists()


def test_an_authority_sent_by_a_client_is_replaced(edu, victim, django_capture_on_commit_callbacks):
    """OAuth-style two-member group authority: the store keeps the one of the credentials instead."""
    key, secret = _lrs_client("Outil", "--scope", "statements/write")
    statement = _attack(victim, edu)
    statement["authority"] = {
        "objectType": "Group",
        "member": [default_authority(), {"account": {"homePage": "https://example.org", "name": "moi"}}],
    }
    # By PUT, claiming to be the Pix import.
    put = {**_attack(victim, edu), "authority": pix_authority()}
    with django_capture_on_commit_callbacks(execute=True):
        assert _post(key, secret, statement) == 200
        response = Browser().put(
            f"/xapi/statements?statementId={put['id']}",
            json.dumps(put),
            content_type="application/json",
            HTTP_X_EXPERIENCE_API_VERSION="1.0.3",
            HTTP_AUTHORIZATION="Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode(),
        )
        assert response.status_code == 204
    assert Statement.objects.get(pk=statement["id"]).authority["account"]["name"] == key
    assert Statement.objects.get(pk=put["id"]).authority["account"]["name"] == key
    assert _levels(victim) == {"1.1": 4, "3.1": 3}


def test_a_pull_sources_policy_decides_and_a_change_derives_again(edu, victim, django_capture_on_commit_callbacks):
    source = PullSource.objects.create(name="magistere", endpoint="https://lrs.example.org/xapi/", username="k")
    assert source.evidence == "none"
    module = {
        "id": "https://magistere.example.org/modules/7",
        "definition": {"type": "http://adlnet.gov/expapi/activities/module"},
    }
    completed = {
        "id": str(uuid.uuid4()),
        "actor": victim.xapi_actor(),
        "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
        "object": module,
    }
    with django_capture_on_commit_callbacks(execute=True):
        statements_store(data=[_attack(victim, edu), completed], authority=source_authority(source))
    assert _levels(victim) == {"1.1": 4, "3.1": 3}
    assert not CompletedModule.objects.filter(user=victim).exists()

    with django_capture_on_commit_callbacks(execute=True):
        assert source_evidence_set(source=source, evidence="any")
    assert _levels(victim) == {"1.1": 5, "1.2": 5, "3.1": 5}
    assert CompletedModule.objects.filter(user=victim).count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert not source_evidence_set(source=source, evidence="any")  # unchanged: nothing to do

    # A deleted source trusts nothing any more.
    with django_capture_on_commit_callbacks(execute=True):
        source.delete()
    assert _levels(victim) == {"1.1": 4, "3.1": 3}
    assert not CompletedModule.objects.filter(user=victim).exists()


def test_a_deleted_client_stops_counting(edu, victim, django_capture_on_commit_callbacks):
    client, _secret = client_create(name="M@gistère", scopes=["statements/write"], evidence="any")
    with django_capture_on_commit_callbacks(execute=True):
        statements_store(data=[_attack(victim, edu)], authority=client_authority(client))
    assert _levels(victim)["1.2"] == 5
    with django_capture_on_commit_callbacks(execute=True):
        client.delete()
    assert _levels(victim) == {"1.1": 4, "3.1": 3}
    competencies_rebuild()
    assert _levels(victim) == {"1.1": 4, "3.1": 3}


def test_rebuild_equals_incremental_with_writers_of_every_policy(frameworks, django_capture_on_commit_callbacks):
    rng = random.Random(13)
    users = [make_user(f"t{i}@example.fr") for i in range(12)]
    competencies = {
        slug: list(Competency.objects.filter(framework__slug=slug).select_related("framework"))
        for slug in ("crcn", "crcn-edu")
    }
    clients = {
        policy: client_create(name=policy, scopes=["statements/write"], evidence=policy, **extra)[0]
        for policy, extra in (("any", {}), ("none", {}), ("bound", {"bound_actor": users[0].xapi_actor()}))
    }
    source = PullSource.objects.create(name="peer", endpoint="https://lrs.example.org/xapi/", evidence="any")
    writers = [default_authority(), source_authority(source), *(client_authority(c) for c in clients.values())]
    history = generated_history(rng, users, competencies, 1200)
    with django_capture_on_commit_callbacks(execute=True):
        for start in range(0, len(history), 60):
            statements_store(data=history[start : start + 60], authority=rng.choice(writers))
        # The policies change while statements keep coming: each change derives them again.
        client_evidence_set(client=clients["none"], evidence="any")
        client_evidence_set(client=clients["any"], evidence="bound", bound_actor=users[1].xapi_actor())
    incremental = sorted(CompetencyState.objects.values_list("user_id", "competency_id", "level"))
    evidence = sorted(Evidence.objects.values_list("statement_id", "competency_id", "level", "kind"))
    modules = sorted(CompletedModule.objects.values_list("statement_id", flat=True))
    assert len(evidence) > 300

    competencies_rebuild()
    assert sorted(Evidence.objects.values_list("statement_id", "competency_id", "level", "kind")) == evidence
    assert sorted(CompletedModule.objects.values_list("statement_id", flat=True)) == modules
    assert sorted(CompetencyState.objects.values_list("user_id", "competency_id", "level")) == incremental


def test_my_competencies_names_the_source_of_every_piece_of_evidence(client, edu, django_capture_on_commit_callbacks):
    from tests.conftest import PASSWORD

    teacher = make_user("prof@example.fr")
    quiz = _passed(teacher, [edu["1.1"]], 3)
    quiz["object"] = {
        "id": "https://relais.example/quiz/9",
        "definition": {
            "name": {"fr-FR": "Quiz de la classe inversée"},
            "type": "http://adlnet.gov/expapi/activities/assessment",
        },
    }
    trusted, _secret = client_create(name="M@gistère", scopes=["statements/write"], evidence="any")
    untrusted, _secret = client_create(name="Outil inconnu", scopes=["statements/write"])
    source = PullSource.objects.create(name="peer-relais", endpoint="https://lrs.example.org/xapi/", evidence="any")
    with django_capture_on_commit_callbacks(execute=True):
        statements_store(data=[quiz])
        statements_store(data=[_passed(teacher, [edu["1.2"]], 4, certified=True)], authority=pix_authority())
        statements_store(data=[_passed(teacher, [edu["2.1"]], 2)], authority=client_authority(trusted))
        statements_store(data=[_passed(teacher, [edu["2.2"]], 5)], authority=client_authority(untrusted))
        statements_store(data=[_passed(teacher, [edu["3.1"]], 2)], authority=source_authority(source))
    client.login(email=teacher.email, password=PASSWORD)
    html = client.get("/competences/mes-competences/").content.decode()

    def row(code):
        start = html.index(f'data-competency="{code}"', html.index('data-framework="crcn-edu"'))
        return html[start : html.index("</tr>", start)]

    assert "Relais : quiz « Quiz de la classe inversée »" in row("1.1")
    assert "Import de vos résultats Pix" in row("1.2")
    assert "M@gistère (système reconnu par l&#x27;académie)" in row("2.1")
    assert "Import depuis peer-relais" in row("3.1")
    assert "data-source" not in row("2.2") and 'data-level="0"' in row("2.2")  # not counted, not listed
    assert "Outil inconnu" not in html


def test_a_fresh_client_cannot_lower_another_teachers_levels_by_voiding(
    edu, victim, django_capture_on_commit_callbacks
):
    key, secret = _lrs_client("Contenu externe", "--scope", "statements/write")
    relais_statement = Evidence.objects.filter(user=victim, competency=edu["1.1"]).get().statement_id
    void = {
        "actor": {"mbox": "mailto:attaquante@example.fr"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/voided"},
        "object": {"objectType": "StatementRef", "id": str(relais_statement)},
    }
    with django_capture_on_commit_callbacks(execute=True):
        # The LRS refuses it (xapi/http/binding.void_guard): a client voids only what it wrote itself.
        assert _post(key, secret, void) == 403
    assert not Statement.objects.get(pk=relais_statement).voided
    assert _levels(victim) == {"1.1": 4, "3.1": 3}
    # Stored all the same (as an older release, or a pull source, could have): its evidence still stays.
    with django_capture_on_commit_callbacks(execute=True):
        statement_store(data=void, authority=client_authority(Client.objects.get(key=key)))
    assert Statement.objects.get(pk=relais_statement).voided  # the LRS hides it
    assert _levels(victim) == {"1.1": 4, "3.1": 3}  # but its evidence stays
    competencies_rebuild()
    assert _levels(victim) == {"1.1": 4, "3.1": 3}
