"""Co-design in the Wagtail admin: trainer and partner-reviewer groups, the partner approval workflow,
and local adaptation of a shared course (copy, origin kept, upstream changes shown)."""

from dataclasses import dataclass
from typing import NamedTuple

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from wagtail.models import GroupPagePermission, Page, Workflow, WorkflowPage, WorkflowTask

from .models import CatalogPage, CoursePage, ModulePage, PartnerApprovalTask

TRAINER_PAGE_PERMISSIONS = ["add_page", "change_page", "lock_page", "unlock_page"]
TRAINER_MODEL_PERMISSIONS = [
    ("wagtailadmin", "admin", "access_admin"),
    ("wagtaildocs", "document", "add_document"),
    ("wagtaildocs", "document", "change_document"),
    ("wagtaildocs", "document", "choose_document"),
    ("wagtailimages", "image", "add_image"),
    ("wagtailimages", "image", "choose_image"),
    ("courses", "partner", "view_partner"),
]
REVIEWER_MODEL_PERMISSIONS = [("wagtailadmin", "admin", "access_admin")]


class AdaptationError(Exception):
    """A local adaptation that cannot be made; the message is for the trainer."""


class AlreadyAdapted(AdaptationError):
    """The catalogue already holds an adaptation of the course (a second click, or a colleague's):
    `adaptation` is that page, to be edited rather than copied again."""

    def __init__(self, message: str, adaptation: CoursePage):
        super().__init__(message)
        self.adaptation = adaptation


def _permission(app_label: str, model: str, codename: str) -> Permission:
    return Permission.objects.get(content_type__app_label=app_label, content_type__model=model, codename=codename)


def trainer_group_for(catalogue: CatalogPage) -> Group:
    """The trainers of one territory: they edit its catalogue (add, change, lock), never publish alone:
    publication goes through the partners' approval."""
    name = _("Formateurs — %(catalogue)s") % {
        "catalogue": catalogue.territory.name if catalogue.territory else catalogue.title
    }
    group, _created = Group.objects.get_or_create(name=name[:150])
    for app_label, model, codename in TRAINER_MODEL_PERMISSIONS:
        group.permissions.add(_permission(app_label, model, codename))
    for codename in TRAINER_PAGE_PERMISSIONS:
        GroupPagePermission.objects.get_or_create(
            group=group, page=catalogue, permission=_permission("wagtailcore", "page", codename)
        )
    return group


def reviewer_group_for(partner) -> Group:
    """A partner's reviewers: admin access and the workflow task, no page permission of their own."""
    if partner.reviewer_group_id:
        group = partner.reviewer_group
    else:
        group, _created = Group.objects.get_or_create(
            name=(_("Relecteurs — %(partner)s") % {"partner": partner.name})[:150]
        )
        partner.reviewer_group = group
        partner.save(update_fields=["reviewer_group"])
    for app_label, model, codename in REVIEWER_MODEL_PERMISSIONS:
        group.permissions.add(_permission(app_label, model, codename))
    return group


@transaction.atomic
def codesign_workflow_setup(*, catalogue: CatalogPage, partners) -> Workflow:
    """One partner-approval task per partner group, in order; the workflow applies to the whole
    catalogue. The last approval publishes (or schedules, when a go-live date is set). Idempotent."""
    name = (_("Co-conception — %(catalogue)s") % {"catalogue": catalogue.title})[:255]
    workflow, _created = Workflow.objects.get_or_create(name=name)
    for order, partner in enumerate(partners):
        group = reviewer_group_for(partner)
        task_name = (_("Approbation — %(partner)s") % {"partner": partner.name})[:255]
        task = PartnerApprovalTask.objects.filter(partner=partner).first()
        if task is None:
            task = PartnerApprovalTask.objects.create(name=task_name, partner=partner)
        task.groups.add(group)
        WorkflowTask.objects.update_or_create(workflow=workflow, task=task, defaults={"sort_order": order})
    WorkflowPage.objects.update_or_create(page=catalogue, defaults={"workflow": workflow})
    return workflow


