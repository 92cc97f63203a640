"""The evidence rule, statement shape by statement shape, on the path the database takes.

On PostgreSQL the incremental path and the rebuild derive evidence in SQL (`evidence_sql.py`); on
SQLite they run `evidence.py`. Each case below says what evidence a statement gives, and both
paths are held to it; a generated history then compares the database's evidence with what
`evidence.derive` computes in Python from the same stored statements. Statements are written by
writers of every trust policy (`competencies/trust.py`): Relais, the Pix import, clients trusted
for any actor, for their bound actor only or for nothing, pull sources, and authorities the store
would never stamp.
"""

import random
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings

from evidence.derive import MODULE_TYPE, derive
from evidence.models import CompletedModule, Evidence
from evidence.services import competencies_rebuild, derivable_rows
from evidence.trust import pix_authority
from frameworks.alignment import certification_iri, level_extension, level_iri, statement_alignment
from frameworks.models import Competency
from tests.conftest import make_user
from tests.factories import generated_history
from xapi.forwarding.models import PullSource
from xapi.forwarding.pull import source_authority
from xapi.http.auth import client_authority, client_create
from xapi.models import Client, Statement
from xapi.services import default_authority, statements_store
from xapi.trust import client_evidence_set

pytestmark = pytest.mark.django_db

VERB = "http://adlnet.gov/expapi/verbs/"


@pytest.fixture
def world(frameworks):
    teacher = make_user("enseignante@example.fr")
    other = make_user("autre@example.fr")
    by_code = {
        (c.framework.slug, c.code): c for c in Competency.objects.select_related("framework").filter(code__in=["3.1"])
    }
    return teacher, other, by_code[("crcn-edu", "3.1")], by_code[("crcn", "3.1")]


def _statement(actor, *, verb="passed", competencies=(), level=None, framework="crcn-edu", **extra):
    """`level`: a number (its IRI in `framework`) or the extension's value as it is (a string, a tuple)."""
    context_activities, extensions = statement_alignment(competencies=competencies, level=None)
    if level is not None:
        raw = level[0] if isinstance(level, tuple) else level
        extensions[level_extension()] = level_iri(framework, level) if isinstance(level, int) else raw
    result = {"extensions": extensions} if extensions else {}
    result.update(extra.pop("result", {}))
    statement = {
        "id": str(uuid.uuid4()),
        "actor": actor,
        "verb": {"id": verb if verb.startswith("http") else VERB + verb},
        "object": extra.pop("object", {"id": "http://example.org/activites/quiz-1"}),
        "context": {"contextActivities": context_activities, **extra.pop("context", {})},
        "timestamp": "2026-11-02T10:00:00Z",
    }
    if result:
        statement["result"] = result
    statement.update(extra)
    return statement


def _writers(teacher) -> dict[str, dict]:
    """An authority of each kind of writer, by name."""
    home = settings.RELAIS_BASE_URL
    clients = {
        policy: client_create(name=f"client {policy}", scopes=["statements/write"], evidence=policy)[0]
        for policy in ("any", "none")
    }
    bound, _ = client_create(
        name="client bound", scopes=["statements/write"], evidence="bound", bound_actor=teacher.xapi_actor()
    )
    unbound, _ = client_create(name="bound to nobody", scopes=["statements/write"])
    Client.objects.filter(pk=unbound.pk).update(evidence="bound")  # a state the services refuse
    sources = {
        policy: PullSource.objects.create(
            name=f"source-{policy}", endpoint="https://lrs.example.org/xapi/", evidence=policy
        )
        for policy in ("any", "none")
    }
    trusted = client_authority(clients["any"])
    return {
        "relais": default_authority(),
        "pix": pix_authority(),
        "client any": trusted,
        "client none": client_authority(clients["none"]),
        "client bound": client_authority(bound),
        "client bound to nobody": client_authority(unbound),
        "source any": source_authority(sources["any"]),
        "source none": source_authority(sources["none"]),
        "unknown client": {**trusted, "account": {**trusted["account"], "name": "0" * 32}},
        "trusted key elsewhere": {**trusted, "account": {**trusted["account"], "homePage": "http://example.org"}},
        "client key as Relais": {**trusted, "account": {"homePage": home, "name": trusted["account"]["name"]}},
        "relais of another site": {
            "objectType": "Agent",
            "account": {"homePage": "http://example.org", "name": "relais"},
        },
        "a teacher": teacher.xapi_actor(),
        "e-mail": {"objectType": "Agent", "mbox": "mailto:relais@example.fr"},
        "group": {"objectType": "Group", "member": [trusted, default_authority()]},
    }


