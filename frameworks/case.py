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


def _text(obj, field: str, language: str) -> str:
    """`field` in `language`: the English twin (`<field>_en`) when asked and filled, else the French."""
    if language == "en" and getattr(obj, f"{field}_en", ""):
        return getattr(obj, f"{field}_en")
    return getattr(obj, field)


def framework_case_package(framework: Framework, language: str = "fr") -> dict:
    """A CFPackage: CFDocument, CFItems (domains, competencies, levels) and CFAssociations.

    `language` "en" gives the English variant (the names' English twins; French where none)."""
    doc_iri = framework_iri(framework.slug)
    changed = _changed(framework)
    document = {
        "identifier": case_identifier(doc_iri),
        "uri": doc_iri,
        "creator": CREATOR,
        "title": _text(framework, "title", language),
        "lastChangeDateTime": changed,
        "description": framework.notes,
        "language": language,
        "adoptionStatus": "Adopted",
        "licenseURI": {
            "title": LICENCE,
            "identifier": case_identifier(LICENCE),
            "uri": "https://www.etalab.gouv.fr/licence-ouverte-open-licence",
        },
        "CFPackageURI": _link(_text(framework, "title", language), doc_iri + "/case.json"),
    }
    doc_link = _link(_text(framework, "title", language), doc_iri)
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
                "fullStatement": _text(domain, "name", language),
                "humanCodingScheme": domain.code,
                "CFItemType": "Domaine",
                "notes": _text(domain, "description", language),
                "language": language,
                "CFDocumentURI": doc_link,
                "lastChangeDateTime": changed,
            }
        )
        associate(_link(_text(domain, "name", language), d_iri), doc_link, "isChildOf", d_index)
        for c_index, competency in enumerate(domain.competencies.order_by("code"), start=1):
            items.append(competency_case_item(competency, changed=changed, language=language))
            associate(
                _link(_text(competency, "name", language), competency.iri),
                _link(_text(domain, "name", language), d_iri),
                "isChildOf",
                c_index,
            )
    for level in Level.objects.filter(framework=framework).order_by("number"):
        l_iri = level_iri(framework.slug, level.number)
        items.append(
            {
                "identifier": case_identifier(l_iri),
                "uri": l_iri,
                "fullStatement": _text(level, "label", language),
                "humanCodingScheme": str(level.number),
                "CFItemType": "Niveau",
                "notes": _text(level, "description", language) or _text(level, "group", language),
                "language": language,
                "CFDocumentURI": doc_link,
                "lastChangeDateTime": changed,
            }
        )
    return {"CFDocument": document, "CFItems": items, "CFAssociations": associations}


def competency_case_item(competency: Competency, *, changed: str | None = None, language: str = "fr") -> dict:
    framework = competency.framework
    item = {
        "identifier": case_identifier(competency.iri),
        "uri": competency.iri,
        "fullStatement": _text(competency, "name", language),
        "humanCodingScheme": competency.code,
        "CFItemType": "Compétence",
        "notes": _text(competency, "description", language),
        "language": language,
        "CFDocumentURI": _link(_text(framework, "title", language), framework_iri(framework.slug)),
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
