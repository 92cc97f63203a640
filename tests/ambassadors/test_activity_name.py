"""The ambassadors' suggestions name activities from a statement about them, found through the activity index."""

import uuid

import pytest

from ambassadors.services import _activity_name
from xapi.services import statements_store

pytestmark = pytest.mark.django_db


def test_an_activity_is_named_from_a_statement_whose_object_it_is():
    activity = f"https://relais.example/activites/{uuid.uuid4()}"
    actor = {"objectType": "Agent", "account": {"homePage": "https://relais.example", "name": str(uuid.uuid4())}}
    statements_store(
        data=[
            {
                # Only in context: not a statement about this activity.
                "actor": actor,
                "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"},
                "object": {"id": activity + "/page", "definition": {"name": {"fr-FR": "Une page"}}},
                "context": {"contextActivities": {"parent": [{"id": activity}]}},
            },
            {
                "actor": actor,
                "verb": {"id": "http://adlnet.gov/expapi/verbs/passed"},
                "object": {"id": activity, "definition": {"name": {"en-US": "A quiz", "fr-FR": "Un quiz"}}},
            },
        ]
    )
    assert _activity_name(activity) == "Un quiz"
    assert _activity_name(activity + "/inconnue") == activity + "/inconnue"
