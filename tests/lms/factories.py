"""Factories for users and the organisations of public education."""

import factory
from factory.django import DjangoModelFactory

from lms.models import UAI_LETTERS, Academie, Departement, Membership, School, User
from lms.territories import departements_reference

DEMO_PASSWORD = "motdepasse-demo-2026"
DEPARTEMENT_CODES = sorted(departements_reference())


def uai_make(*, departement_code: str, number: int) -> str:
    """A valid UAI in this département: its 3-character prefix, 4 digits, the check letter."""
    # Corsican UAIs start with 620 (Corse-du-Sud) and 720 (Haute-Corse), the others with the zero-padded code.
    prefix = {"2A": "620", "2B": "720"}.get(departement_code, departement_code.zfill(3))
    digits = f"{prefix}{number % 10_000:04d}"
    return digits + UAI_LETTERS[int(digits) % 23]


class AcademieFactory(DjangoModelFactory):
    class Meta:
        model = Academie
        django_get_or_create = ("code",)

    # "T" codes never collide with the 30 real ones that territories_load() creates.
    code = factory.Sequence(lambda n: f"T{n % 100:02d}")
    name = factory.Sequence(lambda n: f"Académie de test {n}")


class DepartementFactory(DjangoModelFactory):
    """A real département code and name, attached to a test académie unless told otherwise."""

    class Meta:
        model = Departement
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: DEPARTEMENT_CODES[n % len(DEPARTEMENT_CODES)])
    name = factory.LazyAttribute(lambda o: departements_reference()[o.code].name)
    academie = factory.SubFactory(AcademieFactory)
    is_tne = factory.LazyAttribute(lambda o: departements_reference()[o.code].is_tne)


class SchoolFactory(DjangoModelFactory):
    class Meta:
        model = School

    departement = factory.SubFactory(DepartementFactory)
    uai = factory.LazyAttributeSequence(lambda o, n: uai_make(departement_code=o.departement.code, number=n))
    kind = School.Kind.ECOLE
    sector = School.Sector.PUBLIC
    commune = factory.Faker("city", locale="fr_FR")
    latitude = factory.Faker("pyfloat", min_value=43, max_value=50, right_digits=5)
    longitude = factory.Faker("pyfloat", min_value=-1, max_value=7, right_digits=5)
    is_open = True
    name = factory.LazyAttributeSequence(lambda o, n: f"{School.Kind(o.kind).label} {o.commune} n° {n}")


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"utilisateur{n}@example.org")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    role = User.Role.TEACHER

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or DEMO_PASSWORD)
        if create:
            self.save(update_fields=["password"])


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    school = factory.SubFactory(SchoolFactory)
    role = Membership.Role.TEACHER
