"""The statements grouped per learner, IRI and verb by the database (`evaluation.sql.statements_seen`,
PostgreSQL) equal the Python rule's (`refresh.statements_seen_python`): the same learners, the same
trust (writers with no policy, bound to another actor, voided statements, foreign accounts), the same
first dates, durations and first answers. On SQLite `statements_seen` is the Python rule itself."""

from datetime import date

from evaluation.models import Course
from evaluation.refresh import evaluation_refresh, iri_owners, statements_seen, statements_seen_python
from evidence.trust import Trust
from tests.conftest import make_user
from tests.evaluation.history import History, at, say
from xapi.http.auth import client_authority, client_create
from xapi.models import Client, Statement

TODAY = date(2026, 7, 15)


def _client(policy: str, bound=None) -> dict:
    client, _secret = client_create(
        name=f"Client {policy}", scopes=["statements/write"], evidence=policy, bound_actor=bound
    )
    return client_authority(client)


def _payload(statement, **changes) -> None:
    Statement.objects.filter(pk=statement.pk).update(payload={**statement.payload, **changes})


def _seen(function) -> dict:
    courses = Course.objects.prefetch_related("modules__activities__questions")
    iris = {course.pk: list(iri_owners(course)) for course in courses}
    return {pk: sorted(seen, key=repr) for pk, seen in function(iris, Trust.load())}


def test_sql_groups_equal_the_python_rule(module, departement, settings):
    h = History(module).build()
    u = h.users
    q1 = f"{h.quiz_iri}/questions/1"
    bound = _client(Client.Evidence.BOUND, bound=u["u1"].xapi_actor())
    say(u["u1"], "launched", h.module_iri, at("2026-01-01"), authority=bound)  # bound to u1: counts
    say(u["u3"], "completed", h.course_iri, at("2026-01-01"), authority=bound)  # about u3: does not
    say(u["u5"], "completed", h.module_iri, at("2026-01-01"), authority=_client(Client.Evidence.NONE))
    say(u["u5"], "answered", q1, at("2026-01-01"), result={"response": "1"}, authority=_client(Client.Evidence.ANY))
    # Durations: two for one group, and (written past the store's validation) a number, not read.
    for duration in ("PT5M", "PT7M", "PT9M"):
        last = say(u["u5"], "completed", h.content_iri, at("2026-01-07"), result={"duration": duration})
    _payload(last, result={"duration": 60})
    odd = say(u["u5"], "answered", q1, at("2025-12-31"), result={"response": "0"})
    _payload(odd, result=["not", "an", "object"])  # the first answer, with a result that is no object
    say(u["u2"], "answered", q1, at("2026-01-03"), result={"response": "1", "success": False})  # earlier
    voided = say(u["c1"], "launched", h.module_iri, at("2026-01-03"))
    Statement.objects.filter(pk=voided.pk).update(voided=True)
    stranger = make_user("x@example.fr")  # an actor that is not an account of this site's
    foreign = say(stranger, "launched", h.module_iri, at("2026-01-03"))
    Statement.objects.filter(pk=foreign.pk).update(actor_key="mbox:mailto:x@example.fr")
    # The account's homePage with its final slash, and the UUID in capitals: still c2.
    slash = say(u["c2"], "launched", h.module_iri, at("2026-01-03"))
    key = f"account:{settings.RELAIS_BASE_URL.rstrip('/')}/|{str(u['c2'].xapi_uuid).upper()}"
    Statement.objects.filter(pk=slash.pk).update(actor_key=key)
    evaluation_refresh(today=TODAY)  # the outlines

    expected = _seen(statements_seen_python)
    groups = next(iter(expected.values()))
    users = {row.user for row in groups}
    assert u["u5"].pk in users and u["c2"].pk in users
    assert stranger.pk not in users and u["c1"].pk not in users
    assert {row.durations for row in groups if row.iri == h.content_iri and row.user == u["u5"].pk} == {
        frozenset({"PT5M", "PT7M"})
    }
    first = {row.user: row.first_result for row in groups if row.iri == q1 and row.verb.endswith("answered")}
    assert first[u["u2"].pk] == {"response": "1", "success": False}
    assert first[u["u5"].pk] == {}
    assert not any(row.user == u["u3"].pk and row.iri == h.course_iri and "completed" in row.verb for row in groups)
    assert _seen(statements_seen) == expected