def _trust_cases(teacher, other, edu, writers):
    """(label, statement, expected evidence, completed module, writer) for each writer."""
    me = teacher.xapi_actor()
    name = str(teacher.xapi_uuid)
    scored = {"score": {"scaled": 0.9}, "success": True}
    module = {"id": "http://example.org/modules/m2", "definition": {"type": MODULE_TYPE}}
    counts = {"relais", "pix", "client any", "source any"}
    cases = []
    for writer in writers:
        given = writer in counts
        cases += [
            (f"{writer}: my assessment", _statement(me, competencies=[edu], level=4, result=scored),
             {(edu.pk, 4, "assessment")} if given or writer == "client bound" else set(), False, writer),
            (f"{writer}: another's certified level 5", _statement(other.xapi_actor(), verb="passed", competencies=[],
             level=5, context={"contextActivities": {"category": [{"id": certification_iri()}],
                                                     "other": [{"id": edu.iri}]}}),
             {(edu.pk, 5, "certified")} if given else set(), False, writer),
            (f"{writer}: my module", _statement(me, verb="completed", object=module), set(),
             given or writer == "client bound", writer),
        ]  # fmt: skip
    # Bound to the teacher's account as Relais writes it: the same account written otherwise is
    # another actor for the LRS (its actor_key differs), so it is not the bound actor.
    cases.append(
        ("client bound: my account in upper case", _statement(
            {"account": {"homePage": settings.RELAIS_BASE_URL, "name": name.upper()}}, competencies=[edu], level=3,
            result=scored), set(), False, "client bound")
    )  # fmt: skip
    return cases


def _store_by_writer(cases, writers):
    """Store each case under its writer's authority (the store stamps the authority it is given)."""
    by_writer: dict[str, list[dict]] = {}
    for _label, statement, _expected, _module, writer in cases:
        by_writer.setdefault(writer, []).append(statement)
    for writer, statements in by_writer.items():
        statements_store(data=statements, authority=writers[writer])


