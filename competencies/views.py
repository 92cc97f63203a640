from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from .models import AmbassadorBadge, AmbassadorConsent, AmbassadorProposal
from .selectors import competency_levels_for_teacher


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


def dashboard(request):
    """The former single-page dashboard, folded into the competency maps: same filters, one place."""
    query = request.GET.urlencode()
    return redirect(reverse("competencies:pilotage") + (f"?{query}" if query else ""), permanent=False)
