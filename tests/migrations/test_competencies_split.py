"""The split of `competencies` (issue #15) keeps a deployment's data: a database filled under the former
schema migrates to the new apps without loss, and the moved models keep their content types and so the
permissions groups hold on them."""

import uuid
from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from ambassadors.models import AmbassadorPolicy, AmbassadorProposal
from evidence.models import CompetencyState, Evidence, LevelChange
from frameworks.models import Competency, Domain, Framework, Level
from maps.models import SchoolCompetencyStat, SchoolStat, StatsPending

pytestmark = pytest.mark.django_db(transaction=True)

# The last migrations before the split, and the new apps not yet there.
BEFORE = [
    ("competencies", "0010_evidence_of_untrusted_writers_withdrawn"),
    ("courses", "0009_session_waitlist_reminder"),
    ("lms", "0001_initial"),  # the accounts as they were then (no language yet)
    ("frameworks", None),
    ("evidence", None),
    ("ambassadors", None),
    ("maps", None),
]
WHEN = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def _migrate(targets=None):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    return executor.loader.project_state([t for t in targets if t[1] is not None]).apps


def test_a_filled_database_migrates_to_the_new_apps_without_loss():
    old = _migrate(BEFORE)
    try:
        ContentType.objects.clear_cache()
        # What a deployment holds under the former schema, written with the models of that time.
        academie = old.get_model("lms", "Academie").objects.create(code="CRE", name="Créteil")
        departement = old.get_model("lms", "Departement").objects.create(code="94", name="Val-de-Marne", academie=academie)
        school = old.get_model("lms", "School").objects.create(uai="0940001A", name="École A", departement=departement)
        user = old.get_model("lms", "User").objects.create(email="t@example.org", xapi_uuid=uuid.uuid4())
        framework = old.get_model("competencies", "Framework").objects.create(
            slug="crcn-edu", title="CRCN Édu", short_name="CRCN Édu"
        )
        domain = old.get_model("competencies", "Domain").objects.create(framework=framework, code="1", name="D1")
        competency = old.get_model("competencies", "Competency").objects.create(
            framework=framework, domain=domain, code="1.1", name="C11", iri="https://x.test/crcn-edu/1.1"
        )
        old.get_model("competencies", "Level").objects.create(framework=framework, number=5, label="Expert")
        statement_id = uuid.uuid4()
        old.get_model("competencies", "Evidence").objects.create(
            statement_id=statement_id, user=user, competency=competency, level=5, kind="assessment", occurred_at=WHEN
        )
        old.get_model("competencies", "CompetencyState").objects.create(
            user=user, competency=competency, level=5, evidence_at=WHEN, updated_at=WHEN
        )
        old.get_model("competencies", "LevelChange").objects.create(
            user=user, competency=competency, previous=0, level=5, changed_at=WHEN
        )
        old.get_model("competencies", "AmbassadorPolicy").objects.create(academie=academie, required_level=5)
        old.get_model("competencies", "AmbassadorProposal").objects.create(
            school=school, user=user, score=1.5, reasons=["r"], status="confirmed", computed_at=WHEN
        )
        old.get_model("competencies", "SchoolStat").objects.create(school=school, teachers=3, coverage="covered")
        old.get_model("competencies", "SchoolCompetencyStat").objects.create(
            school=school, competency=competency, level_sum=5, n5=1
        )
        old.get_model("competencies", "StatsPending").objects.create(school=school, marked_at=WHEN)
        # A group given a permission on a moved model (e.g. in the admin).
        framework_type = ContentType.objects.get(app_label="competencies", model="framework")
        permission = framework_type.permission_set.get(codename="change_framework")
        group = Group.objects.create(name="Référentiels")
        group.permissions.add(permission)
    finally:
        _migrate()
    ContentType.objects.clear_cache()

    # Read back through the new apps' models.
    competency = Competency.objects.select_related("framework", "domain").get()
    assert (competency.framework.slug, competency.domain.code, competency.code) == ("crcn-edu", "1", "1.1")
    assert Framework.objects.count() == Domain.objects.count() == 1
    assert Level.objects.get().label == "Expert"
    assert Evidence.objects.get().statement_id == statement_id
    assert CompetencyState.objects.get().level == 5
    assert LevelChange.objects.get().level == 5
    assert AmbassadorPolicy.objects.get().required_level == 5
    proposal = AmbassadorProposal.objects.get()
    assert (proposal.status, proposal.reasons, proposal.school.uai) == ("confirmed", ["r"], "0940001A")
    assert SchoolStat.objects.get().coverage == "covered"
    assert SchoolCompetencyStat.objects.get().n5 == 1
    assert StatsPending.objects.count() == 1
    # The content type moved with the model: the group's permission is on frameworks.Framework now.
    moved = Group.objects.get(name="Référentiels").permissions.get()
    assert (moved.content_type.app_label, moved.codename) == ("frameworks", "change_framework")
    assert not ContentType.objects.filter(app_label="competencies").exists()
