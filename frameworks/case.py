"""The frameworks published as 1EdTech CASE 1.0 packages and as CSV.

Identifiers are UUID5 of the IRIs statements carry, so they are stable across
instances and reloads; each item's `uri` is that IRI, which resolves here.
"""

import csv
import io
import uuid

from .alignment import framework_iri, level_iri
from .models import Competency, Domain, Framework, Level

CREATOR = "Ministère de l'Éducation nationale et de la Jeunesse"
LICENCE = "Licence Ouverte / Open Licence 2.0"


def case_identifier(iri: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, iri))


def domain_iri(framework: Framework, domain: Domain) -> str:
    return f"{framework_iri(framework.slug)}/domaines/{domain.code}"


def _link(title: str, iri: str) -> dict:
    return {"title": title, "identifier": case_identifier(iri), "uri": iri}


# The date of the decree that published the CRCN; the shipped texts carry no other.
PUBLISHED = "2019-08-30T00:00:00+00:00"


def _changed(framework: Framework) -> str:
    return PUBLISHED


def framework_case_package(framework: Framework) -> dict:
    """A CFPackage: CFDocument, CFItems (domains, competencies, levels) and CFAssociations."""
    doc_iri = framework_iri(framework.slug)
    changed = _changed(framework)
    document = {
        "identifier": case_identifier(doc_iri),
        "uri": doc_iri,
        "creator": CREATOR,
        "title": framework.title,
        "lastChangeDateTime": changed,
        "description": framework.notes,
        "language": "fr",
        "adoptionStatus": "Adopted",
        "licenseURI": {
            "title": LICENCE,
            "identifier": case_identifier(LICENCE),
            "uri": "https://www.etalab.gouv.fr/licence-ouverte-open-licence",
        },
        "CFPackageURI": _link(framework.title, doc_iri + "/case.json"),
    }
    doc_link = _link(framework.title, doc_iri)
    items, associations = [], []

    def associate(origin: dict, destination: dict, kind: str, sequence: int | None = None) -> None:
        iri = f"{origin['uri']}#{kind}:{destination['uri']}"
        association = {
            "identifier": case_identifier(iri),
            "uri": iri,
            "associationType": kind,
            "originNodeURI": origin,
            "destinationNodeURI": destination,
            "CFDocumentURI": doc_link,
            "lastChangeDateTime": changed,
        }
        if sequence is not None:
            association["sequenceNumber"] = sequence
        associations.append(association)

    for d_index, domain in enumerate(Domain.objects.filter(framework=framework).order_by("code"), start=1):
        d_iri = domain_iri(framework, domain)
        items.append(
            {
                "identifier": case_identifier(d_iri),
                "uri": d_iri,
                "fullStatement": domain.name,
                "humanCodingScheme": domain.code,
                "CFItemType": "Domaine",
                "notes": domain.description,
                "language": "fr",
                "CFDocumentURI": doc_link,
                "lastChangeDateTime": changed,
            }
        )
        associate(_link(domain.name, d_iri), doc_link, "isChildOf", d_index)
        for c_index, competency in enumerate(domain.competencies.order_by("code"), start=1):
            items.append(competency_case_item(competency, changed=changed))
            associate(_link(competency.name, competency.iri), _link(domain.name, d_iri), "isChildOf", c_index)
    for level in Level.objects.filter(framework=framework).order_by("number"):
        l_iri = level_iri(framework.slug, level.number)
        items.append(
            {
                "identifier": case_identifier(l_iri),
                "uri": l_iri,
                "fullStatement": level.label,
                "humanCodingScheme": str(level.number),
                "CFItemType": "Niveau",
                "notes": level.description or level.group,
                "language": "fr",
                "CFDocumentURI": doc_link,
                "lastChangeDateTime": changed,
            }
        )
    return {"CFDocument": document, "CFItems": items, "CFAssociations": associations}


def competency_case_item(competency: Competency, *, changed: str | None = None) -> dict:
    framework = competency.framework
    item = {
        "identifier": case_identifier(competency.iri),
        "uri": competency.iri,
        "fullStatement": competency.name,
        "humanCodingScheme": competency.code,
        "CFItemType": "Compétence",
        "notes": competency.description,
        "language": "fr",
        "CFDocumentURI": _link(framework.title, framework_iri(framework.slug)),
        "lastChangeDateTime": changed or _changed(framework),
    }
    if competency.lsu_code:
        item["alternativeLabel"] = competency.lsu_code
    return item


def framework_csv(framework: Framework) -> str:
    """One row per competency: codes, names, the IRI statements use."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(
        ["referentiel", "domaine_code", "domaine", "competence_code", "competence", "code_lsu", "description", "iri"]
    )
    for competency in Competency.objects.filter(framework=framework).select_related("domain").order_by("code"):
        writer.writerow(
            [
                framework.short_name,
                competency.domain.code,
                competency.domain.name,
                competency.code,
                competency.name,
                competency.lsu_code,
                competency.description,
                competency.iri,
            ]
        )
    return out.getvalue()
