"""The managers' ambassadors pages: proposals to decide, coverage, the académie's policy (the teacher's
side, consent and badges, is `ambassadors.views`)."""

from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ambassadors.models import AmbassadorPolicy, AmbassadorProposal
from ambassadors.services import ambassadors_propose, policy_for, proposal_decide
from ambassadors.tasks import ambassadors_propose_schools
from frameworks.models import Framework
from lms.models import Academie, Departement, School
from lms.scope import (
    area_resolve,
    is_national,
    manager_required,
    may_set_ambassador_rules,
    schools_in_scope,
    scope_departement_ids,
    scope_label,
)

from .coverage import STATUS_ORDER, ambassadors_page
from .pilotage import MapFilters, coverage_labels


def _manager(request):
    return manager_required(request.user)


AREA_PARAMS = ("departement", "circonscription", "bassin", "ecole")


def _filter_query(request, *, drop=()) -> str:
    """The page's filters (area, type, sector, status) as a query string, without `drop`."""
    keep = (*AREA_PARAMS, "type", "degre", "secteur", "statut")
    return urlencode({k: v for k, v in request.GET.items() if k in keep and k not in drop and v})


@login_required
def ambassadors(request):
    """The proposals to decide first, then the schools closest to having an ambassador, then every
    school by coverage (folded); the counts are the pilotage page's (`stats.coverage_summary`)."""
    user = _manager(request)
    area = area_resolve(user=user, params={k: v for k, v in request.GET.items() if k in AREA_PARAMS})
    filters = MapFilters(request.GET or None)
    invalid = filters.is_bound and not filters.is_valid()
    data = ambassadors_page(
        sl=filters.slice(area),
        status=request.GET.get("statut", ""),
        pages={"propositions": request.GET.get("propositions"), "etablissements": request.GET.get("page")},
    )
    departements = Departement.objects.order_by("code")
    scope_ids = scope_departement_ids(user)
    if scope_ids is not None:
        departements = departements.filter(pk__in=scope_ids)
    summary = data.summary
    labels = coverage_labels()
    return render(
        request,
        "competencies/ambassadors.html",
        {
            "page_data": data,
            "summary": summary,
            "filters": filters,
            "area": area,
            "departements": departements,
            "departement": request.GET.get("departement", ""),
            "statuses": [(s, labels[s], summary[s]) for s in STATUS_ORDER],
            "status": data.status,
            "query": _filter_query(request),
            "query_without_status": _filter_query(request, drop=("statut",)),
            "here": request.get_full_path(),
            "scope": scope_label(user=user),
            "may_set_rules": may_set_ambassador_rules(user),
            "title": _("Ambassadeurs"),
        },
        status=400 if invalid else 200,
    )


def _back(request, default: str = "") -> str:
    """Where a decision returns: the page and filters it was taken from, at the proposals."""
    page = reverse("competencies:ambassadors")
    target = request.POST.get("next", "")
    # Only this page, with its filters: never another site, nor another page of this one.
    if not (target.startswith(page) and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})):
        target = page
    return target.split("#", 1)[0] + "#a-decider"


# Above this many schools the recomputation runs in a worker, not in the request.
RECOMPUTE_INLINE = 500


@require_POST
@login_required
def ambassadors_recompute(request):
    user = _manager(request)
    schools = schools_in_scope(user=user)
    if not settings.CELERY_TASK_ALWAYS_EAGER and schools.count() > RECOMPUTE_INLINE:
        ambassadors_propose_schools.delay(list(schools.values_list("pk", flat=True)))
        messages.info(request, _("Le recalcul des propositions est lancé ; rechargez la page dans une minute."))
        return redirect("competencies:ambassadors")
    report = ambassadors_propose(schools=schools)
    messages.success(
        request,
        _("Propositions recalculées pour %(n)s établissements : %(p)s nouvelles.")
        % {"n": report.schools, "p": report.proposed},
    )
    return redirect("competencies:ambassadors")


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[
            (AmbassadorProposal.Status.CONFIRMED, gettext_lazy("confirmer")),
            (AmbassadorProposal.Status.DECLINED, gettext_lazy("refuser")),
        ]
    )
    comment = forms.CharField(required=False, max_length=1000)


