"""National scale: 850,000 teachers in 58,000 schools with 5 million statements (DEPP 2024 sizes).

`generate` fills a PostgreSQL database as a whole country would: the 30 académies and 101
départements (overseas included), schools with their kind, sector, circonscription or bassin and
coordinates, teachers with their school and (40 %) ambassador consent, managers, and statements as
the LRS stores them (through `xapi.services._prepare` and `xapi.bulk`, so the rows, hashes and
index rows are the real ones), aligned to CRCN and CRCN Édu as Relais and other systems send them.
The statements are teachers' histories like a TNE's (`histories`): several modules each, each
module aligned to a few competencies, so that levels are many per teacher (about 2.75 per teacher,
some 2.3 million at full scale; issue #20 asks at least 2 million).

`run` then measures what issue #6 asks: the full rebuild of evidence and levels, the incremental
update per new statement, and the ambassador pass over every school. `ensure` gives other
benchmarks (the dashboards) the same database with its derived tables built.

The database is kept between runs (`relais_bench_national[_<scale>]`), keyed by scale, so that a
second `make bench` does not generate 5 M statements again; `--regenerate` forces it.
"""

import fcntl
import itertools
import json
import math
import random
import statistics
import time
import uuid
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from . import harness

# Kept in the database's state: a database made by another version of the generator is made again.
GENERATOR = 2  # 2: TNE-like histories (issue #20)
FULL = {"schools": 58_000, "teachers": 850_000, "statements": 5_000_000}
# DEPP 2024: 47,790 écoles, 6,980 collèges, 3,700 lycées (about a quarter of them professional).
KINDS = [("ecole", 0.817), ("college", 0.119), ("lycee", 0.048), ("lp", 0.016)]
# Teachers per school, relative (écoles are small, lycées large).
SIZE = {"ecole": 7.0, "college": 40.0, "lycee": 75.0, "lp": 45.0}
# Schools in the largest real département (Nord, about 2,500): a Pareto draw alone gave one
# département 6,400 schools, more than any has.
LARGEST_DEPARTEMENT = 2_500
PRIVATE_SHARE = 0.16
CONSENT_SHARE = 0.4
EXPERT_SHARE = 0.05
HOME_VERBS = "http://adlnet.gov/expapi/verbs/"
MODULE_TYPE = "http://adlnet.gov/expapi/activities/module"
# Histories like a TNE's (Territoires numériques éducatifs): teachers follow several modules, each
# aligned to a few competencies of one framework; the store's statements are spent module by module.
MODULE_COUNT = 400
MODULES_MEAN = 3.0
MODULES_MAX = 12
MODULE_COMPETENCIES = (4, 5, 5, 6)
PASS_SHARE = 0.85
SESSION_SHARE = 0.2
HISTORY_DAYS = 3 * 365
# Issue #20: at least 2 million levels (CompetencyState rows) for the 850,000 teachers.
LEVELS_FULL_MIN = 2_000_000
LEVELS_PER_TEACHER_MIN = LEVELS_FULL_MIN / FULL["teachers"]
LEVEL_WEIGHTS = {"crcn-edu": [30, 30, 20, 14, 6], "crcn": [15, 25, 25, 15, 10, 6, 3, 1]}


def database_name(scale: float) -> str:
    return "relais_bench_national" if scale == 1.0 else f"relais_bench_national_{round(scale * 10000)}"


