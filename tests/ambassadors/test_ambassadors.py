"""Ambassador proposals: hand-built histories for each rule, decisions, consent, coverage, pages."""

import base64
import json

import pytest

from ambassadors.models import AmbassadorDecision, AmbassadorPolicy, AmbassadorProposal
from ambassadors.services import ambassadors_propose, consent_set, proposal_decide
from lms.models import Academie, Departement, School
from maps.coverage import ambassador_coverage
from tests.conftest import PASSWORD, make_school, make_user
from tests.factories import expert, teacher_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def college(departement):
    return make_school(departement, "0951002Y", "Collège Jean Moulin", kind="college")


def test_proposes_qualified_consenting_teachers_with_reasons(frameworks, college, django_capture_on_commit_callbacks):
    cap = django_capture_on_commit_callbacks
    strong = teacher_in(college, "forte@example.fr")
    shy = teacher_in(college, "discrete@example.fr", consent=False)
    weak = teacher_in(college, "debutante@example.fr")
    expert(strong, cap, level=5)
    expert(shy, cap, level=5)
    expert(weak, cap, codes=("3.1", "3.2"), level=4)  # one domain, two competencies: not enough
    ambassadors_propose()
    (proposal,) = AmbassadorProposal.objects.filter(school=college)
    assert proposal.user == strong and proposal.status == "proposed"
    reasons = " ".join(proposal.reasons)
    assert "Niveau Avancé ou plus dans 3 compétences CRCN Édu" in reasons
    assert "3.1 Concevoir (5)" in reasons and "2 domaines couverts (2, 3)" in reasons
    assert "1 module de formation terminé" in reasons


def test_each_policy_rule(frameworks, college, departement, django_capture_on_commit_callbacks):
    cap = django_capture_on_commit_callbacks
    policy = AmbassadorPolicy.objects.create(academie=departement.academie, required_level=5, max_per_school=1)
    advanced = teacher_in(college, "avancee@example.fr")
    old = teacher_in(college, "ancienne@example.fr")
    no_module = teacher_in(college, "sansmodule@example.fr")
    expert1 = teacher_in(college, "experte1@example.fr")
    expert2 = teacher_in(college, "experte2@example.fr")
    expert(advanced, cap, level=4)
    expert(old, cap, level=5, days_ago=800)  # older than recency_days (730)
    expert(no_module, cap, level=5, modules=0)
    expert(expert1, cap, level=5, modules=2)
    expert(expert2, cap, level=5, modules=1)
    ambassadors_propose()
    # Only experts qualify; one per school; two modules beat one.
    assert list(AmbassadorProposal.objects.values_list("user__email", flat=True)) == ["experte1@example.fr"]
    policy.max_per_school = 3
    policy.save()
    ambassadors_propose()
    assert set(AmbassadorProposal.objects.values_list("user__email", flat=True)) == {
        "experte1@example.fr",
        "experte2@example.fr",
    }


def test_decisions_are_kept_and_confirmed_ambassadors_stay(
    frameworks, college, manager, django_capture_on_commit_callbacks
):
    cap = django_capture_on_commit_callbacks
    first = teacher_in(college, "premiere@example.fr")
    second = teacher_in(college, "seconde@example.fr")
    expert(first, cap, level=5)
    expert(second, cap, level=4)
    ambassadors_propose()
    confirmed = AmbassadorProposal.objects.get(user=first)
    declined = AmbassadorProposal.objects.get(user=second)
    from maps.models import SchoolStat

    with cap(execute=True):
        proposal_decide(proposal=confirmed, manager=manager, decision="confirmed", comment="Très bien")
    assert SchoolStat.objects.get(school=college).coverage == "covered"  # the maps follow at once
    proposal_decide(proposal=declined, manager=manager, decision="declined")
    ambassadors_propose()
    assert AmbassadorProposal.objects.get(user=first).status == "confirmed"
    assert AmbassadorProposal.objects.get(user=second).status == "declined"
    assert AmbassadorDecision.objects.count() == 2
    # Revoking consent withdraws at once, and that too is kept.
    with cap(execute=True):
        consent_set(user=first, consented=False)
    assert AmbassadorProposal.objects.get(user=first).status == "withdrawn"
    assert SchoolStat.objects.get(school=college).coverage != "covered"
    assert list(AmbassadorDecision.objects.filter(proposal__user=first).values_list("decision", flat=True)) == [
        "withdrawn",
        "confirmed",
    ]


