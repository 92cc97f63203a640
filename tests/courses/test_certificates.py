"""A certificate is earned once and kept, and anyone can verify it from its code."""

import pytest
from wagtail.models import Site

from courses.certificates import CODE_LENGTH, certificate_by_code, certificate_issue, code_normalised
from courses.models import Certificate, CoursePage, ModulePage, Partner
from tests.conftest import CONTENT, PASSWORD
from tests.courses.factories import complete_course
from themes.models import TerritorySettings

pytestmark = pytest.mark.django_db


@pytest.fixture
def territory(module, settings):
    settings.RELAIS_ISSUER_NAME = "Academie de Versailles"  # the one issuer of badges and certificates
    site = Site.objects.get(is_default_site=True)
    territory = TerritorySettings.for_site(site)
    territory.operator_name = "Academie de Versailles"
    territory.territory_name = "Val-d'Oise"
    territory.save()
    return territory


def test_completing_the_course_issues_a_certificate_with_a_code(module, teacher, territory):
    complete_course(module, teacher)
    certificate = Certificate.objects.get(user=teacher)
    assert len(certificate.code) == CODE_LENGTH and set(certificate.code) <= set("ABCDEFGHJKMNPQRSTVWXYZ23456789")
    assert certificate.issuer_name == "Academie de Versailles"
    assert [m["title"] for m in certificate.modules] == ["Module test"]
    assert certificate_issue(course=module.course, user=teacher) == certificate  # earned once


def test_a_module_published_later_does_not_take_the_certificate_back(client, module, teacher, territory):
    complete_course(module, teacher)
    course = CoursePage.objects.get(pk=module.course.pk)
    later = ModulePage(title="Module ajouté ensuite", slug="module-ensuite", activities=[CONTENT])
    course.add_child(instance=later)
    later.save_revision().publish()
    assert client.login(email=teacher.email, password=PASSWORD)

    page = client.get(f"/formations/parcours/{course.pk}/attestation/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Nouveau dans ce parcours" in text and "Module ajouté ensuite" in text
    assert "<ul data-certificate-modules>\n  <li>Module test</li>" in text
    assert 'data-competency="crcn-edu/3.1"' in text  # the evidence of the completed module stays
    pdf = client.get(f"/formations/parcours/{course.pk}/attestation.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    assert b"/Subtype /Image" in pdf.content  # the QR code
    assert b"Academie de Versailles" in pdf.content  # the issuer, as the PDF's author
    # The course page still offers the certificate although only 1 of 2 modules is now done.
    assert "Mon attestation de formation" in client.get(course.url).content.decode()


def test_evidence_after_completion_is_not_added(module, teacher, territory):
    from courses.certificates import certificate_competencies

    complete_course(module, teacher)
    certificate = Certificate.objects.get(user=teacher)
    before = [(r.competency.code, r.level) for r in certificate_competencies(certificate)]
    assert ("3.1", 4) in before
    # Evidence from the same module dated after completion (a retake, a later import) is not added.
    from datetime import timedelta
    from uuid import uuid4

    from courses.statements import module_iri
    from evidence.models import Evidence
    from frameworks.models import Competency

    Evidence.objects.create(
        statement_id=uuid4(),
        user=teacher,
        competency=Competency.objects.get(framework__slug="crcn-edu", code="3.1"),
        level=5,
        kind="assessment",
        occurred_at=certificate.completed_at + timedelta(minutes=5),
        activity_id=module_iri(module) + "/later",
    )
    assert [(r.competency.code, r.level) for r in certificate_competencies(certificate)] == before


def test_verify_a_certificate_by_its_code_without_an_account(client, module, teacher, territory):
    complete_course(module, teacher)
    certificate = Certificate.objects.get(user=teacher)
    response = client.get(f"/formations/attestations/verifier/{certificate.code_display}/")
    assert response.status_code == 200
    text = response.content.decode()
    assert 'data-verification="valid"' in text
    assert "Parcours test" in text and "Academie de Versailles" in text and 'data-competency="crcn-edu/3.1"' in text
    assert "Durand" not in text and "prof@example.fr" not in text  # pseudonymous by default

    # Typed from paper: any case, no dashes, through the form.
    typed = client.get("/formations/attestations/verifier/", {"code": certificate.code.lower()})
    assert typed.status_code == 200 and 'data-verification="valid"' in typed.content.decode()

    unknown = client.get("/formations/attestations/verifier/ABCD-EFGH-JKMN/")
    assert unknown.status_code == 404 and 'data-verification="unknown"' in unknown.content.decode()
    assert client.get("/formations/attestations/verifier/", {"code": "<script>"}).status_code == 404
    assert client.get("/formations/attestations/verifier/").status_code == 200  # the empty form


def test_the_holder_chooses_how_the_verification_page_names_them(client, module, teacher, territory):
    complete_course(module, teacher)
    certificate = Certificate.objects.get(user=teacher)
    assert client.login(email=teacher.email, password=PASSWORD)
    url = f"/formations/parcours/{module.course.pk}/attestation/"
    assert client.post(url, {"affichage": "full_name"}).status_code == 302
    client.logout()
    text = client.get(f"/formations/attestations/verifier/{certificate.code}/").content.decode()
    assert "Camille Durand" in text
    client.login(email=teacher.email, password=PASSWORD)
    client.post(url, {"affichage": "initials"})
    client.logout()
    assert "C. D." in client.get(f"/formations/attestations/verifier/{certificate.code}/").content.decode()
    client.login(email=teacher.email, password=PASSWORD)
    assert client.post(url, {"affichage": "everything"}).status_code == 302
    certificate.refresh_from_db()
    assert certificate.holder_display == "initials"


def test_partners_and_codes(module, teacher, territory):
    course = CoursePage.objects.get(pk=module.course.pk)
    course.co_designers.add(Partner.objects.create(name="Réseau Canopé", kind="canope"))
    course.save_revision().publish()
    complete_course(ModulePage.objects.get(pk=module.pk), teacher)
    certificate = Certificate.objects.get(user=teacher)
    assert certificate.partner_names == ["Réseau Canopé"]
    assert code_normalised(" abcd-efgh jkmn ") == "ABCDEFGHJKMN"
    assert certificate_by_code("short") is None
    assert certificate_by_code(certificate.code_display.lower()) == certificate
