import pytest

from frameworks.models import Competency, Domain, Framework, Level
from frameworks.services import frameworks_load_shipped

pytestmark = pytest.mark.django_db


def test_shipped_frameworks_load_idempotently():
    first = frameworks_load_shipped()
    assert {r.slug: (r.domains, r.competencies, r.levels) for r in first} == {
        "crcn": (5, 16, 8),
        "crcn-edu": (5, 16, 5),
    }
    counts = (Framework.objects.count(), Domain.objects.count(), Competency.objects.count(), Level.objects.count())
    second = frameworks_load_shipped()
    assert all(r.created == 0 for r in second)
    assert counts == (2, 10, 32, 13)
    assert (
        Framework.objects.count(),
        Domain.objects.count(),
        Competency.objects.count(),
        Level.objects.count(),
    ) == counts


def test_competency_iris_and_codes():
    frameworks_load_shipped()
    competency = Competency.objects.get(framework__slug="crcn", code="1.1")
    assert competency.iri == "http://127.0.0.1:8000/competencies/crcn/1.1"
    assert competency.lsu_code == "CN_INF_MEN"
    assert Level.objects.get(framework__slug="crcn-edu", number=5).label == "Expert"
