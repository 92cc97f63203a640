"""The ambassadors page and the maps show the same counts, read from one selector; proposals come first,
then the schools closest to having an ambassador (in words), then the rest folded; a decision returns
to the same place; the page's queries do not grow with the area."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ambassadors.models import AmbassadorProposal
from ambassadors.services import ambassadors_propose, proposal_decide
from lms.models import Academie
from maps.models import SchoolStat
from maps.stats import stats_refresh
from tests.conftest import make_school, make_user
from tests.factories import expert, teacher_in

pytestmark = pytest.mark.django_db
COUNTS = ("proposals_pending", "covered", "circonscription", "pending", "uncovered")


def shown_counts(html: str) -> dict:
    """The figures a page shows: its coverage tiles, schools and teachers."""
    counts = {
        key: int(value)
        for key, value in re.findall(
            r'data-count="(\w+)"[^>]*>.*?<p class="fr-tile__title">(\d+)</p>', html, flags=re.S
        )
        if key in COUNTS
    }
    counts["schools"] = int(re.search(r'data-schools="(\d+)"', html).group(1))
    counts["teachers"] = int(re.search(r'data-teachers="(\d+)"', html).group(1))
    return counts


@pytest.fixture
def academie_client(client, territory):
    user = make_user("academie@example.fr", role="manager", scope_academie=Academie.objects.get(code="25"))
    client.force_login(user)
    return client


def assert_pages_agree(client, query=""):
    pilotage = shown_counts(client.get("/competences/pilotage/" + query).content.decode())
    ambassadors = shown_counts(client.get("/competences/ambassadeurs/" + query).content.decode())
    assert set(pilotage) == {*COUNTS, "schools", "teachers"}
    assert pilotage == ambassadors, query
    return pilotage


@pytest.mark.parametrize("query", ["", "?departement=95", "?type=ecole", "?departement=78&secteur=private"])
def test_both_pages_show_the_same_counts(academie_client, territory, query):
    counts = assert_pages_agree(academie_client, query)
    if not query:
        assert counts["proposals_pending"] == AmbassadorProposal.objects.filter(status="proposed").count() > 0
        assert counts["schools"] == len(territory)


def test_a_recomputation_reaches_both_pages(academie_client, territory, django_capture_on_commit_callbacks):
    """The demo's bug: proposals recomputed after the maps' refresh left the maps on the old proposals."""
    school = territory[2]
    volunteer = teacher_in(school, "volontaire@example.fr")
    expert(volunteer, django_capture_on_commit_callbacks, level=5)
    before = assert_pages_agree(academie_client)
    with django_capture_on_commit_callbacks(execute=True):
        report = ambassadors_propose()  # nobody else consented: the other proposals go, a new one comes
    assert report.changed_schools
    after = assert_pages_agree(academie_client)
    assert after != before
    assert after["proposals_pending"] == AmbassadorProposal.objects.filter(status="proposed").count()
    assert SchoolStat.objects.get(school=school).coverage == "pending"


def test_proposals_first_then_close_schools_then_the_rest_folded(
    client, frameworks, departement, manager, django_capture_on_commit_callbacks
):
    cap = django_capture_on_commit_callbacks
    college = make_school(departement, "0951002Y", "Collège Jean Moulin", kind="college")
    lycee = make_school(departement, "0951003Z", "Lycée Camille Claudel", kind="lycee")
    make_school(departement, "0951004A", "École du Centre")
    stats_refresh(None)  # the maps' rows of the new schools
    expert(teacher_in(college, "forte@example.fr"), cap, level=5)
    expert(teacher_in(lycee, "presque@example.fr"), cap, codes=("3.1", "3.2"), level=4, modules=0)
    with cap(execute=True):
        ambassadors_propose()
    client.force_login(manager)
    html = client.get("/competences/ambassadeurs/").content.decode()
    decide, close, rest = html.index('id="a-decider"'), html.index('id="proches"'), html.index('id="etablissements"')
    assert decide < close < rest
    assert "Forte" in html[decide:close] and 'name="next"' in html[decide:close]
    near = html[close:rest]
    assert "Lycée Camille Claudel" in near and "Collège Jean Moulin" not in near
    # The missing conditions in words: one competency, one domain, one module.
    assert "1 compétence de plus au niveau Avancé" in near
    assert "1 domaine de plus couvert" in near and "1 module de formation de plus terminé" in near
    assert "<details>" in html[rest:] and html[rest:].count("data-uai=") == 3
    assert "<details open>" in client.get("/competences/ambassadeurs/?statut=uncovered").content.decode()


def test_a_decision_returns_to_the_same_place(
    client, frameworks, departement, manager, django_capture_on_commit_callbacks
):
    college = make_school(departement, "0951002Y", "Collège Jean Moulin", kind="college")
    expert(teacher_in(college, "forte@example.fr"), django_capture_on_commit_callbacks, level=5)
    ambassadors_propose()
    proposal = AmbassadorProposal.objects.get()
    client.force_login(manager)
    here = "/competences/ambassadeurs/?departement=95&type=college&propositions=1"
    response = client.post(
        f"/competences/ambassadeurs/propositions/{proposal.pk}/", {"decision": "confirmed", "next": here}
    )
    assert response.status_code == 302 and response["Location"] == here + "#a-decider"
    # Another site is never a destination.
    response = client.post(
        f"/competences/ambassadeurs/propositions/{proposal.pk}/",
        {"decision": "declined", "next": "https://ailleurs.example/"},
    )
    assert response["Location"] == "/competences/ambassadeurs/#a-decider"
    for elsewhere in ("//ailleurs.example/competences/ambassadeurs/", "/comptes/logout/", "ambassadeurs"):
        response = client.post(
            f"/competences/ambassadeurs/propositions/{proposal.pk}/", {"decision": "declined", "next": elsewhere}
        )
        assert response["Location"] == "/competences/ambassadeurs/#a-decider", elsewhere
    # Odd page numbers and filters never make an error.
    for query in ("?page=abc&propositions=-1", "?statut=rien&page=999", "?secteur=public&type=ecole#x"):
        assert client.get("/competences/ambassadeurs/" + query).status_code == 200, query
    assert client.get("/competences/ambassadeurs/?departement=75").status_code == 403  # not in the scope


def test_the_page_queries_do_not_grow_with_the_area(
    client, frameworks, departement, manager, django_assert_max_num_queries
):
    """The ambassadors page and the maps (page and exports): as many queries for 43 schools as for 3."""
    from django.utils import timezone

    from ambassadors.services import consent_set
    from lms.models import Membership

    client.force_login(manager)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/competences/ambassadeurs/").status_code == 200
        return len(captured)

    def add_schools(first: int, count: int) -> None:
        """Schools each with a volunteer and a pending proposal: every list of the page grows."""
        for i in range(first, first + count):
            number = 9512000 + i
            school = make_school(departement, f"{number}{'ABCDEFGHJKLMNPRSTUVWXYZ'[number % 23]}", f"École {i:03d}")
            volunteer = make_user(f"v{i}@example.fr")
            Membership.objects.create(user=volunteer, school=school)
            consent_set(user=volunteer, consented=True)
            proposed = make_user(f"p{i}@example.fr")
            Membership.objects.create(user=proposed, school=school)
            if i % 2:
                AmbassadorProposal.objects.create(school=school, user=proposed, score=1, computed_at=timezone.now())
        stats_refresh(None)

    add_schools(0, 3)
    small = queries()
    pilotage = {}
    for path in PILOTAGE_PATHS:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path).status_code == 200
        pilotage[path] = len(captured)
    add_schools(3, 40)
    with django_assert_max_num_queries(small):
        assert client.get("/competences/ambassadeurs/").status_code == 200
    for path, count in pilotage.items():
        with django_assert_max_num_queries(count):
            assert client.get(path).status_code == 200


PILOTAGE_PATHS = (
    "/competences/pilotage/",
    "/competences/pilotage/?carte=couverture&periode=all",
    "/competences/pilotage/?export=xlsx&tableau=etablissements-competences",
    "/competences/pilotage/?export=csv&tableau=couverture-ambassadeurs",
)


def test_the_close_schools_lists_are_separated_in_the_readers_language(
    client, frameworks, departement, manager, django_capture_on_commit_callbacks
):
    """The nearest ambassadors were joined by a French " ; " on the English page."""
    cap = django_capture_on_commit_callbacks
    schools = [
        make_school(departement, uai, name, kind="college")
        for uai, name in (("0951002Y", "Collège A"), ("0951003Z", "Collège B"), ("0951004A", "Collège C"))
    ]
    for i, school in enumerate(schools):
        school.latitude, school.longitude = 49.0 + i / 100, 2.0
        school.save()
    stats_refresh(None)
    expert(teacher_in(schools[0], "a@example.fr"), cap, level=5)
    expert(teacher_in(schools[1], "b@example.fr"), cap, level=5)
    expert(teacher_in(schools[2], "presque@example.fr"), cap, codes=("3.1", "3.2"), level=4, modules=0)
    with cap(execute=True):
        ambassadors_propose()
        for proposal in AmbassadorProposal.objects.filter(school__in=schools[:2]):
            proposal_decide(proposal=proposal, manager=manager, decision="confirmed")
    client.force_login(manager)
    french = client.get("/competences/ambassadeurs/").content.decode()
    nearest = re.search(r"Ambassadeurs les plus proches :(.*?)</p>", french, flags=re.S).group(1)
    assert "Collège A" in nearest and "km) ; " in nearest
    english = client.get("/competences/ambassadeurs/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    nearest = re.search(r"Nearest ambassadors:(.*?)</p>", english, flags=re.S).group(1)
    assert "Collège A" in nearest and "km); " in nearest and " ; " not in nearest
