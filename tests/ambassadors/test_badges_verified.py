"""An ambassador's Open Badges 3.0.3 credential, checked as an outside verifier would: with an
independent JOSE library (joserfc, not ambassadors.badge_signing), the issuer's keys and the
revocation list fetched over HTTP from a live server."""

import base64
import gzip
import json
import uuid
from datetime import UTC, datetime

import pytest
import requests
from joserfc import jwt
from joserfc.jwk import KeySet

from ambassadors.models import AmbassadorBadge, AmbassadorPolicy, AmbassadorProposal
from ambassadors.services import ambassadors_propose, consent_set, proposal_decide
from lms.privacy import user_erase
from tests.conftest import make_school
from tests.factories import expert, teacher_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def college(departement):
    return make_school(departement, "0951002Y", "Collège Jean Moulin", kind="college")


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def verify_over_http(token: str) -> dict:
    """What a verifier does (Open Badges 3.0.3 §8.2.6): dereference `kid`, check the signature and the
    claims against the credential, then read the credential's bit in its status list."""
    header = json.loads(_b64decode(token.split(".")[0]))
    assert set(header) <= {"alg", "kid", "typ", "jwk"} and header["typ"] == "JWT"
    key_response = requests.get(header["kid"], timeout=10)
    assert key_response.status_code == 200 and "d" not in key_response.json()
    keys = KeySet.import_key_set({"keys": [key_response.json()]})
    claims = jwt.decode(token, keys, algorithms=["RS256"]).claims
    assert claims["iss"] == claims["issuer"]["id"]
    assert claims["jti"] == claims["id"] and claims["sub"] == claims["credentialSubject"]["id"]
    valid_from = datetime.fromisoformat(claims["validFrom"].replace("Z", "+00:00"))
    assert claims["nbf"] == int(valid_from.timestamp()) and valid_from <= datetime.now(UTC)
    status = claims["credentialStatus"]
    assert status["type"] == "BitstringStatusListEntry" and status["statusPurpose"] == "revocation"
    listed = requests.get(status["statusListCredential"], timeout=10)
    assert listed.status_code == 200 and listed.headers["Content-Type"].startswith("application/jwt")
    # The list is signed like the badges: the JWK set at its stable URL verifies it.
    jwks = requests.get(claims["iss"].rsplit("/", 1)[0] + "/jwks.json", timeout=10).json()
    status_list = jwt.decode(listed.text, KeySet.import_key_set(jwks), algorithms=["RS256"]).claims
    assert status_list["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert status_list["id"] == status["statusListCredential"] and status_list["iss"] == claims["iss"]
    encoded = status_list["credentialSubject"]["encodedList"]
    assert encoded[0] == "u"  # multibase base64url
    bits = gzip.decompress(_b64decode(encoded[1:]))
    assert len(bits) * 8 >= 131_072
    index = int(status["statusListIndex"])
    bit = (bits[index // 8] >> (7 - index % 8)) & 1
    return {"claims": claims, "state": "revoked" if bit else "valid"}


def test_badge_verifies_with_an_independent_library_and_fails_once_revoked(
    live_server, settings, client, frameworks, college, manager, django_capture_on_commit_callbacks
):
    settings.RELAIS_BASE_URL = live_server.url
    AmbassadorPolicy.objects.create(academie=college.departement.academie, badge_validity_days=365)
    teacher = teacher_in(college, "zephyrine@example.fr")
    teacher.first_name, teacher.last_name = "Zéphyrine", "Quasimodo"
    teacher.save()
    other = teacher_in(college, "autre@example.fr")
    expert(teacher, django_capture_on_commit_callbacks, level=5)
    expert(other, django_capture_on_commit_callbacks, level=5)
    ambassadors_propose()
    proposals = {p.user_id: p for p in AmbassadorProposal.objects.all()}
    for proposal in proposals.values():
        proposal_decide(proposal=proposal, manager=manager, decision="confirmed")

    client.force_login(teacher)
    response = client.get(f"/competences/ambassadeur/badge/{proposals[teacher.pk].pk}/")
    assert response["Content-Type"] == "application/jwt"
    token = response.content.decode()
    checked = verify_over_http(token)
    assert checked["state"] == "valid"
    credential = checked["claims"]
    assert credential["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["issuer"] == {
        "id": f"{live_server.url}/competencies/badges/issuer",
        "type": ["Profile"],
        "name": "Relais",
        "url": live_server.url,
    }
    valid_until = datetime.fromisoformat(credential["validUntil"].replace("Z", "+00:00"))
    assert credential["exp"] == int(valid_until.timestamp())
    assert (valid_until - datetime.fromisoformat(credential["validFrom"].replace("Z", "+00:00"))).days == 365
    # Pseudonymous: neither the e-mail nor the xAPI pseudonym is in the badge.
    assert teacher.email not in token and str(teacher.xapi_uuid) not in json.dumps(credential)
    # A tampered badge does not verify.
    header, body, signature = token.split(".")
    forged = json.loads(_b64decode(body)) | {"name": "Expert national"}
    forged_body = base64.urlsafe_b64encode(json.dumps(forged).encode()).rstrip(b"=").decode()
    with pytest.raises(Exception, match="signature"):
        verify_over_http(f"{header}.{forged_body}.{signature}")

    # The public page, without login, in French and in English.
    page = requests.get(credential["id"], timeout=10, headers={"Accept-Language": "fr"})
    assert page.status_code == 200 and 'data-badge-state="valid"' in page.text and "Badge valide" in page.text
    assert "pseudonyme" in page.text and teacher.first_name not in page.text and "Relais" in page.text
    english = requests.get(credential["id"], timeout=10, headers={"Accept-Language": "en"})
    assert '<html lang="en"' in english.text and "Valid badge" in english.text
    unknown = requests.get(f"{live_server.url}/competencies/badges/{uuid.uuid4()}", timeout=10)
    assert unknown.status_code == 404 and 'data-badge-state="unknown"' in unknown.text
    # The teacher's page links to it, and the teacher may show their name there.
    mine = client.get("/competences/mes-competences/").content.decode()
    assert f'href="{credential["id"]}"' in mine
    client.post(f"/competences/ambassadeur/badge/{proposals[teacher.pk].pk}/affichage/", {"holder_display": "name"})
    assert teacher.get_full_name() in requests.get(credential["id"], timeout=10).text

    # The teacher withdraws: the same badge now reads "revoked", here and on its page.
    consent_set(user=teacher, consented=False)
    assert verify_over_http(token)["state"] == "revoked"
    assert 'data-badge-state="revoked"' in requests.get(credential["id"], timeout=10).text
    # The other ambassador's badge is untouched; their account erased, it is revoked too.
    other_token = proposals[other.pk].badge.jwt
    assert verify_over_http(other_token)["state"] == "valid"
    user_erase(user=other)
    assert verify_over_http(other_token)["state"] == "revoked"


def test_refused_after_confirmation_revokes_and_a_new_confirmation_issues_a_new_badge(
    frameworks, college, manager, django_capture_on_commit_callbacks
):
    from ambassadors.badge_status import status_is_revoked

    teacher = teacher_in(college, "revoque@example.fr")
    expert(teacher, django_capture_on_commit_callbacks, level=5)
    ambassadors_propose()
    proposal = AmbassadorProposal.objects.get(user=teacher)
    proposal_decide(proposal=proposal, manager=manager, decision="confirmed")
    first_id = proposal.badge.credential["id"]
    first_status = proposal.badge.status
    proposal_decide(proposal=proposal, manager=manager, decision="declined")
    first_status.refresh_from_db()
    assert first_status.revoked_at is not None
    proposal_decide(proposal=proposal, manager=manager, decision="confirmed")
    second = AmbassadorBadge.objects.get(proposal=proposal)
    assert second.status_id != first_status.pk and second.credential["id"] != first_id
    assert not status_is_revoked(second.status)
    first_status.refresh_from_db()
    assert status_is_revoked(first_status)  # once revoked, for good


def test_one_issuer_name_in_badges_status_lists_and_pages(
    client, settings, frameworks, college, manager, django_capture_on_commit_callbacks
):
    from ambassadors.badge_status import status_list_credential

    settings.RELAIS_ISSUER_NAME = "DRANE de Versailles"
    teacher = teacher_in(college, "nom@example.fr")
    expert(teacher, django_capture_on_commit_callbacks, level=5)
    ambassadors_propose()
    proposal = AmbassadorProposal.objects.get(user=teacher)
    proposal_decide(proposal=proposal, manager=manager, decision="confirmed")
    credential = AmbassadorBadge.objects.get(proposal=proposal).credential
    assert credential["issuer"]["name"] == "DRANE de Versailles"
    assert status_list_credential(1)["issuer"] == credential["issuer"]
    assert client.get("/competencies/badges/issuer").json()["name"] == "DRANE de Versailles"
    page = client.get(credential["id"].removeprefix(settings.RELAIS_BASE_URL)).content.decode()
    assert "Ce badge a été délivré par DRANE de Versailles" in page


def test_a_badge_issued_before_status_lists_is_issued_anew_on_download_and_old_keys_stay_published(
    client, frameworks, college, manager, django_capture_on_commit_callbacks
):
    from ambassadors.models import BadgeIssuerKey

    teacher = teacher_in(college, "ancien@example.fr")
    expert(teacher, django_capture_on_commit_callbacks, level=5)
    ambassadors_propose()
    proposal = AmbassadorProposal.objects.get(user=teacher)
    proposal.status = AmbassadorProposal.Status.CONFIRMED
    proposal.save()
    # As the previous release left them: an Ed25519 key, a badge with no revocation status.
    old_key = BadgeIssuerKey.objects.create(
        algorithm="EdDSA", private_pem="unused", public_jwk={"kty": "OKP", "crv": "Ed25519", "x": "A" * 43}
    )
    AmbassadorBadge.objects.create(
        proposal=proposal, credential={"id": "urn:uuid:x"}, jwt="a.b.c", issued_at=old_key.created_at
    )
    client.force_login(teacher)
    token = client.get(f"/competences/ambassadeur/badge/{proposal.pk}/").content.decode()
    header = json.loads(_b64decode(token.split(".")[0]))
    assert header["alg"] == "RS256"
    badge = AmbassadorBadge.objects.get(proposal=proposal)
    assert badge.status is not None and badge.jwt == token
    keys = client.get("/competencies/badges/jwks.json").json()["keys"]
    assert [k["alg"] for k in keys] == ["EdDSA", "RS256"] and all("d" not in k for k in keys)
    assert header["kid"] == keys[1]["kid"]


def test_public_badge_urls_answer_404_for_what_does_not_exist(client, db):
    assert client.get("/competencies/badges/status/1").status_code == 200  # the first list, empty
    for path in ("status/0", "status/2", f"status/{10**30}", "keys/999", f"keys/{10**30}"):
        assert client.get(f"/competencies/badges/{path}").status_code == 404, path
    page = client.get(f"/competencies/badges/{uuid.uuid4()}")
    assert page.status_code == 404 and "Badge inconnu" in page.content.decode()


def test_a_badge_past_its_validity_reads_expired_on_its_page(
    client, frameworks, college, manager, django_capture_on_commit_callbacks
):
    AmbassadorPolicy.objects.create(academie=college.departement.academie, badge_validity_days=30)
    teacher = teacher_in(college, "expire@example.fr")
    expert(teacher, django_capture_on_commit_callbacks, level=5)
    ambassadors_propose()
    proposal = AmbassadorProposal.objects.get(user=teacher)
    proposal_decide(proposal=proposal, manager=manager, decision="confirmed")
    badge = AmbassadorBadge.objects.get(proposal=proposal)
    path = badge.credential["id"].split("/competencies/", 1)[1]
    assert 'data-badge-state="valid"' in client.get(f"/competencies/{path}").content.decode()
    badge.credential["validUntil"] = "2020-01-31T00:00:00Z"
    badge.save()
    page = client.get(f"/competencies/{path}").content.decode()
    assert 'data-badge-state="expired"' in page and "Valable jusqu'au" in page
