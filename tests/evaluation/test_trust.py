"""The evaluation counts a statement only when its writer is trusted for its actor (evidence's rule,
`evidence.trust`): an LRS client whose evidence policy is `none`, or `bound` to another actor, cannot
inflate a course's funnel, item analysis or questionnaire results; one whose policy is `any` counts."""

from datetime import date

import pytest

from evaluation.models import Course, Funnel, ItemStat, ResponseStat
from evaluation.refresh import evaluation_refresh
from evaluation.selectors import course_report
from tests.evaluation.history import History, at, say
from xapi.http.auth import client_authority, client_create
from xapi.models import Client

TODAY = date(2026, 7, 15)
LIKERT = {  # the history's question (history.py)
    "name": {"fr-FR": "Ce module vous a-t-il été utile ?"},
    "interactionType": "likert",
    "scale": [
        {"id": str(i), "description": {"fr-FR": label}}
        for i, label in enumerate(["Pas du tout", "Peu", "Assez", "Très"], start=1)
    ],
}


def _inflate(h: History, learner, authority) -> None:
    """What a writer would send to make `learner` a completer, a right answer and a respondent."""
    say(learner, "launched", h.module_iri, at("2026-02-01"), authority=authority)
    say(learner, "completed", h.module_iri, at("2026-02-01", 11), authority=authority)
    say(learner, "completed", h.course_iri, at("2026-02-01", 12), authority=authority)
    say(
        learner,
        "answered",
        f"{h.quiz_iri}/questions/1",
        at("2026-02-01"),
        result={"response": "0", "success": True},
        authority=authority,
    )
    say(
        learner,
        "responded",
        f"{h.module_iri}/questionnaire/utile",
        at("2026-02-01", 15),
        result={"response": "4"},
        definition=LIKERT,
        parent=[f"{h.module_iri}/questionnaire"],
        grouping=[h.course_iri, h.module_iri],
        authority=authority,
    )


def _client(policy: str, bound=None) -> dict:
    client, _secret = client_create(
        name=f"Client {policy}", scopes=["statements/write"], evidence=policy, bound_actor=bound
    )
    return client_authority(client)


def _indicators() -> tuple:
    course = Funnel.objects.get(module=None, departement=None)
    q1 = ItemStat.objects.filter(departement=None).order_by("question__position").first()
    return (course.started, course.completed), q1.attempts, ResponseStat.objects.get(departement=None).respondents


@pytest.mark.django_db
def test_untrusted_writers_do_not_count_a_trusted_one_does(module, departement):
    h = History(module).build()
    evaluation_refresh(today=TODAY)
    assert _indicators() == ((4, 2), 4, 2)  # the history of test_indicators.py

    # No evidence policy (every new client): stored, but counts for nothing.
    _inflate(h, h.users["u5"], _client(Client.Evidence.NONE))
    # Bound to u1: what it writes about u3 does not count either.
    _inflate(h, h.users["u3"], _client(Client.Evidence.BOUND, bound=h.users["u1"].xapi_actor()))
    evaluation_refresh(today=TODAY)
    assert _indicators() == ((4, 2), 4, 2)

    # A client the académie trusts (policy any) counts like Relais: u5 starts and completes.
    _inflate(h, h.users["u5"], _client(Client.Evidence.ANY))
    evaluation_refresh(today=TODAY)
    assert _indicators() == ((5, 3), 5, 3)


@pytest.mark.django_db
def test_item_analysis_and_questionnaires_in_the_managers_scope(module, departement, settings):
    """u1–u4 teach in the 95, u5 in the 02 (history.py); u5 answers the first question right and the
    questionnaire "1". Each scope sees its own learners' answers, small groups hidden."""
    h = History(module).build()
    u5 = h.users["u5"]
    say(u5, "answered", f"{h.quiz_iri}/questions/1", at("2026-01-04"), result={"response": "0", "success": True})
    say(
        u5,
        "responded",
        f"{h.module_iri}/questionnaire/utile",
        at("2026-01-12", 15),
        result={"response": "1"},
        definition=LIKERT,
        parent=[f"{h.module_iri}/questionnaire"],
        grouping=[h.course_iri, h.module_iri],
    )
    evaluation_refresh(today=TODAY)
    course = Course.objects.get()

    def first_item(deps):  # answers, facility, discrimination of the first question
        return course_report(course=course, departement_ids=deps).tables["questions"].rows[0][2:5]

    def questionnaire(deps):  # respondents, spread
        return course_report(course=course, departement_ids=deps).tables["questionnaires"].rows[0][2:4]

    settings.RELAIS_MIN_GROUP_SIZE = 1
    # All: u1, u2, u4, u5 right, u3 wrong; u5 answered one question only: not in the discrimination.
    assert first_item(None) == [5, 80.0, 57.7]
    assert first_item([h.dep95.pk]) == [4, 75.0, 57.7]
    assert first_item([h.dep02.pk]) == [1, 100.0, None]  # one learner: no correlation
    assert first_item([h.dep95.pk, h.dep02.pk]) == [5, 80.0, "—"]  # a correlation does not add up
    assert questionnaire(None)[0] == 3
    assert questionnaire([h.dep95.pk]) == [2, "Pas du tout : 0; Peu : 1; Assez : 1; Très : 0"]  # u1 (latest 2), u2 (3)
    assert questionnaire([h.dep02.pk]) == [1, "Pas du tout : 1; Peu : 0; Assez : 0; Très : 0"]
    assert questionnaire([h.dep95.pk, h.dep02.pk]) == [3, "Pas du tout : 1; Peu : 1; Assez : 1; Très : 0"]
    settings.RELAIS_MIN_GROUP_SIZE = 2
    assert first_item([h.dep02.pk]) == [1, None, None]
    assert questionnaire([h.dep02.pk]) == [1, None]