@require_POST
@login_required
def proposal_decision(request, proposal_id: int):
    user = _manager(request)
    proposal = get_object_or_404(AmbassadorProposal, pk=proposal_id, school__in=schools_in_scope(user=user))
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Décision invalide : choisissez « confirmer » ou « refuser »."))
        return redirect(_back(request))
    if proposal.status not in (AmbassadorProposal.Status.PROPOSED, AmbassadorProposal.Status.CONFIRMED):
        messages.error(request, _("Cette proposition n'est plus en attente de décision."))
        return redirect(_back(request))
    proposal_decide(
        proposal=proposal, manager=user, decision=form.cleaned_data["decision"], comment=form.cleaned_data["comment"]
    )
    messages.success(
        request,
        _("Décision enregistrée pour %(name)s.") % {"name": proposal.user.get_full_name() or proposal.user.email},
    )
    return redirect(_back(request))


class PolicyForm(forms.ModelForm):
    class Meta:
        model = AmbassadorPolicy
        fields = [
            "required_level",
            "min_competencies",
            "min_domains",
            "recency_days",
            "min_modules_completed",
            "max_per_school",
            "ecoles_by_circonscription",
            "badge_validity_days",
        ]

    def clean(self):
        data = super().clean()
        competencies, domains = data.get("min_competencies"), data.get("min_domains")
        errors = {}
        # The policies' scale is the CRCN Édu's: its size is read from the framework, not written here.
        scale = Framework.objects.filter(slug=Framework.CRCN_EDU).first()
        n_competencies = scale.competencies.count() if scale else None
        n_domains = scale.domains.count() if scale else None
        if competencies is not None and n_competencies is not None and competencies > n_competencies:
            errors["min_competencies"] = _("Le CRCN Édu compte %(n)s compétences.") % {"n": n_competencies}
        if domains is not None and n_domains is not None and domains > n_domains:
            errors["min_domains"] = _("Le CRCN Édu compte %(n)s domaines.") % {"n": n_domains}
        elif domains is not None and competencies is not None and domains > competencies:
            errors["min_domains"] = _("Il ne peut y avoir plus de domaines que de compétences exigées.")
        if data.get("max_per_school") == 0:
            errors["max_per_school"] = _("Proposez au moins un ambassadeur par établissement.")
        for field, message in errors.items():
            self.add_error(field, message)
        return data


@login_required
def policy_edit(request):
    """The académie's rules: its manager's; a national manager picks the académie (?academie=code)."""
    user = _manager(request)
    if not may_set_ambassador_rules(user):
        raise PermissionDenied(
            _(
                "Les règles de désignation des ambassadeurs valent pour toute l'académie : seuls les gestionnaires "
                "de l'académie les consultent et les modifient. Votre périmètre est %(scope)s."
            )
            % {"scope": scope_label(user=user)}
        )
    if is_national(user):
        academie = Academie.objects.filter(code=request.GET.get("academie", "")).first()
        if academie is None:
            return render(
                request,
                "competencies/ambassador_policy.html",
                {"academies": Academie.objects.order_by("name"), "title": _("Règles de désignation")},
            )
    else:
        academie = user.scope_academie
    policy = policy_for(academie.pk)
    form = PolicyForm(request.POST or None, instance=policy)
    if request.method == "POST" and form.is_valid():
        policy = form.save(commit=False)
        policy.academie = academie
        policy.updated_by = user
        policy.save()
        ambassadors_propose(schools=School.objects.filter(departement__academie=academie))
        messages.success(request, _("Règles enregistrées ; les propositions ont été recalculées."))
        return redirect("competencies:ambassadors")
    return render(
        request,
        "competencies/ambassador_policy.html",
        {"form": form, "academie": academie, "title": _("Règles de désignation")},
    )
