"""The teacher's side: my competencies, my consent to be an ambassador, my badge."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from evidence.selectors import competency_levels_for_teacher
from lms.scope import school_in_scope

from .badges import badge_issue
from .models import AmbassadorBadge, AmbassadorConsent, AmbassadorProposal
from .services import consent_set, policy_for


@login_required
def my_competencies(request):
    consent = AmbassadorConsent.objects.filter(user=request.user).first()
    return render(
        request,
        "competencies/my_competencies.html",
        {
            "frameworks": competency_levels_for_teacher(user=request.user),
            "consented": bool(consent and consent.consented),
            "proposals": AmbassadorProposal.objects.filter(
                user=request.user, status__in=[AmbassadorProposal.Status.PROPOSED, AmbassadorProposal.Status.CONFIRMED]
            ).select_related("school", "badge"),
            "holder_choices": AmbassadorBadge.HolderDisplay.choices,
            "title": _("Mes compétences"),
        },
    )


@require_POST
@login_required
def consent_update(request):
    consented = request.POST.get("consented") == "1"
    consent_set(user=request.user, consented=consented)
    if consented:
        messages.success(request, _("Merci : vous pourrez être proposé comme ambassadeur de votre établissement."))
    else:
        messages.info(
            request, _("Vous ne serez plus proposé comme ambassadeur ; les propositions en cours sont retirées.")
        )
    return redirect("competencies:my_competencies")


@login_required
def badge_download(request, proposal_id: int):
    """The ambassador's Open Badges 3.0 credential: the signed JWT, or ?format=json for the credential."""
    badge = get_object_or_404(
        AmbassadorBadge.objects.select_related("proposal__school__departement"),
        proposal_id=proposal_id,
        proposal__status=AmbassadorProposal.Status.CONFIRMED,
    )
    user = request.user
    own = badge.proposal.user_id == user.pk
    in_scope = school_in_scope(user, badge.proposal.school_id)
    if not (own or in_scope):
        raise PermissionDenied(_("Ce badge appartient à un autre enseignant."))
    if badge.status_id is None:
        # Issued before badges carried a revocation status: issued anew, as Open Badges 3.0.3.
        policy = policy_for(badge.proposal.school.departement.academie_id)
        badge = badge_issue(
            proposal=badge.proposal, required_level=policy.required_level, valid_days=policy.badge_validity_days
        )
    if request.GET.get("format") == "json":
        response = JsonResponse(badge.credential, json_dumps_params={"ensure_ascii": False, "indent": 1})
        response["Content-Disposition"] = 'attachment; filename="badge-ambassadeur.json"'
        return response
    # Open Badges 3.0.3 signs a JWT whose header says `typ: "JWT"`: its media type is application/jwt.
    response = HttpResponse(badge.jwt, content_type="application/jwt")
    response["Content-Disposition"] = 'attachment; filename="badge-ambassadeur.jwt"'
    return response


@require_POST
@login_required
def badge_display(request, proposal_id: int):
    """The teacher chooses how their badge's public page names them (pseudonymous by default)."""
    badge = get_object_or_404(AmbassadorBadge, proposal_id=proposal_id, proposal__user=request.user)
    choice = request.POST.get("holder_display", "")
    if choice not in AmbassadorBadge.HolderDisplay.values:
        messages.error(request, _("Choisissez « pseudonyme » ou « mon nom »."))
        return redirect("competencies:my_competencies")
    badge.holder_display = choice
    badge.save(update_fields=["holder_display"])
    messages.success(request, _("La page de vérification de votre badge est à jour."))
    return redirect("competencies:my_competencies")
