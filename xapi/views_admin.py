"""LRS clients in the Wagtail admin: list, create (the secret is shown once), set what their
statements count for as evidence, deactivate."""

from __future__ import annotations

import json

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from xapi.http.auth import client_create
from xapi.models import Client
from xapi.trust import bound_actor_parse, client_evidence_set

EVIDENCE_HELP = gettext_lazy(
    "« Pour tout acteur » : ses déclarations comptent dans les niveaux de n'importe quel enseignant, comme "
    "celles de Relais ; à réserver aux systèmes dont l'académie répond (M@gistère, un autre Relais). « Seulement "
    "pour l'acteur lié » : elles ne comptent que pour l'acteur indiqué ci-dessous. « Jamais » : elles sont "
    "conservées, servies et transmises, mais ne changent aucun niveau. Un changement recalcule les niveaux concernés."
)


class EvidenceForm(forms.Form):
    # Not required: a form posted without it (a script) gets the default, none.
    evidence = forms.ChoiceField(
        label=gettext_lazy("Prise en compte comme preuve"),
        choices=Client.Evidence.choices,
        initial=Client.Evidence.NONE,
        required=False,
        widget=forms.RadioSelect,
        help_text=EVIDENCE_HELP,
    )
    bound_actor = forms.CharField(
        label=gettext_lazy("Acteur lié"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "Pour « seulement pour l'acteur lié » : l'adresse e-mail d'un utilisateur de Relais, ou un agent xAPI "
            'en JSON, par ex. {"account": {"homePage": "https://…", "name": "…"}}.'
        ),
    )

    def clean(self):
        cleaned = super().clean()
        cleaned["evidence"] = cleaned.get("evidence") or Client.Evidence.NONE
        text = (cleaned.get("bound_actor") or "").strip()
        cleaned["bound_actor_parsed"] = None
        if text:
            try:
                cleaned["bound_actor_parsed"] = bound_actor_parse(text)
            except ValueError as error:
                self.add_error("bound_actor", str(error))
                return cleaned
        if cleaned.get("evidence") == Client.Evidence.BOUND and not text:
            self.add_error("bound_actor", _("« Seulement pour l'acteur lié » demande un acteur lié."))
        return cleaned


class ClientForm(EvidenceForm):
    name = forms.CharField(label=gettext_lazy("Nom"), max_length=200)
    scopes = forms.MultipleChoiceField(
        label=gettext_lazy("Droits"), choices=Client.Scope.choices, widget=forms.CheckboxSelectMultiple
    )
    field_order = ["name", "scopes", "evidence", "bound_actor"]


def _require(request, action: str) -> None:
    if not request.user.has_perm(f"xapi.{action}_client"):
        raise PermissionDenied


def clients_list(request):
    _require(request, "view")
    # Temporary clients (cmi5 launch tokens, one per launch) are not listed: only how many are live.
    clients = Client.objects.filter(expires_at__isnull=True).order_by("-is_active", "name")
    temporary = Client.objects.filter(expires_at__gt=timezone.now(), is_active=True).count()
    return render(
        request,
        "xapi/admin/clients_list.html",
        {
            "clients": clients,
            "temporary": temporary,
            "page_title": _("Clients LRS"),
            "evidence_help": EVIDENCE_HELP,
        },
    )


def client_add(request):
    _require(request, "add")
    form = ClientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        client, secret = client_create(
            name=form.cleaned_data["name"],
            scopes=form.cleaned_data["scopes"],
            evidence=form.cleaned_data["evidence"],
            bound_actor=form.cleaned_data["bound_actor_parsed"],
        )
        # Rendered, not redirected to: the secret is not stored and must never be reachable again.
        response = render(
            request,
            "xapi/admin/client_created.html",
            {"client": client, "secret": secret, "page_title": _("Client LRS créé")},
        )
        response["Cache-Control"] = "no-store"
        return response
    return render(request, "xapi/admin/client_form.html", {"form": form, "page_title": _("Nouveau client LRS")})


def client_evidence(request, pk: int):
    """What a client's statements count for as evidence; a change derives them again."""
    _require(request, "change")
    client = get_object_or_404(Client, pk=pk)
    initial = {
        "evidence": client.evidence,
        "bound_actor": json.dumps(client.bound_actor, ensure_ascii=False) if client.bound_actor else "",
    }
    form = EvidenceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            changed = client_evidence_set(
                client=client,
                evidence=form.cleaned_data["evidence"],
                bound_actor=form.cleaned_data["bound_actor_parsed"],
            )
        except ValueError as error:
            form.add_error(None, str(error))
        else:
            if changed:
                message = _("Prise en compte de « %(name)s » modifiée : les niveaux concernés sont recalculés.")
            else:
                message = _("Prise en compte de « %(name)s » inchangée.")
            messages.success(request, message % {"name": client.name})
            return redirect("xapi_admin_clients")
    return render(
        request,
        "xapi/admin/client_evidence.html",
        {"form": form, "client": client, "page_title": _("Prise en compte de « %(name)s »") % {"name": client.name}},
    )


@require_POST
def client_deactivate(request, pk: int):
    _require(request, "change")
    client = get_object_or_404(Client, pk=pk)
    client.is_active = False
    client.save(update_fields=["is_active"])
    messages.success(request, _("Le client « %(name)s » est désactivé.") % {"name": client.name})
    return redirect("xapi_admin_clients")
