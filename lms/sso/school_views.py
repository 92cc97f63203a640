"""The teacher's school, chosen by UAI, name or commune: a plain form, usable with the keyboard alone."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lms.models import School
from lms.selectors import schools_search

from .services import SCHOOL_REQUIRED_SESSION_KEY, teacher_school_choose


class SchoolSearchForm(forms.Form):
    q = forms.CharField(
        label=gettext_lazy("UAI, nom ou commune de votre établissement"),
        help_text=gettext_lazy("Par exemple 0951001X, « Jules Ferry » ou « Cergy »."),
        max_length=100,
        required=False,
    )


class SchoolChoiceForm(forms.Form):
    uai = forms.CharField(max_length=8)

    def clean_uai(self):
        try:
            return School.objects.get(uai=self.cleaned_data["uai"].strip().upper(), is_open=True)
        except School.DoesNotExist as error:
            raise forms.ValidationError(_("Choisissez un établissement dans la liste.")) from error


def _next_url(request) -> str:
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return settings.LOGIN_REDIRECT_URL


@login_required
def school_choose(request):
    search = SchoolSearchForm(request.GET or None)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    choice = SchoolChoiceForm(request.POST or None)
    if request.method == "POST":
        if choice.is_valid():
            teacher_school_choose(user=request.user, school=choice.cleaned_data["uai"])
            request.session.pop(SCHOOL_REQUIRED_SESSION_KEY, None)
            messages.success(
                request, _("Votre établissement est enregistré : %(school)s.") % {"school": choice.cleaned_data["uai"]}
            )
            return redirect(_next_url(request))
        query = request.POST.get("q", "")[:100]
    schools = list(schools_search(query=query)) if query else []
    context = {
        "title": _("Votre établissement"),
        "search": search,
        "choice": choice,
        "query": query,
        "schools": schools,
        "next": _next_url(request),
    }
    return render(request, "lms/school_choose.html", context, status=400 if choice.errors else 200)