def test_new_evidence_updates_proposals(frameworks, college, django_capture_on_commit_callbacks):
    teacher = teacher_in(college, "progresse@example.fr")
    assert not AmbassadorProposal.objects.exists()
    expert(teacher, django_capture_on_commit_callbacks)  # the statements' task recomputes the school
    assert AmbassadorProposal.objects.filter(user=teacher, school=college).exists()


def test_coverage_nearest_and_closest(frameworks, departement, manager, django_capture_on_commit_callbacks):
    cap = django_capture_on_commit_callbacks
    a = School.objects.create(
        uai="0951003Z", name="École A", kind="ecole", departement=departement, latitude=49.03, longitude=2.07,
        circonscription_code="0951234", commune="Cergy",
    )  # fmt: skip
    b = School.objects.create(
        uai="0951004A", name="École B", kind="ecole", departement=departement, latitude=49.05, longitude=2.10,
        circonscription_code="0951234", commune="Pontoise",
    )  # fmt: skip
    c = School.objects.create(
        uai="0951005B", name="Collège C", kind="college", departement=departement, latitude=48.95, longitude=2.25,
        commune="Argenteuil",
    )  # fmt: skip
    star = teacher_in(a, "etoile@example.fr")
    almost = teacher_in(c, "presque@example.fr")
    expert(star, cap, level=5)
    expert(almost, cap, codes=("3.1", "3.2"), level=4)
    ambassadors_propose()
    with cap(execute=True):  # the coverage is refreshed once the decision is committed
        proposal_decide(proposal=AmbassadorProposal.objects.get(user=star), manager=manager, decision="confirmed")
    coverage = {item.school.uai: item for item in ambassador_coverage(schools=School.objects.all())}
    assert coverage[a.uai].status == "covered"
    assert coverage[b.uai].status == "circonscription"
    assert coverage[c.uai].status == "uncovered"
    (nearest, km) = coverage[c.uai].nearest[0]
    assert nearest.user == star and 10 < km < 20
    (candidate, activities) = coverage[c.uai].closest[0]
    assert candidate.user_id == almost.pk and candidate.gap == 2  # one competency and one domain short
    assert activities  # activities that evidenced the missing competencies for others


def test_pages_and_permissions(client, frameworks, college, manager, teacher, django_capture_on_commit_callbacks):
    candidate = teacher_in(college, "candidate@example.fr")
    expert(candidate, django_capture_on_commit_callbacks, level=5)
    ambassadors_propose()
    proposal = AmbassadorProposal.objects.get()

    client.login(email=teacher.email, password=PASSWORD)
    assert client.get("/competences/ambassadeurs/").status_code == 403
    assert (
        client.post(f"/competences/ambassadeurs/propositions/{proposal.pk}/", {"decision": "confirmed"}).status_code
        == 403
    )
    response = client.post("/competences/ambassadeur/consentement/", {"consented": "1"}, follow=True)
    assert "Retirer mon accord" in response.content.decode()

    outsider_academie = Academie.objects.create(code="24", name="Créteil")
    Departement.objects.create(code="94", name="Val-de-Marne", academie=outsider_academie)
    outsider = make_user("ailleurs@example.fr", role="manager", scope_academie=outsider_academie)
    client.login(email=outsider.email, password=PASSWORD)
    assert (
        client.post(f"/competences/ambassadeurs/propositions/{proposal.pk}/", {"decision": "confirmed"}).status_code
        == 404
    )

    client.login(email=manager.email, password=PASSWORD)
    html = client.get("/competences/ambassadeurs/").content.decode()
    assert "Candidate" in html and "Niveau Avancé ou plus" in html
    response = client.post(f"/competences/ambassadeurs/propositions/{proposal.pk}/", {"decision": "n'importe quoi"})
    assert response.status_code == 302
    assert AmbassadorProposal.objects.get().status == "proposed"
    client.post(f"/competences/ambassadeurs/propositions/{proposal.pk}/", {"decision": "confirmed", "comment": "Oui"})
    assert AmbassadorProposal.objects.get().status == "confirmed"

    # The rules are the académie's: its manager sets them (a département's manager gets 403, see test_ambassador_rules).
    academie_manager = make_user("academie@example.fr", role="manager", scope_academie=college.departement.academie)
    client.login(email=academie_manager.email, password=PASSWORD)
    policy = {"required_level": 5, "recency_days": 365, "min_modules_completed": 1}
    bad = {**policy, "min_competencies": 2, "min_domains": 4, "max_per_school": 0}
    response = client.post("/competences/ambassadeurs/regles/", bad)
    assert response.status_code == 200
    html = response.content.decode()
    assert "plus de domaines que de compétences" in html and "au moins un ambassadeur" in html
    assert "urée de validité du badge (jours)" in html
    good = {**policy, "min_competencies": 3, "min_domains": 2, "max_per_school": 2, "badge_validity_days": 730}
    response = client.post("/competences/ambassadeurs/regles/", good)
    assert response.status_code == 302
    saved = AmbassadorPolicy.objects.get(academie=college.departement.academie)
    assert saved.required_level == 5 and saved.badge_validity_days == 730


