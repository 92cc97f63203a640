"""Who reads which evaluation: a course's trainers (Wagtail's edit permission on its page, as for
attendance) read all its learners; managers read the learners of their scope (the maps' rule)."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from wagtail.models import Page

from lms.scope import is_manager, is_national, scope_departement_ids

from .models import Course


@dataclass(frozen=True)
class Reader:
    departement_ids: list[int] | None  # None: all teachers
    as_trainer: bool


def is_trainer(user) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or getattr(user, "is_trainer", False)))


def trained_course_ids(user) -> list[int]:
    """Ids of the evaluated courses whose page the trainer may edit."""
    if not is_trainer(user):
        return []
    courses = dict(Course.objects.values_list("page_id", "pk"))
    if user.is_superuser:
        return list(courses.values())  # edits every page: no need to ask each one
    pages = Page.objects.filter(pk__in=list(courses))
    return [courses[page.pk] for page in pages if page.permissions_for_user(user).can_edit()]


def course_reader(user, course: Course) -> Reader:
    """How `user` reads `course`'s evaluation, or PermissionDenied."""
    if is_national(user):
        return Reader(None, False)
    if is_trainer(user):
        page = Page.objects.filter(pk=course.page_id).first()
        if page is not None and page.permissions_for_user(user).can_edit():
            return Reader(None, True)
    if is_manager(user):
        return Reader(scope_departement_ids(user), False)
    raise PermissionDenied(_("Cette évaluation est réservée aux formateurs du parcours et aux gestionnaires."))


def manager_departements(user) -> list[int] | None:
    """The départements a manager reads (None: all), or PermissionDenied."""
    if not is_manager(user):
        raise PermissionDenied(_("Cette page est réservée aux gestionnaires d'une académie ou d'un département."))
    return scope_departement_ids(user)
