"""agent_key: one canonical string per inverse functional identifier."""

import pytest

from tests.xapi import examples as ex
from xapi.selectors import agent_key


@pytest.mark.parametrize(
    ("agent", "key"),
    [
        ({"mbox": "mailto:Camille@Example.FR"}, "mbox:mailto:Camille@example.fr"),
        ({"mbox_sha1sum": ex.SHA1.upper()}, f"mbox_sha1sum:{ex.SHA1}"),
        ({"openid": "http://openid.example.org/camille"}, "openid:http://openid.example.org/camille"),
        ({"account": {"homePage": "https://relais.example", "name": "42"}}, "account:https://relais.example|42"),
        (ex.identified_group(), "account:https://relais.example|team-1"),
    ],
)
def test_keys(agent, key):
    assert agent_key(agent) == key


def test_anonymous_group_has_no_key():
    with pytest.raises(ValueError):
        agent_key(ex.anonymous_group())


def test_matches_a_users_pseudonymous_actor(settings):
    settings.RELAIS_BASE_URL = "https://relais.example"
    actor = {"objectType": "Agent", "account": {"homePage": "https://relais.example", "name": "0b7c"}}
    assert agent_key(actor) == "account:https://relais.example|0b7c"
