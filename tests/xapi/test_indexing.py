"""StatementAgent / StatementActivity rows: what is direct, what is related."""

import pytest

from tests.xapi import examples as ex
from xapi.models import Relation
from xapi.selectors import agent_key, statements_mentioning_agent
from xapi.services import statement_store

pytestmark = pytest.mark.django_db

D, R = Relation.DIRECT, Relation.RELATED
RELAIS = "account:http://127.0.0.1:8000|relais"


def agents_of(statement):
    return dict(statement.agent_index.values_list("agent_key", "relation"))


def activities_of(statement):
    return dict(statement.activity_index.values_list("activity_id", "relation"))


@pytest.fixture(autouse=True)
def base_url(settings):
    settings.RELAIS_BASE_URL = "http://127.0.0.1:8000"


def test_actor_and_authority():
    statement = statement_store(data=ex.statement(actor=ex.agent("mbox")))
    assert agents_of(statement) == {"mbox:mailto:camille@example.fr": D, RELAIS: R}
    assert all(row.stored == statement.stored for row in statement.agent_index.all())


def test_group_actor_members_are_related():
    statement = statement_store(data=ex.statement(actor=ex.identified_group()))
    assert agents_of(statement) == {
        "account:https://relais.example|team-1": D,
        "mbox:mailto:camille@example.fr": R,
        "openid:http://openid.example.org/camille": R,
        RELAIS: R,
    }


def test_anonymous_group_is_not_indexed_but_its_members_are():
    statement = statement_store(data=ex.statement(actor=ex.anonymous_group()))
    assert agents_of(statement) == {
        "mbox:mailto:camille@example.fr": R,
        "account:https://relais.example|2f5e6b1c": R,
        RELAIS: R,
    }


def test_agent_object_is_direct():
    statement = statement_store(data=ex.statement(object={"objectType": "Agent", **ex.agent("openid")}))
    assert agents_of(statement)["openid:http://openid.example.org/camille"] == D
    assert activities_of(statement) == {}


def test_direct_wins_over_related():
    data = ex.statement(actor=ex.agent("mbox"), context={"instructor": ex.agent("mbox")})
    assert agents_of(statement_store(data=data))["mbox:mailto:camille@example.fr"] == D


def test_context_and_substatement_agents_are_related():
    sub = ex.substatement(
        actor=ex.agent("mbox_sha1sum"),
        object={"objectType": "Agent", "mbox": "mailto:objet@example.fr"},
        context={"instructor": {"mbox": "mailto:formatrice@example.fr"}},
    )
    data = ex.statement(
        object=sub, context={"instructor": ex.agent("openid"), "team": ex.identified_group(members=False)}
    )
    assert agents_of(statement_store(data=data)) == {
        "account:https://relais.example|2f5e6b1c": D,
        f"mbox_sha1sum:{ex.SHA1}": R,
        "mbox:mailto:objet@example.fr": R,
        "mbox:mailto:formatrice@example.fr": R,
        "openid:http://openid.example.org/camille": R,
        "account:https://relais.example|team-1": R,
        RELAIS: R,
    }


def test_activities():
    data = ex.full_statement()
    assert activities_of(statement_store(data=data)) == {
        ex.ACTIVITY: D,
        "http://relais.example/courses/1": R,
        "http://relais.example/catalogue": R,
        "http://relais.example/frameworks/crcn": R,
        "http://relais.example/competencies/crcn/3.1": R,
    }


def test_substatement_activities_are_related():
    data = ex.statement(object=ex.substatement())
    assert activities_of(statement_store(data=data)) == {
        "http://relais.example/sessions/42": R,
        "http://relais.example/courses/1": R,
    }


def test_context_activity_equal_to_the_object_stays_direct():
    data = ex.statement(context={"contextActivities": {"parent": [{"id": ex.ACTIVITY}]}})
    assert activities_of(statement_store(data=data)) == {ex.ACTIVITY: D}


def test_statements_mentioning_agent():
    mine = statement_store(data=ex.statement(actor=ex.agent("mbox")))
    taught = statement_store(data=ex.statement(context={"instructor": ex.agent("mbox")}))
    key = agent_key(ex.agent("mbox"))
    assert list(statements_mentioning_agent(agent_key=key)) == [mine]
    assert set(statements_mentioning_agent(agent_key=key, related=True)) == {mine, taught}


def test_keys_with_tabs_newlines_and_backslashes_are_stored_as_sent():
    # The index rows go to PostgreSQL as COPY text, where these characters must be escaped.
    name = "nom\tavec\ntab\\retour\r"
    actor = {"account": {"homePage": "https://relais.example", "name": name}}
    statement = statement_store(data=ex.statement(actor=actor, object={"id": "http://x.example/a%5Cb"}))
    assert agents_of(statement) == {f"account:https://relais.example|{name}": D, RELAIS: R}
    assert activities_of(statement) == {"http://x.example/a%5Cb": D}
    assert statement.agent_index.get(agent_key=f"account:https://relais.example|{name}").stored == statement.stored
    assert statements_mentioning_agent(agent_key=agent_key(actor)).get() == statement