def _cases(teacher, other, edu, crcn):
    """(label, statement, expected evidence as {(competency id, level, kind)}, gives a completed module)."""
    me = teacher.xapi_actor()
    name = str(teacher.xapi_uuid)
    home = settings.RELAIS_BASE_URL

    def account(value, homepage=home):
        return {"account": {"homePage": homepage, "name": value}}

    scored = {"score": {"scaled": 0.9}, "success": True}
    instructor = {"instructor": {"mbox": "mailto:formatrice@example.fr"}}
    cases = [
        ("scored assessment", _statement(me, competencies=[edu], level=4, result=scored), {(edu.pk, 4, "assessment")}),
        ("mastered with a score", _statement(me, verb="mastered", competencies=[edu], level=3, result=scored),
         {(edu.pk, 3, "assessment")}),
        ("passed, no score, trainer", _statement(me, competencies=[edu], level=3, context=instructor),
         {(edu.pk, 3, "validated_task")}),
        ("passed, no score, no trainer", _statement(me, competencies=[edu], level=3), {(edu.pk, 3, "completion")}),
        ("completed with a score", _statement(me, verb="completed", competencies=[edu], level=2, result=scored),
         {(edu.pk, 2, "completion")}),
        ("completed, trainer", _statement(me, verb="completed", competencies=[edu], level=2, context=instructor),
         {(edu.pk, 2, "validated_task")}),
        ("attended", _statement(me, verb="attended", competencies=[edu], level=1), {(edu.pk, 1, "attendance")}),
        ("activity streams attend",
         _statement(me, verb="http://activitystrea.ms/schema/1.0/attend", competencies=[edu], level=1),
         {(edu.pk, 1, "attendance")}),
        ("certified result", _statement(me, verb="attended", competencies=[edu], level=5, context={
            "contextActivities": {"category": [{"id": certification_iri()}], "other": [{"id": edu.iri}]}}),
         {(edu.pk, 5, "certified")}),
        ("success false", _statement(me, competencies=[edu], level=4, result={"success": False}), set()),
        ("failed", _statement(me, verb="failed", competencies=[edu], level=4, result=scored), set()),
        ("experienced", _statement(me, verb="experienced", competencies=[edu], level=4), set()),
        ("no level", _statement(me, competencies=[edu], result=scored), set()),
        ("level of the other framework", _statement(me, competencies=[edu, crcn], level=6, framework="crcn",
                                                    result=scored), {(crcn.pk, 6, "assessment")}),
        ("competency twice", _statement(me, competencies=[edu], level=3, result=scored, context={
            "contextActivities": {"other": [{"id": edu.iri}, {"id": edu.iri}]}}), {(edu.pk, 3, "assessment")}),
        ("competency as a single activity", _statement(me, competencies=[], level=3, result=scored, context={
            "contextActivities": {"other": {"id": edu.iri}}}), {(edu.pk, 3, "assessment")}),
        ("unknown competency", _statement(me, competencies=[], level=3, result=scored, context={
            "contextActivities": {"other": [{"id": edu.iri + "9"}, {"id": edu.iri}]}}), {(edu.pk, 3, "assessment")}),
        ("level with a leading zero", _statement(me, competencies=[edu], level=level_iri("crcn-edu", 0) + "4",
                                                 result=scored), {(edu.pk, 4, "assessment")}),
        ("level of three digits", _statement(me, competencies=[edu], level=level_iri("crcn-edu", 100),
                                             result=scored), set()),
        ("level IRI with a tail", _statement(me, competencies=[edu], level=level_iri("crcn-edu", 3) + "/x",
                                             result=scored), set()),
        ("level IRI of another site", _statement(me, competencies=[edu], level="http://example.org/crcn-edu/niveaux/3",
                                                 result=scored), set()),
        ("level as a number", _statement(me, competencies=[edu], level=(3,), result=scored), set()),
        ("upper-case UUID", _statement(account(name.upper()), competencies=[edu], level=2, result=scored),
         {(edu.pk, 2, "assessment")}),
        ("UUID without hyphens", _statement(account(name.replace("-", "")), competencies=[edu], level=2,
                                            result=scored), {(edu.pk, 2, "assessment")}),
        ("URN and braces", _statement(account("urn:uuid:{" + name + "}"), competencies=[edu], level=2,
                                      result=scored), {(edu.pk, 2, "assessment")}),
        ("homePage with a slash", _statement(account(name, home + "/"), competencies=[edu], level=2, result=scored),
         {(edu.pk, 2, "assessment")}),
        ("another site's account", _statement(account(name, "http://example.org"), competencies=[edu], level=2,
                                              result=scored), set()),
        ("not a UUID", _statement(account("enseignante"), competencies=[edu], level=2, result=scored), set()),
        ("UUID of nobody", _statement(account(str(uuid.uuid4())), competencies=[edu], level=2, result=scored), set()),
        ("e-mail actor", _statement({"mbox": "mailto:enseignante@example.fr"}, competencies=[edu], level=2,
                                    result=scored), set()),
        ("long activity id", _statement(me, competencies=[edu], level=2, result=scored,
                                        object={"id": "http://example.org/" + "a" * 600}),
         {(edu.pk, 2, "assessment")}),
        ("sub-statement", _statement(me, verb="completed", competencies=[edu], level=2, object={
            "objectType": "SubStatement", "actor": other.xapi_actor(), "verb": {"id": VERB + "completed"},
            "object": {"id": "http://example.org/activites/x"}}), {(edu.pk, 2, "completion")}),
    ]  # fmt: skip
    cases = [(label, statement, expected, False) for label, statement, expected in cases]
    module = {"id": "http://example.org/modules/m1", "definition": {"type": MODULE_TYPE}}
    cases += [
        ("completed module", _statement(me, verb="completed", competencies=[edu], level=2, object=module),
         {(edu.pk, 2, "completion")}, True),
        ("module completed without success", _statement(me, verb="completed", object=module,
                                                        result={"success": False}), set(), True),
        ("module of another's", _statement(other.xapi_actor(), verb="completed", object=module), set(), True),
        ("module passed", _statement(me, verb="passed", object=module), set(), False),
    ]  # fmt: skip
    return cases