def test_confirmed_ambassador_gets_a_signed_open_badge(
    client, frameworks, college, manager, django_capture_on_commit_callbacks
):
    from joserfc import jwt
    from joserfc.errors import BadSignatureError
    from joserfc.jwk import KeySet

    teacher = teacher_in(college, "badge@example.fr")
    other = teacher_in(college, "curieux@example.fr")
    expert(teacher, django_capture_on_commit_callbacks, level=5)
    ambassadors_propose()
    proposal = AmbassadorProposal.objects.get(user=teacher)
    proposal_decide(proposal=proposal, manager=manager, decision="confirmed")

    issuer = client.get("/competencies/badges/issuer").json()
    keys = KeySet.import_key_set({"keys": [m["publicKeyJwk"] for m in issuer["verificationMethod"]]})
    client.login(email=teacher.email, password=PASSWORD)
    token = client.get(f"/competences/ambassadeur/badge/{proposal.pk}/").content.decode()
    credential = jwt.decode(token, keys, algorithms=["RS256"]).claims
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["sub"].startswith("urn:uuid:") and str(teacher.xapi_uuid) not in token
    assert teacher.email not in token
    targets = {a["targetCode"]: a["targetUrl"] for a in credential["credentialSubject"]["achievement"]["alignment"]}
    assert targets == {
        "2.1": "http://127.0.0.1:8000/competencies/crcn-edu/2.1",
        "3.1": "http://127.0.0.1:8000/competencies/crcn-edu/3.1",
        "3.2": "http://127.0.0.1:8000/competencies/crcn-edu/3.2",
    }
    # A tampered badge does not verify.
    # (A changed claim, encoded again: appending a character could make the base64 itself unreadable,
    # depending on the payload's length, and the failure would not be the signature's.)
    header, body, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))) | {"name": "Expert national"}
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    with pytest.raises(BadSignatureError):
        jwt.decode(f"{header}.{forged}.{signature}", keys, algorithms=["RS256"])
    assert client.get(f"/competences/ambassadeur/badge/{proposal.pk}/?format=json").json()["id"] == credential["id"]

    client.login(email=other.email, password=PASSWORD)
    assert client.get(f"/competences/ambassadeur/badge/{proposal.pk}/").status_code == 403
    client.login(email=manager.email, password=PASSWORD)
    assert client.get(f"/competences/ambassadeur/badge/{proposal.pk}/").status_code == 200


def test_coverage_page_filters_by_status_and_paginates(client, frameworks, departement, manager):
    from maps.coverage import SCHOOLS_PER_PAGE
    from maps.stats import stats_refresh
    from tests.conftest import make_school

    for i in range(SCHOOLS_PER_PAGE + 3):
        number = 9510000 + i
        make_school(departement, f"{number}{'ABCDEFGHJKLMNPRSTUVWXYZ'[number % 23]}", f"École {i:02d}")
    stats_refresh(None)
    client.force_login(manager)
    first = client.get("/competences/ambassadeurs/")
    assert first.status_code == 200
    assert first.content.decode().count('data-status="uncovered"') == SCHOOLS_PER_PAGE
    second = client.get("/competences/ambassadeurs/?statut=uncovered&page=2")
    assert second.content.decode().count('data-status="uncovered"') == School.objects.count() - SCHOOLS_PER_PAGE
    assert client.get("/competences/ambassadeurs/?statut=covered").content.decode().count("data-status=") == 0
    # An unknown status or page falls back to the whole list, first or last page: never an error.
    assert client.get("/competences/ambassadeurs/?statut=rien&page=999").status_code == 200
    assert client.get("/competences/ambassadeurs/?type=universite").status_code == 400
