import pytest

from lms.models import User
from lms.selectors import schools_in_scope
from tests.lms.factories import AcademieFactory, DepartementFactory, SchoolFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def schools():
    creteil, rennes = AcademieFactory(name="Créteil"), AcademieFactory(name="Rennes")
    val_de_marne = DepartementFactory(code="94", academie=creteil)
    seine_saint_denis = DepartementFactory(code="93", academie=creteil)
    ille_et_vilaine = DepartementFactory(code="35", academie=rennes)
    return {
        "94": SchoolFactory.create_batch(2, departement=val_de_marne),
        "93": SchoolFactory.create_batch(1, departement=seine_saint_denis),
        "35": SchoolFactory.create_batch(3, departement=ille_et_vilaine),
        "creteil": creteil,
    }


def uais(queryset):
    return set(queryset.values_list("uai", flat=True))


def test_a_manager_of_an_academie_sees_its_departements(schools):
    manager = UserFactory(role=User.Role.MANAGER, scope_academie=schools["creteil"])

    assert uais(schools_in_scope(user=manager)) == {school.uai for school in schools["94"] + schools["93"]}


def test_a_manager_of_a_departement_sees_only_it(schools):
    manager = UserFactory(role=User.Role.MANAGER, scope_departement=schools["94"][0].departement)

    assert uais(schools_in_scope(user=manager)) == {school.uai for school in schools["94"]}


def test_a_teacher_or_a_trainer_sees_no_school(schools):
    for role in (User.Role.TEACHER, User.Role.TRAINER):
        assert not schools_in_scope(user=UserFactory(role=role)).exists()


def test_a_manager_without_scope_sees_no_school(schools):
    assert not schools_in_scope(user=UserFactory(role=User.Role.MANAGER)).exists()


def test_an_admin_sees_every_school(schools):
    assert schools_in_scope(user=UserFactory(role=User.Role.ADMIN)).count() == 6