def _derived(statement_ids):
    evidence = {
        sid: {(c, lv, k) for s, c, lv, k in rows}
        for sid, rows in _group(Evidence.objects.values_list("statement_id", "competency_id", "level", "kind"))
    }
    modules = set(CompletedModule.objects.values_list("statement_id", flat=True))
    return {sid: (evidence.get(sid, set()), sid in modules) for sid in statement_ids}


def _group(rows):
    grouped: dict = {}
    for row in rows:
        grouped.setdefault(row[0], []).append(row)
    return grouped.items()


def test_each_statement_shape_gives_its_evidence_incrementally_and_after_a_rebuild(
    world, django_capture_on_commit_callbacks
):
    teacher, other, edu, crcn = world
    writers = _writers(teacher)
    cases = [(*case, "relais") for case in _cases(teacher, other, edu, crcn)]
    cases += _trust_cases(teacher, other, edu, writers)
    with django_capture_on_commit_callbacks(execute=True):
        _store_by_writer(cases, writers)
    ids = [uuid.UUID(statement["id"]) for _, statement, *_ in cases]
    expected = {sid: (evidence, module) for sid, (_, _, evidence, module, _) in zip(ids, cases, strict=True)}
    labels = dict(zip(ids, (label for label, *_ in cases), strict=True))
    stamped = Statement.objects.get(pk=ids[-1]).authority
    assert stamped == writers["client bound"]

    def differences(found):
        return {labels[sid]: (found[sid], expected[sid]) for sid in ids if found[sid] != expected[sid]}

    assert differences(_derived(ids)) == {}
    long_activity = Evidence.objects.get(statement_id=ids[[c[0] for c in cases].index("long activity id")])
    assert long_activity.activity_id == ("http://example.org/" + "a" * 600)[:500]
    module_done = ids[[c[0] for c in cases].index("completed module")]
    assert set(Evidence.objects.filter(statement_id=module_done).values_list("activity_id", flat=True)) == {
        "http://example.org/modules/m1"
    }

    Evidence.objects.all().delete()
    CompletedModule.objects.all().delete()
    competencies_rebuild()
    assert differences(_derived(ids)) == {}


def test_voided_statements_give_nothing(world, django_capture_on_commit_callbacks):
    teacher, _other, edu, _crcn = world
    statement = _statement(teacher.xapi_actor(), competencies=[edu], level=4, result={"score": {"scaled": 1.0}})
    with django_capture_on_commit_callbacks(execute=True):
        statements_store(data=[statement])
    assert Evidence.objects.filter(statement_id=statement["id"]).count() == 1
    voiding = {
        "actor": {"mbox": "mailto:formatrice@example.fr"},
        "verb": {"id": VERB + "voided"},
        "object": {"objectType": "StatementRef", "id": statement["id"]},
    }
    with django_capture_on_commit_callbacks(execute=True):
        statements_store(data=[voiding])
    assert not Evidence.objects.filter(statement_id=statement["id"]).exists()
    competencies_rebuild()
    assert not Evidence.objects.exists()