@contextmanager
def _lock(name: str):
    with open(f"/tmp/{name}.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _meta(url: str) -> dict:
    import psycopg

    try:
        with psycopg.connect(url.replace("postgres://", "postgresql://")) as conn:
            row = conn.execute("SELECT value FROM bench_national WHERE key = 'state'").fetchone()
            return json.loads(row[0]) if row else {}
    except psycopg.Error:
        return {}


def _meta_set(state: dict) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_national (key text PRIMARY KEY, value text)")
        cursor.execute(
            "INSERT INTO bench_national VALUES ('state', %s) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [json.dumps(state)],
        )


def sizes(scale: float) -> dict[str, int]:
    return {key: max(50, round(value * scale)) for key, value in FULL.items()}


def ensure(scale: float = 1.0, *, derived: bool = True, regenerate: bool = False) -> str:
    """The DATABASE_URL of the national database at `scale`, generated if needed, Django set up on it.

    With `derived`, evidence, levels (history dated by the evidence) and proposals are built too.
    """
    name = database_name(scale)
    url = harness.database_url(name)
    with _lock(name):
        state = _generated(name, scale, regenerate=regenerate)
        if derived and not state.get("derived"):
            derive_all()
            state["derived"] = True
            _meta_set(state)
    return url


def _generated(name: str, scale: float, *, regenerate: bool) -> dict:
    """Django set up on the national database, generated first unless it is there at this scale."""
    url = harness.database_url(name)
    state = {} if regenerate else _meta(url)
    if state.get("scale") == scale and state.get("generated") and state.get("generator") == GENERATOR:
        harness.django_setup(url)
        return state
    harness.database_recreate(name)
    harness.django_setup(url)
    return generate(scale)


def derive_all() -> dict[str, float]:
    """Rebuild, date the level history by its evidence, propose ambassadors; times in seconds."""
    from ambassadors.services import ambassadors_propose
    from evidence.services import competencies_rebuild
    from maps.stats import stats_refresh

    timings = {}
    start = time.perf_counter()
    competencies_rebuild(stats=False)
    timings["rebuild"] = time.perf_counter() - start
    history_backdate()
    stats_refresh(None)
    start = time.perf_counter()
    ambassadors_propose()
    timings["ambassadors"] = time.perf_counter() - start
    _analyze()
    return timings


def history_backdate() -> None:
    """The rebuild dates every level change today; date it by the evidence instead, so that the
    dashboards' progress over time has a history to show (benchmark data only)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE competencies_levelchange lc SET changed_at = s.evidence_at"
            " FROM competencies_competencystate s"
            " WHERE s.user_id = lc.user_id AND s.competency_id = lc.competency_id AND s.evidence_at IS NOT NULL"
        )
    # The update leaves a dead copy of every change: gone, as the rebuild leaves its own tables.
    from evidence.models import LevelChange
    from lms.bulk import tables_vacuum

    tables_vacuum([LevelChange])


def _analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _log(message: str) -> None:
    import sys

    print(f"[national {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- generation -------------------------------------------------------------------------------


def generate(scale: float, *, seed: int = 58) -> dict:
    from django.core.management import call_command

    rng = random.Random(seed)
    n = sizes(scale)
    _log(f"generating {n}")
    call_command("load_territories", verbosity=0)
    call_command("load_frameworks", verbosity=0)
    schools = _schools(rng, n["schools"])
    _log(f"{len(schools)} schools")
    teachers = _teachers(rng, schools, n["teachers"])
    _log(f"{len(teachers)} teachers")
    _managers()
    started = time.perf_counter()
    _statements(rng, teachers, n["statements"])
    _log(f"{n['statements']} statements in {time.perf_counter() - started:.0f} s")
    _analyze()
    state = {"scale": scale, "generated": True, "derived": False, "generator": GENERATOR, **n}
    _meta_set(state)
    return state


def _copy(table: str, columns: tuple[str, ...], rows) -> None:
    from django.db import connection

    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _centres() -> dict[str, tuple[float, float, float, float]]:
    """Each département's bounding box (lon min, lat min, lon max, lat max) from the shipped GeoJSON."""
    from django.conf import settings

    path = settings.BASE_DIR / "lms" / "data" / "departements.geojson"
    boxes = {}
    for feature in json.loads(path.read_text(encoding="utf-8"))["features"]:
        points = list(_points(feature["geometry"]["coordinates"]))
        lons, lats = [p[0] for p in points], [p[1] for p in points]
        boxes[feature["properties"]["code"]] = (min(lons), min(lats), max(lons), max(lats))
    return boxes


def _points(node):
    if node and isinstance(node[0], (int, float)):
        yield node
    else:
        for child in node:
            yield from _points(child)


def _uai(number: int) -> str:
    from lms.models import UAI_LETTERS

    return f"{number:07d}{UAI_LETTERS[number % 23]}"


def _capped(weights: list[float], share: float) -> list[float]:
    """`weights` with none above `share` of their total (the total taken after capping)."""
    for _ in range(50):
        ceiling = share * sum(weights)
        if max(weights) <= ceiling * 1.0001:
            break
        weights = [min(weight, ceiling) for weight in weights]
    return weights


def _schools(rng: random.Random, count: int) -> list[tuple[int, str]]:
    """Schools spread over the départements (weights drawn once, like real populations); [(id, kind)]."""
    from lms.models import Departement, School

    departements = list(Departement.objects.order_by("code"))
    boxes = _centres()
    weights = _capped([rng.paretovariate(1.6) for _ in departements], LARGEST_DEPARTEMENT / FULL["schools"])
    kinds, kind_weights = zip(*KINDS, strict=True)
    rows = []
    circonscription_seq: dict[str, int] = {}
    bassin_seq: dict[str, int] = {}
    chosen = rng.choices(departements, weights=weights, k=count - len(departements)) + departements
    for number, departement in enumerate(chosen, start=1):
        kind = rng.choices(kinds, weights=kind_weights)[0]
        lon_min, lat_min, lon_max, lat_max = boxes.get(departement.code, (2.0, 46.0, 3.0, 47.0))
        # Inside the middle of the box: most are within the département's outline.
        lon = lon_min + (lon_max - lon_min) * (0.2 + 0.6 * rng.random())
        lat = lat_min + (lat_max - lat_min) * (0.2 + 0.6 * rng.random())
        sector = "private" if rng.random() < PRIVATE_SHARE else "public"
        circonscription_code = circonscription = bassin_code = bassin = ""
        if kind == "ecole":
            k = circonscription_seq[departement.code] = circonscription_seq.get(departement.code, 0) + 1
            circ = (k - 1) // 40 + 1
            circonscription_code = f"{departement.code}C{circ:03d}"
            circonscription = f"Circonscription {departement.code}-{circ}"
        else:
            k = bassin_seq[departement.code] = bassin_seq.get(departement.code, 0) + 1
            bas = (k - 1) // 12 + 1
            bassin_code = f"{departement.code}B{bas:03d}"
            bassin = f"Bassin {departement.code}-{bas}"
        label = dict(School.Kind.choices)[kind]
        rows.append(
            (
                _uai(number),
                f"{label} {number}",
                kind,
                sector,
                departement.pk,
                "",
                f"Commune {departement.code}-{number % 300}",
                round(lat, 5),
                round(lon, 5),
                circonscription_code,
                circonscription,
                bassin_code,
                bassin,
                True,
            )
        )
    _copy(
        "lms_school",
        (
            "uai", "name", "kind", "sector", "departement_id", "commune_code", "commune", "latitude", "longitude",
            "circonscription_code", "circonscription", "bassin_code", "bassin", "is_open",
        ),
        rows,
    )  # fmt: skip
    return list(School.objects.order_by("pk").values_list("pk", "kind"))


def _teachers(rng: random.Random, schools: list[tuple[int, str]], count: int) -> list[tuple[int, str]]:
    """Teachers with one school each and a pseudonymous xAPI id; [(user id, xapi uuid text)]."""
    from django.utils import timezone

    from lms.models import User

    total = sum(SIZE[kind] for _, kind in schools)
    assignments: list[int] = []
    for school_id, kind in schools:
        expected = SIZE[kind] * count / total
        assignments += [school_id] * max(1, int(expected + rng.random()))
    rng.shuffle(assignments)
    assignments = (assignments + [sid for sid, _ in rng.choices(schools, k=max(0, count - len(assignments)))])[:count]
    now = timezone.now()
    uuids = [str(uuid.UUID(int=rng.getrandbits(128), version=4)) for _ in range(count)]
    _copy(
        "lms_user",
        (
            "password", "email", "first_name", "last_name", "role", "xapi_uuid", "is_staff", "is_active",
            "is_superuser", "date_joined", "language",
        ),
        (
            ("!", f"enseignant{i}@bench.relais.test", "", "", "teacher", uuids[i], False, True, False, now, "")
            for i in range(count)
        ),
    )  # fmt: skip
    ids = list(User.objects.filter(role="teacher").order_by("pk").values_list("pk", flat=True))
    _copy("lms_membership", ("user_id", "school_id", "role"), zip(ids, assignments, ["teacher"] * count, strict=True))
    _copy(
        "competencies_ambassadorconsent",
        ("user_id", "consented", "changed_at"),
        ((user_id, True, now) for user_id in ids if rng.random() < CONSENT_SHARE),
    )
    return list(zip(ids, uuids, strict=True))


def _managers() -> None:
    """A manager per académie and per département, a national admin (see the e-mail addresses)."""
    from lms.models import Academie, Departement, User

    managers = [
        User(email=f"gestion-academie-{a.code}@bench.relais.test", role="manager", scope_academie=a)
        for a in Academie.objects.all()
    ] + [
        User(email=f"gestion-dep-{d.code}@bench.relais.test", role="manager", scope_departement=d)
        for d in Departement.objects.all()
    ]
    managers.append(User(email="admin@bench.relais.test", role="admin", is_staff=True, is_superuser=True))
    for user in managers:
        user.set_unusable_password()  # the benchmarks log in with force_login
    User.objects.bulk_create(managers)


def _statements(rng: random.Random, teachers: list[tuple[int, str]], count: int, *, workers: int = 2) -> None:
    """Statements through the store's own row builder, COPY'd in batches by `workers` processes;
    secondary indexes are dropped during the load and built again after it, as a bulk load into
    PostgreSQL should."""
    import multiprocessing

    from django.db import connection, connections

    tables = ("xapi_statement", "xapi_statementagent", "xapi_statementactivity")
    dropped = _indexes_drop(tables)
    seeds = [rng.getrandbits(32) for _ in range(workers)]
    shares = [count // workers + (1 if i < count % workers else 0) for i in range(workers)]
    connections.close_all()
    context = multiprocessing.get_context("fork")
    try:
        processes = [
            context.Process(target=_statements_fill, args=(seeds[i], teachers, shares[i], i)) for i in range(workers)
        ]
        for process in processes:
            process.start()
        for process in processes:
            process.join()
        if any(process.exitcode for process in processes):
            raise RuntimeError("a statement generator process failed")
    finally:
        _log("building indexes again")
        with connection.cursor() as cursor:
            for definition in dropped:
                cursor.execute(definition)


def _statements_fill(seed: int, teachers: list[tuple[int, str]], count: int, worker: int, batch: int = 5000) -> None:
    from django.conf import settings
    from django.db import transaction

    from lms.progress import Progress
    from xapi.bulk import activity_rows_insert, agent_rows_insert, statements_insert
    from xapi.services import _prepare, default_authority

    authority = default_authority()
    stream = histories(
        random.Random(seed),
        teachers,
        count,
        competencies=framework_iris(),
        base=settings.RELAIS_BASE_URL,
        competency_base=settings.RELAIS_COMPETENCY_BASE_IRI,
        now=datetime.now(tz=UTC),
    )
    # The workers share the work evenly: the first one's progress is the whole generation's.
    with Progress(total=count, label=f"statements (worker {worker})", enabled=worker == 0) as progress:
        while True:
            pending = []
            stored = datetime.now(tz=UTC)
            for index, data in enumerate(itertools.islice(stream, batch)):
                pending.append(
                    _prepare(data, index=index, authority=authority, stored=stored + timedelta(microseconds=index))
                )
            if not pending:
                break
            with transaction.atomic():
                statements_insert([p.statement for p in pending])
                agent_rows_insert(
                    [(p.statement.id, p.statement.stored, key, rel) for p in pending for key, rel in p.agents]
                )
                activity_rows_insert(
                    [(p.statement.id, p.statement.stored, aid, rel) for p in pending for aid, rel in p.activities]
                )
            progress.advance(len(pending))


def framework_iris() -> dict[str, list[str]]:
    """The competencies' IRIs of each framework the generator aligns to, in code order."""
    from frameworks.models import Competency

    return {
        slug: list(Competency.objects.filter(framework__slug=slug).order_by("code").values_list("iri", flat=True))
        for slug in LEVEL_WEIGHTS
    }


def module_plan(module: int, competencies: dict[str, list[str]]) -> tuple[str, list[str]]:
    """The framework and the competencies one training module is aligned to (the same on every run)."""
    plan = random.Random(module * 7919 + 1)
    slug = "crcn-edu" if plan.random() < 0.6 else "crcn"
    return slug, plan.sample(competencies[slug], min(len(competencies[slug]), plan.choice(MODULE_COMPETENCIES)))


def histories(
    rng: random.Random,
    teachers: list[tuple[int, str]],
    count: int,
    *,
    competencies: dict[str, list[str]],
    base: str,
    competency_base: str,
    now: datetime,
):
    """Exactly `count` statements, as a TNE's teachers leave them: teacher after teacher (in a seeded
    order), each following several modules (`MODULES_MEAN`, experts twice as many and more recent),
    each module a short history (launched, progressed, a task done, an assessment passed or failed,
    the module completed, sometimes a session attended, terminated) whose evidence names the
    module's competencies. When every teacher has a history and statements remain, teachers take
    more modules."""
    plans = {}
    order = list(teachers)
    rng.shuffle(order)
    produced = 0
    while True:
        for user_id, actor_uuid in order:
            expert = random.Random(user_id * 7).random() < EXPERT_SHARE
            modules = 1 + min(MODULES_MAX, int(rng.expovariate(1 / (MODULES_MEAN - 1))))
            for _ in range(modules * (2 if expert else 1)):
                module = rng.randrange(MODULE_COUNT)
                if module not in plans:
                    plans[module] = module_plan(module, competencies)
                for data in _module_history(
                    rng,
                    actor_uuid=actor_uuid,
                    module=module,
                    plan=plans[module],
                    base=base,
                    competency_base=competency_base,
                    now=now,
                    expert=expert,
                ):
                    yield data
                    produced += 1
                    if produced >= count:
                        return


def _module_history(rng, *, actor_uuid, module, plan, base, competency_base, now, expert):
    """The statements of one teacher following one module, over a few weeks."""
    slug, chosen = plan
    # TNE: three years of training, more of it recent; experts' evidence is recent, so their levels hold.
    age = HISTORY_DAYS * rng.random() ** 2 * (0.3 if expert else 1.0)
    start = now - timedelta(days=age)
    weights = LEVEL_WEIGHTS[slug]
    level = rng.choice((4, 4, 5)) if expert else rng.choices(range(1, len(weights) + 1), weights=weights)[0]
    passed = expert or rng.random() < PASS_SHARE
    steps = [("launched", None), ("initialized", None)]
    steps += [("progressed", None)] * rng.choice((0, 1, 1, 2))
    steps.append(("completed", "task"))
    steps.append(("passed" if passed else "failed", "assessment"))
    if passed:
        steps.append(("completed", "module"))
    if rng.random() < SESSION_SHARE:
        steps.append(("attended", "session"))
    if rng.random() < 0.5:
        steps.append(("terminated", None))
    at = start
    for verb, shape in steps:
        yield _statement(
            rng,
            actor_uuid=actor_uuid,
            verb=verb,
            shape=shape,
            base=base,
            competency_base=competency_base,
            competencies=None,
            timestamp=min(at, now),
            module=module,
            plan=(slug, chosen),
            level=level,
        )
        at += timedelta(hours=rng.uniform(1, 24 * 4))


def _indexes_drop(tables: tuple[str, ...]) -> list[str]:
    """Drop the secondary indexes of `tables` (not those behind a primary key or a unique constraint)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i"
            " WHERE i.tablename = ANY(%s) AND NOT EXISTS ("
            "   SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
            [list(tables)],
        )
        found = cursor.fetchall()
        for name, _definition in found:
            cursor.execute(f'DROP INDEX "{name}"')
    return [definition for _name, definition in found]


def _statement(
    rng,
    *,
    actor_uuid,
    verb,
    shape,
    base,
    competency_base,
    competencies,
    timestamp,
    expert=False,
    module=None,
    plan=None,
    level=None,
) -> dict:
    """One statement; `module`, `plan` (framework slug, competency IRIs) and `level` fix what a
    module's history repeats, else they are drawn."""
    data = {
        "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "actor": {"objectType": "Agent", "account": {"homePage": base, "name": actor_uuid}},
        "verb": {"id": HOME_VERBS + verb, "display": {"fr-FR": verb}},
        "timestamp": timestamp.isoformat().replace("+00:00", "Z"),
        "context": {"platform": "Relais", "language": "fr-FR"},
    }
    if module is None:
        module = rng.randrange(MODULE_COUNT)
    if shape == "module" or shape is None:
        data["object"] = {
            "objectType": "Activity",
            "id": f"{base}/formations/modules/{module}",
            "definition": {"name": {"fr-FR": f"Module {module}"}, "type": MODULE_TYPE},
        }
    else:
        activity = module * 10 + rng.randrange(10)
        data["object"] = {
            "objectType": "Activity",
            "id": f"{base}/formations/modules/{module}/activites/{activity}",
            "definition": {
                "name": {"fr-FR": f"Activité {activity}"},
                "type": "http://adlnet.gov/expapi/activities/"
                + {"assessment": "assessment", "task": "interaction", "session": "meeting"}[shape],
            },
        }
    data["context"]["registration"] = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    data["context"]["contextActivities"] = {
        "parent": [{"objectType": "Activity", "id": f"{base}/formations/modules/{module}"}],
        "grouping": [{"objectType": "Activity", "id": f"{base}/formations/parcours/{module // 8}"}],
    }
    if shape is None:
        return data
    if plan is None:
        slug = "crcn-edu" if expert or rng.random() < 0.6 else "crcn"
        chosen = rng.sample(competencies[slug], rng.choice((1, 1, 2, 3)))
    else:
        slug, chosen = plan
    if level is None:
        level = rng.choices(range(1, len(LEVEL_WEIGHTS[slug]) + 1), weights=LEVEL_WEIGHTS[slug])[0]
        if expert:
            level = rng.choice((4, 4, 5))
    data["context"]["contextActivities"]["category"] = [{"objectType": "Activity", "id": f"{competency_base}/{slug}"}]
    data["context"]["contextActivities"]["other"] = [
        {
            "objectType": "Activity",
            "id": iri,
            "definition": {"type": "http://adlnet.gov/expapi/activities/objective"},
        }
        for iri in chosen
    ]
    result = {"extensions": {f"{competency_base}/extensions/niveau": f"{competency_base}/{slug}/niveaux/{level}"}}
    if shape == "assessment":
        scaled = round(rng.uniform(0.6, 1.0) if verb == "passed" else rng.uniform(0.0, 0.5), 2)
        result.update({"score": {"scaled": scaled}, "success": verb == "passed", "completion": True})
    elif shape == "task":
        result["completion"] = True
        if rng.random() < 0.3:
            data["context"]["instructor"] = {
                "objectType": "Agent",
                "account": {"homePage": base, "name": "formateur-" + str(rng.randrange(2000))},
            }
    elif shape == "module":
        result["completion"] = True
    data["result"] = result
    return data


# --- measures ---------------------------------------------------------------------------------


def incremental(rng: random.Random, *, samples: int) -> list[float]:
    """Milliseconds of `statements_process` for one new statement each (evidence, levels, proposals)."""
    from django.conf import settings
    from django.db import transaction

    from evidence.services import statements_process
    from frameworks.models import Competency
    from lms.models import Membership
    from xapi.services import statement_store
    from xapi.signals import statement_stored

    statement_stored.disconnect(dispatch_uid="competencies.statement_stored")
    consenting = list(
        Membership.objects.filter(user__ambassador_consent__consented=True)
        .order_by("?")
        .values_list("user__xapi_uuid", flat=True)[:samples]
    )
    competencies = {
        slug: list(Competency.objects.filter(framework__slug=slug).order_by("code").values_list("iri", flat=True))
        for slug in LEVEL_WEIGHTS
    }
    timings = []
    for actor_uuid in consenting:
        data = _statement(
            rng,
            actor_uuid=str(actor_uuid),
            verb="passed",
            shape="assessment",
            base=settings.RELAIS_BASE_URL,
            competency_base=settings.RELAIS_COMPETENCY_BASE_IRI,
            competencies=competencies,
            timestamp=datetime.now(tz=UTC),
        )
        data["id"] = str(uuid.uuid4())  # new on every run: the database is kept between runs
        with transaction.atomic():
            stored = statement_store(data=data)
        start = time.perf_counter()
        statements_process(statement_ids=[str(stored.pk)])
        timings.append((time.perf_counter() - start) * 1000)
    return timings


PG_SETTINGS = (
    "autovacuum",
    "random_page_cost",
    "shared_buffers",
    "work_mem",
    "effective_cache_size",
    "max_parallel_workers_per_gather",
    "synchronous_commit",
)


def postgres_settings() -> dict[str, str]:
    """The PostgreSQL settings the figures were measured with (issue #20), as SHOW gives them."""
    from django.db import connection

    found = {}
    with connection.cursor() as cursor:
        for name in PG_SETTINGS:
            cursor.execute(f"SHOW {name}")
            found[name] = cursor.fetchone()[0]
        cursor.execute("SHOW server_version")
        found["server_version"] = cursor.fetchone()[0]
    return found


def settings_row(prefix: str = "") -> tuple[str, str, str, str]:
    shown = ", ".join(f"{k}={v}" for k, v in postgres_settings().items())
    return (f"{prefix}PostgreSQL settings", shown, "—", "")


def run(
    *, quick: bool = False, regenerate: bool = False, scale: float | None = None, figures: dict | None = None
) -> list[tuple[str, str, str, str]]:
    """`scale` overrides the size (default 0.01 with `quick`, else 1); `figures`, when given, receives
    the measures as numbers (for `bench.scaling`)."""
    scale = scale if scale is not None else (0.01 if quick else 1.0)
    figures = {} if figures is None else figures
    n = sizes(scale)
    name = database_name(scale)
    with _lock(name):
        state = _generated(name, scale, regenerate=regenerate)
        from django.db.models import Count

        from ambassadors.models import AmbassadorProposal
        from ambassadors.services import ambassadors_propose
        from evidence.models import CompetencyState, Evidence
        from evidence.services import competencies_rebuild, levels_refresh
        from maps.stats import stats_refresh

        _log("rebuild")
        phases: dict[str, float] = {}
        clock = {"name": None, "at": 0.0}

        def phase(name: str) -> None:
            now = time.perf_counter()
            if clock["name"]:
                phases[clock["name"]] = now - clock["at"]
            clock.update(name=name, at=now)
            _log(f"rebuild: {name}")

        start = time.perf_counter()
        competencies_rebuild(stats=False, phase=phase)
        rebuild = time.perf_counter() - start
        phases[clock["name"]] = time.perf_counter() - clock["at"]
        evidence, states = Evidence.objects.count(), CompetencyState.objects.count()
        history_backdate()
        _analyze()
        _log(f"rebuild {rebuild:.1f} s; maps' aggregates")
        start = time.perf_counter()
        stats_refresh(None)
        aggregates = time.perf_counter() - start
        _log(f"rebuild {rebuild:.1f} s; refresh")
        start = time.perf_counter()
        levels_refresh()
        refresh = time.perf_counter() - start
        _log("ambassadors")
        start = time.perf_counter()
        first = ambassadors_propose()
        propose_first = time.perf_counter() - start
        start = time.perf_counter()
        ambassadors_propose()
        propose_again = time.perf_counter() - start
        _analyze()
        state["derived"] = True
        _meta_set(state)
        _log("incremental")
        timings = incremental(random.Random(6), samples=50 if quick else 300)
        covered = AmbassadorProposal.objects.values("school").annotate(n=Count("pk")).count()  # schools with a proposal
        pg = settings_row()
    size = f"{n['teachers']:,} teachers, {n['schools']:,} schools, {n['statements']:,} statements"
    if not timings or not math.isfinite(harness.percentile(timings, 0.95)):
        raise RuntimeError("no incremental sample")
    p50 = statistics.median(timings)
    p95 = harness.percentile(timings, 0.95)
    figures.update(
        {
            "scale": scale,
            **n,
            "evidence_rows": evidence,
            "level_rows": states,
            "levels_per_teacher": states / n["teachers"],
            "rebuild_s": rebuild,
            **{f"rebuild_{name}_s": seconds for name, seconds in phases.items()},
            "aggregates_s": aggregates,
            "refresh_s": refresh,
            "incremental_p50_ms": p50,
            "incremental_p95_ms": p95,
            "ambassadors_first_s": propose_first,
            "ambassadors_again_s": propose_again,
            "postgresql": postgres_settings_cached(pg),
        }
    )
    level_target = LEVELS_FULL_MIN * scale
    phase_text = ", ".join(f"{name} {seconds:.1f}" for name, seconds in phases.items())
    rows = [
        ("national store", size, "850,000 / 58,000 / 5 M", "yes" if scale == 1.0 else f"no (scale {scale})"),
        (
            "level rows (CompetencyState), per teacher",
            f"{states:,} ({states / n['teachers']:.2f} per teacher)",
            f"≥ {level_target:,.0f} (2 M at full scale)",
            _met(states >= level_target),
        ),
        (
            "full rebuild (evidence + levels + VACUUM ANALYZE)",
            f"{rebuild:.0f} s ({evidence:,} evidence, {states:,} levels; {phase_text} s)",
            "≤ 600 s",
            _met(rebuild <= 600),
        ),
        ("maps' aggregates, every school (stats_refresh)", f"{aggregates:.0f} s", "—", ""),
        ("daily refresh of every level, with the aggregates", f"{refresh:.0f} s", "—", ""),
        (
            "incremental per statement (p50 / p95 / mean)",
            f"{p50:.1f} / {p95:.1f} / {statistics.fmean(timings):.1f} ms",
            "≤ 20 ms p95",
            _met(p95 <= 20),
        ),
        (
            "ambassador pass, all schools (first / again)",
            f"{propose_first:.1f} / {propose_again:.1f} s ({first.proposed:,} proposals, {covered:,} schools)",
            "≤ 60 s",
            _met(max(propose_first, propose_again) <= 60),
        ),
        pg,
    ]
    return rows


def postgres_settings_cached(row: tuple[str, str, str, str]) -> dict[str, str]:
    """The settings of `settings_row` back as a dict (read once, while the database was open)."""
    return dict(item.split("=", 1) for item in row[1].split(", "))


def _met(ok: bool) -> str:
    return "yes" if ok else "NO"
