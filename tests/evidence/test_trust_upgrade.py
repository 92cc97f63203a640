"""The upgrade to the trust policy (data migrations xapi 0007, competencies 0009) on a deployment's data."""

import importlib
import uuid

import pytest
from django.apps import apps
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from evidence.models import Evidence
from frameworks.alignment import statement_alignment
from frameworks.models import Competency
from tests.conftest import make_user
from xapi.http.auth import client_authority, client_create
from xapi.models import Client
from xapi.services import statements_store

pytestmark = pytest.mark.django_db

clients_migration = importlib.import_module("xapi.migrations.0007_existing_clients_keep_their_evidence")
evidence_migration = importlib.import_module("competencies.migrations.0010_evidence_of_untrusted_writers_withdrawn")


class _Editor:
    connection = connection


def test_administrators_clients_keep_counting_launch_clients_do_not(module):
    from courses.records import Cmi5Launch

    teacher = make_user("prof@example.fr")
    moodle, _ = client_create(name="Moodle", scopes=["statements/write", "statements/read"])
    client_create(name="Entrepôt", scopes=["all"])
    client_create(name="Tableau de bord", scopes=["statements/read"])
    launch, _ = client_create(name="cmi5 — Contenu", scopes=["statements/write", "state"])
    renamed_launch, _ = client_create(name="Contenu renommé", scopes=["statements/write"])
    # A launch client whose name does not say it: the launch table does.
    Cmi5Launch.objects.create(
        user=teacher, module=module, block_id="b", registration=uuid.uuid4(), client=renamed_launch,
        expires_at="2030-01-01T00:00:00Z",
    )  # fmt: skip
    competency = Competency.objects.select_related("framework").get(framework__slug="crcn-edu", code="1.2")
    context_activities, extensions = statement_alignment(competencies=[competency], level=5)

    def passed():
        return {
            "actor": teacher.xapi_actor(),
            "verb": {"id": "http://adlnet.gov/expapi/verbs/passed"},
            "object": {"id": f"https://example.org/{uuid.uuid4()}"},
            "context": {"contextActivities": context_activities},
            "result": {"extensions": extensions, "score": {"scaled": 1.0}},
        }

    by_moodle = statements_store(data=[passed()], authority=client_authority(moodle))[0]
    by_launch = statements_store(data=[passed()], authority=client_authority(launch))[0]
    # What the store derived before the trust policy: evidence from every writer.
    for statement in (by_moodle, by_launch):
        Evidence.objects.create(
            statement_id=statement.pk, user=teacher, competency=competency, level=5, kind="assessment",
            occurred_at=statement.timestamp,
        )  # fmt: skip

    clients_migration.forwards(apps, _Editor())
    policies = dict(Client.objects.values_list("name", "evidence"))
    assert policies["Moodle"] == policies["Entrepôt"] == "any"
    assert policies["Tableau de bord"] == policies["cmi5 — Contenu"] == policies["Contenu renommé"] == "none"

    # The models as that migration knew them (they have since moved from `competencies` to `evidence`).
    historical = (
        MigrationLoader(connection).project_state(("competencies", "0010_evidence_of_untrusted_writers_withdrawn")).apps
    )
    evidence_migration.forwards(historical, _Editor())
    assert set(Evidence.objects.values_list("statement_id", flat=True)) == {by_moodle.pk}
