import pytest
from django.contrib import admin
from django.core import checks
from django.urls import reverse

from lms.models import Academie, Departement, Membership, School, User
from tests.lms.factories import DEMO_PASSWORD, MembershipFactory, SchoolFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.lms.admin_urls")]


@pytest.fixture
def admin_client(client):
    superuser = User.objects.create_superuser(email="admin@example.org", password=DEMO_PASSWORD)
    client.force_login(superuser)
    return client


def test_models_are_registered_without_check_errors():
    for model in (Academie, Departement, School, Membership, User):
        assert admin.site.is_registered(model)
    assert [issue for issue in checks.run_checks(tags=[checks.Tags.admin]) if issue.id.startswith("admin.")] == []


@pytest.mark.parametrize("model", ["academie", "departement", "school", "membership", "user"])
def test_changelist_add_and_change_pages_open(admin_client, model):
    membership = MembershipFactory()
    objects = {
        "academie": membership.school.departement.academie,
        "departement": membership.school.departement,
        "school": membership.school,
        "membership": membership,
        "user": membership.user,
    }

    assert admin_client.get(reverse(f"admin:lms_{model}_changelist")).status_code == 200
    assert admin_client.get(reverse(f"admin:lms_{model}_add")).status_code == 200
    assert admin_client.get(reverse(f"admin:lms_{model}_change", args=[objects[model].pk])).status_code == 200


def test_schools_are_found_by_uai_name_or_commune(admin_client):
    school = SchoolFactory(name="Ecole élémentaire Robert Doisneau", commune="Fresnes")
    SchoolFactory(name="Ecole maternelle Paul Bert", commune="Créteil")
    url = reverse("admin:lms_school_changelist")

    for query in (school.uai, "Doisneau", "Fresnes"):
        response = admin_client.get(url, {"q": query})
        assert list(response.context["cl"].result_list) == [school]
    response = admin_client.get(url, {"kind__exact": "ecole", "sector__exact": "public"})
    assert response.context["cl"].result_count == 2


def test_a_user_is_added_with_an_email_and_no_username(admin_client):
    response = admin_client.post(
        reverse("admin:lms_user_add"),
        {
            "email": "Nouvelle.Enseignante@Example.org",
            "role": User.Role.TEACHER,
            "usable_password": "true",
            "password1": "un-mot-de-passe-solide-2026",
            "password2": "un-mot-de-passe-solide-2026",
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    user = User.objects.get(email__iexact="nouvelle.enseignante@example.org")
    assert user.check_password("un-mot-de-passe-solide-2026")


def test_the_user_list_is_searched_by_email(admin_client):
    user = UserFactory(email="claire.martin@example.org")

    response = admin_client.get(reverse("admin:lms_user_changelist"), {"q": "claire.martin"})

    assert list(response.context["cl"].result_list) == [user]
