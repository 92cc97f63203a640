"""Shared builders of the competency tests (evidence, levels, ambassadors, maps): imported by test
modules instead of importing one test module from another."""

import random
import uuid
from datetime import UTC, datetime, timedelta

from django.utils import timezone

from ambassadors.models import AmbassadorProposal
from ambassadors.services import consent_set
from evidence.derive import MODULE_TYPE
from evidence.models import CompetencyState, CompletedModule, Evidence, LevelChange
from frameworks.alignment import certification_iri, statement_alignment
from frameworks.models import Competency
from lms.models import Academie, Departement, Membership, School, uai_is_valid
from maps.models import (
    DepartementActivityMonth,
    DepartementCompetencyStat,
    DepartementDomainMonth,
    DepartementStat,
    SchoolActivityMonth,
    SchoolCompetencyStat,
    SchoolDomainMonth,
    SchoolStat,
)
from tests.conftest import make_user
from xapi.services import statement_store

KINDS = ["ecole", "ecole", "college", "lycee"]
VERBS = ["passed", "completed", "attended", "failed", "experienced"]


def aligned(user, *, codes, level, verb="passed", success=True, framework="crcn-edu", actor=None):
    competencies = Competency.objects.filter(framework__slug=framework, code__in=codes).select_related("framework")
    context_activities, extensions = statement_alignment(competencies=competencies, level=level)
    result = {"success": success, "score": {"scaled": 0.9}, "extensions": extensions}
    return {
        "id": str(uuid.uuid4()),
        "actor": actor or user.xapi_actor(),
        "verb": {"id": f"http://adlnet.gov/expapi/verbs/{verb}"},
        "object": {"id": f"http://example.org/activities/{uuid.uuid4()}", "objectType": "Activity"},
        "context": {"contextActivities": context_activities},
        "result": result,
    }


def teacher_in(school, email, *, consent=True):
    user = make_user(email, first_name=email.split("@")[0].title())
    Membership.objects.create(user=user, school=school)
    if consent:
        consent_set(user=user, consented=True)
    return user


def expert(user, capture, *, codes=("3.1", "3.2", "2.1"), level=4, modules=1, days_ago=0):
    """Evidence that makes `user` meet the default policy (3 competencies at Avancé, 2 domains, 1 module)."""
    when = (datetime.now(UTC) - timedelta(days=days_ago)).isoformat()
    with capture(execute=True):
        for code in codes:
            statement_store(data={**aligned(user, codes=[code], level=level), "timestamp": when})
        for i in range(modules):
            statement_store(
                data={
                    "id": str(uuid.uuid4()),
                    "actor": user.xapi_actor(),
                    "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
                    "object": {
                        "id": f"http://127.0.0.1:8000/activites/modules/{i}",
                        "definition": {"type": "http://adlnet.gov/expapi/activities/module"},
                    },
                }
            )


def dump() -> dict:
    """Every aggregate table as comparable sets of rows."""
    tables = {}
    for model in (
        SchoolStat,
        SchoolCompetencyStat,
        SchoolDomainMonth,
        SchoolActivityMonth,
        DepartementStat,
        DepartementCompetencyStat,
        DepartementDomainMonth,
        DepartementActivityMonth,
    ):
        fields = [f.attname for f in model._meta.concrete_fields if f.attname != "id"]
        tables[model.__name__] = {tuple(row) for row in model.objects.values_list(*fields)}
    return tables


def month_of(dt):
    dt = dt.astimezone(UTC)
    return datetime(dt.year, dt.month, 1).date()


