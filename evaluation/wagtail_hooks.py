"""The admin's ways in: a menu item for trainers, and an "Évaluation" button on evaluated course pages."""

from django.urls import reverse
from django.utils.translation import gettext as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.widgets import Button

from .access import is_trainer
from .models import Course


class _TrainerMenuItem(MenuItem):
    def is_shown(self, request):
        return is_trainer(request.user)


@hooks.register("register_admin_menu_item")
def evaluation_menu_item():
    return _TrainerMenuItem(_("Évaluation des formations"), reverse("evaluation:home"), icon_name="table", order=252)


def _buttons(page, user):
    if is_trainer(user) and Course.objects.filter(page_id=page.pk).exists():
        yield Button(_("Évaluation"), url=reverse("evaluation:course", args=[page.pk]), icon_name="table", priority=37)


@hooks.register("register_page_header_buttons")
def evaluation_header_buttons(page, user, view_name, next_url=None):
    yield from _buttons(page, user)


@hooks.register("register_page_listing_more_buttons")
def evaluation_listing_buttons(page, user, next_url=None):
    yield from _buttons(page, user)