def test_a_void_counts_only_from_a_writer_trusted_for_the_voided_statement(world, django_capture_on_commit_callbacks):
    teacher, other, edu, _crcn = world
    untrusted, _ = client_create(name="outil", scopes=["statements/write"])
    bound_elsewhere, _ = client_create(
        name="carnet", scopes=["statements/write"], evidence="bound", bound_actor=other.xapi_actor()
    )
    statements = [
        _statement(teacher.xapi_actor(), competencies=[edu], level=4, result={"score": {"scaled": 1.0}})
        for _ in range(3)
    ]

    def void(target):
        return {
            "actor": {"mbox": "mailto:quelquun@example.fr"},
            "verb": {"id": VERB + "voided"},
            "object": {"objectType": "StatementRef", "id": target["id"]},
        }

    with django_capture_on_commit_callbacks(execute=True):
        statements_store(data=statements)
        statements_store(data=[void(statements[0])], authority=client_authority(untrusted))
        statements_store(data=[void(statements[1])], authority=client_authority(bound_elsewhere))
        statements_store(data=[void(statements[2])])  # Relais itself
    kept = {str(s) for s in Evidence.objects.values_list("statement_id", flat=True)}
    assert kept == {statements[0]["id"], statements[1]["id"]}
    assert Statement.objects.filter(voided=True).count() == 3  # the LRS hides all three all the same
    competencies_rebuild()
    assert {str(s) for s in Evidence.objects.values_list("statement_id", flat=True)} == kept

    # Once the académie trusts the tool, its void withdraws the evidence.
    with django_capture_on_commit_callbacks(execute=True):
        client_evidence_set(client=untrusted, evidence="any")
    assert {str(s) for s in Evidence.objects.values_list("statement_id", flat=True)} == {statements[1]["id"]}
    competencies_rebuild()
    assert {str(s) for s in Evidence.objects.values_list("statement_id", flat=True)} == {statements[1]["id"]}


@pytest.mark.parametrize("seed", [3, 4])
def test_database_evidence_equals_python_rule_on_a_generated_history(frameworks, seed):
    rng = random.Random(seed)
    users = [make_user(f"e{seed}-{i}@example.fr") for i in range(20)]
    writers = list(_writers(users[0]).values())
    competencies = {
        slug: list(Competency.objects.filter(framework__slug=slug).select_related("framework"))
        for slug in ("crcn", "crcn-edu")
    }
    history = generated_history(rng, users, competencies, 1500)
    for statement in rng.sample(history, 100):  # other systems write the same teacher differently
        if "account" in statement["actor"]:
            name = statement["actor"]["account"]["name"]
            statement["actor"] = {"account": {**statement["actor"]["account"], "name": name.upper()}}
    start = datetime(2024, 1, 1, tzinfo=UTC)
    for statement in history:
        statement.setdefault("timestamp", (start + timedelta(days=rng.randrange(900))).isoformat())
    for first in range(0, len(history), 100):  # each batch from one writer, of every policy
        statements_store(data=history[first : first + 100], authority=rng.choice(writers))

    competencies_rebuild()

    rows = derivable_rows(Statement.objects.all())  # voided ones too, when no trusted writer voided them
    items, modules = derive(rows)
    assert len(items) > 200 and len(modules) > 10
    assert len({i.statement_id for i in items}) < len(rows) // 2  # untrusted writers gave nothing
    assert sorted(Evidence.objects.values_list("statement_id", "user_id", "competency_id", "level", "kind")) == sorted(
        (uuid.UUID(i.statement_id), i.user_id, i.competency_id, i.level, i.kind) for i in items
    )
    assert sorted(CompletedModule.objects.values_list("statement_id", "user_id", "activity_id")) == sorted(
        (uuid.UUID(m.statement_id), m.user_id, m.activity_id) for m in modules
    )