def build_territory(seed: int = 7, schools: int = 8, teachers: int = 7):
    """Two départements of one académie, schools of every kind and sector, teachers with a level history,
    module completions, attendances and ambassador proposals. Returns the schools."""
    rng = random.Random(seed)
    academie, _ = Academie.objects.get_or_create(code="25", defaults={"name": "Versailles"})
    deps = [
        Departement.objects.get_or_create(code=code, defaults={"name": name, "academie": academie})[0]
        for code, name in (("95", "Val-d'Oise"), ("78", "Yvelines"))
    ]
    competencies = list(Competency.objects.filter(framework__slug="crcn-edu"))
    now = timezone.now()
    result = []
    for i in range(schools):
        kind = KINDS[i % len(KINDS)]
        school = School.objects.create(
            uai=uai(i),
            name=f"Établissement {i}",
            kind=kind,
            sector="private" if i % 3 == 2 else "public",
            departement=deps[i % 2],
            circonscription_code=f"C{i % 2}" if kind == "ecole" else "",
            circonscription=f"Circonscription {i % 2}" if kind == "ecole" else "",
            bassin_code="" if kind == "ecole" else f"B{i % 2}",
            bassin="" if kind == "ecole" else f"Bassin {i % 2}",
            latitude=49.0 + i / 100,
            longitude=2.0 + i / 100,
        )
        result.append(school)
        for j in range(teachers):
            user = make_user(f"t{i}-{j}@example.fr")
            Membership.objects.create(user=user, school=school)
            for competency in rng.sample(competencies, 4):
                level, at = 0, now - timedelta(days=rng.randint(200, 700))
                for _step in range(rng.randint(1, 3)):
                    new = rng.randint(1, 5)
                    if new == level:
                        continue
                    LevelChange.objects.create(
                        user=user, competency=competency, previous=level, level=new, changed_at=at
                    )
                    level, at = new, min(at + timedelta(days=rng.randint(20, 190)), now - timedelta(hours=1))
                if level:
                    CompetencyState.objects.create(user=user, competency=competency, level=level, updated_at=now)
            for _k in range(rng.randint(0, 3)):
                CompletedModule.objects.create(
                    statement_id=uuid.uuid4(),
                    user=user,
                    activity_id=f"https://relais.example/module/{rng.randint(1, 4)}",
                    completed_at=now - timedelta(days=rng.randint(0, 400)),
                )
            for _k in range(rng.randint(0, 2)):
                statement = uuid.uuid4()
                for competency in rng.sample(competencies, 2):  # one statement, two competencies: counted once
                    Evidence.objects.create(
                        statement_id=statement,
                        user=user,
                        competency=competency,
                        level=2,
                        kind=Evidence.Kind.ATTENDANCE,
                        occurred_at=now - timedelta(days=rng.randint(0, 400)),
                    )
        members = list(Membership.objects.filter(school=school).values_list("user_id", flat=True))
        if i % 4 == 0:
            AmbassadorProposal.objects.create(
                school=school, user_id=members[0], score=1, status="confirmed", computed_at=now
            )
        elif i % 4 == 1:
            AmbassadorProposal.objects.create(school=school, user_id=members[0], score=1, computed_at=now)
    return result


def generated_history(rng: random.Random, users, competencies, n: int) -> list[dict]:
    start = datetime(2024, 1, 1, tzinfo=UTC)
    history = []
    for _ in range(n):
        framework = rng.choice(["crcn", "crcn-edu"])
        chosen = rng.sample(competencies[framework], rng.randint(1, 3))
        level = rng.randint(1, 8 if framework == "crcn" else 5)
        context_activities, extensions = statement_alignment(competencies=chosen, level=level)
        verb = rng.choice(VERBS)
        result = {"extensions": extensions}
        if rng.random() < 0.5:
            result["score"] = {"scaled": round(rng.random(), 2)}
        if rng.random() < 0.1:
            result["success"] = False
        context = {"contextActivities": context_activities}
        activity = {"id": f"http://example.org/activities/{rng.randrange(300)}"}
        if verb == "completed" and rng.random() < 0.5:
            activity = {
                "id": f"http://example.org/modules/{rng.randrange(40)}",
                "definition": {"type": MODULE_TYPE},
            }
        if rng.random() < 0.1:
            context["instructor"] = {"mbox": "mailto:formatrice@example.fr"}
        if rng.random() < 0.05:
            context_activities.setdefault("category", []).append({"id": certification_iri()})
        history.append(
            {
                "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                "actor": rng.choice(users).xapi_actor(),
                "verb": {"id": f"http://adlnet.gov/expapi/verbs/{verb}"},
                "object": activity,
                "context": context,
                "result": result,
                "timestamp": (start + timedelta(days=rng.randrange(1000))).isoformat(),
            }
        )
    # Void about 2 % of them, later in the history.
    for target in rng.sample(history, n // 50):
        history.append(
            {
                "actor": {"mbox": "mailto:formatrice@example.fr"},
                "verb": {"id": "http://adlnet.gov/expapi/verbs/voided"},
                "object": {"objectType": "StatementRef", "id": target["id"]},
            }
        )
    return history


def uai(n: int) -> str:
    base = f"{9510000 + n:07d}"
    letters = "ABCDEFGHJKLMNPRSTUVWXYZ"
    value = base + letters[int(base) % 23]
    assert uai_is_valid(value)
    return value
