"""The evaluation pages on generated data: the refresh of the derived tables, then each page's time.

A database of its own (`relais_bench_evaluation`): départements, schools and teachers; courses
described through the same outline registry `courses` uses (no Wagtail pages needed: the pages are
read by a national administrator); the statements a course produces (registered, launched, completed,
answered, passed, registered/attended a session, with durations) written straight into the statement
table; evidence in the targeted competencies. `evaluation_refresh` is timed, then every page and
export with Django's test client, in process (server-side time only), p50 / p95.
"""

import random
import statistics
import time
import uuid
from datetime import UTC, datetime, timedelta

from . import harness

DB_NAME = "relais_bench_evaluation"
TARGET_MS = 300
ADL = "http://adlnet.gov/expapi/verbs/"
HOME = "https://relais.example"


def _outlines(n_courses: int, competency_ids: list[int]):
    from evaluation.outline import ActivityOutline, CourseOutline, ModuleOutline, QuestionOutline

    outlines = []
    for c in range(n_courses):
        course_iri = f"{HOME}/activites/parcours/{c + 1}"
        modules = []
        for m in range(3):
            module_iri = f"{HOME}/activites/modules/{c * 10 + m + 1}"
            activities = [ActivityOutline(f"{module_iri}/step-{a}", f"Étape {a}", "content_step") for a in range(3)]
            questions = tuple(
                QuestionOutline(f"{module_iri}/quiz/questions/{q + 1}", f"Question {q + 1}", ("A", "B", "C"), (0,))
                for q in range(5)
            )
            activities.append(ActivityOutline(f"{module_iri}/quiz", "Quiz", "quiz", questions))
            activities.append(ActivityOutline(f"{module_iri}/session", "Atelier", "in_person_session"))
            modules.append(ModuleOutline(100000 + c * 10 + m, module_iri, f"Module {c + 1}.{m + 1}", tuple(activities)))
        outlines.append(
            CourseOutline(
                page_id=90000 + c,
                iri=course_iri,
                title=f"Parcours {c + 1}",
                modules=tuple(modules),
                competency_ids=tuple(random.sample(competency_ids, 2)),
                co_designers=("Réseau Canopé",),
            )
        )
    return outlines


