"""Admin wiring of forwarding: targets and sources (ModelViewSets), the status page, dead letters."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.model import ModelViewSet

from . import views_admin
from .admin_forms import PullSourceForm, remote_form_class
from .models import ForwardTarget, PullSource

_REMOTE_FIELDS = ["name", "endpoint", "username", "xapi_version", "enabled", "timeout_seconds"]


class ForwardTargetViewSet(ModelViewSet):
    model = ForwardTarget
    icon = "upload"
    menu_label = _("Cibles de transfert xAPI")
    add_to_settings_menu = True
    menu_order = 910
    list_display = ["name", "endpoint", "method", "enabled", "last_success_at", "last_error_at"]
    search_fields = ["name", "endpoint"]

    def get_form_class(self, for_update=False):
        return remote_form_class(
            ForwardTarget,
            [
                *_REMOTE_FIELDS,
                "method",
                "verbs",
                "activity_prefixes",
                "batch_size",
                "max_attempts",
                "backoff_base_seconds",
                "backoff_max_seconds",
            ],
        )


class PullSourceViewSet(ModelViewSet):
    model = PullSource
    icon = "download"
    menu_label = _("Sources xAPI à importer")
    add_to_settings_menu = True
    menu_order = 920
    list_display = ["name", "endpoint", "enabled", "evidence", "last_pulled_at", "last_stored", "imported_count"]
    search_fields = ["name", "endpoint"]

    def get_form_class(self, for_update=False):
        # The name is stamped on every imported statement's authority, which the evidence policy
        # is looked up by: it cannot change once statements carry it.
        remote = [f for f in _REMOTE_FIELDS if not (for_update and f == "name")]
        fields = [*remote, "evidence", "query", "actor_home_page", "interval_minutes", "page_size", "last_stored"]
        return remote_form_class(PullSource, fields, form=PullSourceForm)


@hooks.register("register_admin_viewset")
def register_viewsets():
    return [ForwardTargetViewSet("xapi_forward_targets"), PullSourceViewSet("xapi_pull_sources")]


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [
        path("lrs/forwarding/", views_admin.forwarding_status, name="xapi_forwarding_status"),
        path("lrs/forwarding/<int:pk>/dead/", views_admin.dead_letters, name="xapi_forwarding_dead_letters"),
        path(
            "lrs/forwarding/<int:pk>/dead/replay/",
            views_admin.dead_letters_replay,
            name="xapi_forwarding_dead_letters_replay",
        ),
        path(
            "lrs/forwarding/erasures/<int:pk>/settle/",
            views_admin.erasure_notice_settle,
            name="xapi_forwarding_erasure_settle",
        ),
    ]


class StatusMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("xapi_forwarding.view_forwardtarget")


@hooks.register("register_settings_menu_item")
def register_status_menu_item():
    return StatusMenuItem(
        _("Transfert xAPI : état"), reverse("xapi_forwarding_status"), icon_name="resubmit", order=905
    )
