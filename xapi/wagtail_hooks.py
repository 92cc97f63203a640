"""Admin wiring of the LRS: the client pages and their menu entry."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import views_admin


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [
        path("lrs/clients/", views_admin.clients_list, name="xapi_admin_clients"),
        path("lrs/clients/add/", views_admin.client_add, name="xapi_admin_client_add"),
        path("lrs/clients/<int:pk>/deactivate/", views_admin.client_deactivate, name="xapi_admin_client_deactivate"),
        path("lrs/clients/<int:pk>/evidence/", views_admin.client_evidence, name="xapi_admin_client_evidence"),
    ]


class ClientsMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("xapi.view_client")


@hooks.register("register_settings_menu_item")
def register_clients_menu_item():
    return ClientsMenuItem(_("Clients LRS"), reverse("xapi_admin_clients"), icon_name="key", order=900)
