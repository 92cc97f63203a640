"""What a sign-in through a provider writes: the school a teacher works in, what logout needs."""

from allauth.socialaccount.models import SocialAccount
from django.db import transaction

from lms.models import Membership, School, User

# Session keys. The ID token is kept for RP-initiated logout (`id_token_hint`).
LOGOUT_SESSION_KEY = "relais_sso_logout"
SCHOOL_REQUIRED_SESSION_KEY = "relais_school_required"


def user_needs_school(*, user: User) -> bool:
    """A teacher must say where they teach; managers, trainers and administrators need not."""
    return user.role == User.Role.TEACHER and not user.memberships.exists()


@transaction.atomic
def teacher_schools_from_claims(*, user: User, uais: list[str]) -> list[Membership]:
    """Attach the teacher to the schools their provider names, those Relais knows. Roles are untouched."""
    schools = School.objects.filter(uai__in=uais, is_open=True)
    return [Membership.objects.get_or_create(user=user, school=school)[0] for school in schools]


@transaction.atomic
def teacher_school_choose(*, user: User, school: School) -> Membership:
    """The school a teacher picked: the teacher's place in it, as a plain teacher."""
    membership, _ = Membership.objects.get_or_create(user=user, school=school)
    return membership


def sso_sign_in_record(*, session, user: User, provider_id: str, id_token: str, uais: list[str]) -> None:
    """After a sign-in through a provider: remember how to end it there, and ask for a school if none is known."""
    session[LOGOUT_SESSION_KEY] = {"provider_id": provider_id, "id_token": id_token}
    if user_needs_school(user=user) and uais:
        teacher_schools_from_claims(user=user, uais=uais)
    if user_needs_school(user=user):
        session[SCHOOL_REQUIRED_SESSION_KEY] = True
    else:
        session.pop(SCHOOL_REQUIRED_SESSION_KEY, None)


def sso_accounts_export(user: User) -> list[dict]:
    """The provider accounts linked to `user` and what they last said (for "Mes données")."""
    return [
        {
            "fournisseur": account.provider,
            "identifiant": account.uid,
            "relie_le": account.date_joined.isoformat(),
            "derniere_connexion": account.last_login.isoformat(),
            "donnees_recues": account.extra_data,
        }
        for account in SocialAccount.objects.filter(user=user).order_by("date_joined")
    ]
