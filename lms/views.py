import json

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from .models import User
from .privacy import user_data_export, user_erase


class EraseForm(forms.Form):
    confirmation = forms.CharField(
        label=gettext_lazy("Pour confirmer, écrivez SUPPRIMER"),
        max_length=20,
    )

    def clean_confirmation(self):
        value = self.cleaned_data["confirmation"].strip()
        if value.upper() != "SUPPRIMER":
            raise forms.ValidationError(_("Écrivez SUPPRIMER pour confirmer la suppression."))
        return value


@login_required
def my_data(request):
    form = EraseForm(request.POST or None)
    return render(request, "lms/my_data.html", {"form": form, "title": _("Mes données")})


@login_required
def my_data_export(request):
    data = user_data_export(user=request.user)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=1, default=str), content_type="application/json; charset=utf-8"
    )
    stamp = timezone.now().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="relais-mes-donnees-{stamp}.json"'
    return response


@require_POST
@login_required
def my_data_erase(request):
    form = EraseForm(request.POST)
    if not form.is_valid():
        return render(request, "lms/my_data.html", {"form": form, "title": _("Mes données")}, status=400)
    user = request.user
    logout(request)
    user_erase(user=user)
    messages.success(request, _("Votre compte et vos données ont été supprimés."))
    return redirect("/")


def language_set(request):
    """Django's language switch, which also remembers the choice of a signed-in person: e-mails sent
    to them later, out of any request, are then written in their language."""
    response = set_language(request)
    language = request.POST.get("language", "") if request.method == "POST" else ""
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        User.objects.filter(pk=request.user.pk).exclude(language=language).update(language=language)
    return response


def bench_ping(request):
    """A trivial view through the whole middleware stack, routed only when RELAIS_BENCH_PING is set:
    bench/lrs.py compares a single-statement POST with it, served by the same gunicorn."""
    return HttpResponse(b"ok", content_type="text/plain")
