"""Users and the organisations of French public education they belong to."""

import re
import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

UAI_RE = re.compile(r"^\d{7}[A-Z]$")
# The UAI check letter: the 7-character number modulo 23 in this 23-letter alphabet.
UAI_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"


def uai_is_valid(value: str) -> bool:
    """True when `value` is a well-formed UAI whose check letter matches."""
    if not value or not UAI_RE.match(value):
        return False
    return UAI_LETTERS[int(value[:7]) % 23] == value[7]


def validate_uai(value: str) -> None:
    if not uai_is_valid(value):
        raise ValidationError(
            _("« %(value)s » n'est pas un code UAI valide (7 chiffres et une lettre de contrôle, ex. 0940176F)."),
            params={"value": value},
        )


class Academie(models.Model):
    code = models.CharField(_("code"), max_length=3, unique=True)
    name = models.CharField(_("nom"), max_length=100)

    class Meta:
        ordering = ["name"]
        verbose_name = _("académie")
        verbose_name_plural = _("académies")

    def __str__(self):
        return self.name


class Departement(models.Model):
    code = models.CharField(_("code INSEE"), max_length=3, unique=True, help_text=_("ex. 94, 2A, 971"))
    name = models.CharField(_("nom"), max_length=100)
    academie = models.ForeignKey(Academie, on_delete=models.PROTECT, related_name="departements")
    is_tne = models.BooleanField(_("territoire numérique éducatif"), default=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("département")
        verbose_name_plural = _("départements")

    def __str__(self):
        return f"{self.name} ({self.code})"


class School(models.Model):
    class Kind(models.TextChoices):
        ECOLE = "ecole", _("École")
        COLLEGE = "college", _("Collège")
        LYCEE = "lycee", _("Lycée")
        LP = "lp", _("Lycée professionnel")
        OTHER = "other", _("Autre")

    class Sector(models.TextChoices):
        PUBLIC = "public", _("Public")
        PRIVATE = "private", _("Privé")

    uai = models.CharField(_("UAI"), max_length=8, unique=True, validators=[validate_uai])
    name = models.CharField(_("nom"), max_length=200)
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices, default=Kind.ECOLE, db_index=True)
    sector = models.CharField(_("secteur"), max_length=10, choices=Sector.choices, default=Sector.PUBLIC)
    departement = models.ForeignKey(Departement, on_delete=models.PROTECT, related_name="schools")
    commune_code = models.CharField(_("code commune"), max_length=5, blank=True)
    commune = models.CharField(_("commune"), max_length=100, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    circonscription_code = models.CharField(_("code circonscription"), max_length=8, blank=True, db_index=True)
    circonscription = models.CharField(_("circonscription"), max_length=200, blank=True)
    bassin_code = models.CharField(_("code bassin"), max_length=10, blank=True, db_index=True)
    bassin = models.CharField(_("bassin de formation"), max_length=200, blank=True)
    is_open = models.BooleanField(_("ouvert"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("établissement")
        verbose_name_plural = _("établissements")

    def __str__(self):
        return f"{self.name} ({self.uai})"

    @property
    def degree(self) -> int:
        """1 for the premier degré (écoles), 2 for the second degré."""
        return 1 if self.kind == self.Kind.ECOLE else 2


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        email = self.normalize_email(email).lower()
        user = self.model(email=email, **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        extra_fields.setdefault("role", User.Role.ADMIN)
        return self._create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person using Relais, identified by e-mail, known to xAPI only by a pseudonym."""

    class Role(models.TextChoices):
        TEACHER = "teacher", _("Enseignant")
        TRAINER = "trainer", _("Formateur")
        MANAGER = "manager", _("Gestionnaire")
        ADMIN = "admin", _("Administrateur")

    email = models.EmailField(_("adresse électronique"), unique=True)
    first_name = models.CharField(_("prénom"), max_length=150, blank=True)
    last_name = models.CharField(_("nom"), max_length=150, blank=True)
    role = models.CharField(_("rôle"), max_length=10, choices=Role.choices, default=Role.TEACHER, db_index=True)
    xapi_uuid = models.UUIDField(_("identifiant xAPI pseudonyme"), default=uuid.uuid4, unique=True, editable=False)
    # A manager's scope: one académie, or one département.
    scope_academie = models.ForeignKey(
        Academie, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("académie gérée")
    )
    scope_departement = models.ForeignKey(
        Departement,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("département géré"),
    )
    # The language the person last chose on the site (or signed in with): e-mails sent later, out of any
    # request (the follow-up questionnaire), are written in it. Empty: the site's language.
    language = models.CharField(_("langue"), max_length=8, blank=True, default="")
    is_staff = models.BooleanField(_("accès à l'administration"), default=False)
    is_active = models.BooleanField(_("actif"), default=True)
    date_joined = models.DateTimeField(_("inscrit le"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")

    def __str__(self):
        return self.get_full_name() or self.email

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()
        if self.role == self.Role.MANAGER and not (self.scope_academie_id or self.scope_departement_id):
            raise ValidationError(_("Un gestionnaire doit avoir une académie ou un département comme périmètre."))

    def get_full_name(self):
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self):
        return self.first_name or self.email

    @property
    def is_manager(self) -> bool:
        return self.role == self.Role.MANAGER

    @property
    def is_trainer(self) -> bool:
        return self.role in (self.Role.TRAINER, self.Role.ADMIN)

    def xapi_actor(self) -> dict:
        """The pseudonymous xAPI Agent for this user: never their e-mail address."""
        return {
            "objectType": "Agent",
            "account": {"homePage": settings.RELAIS_BASE_URL, "name": str(self.xapi_uuid)},
        }


class Membership(models.Model):
    """A user's place in a school."""

    class Role(models.TextChoices):
        TEACHER = "teacher", _("Enseignant")
        HEAD = "head", _("Direction")
        REFERENT = "referent", _("Référent numérique")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("fonction"), max_length=10, choices=Role.choices, default=Role.TEACHER)

    class Meta:
        verbose_name = _("rattachement")
        verbose_name_plural = _("rattachements")
        constraints = [models.UniqueConstraint(fields=["user", "school"], name="membership_unique_user_school")]

    def __str__(self):
        return f"{self.user} — {self.school}"
