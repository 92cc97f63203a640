"""LRS clients in the Wagtail admin: list, create (the secret is shown once), deactivate."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from xapi.http.auth import client_create
from xapi.models import Client


class ClientForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Nom"), max_length=200)
    scopes = forms.MultipleChoiceField(
        label=gettext_lazy("Droits"), choices=Client.Scope.choices, widget=forms.CheckboxSelectMultiple
    )


def _require(request, action: str) -> None:
    if not request.user.has_perm(f"xapi.{action}_client"):
        raise PermissionDenied


def clients_list(request):
    _require(request, "view")
    clients = Client.objects.order_by("-is_active", "name")
    return render(request, "xapi/admin/clients_list.html", {"clients": clients, "page_title": _("Clients LRS")})


def client_add(request):
    _require(request, "add")
    form = ClientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        client, secret = client_create(name=form.cleaned_data["name"], scopes=form.cleaned_data["scopes"])
        # Rendered, not redirected to: the secret is not stored and must never be reachable again.
        response = render(
            request,
            "xapi/admin/client_created.html",
            {"client": client, "secret": secret, "page_title": _("Client LRS créé")},
        )
        response["Cache-Control"] = "no-store"
        return response
    return render(request, "xapi/admin/client_form.html", {"form": form, "page_title": _("Nouveau client LRS")})


@require_POST
def client_deactivate(request, pk: int):
    _require(request, "change")
    client = get_object_or_404(Client, pk=pk)
    client.is_active = False
    client.save(update_fields=["is_active"])
    messages.success(request, _("Le client « %(name)s » est désactivé.") % {"name": client.name})
    return redirect("xapi_admin_clients")
