import pytest

from lms.models import Membership, School, uai_is_valid
from tests.lms.factories import DEMO_PASSWORD, DepartementFactory, MembershipFactory, SchoolFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_schools_have_valid_uais_of_their_departement():
    for code in ("94", "2A", "971"):
        for school in SchoolFactory.create_batch(3, departement=DepartementFactory(code=code)):
            school.full_clean()
            assert uai_is_valid(school.uai)
    assert School.objects.filter(departement__code="2A", uai__startswith="620").count() == 3


def test_users_log_in_with_the_demo_password(client):
    user = UserFactory()

    assert user.check_password(DEMO_PASSWORD)
    assert client.login(email=user.email, password=DEMO_PASSWORD)


def test_a_password_can_be_given():
    assert UserFactory(password="autre-mot-de-passe").check_password("autre-mot-de-passe")


def test_membership():
    membership = MembershipFactory(role=Membership.Role.REFERENT)

    assert membership.user.memberships.get().school == membership.school
