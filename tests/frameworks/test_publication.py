"""The frameworks at stable URLs: CASE package, CSV, and competency IRIs that resolve."""

import csv
import io
from urllib.parse import urlparse

import pytest

from frameworks.case import case_identifier
from frameworks.models import Competency

pytestmark = pytest.mark.django_db


def path_of(iri: str) -> str:
    return urlparse(iri).path


def test_case_package_structure(client, frameworks):
    response = client.get("/competencies/crcn-edu/case.json")
    assert response.status_code == 200
    package = response.json()
    assert package["CFDocument"]["uri"] == "http://127.0.0.1:8000/competencies/crcn-edu"
    assert package["CFDocument"]["title"].startswith("Cadre de référence des compétences numériques en éducation")
    competencies = [i for i in package["CFItems"] if i["CFItemType"] == "Compétence"]
    domains = [i for i in package["CFItems"] if i["CFItemType"] == "Domaine"]
    levels = [i for i in package["CFItems"] if i["CFItemType"] == "Niveau"]
    assert (len(domains), len(competencies), len(levels)) == (5, 16, 5)
    assert {i["humanCodingScheme"] for i in competencies} >= {"1.1", "3.2", "5.2"}
    # Every competency is the child of its domain, every domain of the document.
    children = {(a["originNodeURI"]["uri"], a["destinationNodeURI"]["uri"]) for a in package["CFAssociations"]}
    item = next(i for i in competencies if i["humanCodingScheme"] == "3.2")
    assert (item["uri"], "http://127.0.0.1:8000/competencies/crcn-edu/domaines/3") in children
    assert len(package["CFAssociations"]) == 5 + 16
    assert item["identifier"] == case_identifier(item["uri"])


def test_identifiers_are_stable_across_calls(client, frameworks):
    first = client.get("/competencies/crcn/case.json").json()
    second = client.get("/competencies/crcn/case.json").json()
    assert first == second
    assert any(i.get("alternativeLabel") == "CN_INF_MEN" for i in first["CFItems"])


def test_statement_iris_resolve(client, frameworks):
    competency = Competency.objects.get(framework__slug="crcn-edu", code="3.1")
    item = client.get(path_of(competency.iri)).json()
    assert item["uri"] == competency.iri and item["fullStatement"] == "Concevoir"
    level = client.get("/competencies/crcn-edu/niveaux/4").json()
    assert level["fullStatement"] == "Avancé"
    html = client.get(path_of(competency.iri), HTTP_ACCEPT="text/html").content.decode()
    assert "Concevoir" in html and competency.iri in html


def test_csv(client, frameworks):
    response = client.get("/competencies/crcn.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode()), delimiter=";"))
    assert len(rows) == 16
    assert rows[0]["competence_code"] == "1.1" and rows[0]["code_lsu"] == "CN_INF_MEN"
    assert rows[0]["iri"] == "http://127.0.0.1:8000/competencies/crcn/1.1"


def test_unknown_items_are_404(client, frameworks):
    assert client.get("/competencies/inconnu/case.json").status_code == 404
    assert client.get("/competencies/crcn/9.9").status_code == 404
    assert client.get("/competencies/crcn/niveaux/42").status_code == 404
