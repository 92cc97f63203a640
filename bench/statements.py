"""Realistic generated statements: teachers in schools taking aligned activities."""

import random
import uuid
from datetime import UTC, datetime, timedelta

VERBS = [
    "http://adlnet.gov/expapi/verbs/completed",
    "http://adlnet.gov/expapi/verbs/passed",
    "http://adlnet.gov/expapi/verbs/failed",
    "http://adlnet.gov/expapi/verbs/launched",
    "http://adlnet.gov/expapi/verbs/registered",
    "http://adlnet.gov/expapi/verbs/attended",
]
HOME = "https://relais.bench.example"


def actor(n: int) -> dict:
    return {"objectType": "Agent", "account": {"homePage": HOME, "name": str(uuid.UUID(int=n + 1))}}


def activity(n: int) -> str:
    return f"{HOME}/activites/modules/{n // 10}/{n}"


def course(n: int) -> str:
    return f"{HOME}/activites/parcours/{n // 100}"


def statement(rng: random.Random, *, teachers: int = 10_000, activities: int = 2_000, start=None) -> dict:
    start = start or datetime(2026, 1, 1, tzinfo=UTC)
    a = rng.randrange(activities)
    competency = f"{HOME}/competencies/crcn-edu/{rng.randint(1, 5)}.{rng.randint(1, 3)}"
    return {
        "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "actor": actor(rng.randrange(teachers)),
        "verb": {"id": rng.choice(VERBS), "display": {"fr-FR": "a terminé"}},
        "object": {
            "objectType": "Activity",
            "id": activity(a),
            "definition": {
                "name": {"fr-FR": f"Activité {a}"},
                "type": "http://adlnet.gov/expapi/activities/assessment",
            },
        },
        "result": {
            "score": {"scaled": round(rng.random(), 2)},
            "success": rng.random() < 0.8,
            "completion": True,
            "extensions": {f"{HOME}/competencies/extensions/niveau": f"{HOME}/competencies/crcn-edu/niveaux/3"},
        },
        "context": {
            "registration": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            "platform": "Relais",
            "language": "fr-FR",
            "contextActivities": {
                "parent": [{"id": f"{HOME}/activites/modules/{a // 10}", "objectType": "Activity"}],
                "grouping": [{"id": course(a), "objectType": "Activity"}],
                "category": [{"id": f"{HOME}/competencies/crcn-edu", "objectType": "Activity"}],
                "other": [
                    {
                        "id": competency,
                        "objectType": "Activity",
                        "definition": {"type": "http://adlnet.gov/expapi/activities/objective"},
                    }
                ],
            },
        },
        "timestamp": (start + timedelta(seconds=rng.randrange(300 * 86400))).isoformat().replace("+00:00", "Z"),
    }