def generate(*, teachers: int, n_courses: int) -> dict:
    from django.conf import settings
    from django.contrib.auth import get_user_model

    from evaluation.outline import outline_provider_register
    from evidence.models import Evidence
    from frameworks.models import Competency
    from frameworks.services import frameworks_load_shipped
    from lms.models import Academie, Departement, Membership, School
    from xapi.models import Statement
    from xapi.services import default_authority

    random.seed(18)
    settings.RELAIS_BASE_URL = HOME
    frameworks_load_shipped()
    competency_ids = list(Competency.objects.filter(framework__slug="crcn-edu").values_list("pk", flat=True))
    outlines = _outlines(n_courses, competency_ids)
    outline_provider_register(lambda: outlines)
    academie = Academie.objects.create(code="25", name="Versailles")
    deps = [
        Departement.objects.create(code=code, name=name, academie=academie, is_tne=tne)
        for code, name, tne in (("95", "Val-d'Oise", True), ("78", "Yvelines", False), ("92", "Hauts-de-Seine", False))
    ]
    schools = [
        School.objects.create(uai=f"09{i:05d}X", name=f"École {i}", kind="ecole", departement=deps[i % 3])
        for i in range(max(teachers // 10, 3))
    ]
    users = get_user_model().objects.bulk_create(
        [get_user_model()(email=f"t{i}@bench.relais.test") for i in range(teachers)], batch_size=2000
    )
    Membership.objects.bulk_create([Membership(user=u, school=random.choice(schools)) for u in users], batch_size=2000)
    get_user_model().objects.create_superuser(email="admin@bench.relais.test", password="bench-only")
    start = datetime(2025, 9, 1, tzinfo=UTC)
    authority = default_authority()
    statements, evidence = [], []

    def say(user, verb, iri, when, result=None):
        statements.append(
            Statement(
                id=uuid.uuid4(),
                stored=when,
                timestamp=when,
                actor_key=f"account:{HOME}|{user.xapi_uuid}",
                verb_id=ADL + verb,
                object_activity_id=iri,
                authority=authority,  # Relais itself: trusted (evidence.trust)
                payload={"result": result} if result else {},
            )
        )

    for user in users:
        for outline in random.sample(outlines, 2):
            when = start + timedelta(days=random.randint(0, 200))
            say(user, "registered", outline.iri, when)
            finished = True
            for module in outline.modules:
                if random.random() < 0.25:
                    finished = False
                    break
                say(user, "launched", module.iri, when)
                for activity in module.activities:
                    when += timedelta(hours=1)
                    if activity.kind == "quiz":
                        for q in activity.questions:
                            choice = random.choice((0, 0, 1, 2))
                            say(user, "answered", q.iri, when, {"response": str(choice), "success": choice == 0})
                        say(user, "passed", activity.iri, when)
                    elif activity.kind == "in_person_session":
                        say(user, "registered", activity.iri, when)
                        if random.random() < 0.8:
                            say(user, "attended", activity.iri, when)
                    else:
                        say(user, "completed", activity.iri, when, {"duration": f"PT{random.randint(5, 40)}M"})
                say(user, "completed", module.iri, when)
            if finished:
                say(user, "completed", outline.iri, when)
        for competency in random.sample(competency_ids, 4):
            for _i in range(3):
                evidence.append(
                    Evidence(
                        statement_id=uuid.uuid4(),
                        user=user,
                        competency_id=competency,
                        level=random.randint(1, 5),
                        kind=random.choice(("assessment", "completion", "certified")),
                        occurred_at=start + timedelta(days=random.randint(-200, 300)),
                    )
                )
    Statement.objects.bulk_create(statements, batch_size=5000)
    Evidence.objects.bulk_create(evidence, batch_size=5000)
    return {"statements": len(statements), "evidence": len(evidence)}


def _time(client, path: str, *, warmup: int, samples: int) -> list[float]:
    for _i in range(warmup):
        response = client.get(path, secure=True)  # as behind the HTTPS proxy: no redirect
        if response.status_code != 200:
            raise RuntimeError(f"{path}: HTTP {response.status_code}")
    timings = []
    for _i in range(samples):
        start = time.perf_counter()
        response = client.get(path, secure=True)  # as behind the HTTPS proxy: no redirect
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    return timings


def run(*, quick: bool) -> list[tuple[str, str, str, str]]:
    teachers, n_courses = (600, 10) if quick else (20000, 60)
    harness.django_setup(harness.database_recreate(DB_NAME))
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client, override_settings

    from evaluation.models import Course
    from evaluation.refresh import evaluation_refresh

    sizes = generate(teachers=teachers, n_courses=n_courses)
    start = time.perf_counter()
    evaluation_refresh()
    refresh = time.perf_counter() - start
    rows = [
        (
            "evaluation: generated data",
            f"{teachers:,} teachers, {n_courses} courses, {sizes['statements']:,} statements",
            "—",
            "",
        ),
        ("evaluation: evaluation_refresh (every table)", f"{refresh:.1f} s", "—", ""),
    ]
    course = Course.objects.order_by("pk").first()
    cases = [
        ("home", "/evaluation/"),
        ("course page", f"/evaluation/parcours/{course.page_id}/"),
        ("course export CSV (item analysis)", f"/evaluation/parcours/{course.page_id}/?export=csv&tableau=questions"),
        ("territories", "/evaluation/territoires/"),
        ("territories, two compared", "/evaluation/territoires/?comparer=95&comparer=78"),
        ("evaluators' export CSV, one course", f"/evaluation/export/?format=csv&parcours={course.pk}"),
    ]
    client = Client()
    client.force_login(get_user_model().objects.get(email="admin@bench.relais.test"))
    warmup, samples = (1, 5) if quick else (2, 15)
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"], STORAGES=storages):
        for name, path in cases:
            timings = _time(client, path, warmup=warmup, samples=samples)
            p50, p95 = statistics.median(timings), harness.percentile(timings, 0.95)
            rows.append(
                (
                    f"evaluation: {name}",
                    f"{p50:.0f} / {p95:.0f} ms (p50 / p95)",
                    f"≤ {TARGET_MS} ms",
                    "yes" if p95 <= TARGET_MS else "NO",
                )
            )
    return rows


if __name__ == "__main__":
    import argparse
    import json

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    result = run(quick=args.quick)
    harness.print_table(result)
    print(json.dumps(result, ensure_ascii=False))