def catalogues_for_adaptation(*, user, course: CoursePage) -> list[CatalogPage]:
    """The catalogues, other than the course's own, where `user` may add a course."""
    own = course.get_parent()
    return [
        c
        for c in CatalogPage.objects.exclude(pk=own.pk).order_by("title")
        if c.permissions_for_user(user).can_add_subpage()
    ]


def _free_slug(parent: Page, slug: str) -> str:
    candidate, n = slug, 1
    while parent.get_children().filter(slug=candidate).exists():
        n += 1
        candidate = f"{slug}-{n}"
    return candidate


@transaction.atomic
def local_adaptation_create(*, course: CoursePage, catalogue: CatalogPage, user) -> CoursePage:
    """Copy a shared course and its modules, as drafts, into a territory's catalogue, keeping the origin
    and the origin's revision so that upstream changes can be shown later."""
    course = course.specific
    if catalogue.pk == course.get_parent().pk:
        raise AdaptationError(_("Choisissez un autre catalogue que celui du parcours d'origine."))
    if not catalogue.permissions_for_user(user).can_add_subpage():
        raise AdaptationError(_("Vous ne pouvez pas ajouter de parcours à ce catalogue."))
    # One adaptation of a course per catalogue: a double submit, or two trainers at once, get the same one.
    # The catalogue's row is locked so that the check and the copy are one step.
    Page.objects.select_for_update().filter(pk=catalogue.pk).first()
    existing = CoursePage.objects.child_of(catalogue).filter(origin=course).first()
    if existing is not None:
        raise AlreadyAdapted(
            _("« %(catalogue)s » a déjà une adaptation de ce parcours, « %(title)s » : la voici.")
            % {"catalogue": catalogue.title, "title": existing.title},
            existing,
        )
    revision = course.live_revision or course.latest_revision
    if revision is None:
        revision = course.save_revision(user=user)
    copy = course.copy(
        recursive=True,
        to=catalogue,
        update_attrs={
            "slug": _free_slug(catalogue, course.slug),
            "origin": course,
            "origin_revision": revision,
        },
        keep_live=False,
        user=user,
    )
    return copy.specific


class UpstreamModule(NamedTuple):
    """A module of the shared course added or changed since the adaptation was copied."""

    module: object
    what: str


@dataclass
class UpstreamChange:
    label: str
    before: str
    after: str


COMPARED_FIELDS = ["title", "summary", "body", "audience", "format", "duration_hours", "prerequisites"]


def upstream_changes(*, adaptation: CoursePage) -> dict:
    """What changed in the origin course since the copy: its fields (copy-time revision vs latest), and its
    modules changed or added since then."""
    origin = CoursePage.objects.filter(pk=adaptation.origin_id).first()  # fresh: its latest revision matters
    if origin is None or adaptation.origin_revision is None:
        return {"origin": None, "fields": [], "modules": [], "compare_url": None}
    then = adaptation.origin_revision.as_object()
    latest_revision = origin.latest_revision
    now = latest_revision.as_object() if latest_revision else origin
    fields = []
    for name in COMPARED_FIELDS:
        before, after = getattr(then, name, ""), getattr(now, name, "")
        if str(before) != str(after):
            fields.append(UpstreamChange(str(CoursePage._meta.get_field(name).verbose_name), str(before), str(after)))
    since = adaptation.origin_revision.created_at
    modules = []
    for module in ModulePage.objects.child_of(origin).specific():
        latest = module.latest_revision
        if module.first_published_at and module.first_published_at > since:
            modules.append(UpstreamModule(module, _("ajouté")))
        elif latest and latest.created_at > since:
            modules.append(UpstreamModule(module, _("modifié")))
    compare_url = None
    if latest_revision and latest_revision.pk != adaptation.origin_revision.pk:
        compare_url = reverse(
            "wagtailadmin_pages:revisions_compare", args=[origin.pk, adaptation.origin_revision.pk, latest_revision.pk]
        )
    return {"origin": origin, "fields": fields, "modules": modules, "compare_url": compare_url}
