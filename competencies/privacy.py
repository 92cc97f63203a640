"""What competencies and the LRS hold about a teacher: for export and erasure (lms.privacy)."""

from xapi.identity import agent_key
from xapi.models import Document, Statement

from .models import AmbassadorConsent, AmbassadorProposal, CompetencyState, Evidence, LevelChange


def export(user) -> dict:
    key = agent_key(user.xapi_actor())
    consent = AmbassadorConsent.objects.filter(user=user).first()
    return {
        "declarations_xapi": list(
            Statement.objects.filter(actor_key=key).order_by("stored").values_list("payload", flat=True)
        ),
        "niveaux": [
            {"referentiel": s.competency.framework.slug, "competence": s.competency.code, "niveau": s.level}
            for s in CompetencyState.objects.filter(user=user).select_related("competency__framework")
        ],
        "preuves": list(
            Evidence.objects.filter(user=user).values(
                "statement_id", "competency__code", "level", "kind", "occurred_at"
            )
        ),
        "historique_des_niveaux": list(
            LevelChange.objects.filter(user=user).values("competency__code", "previous", "level", "changed_at")
        ),
        "ambassadeur": {
            "accord": bool(consent and consent.consented),
            "propositions": list(
                AmbassadorProposal.objects.filter(user=user).values("school__uai", "status", "score", "reasons")
            ),
        },
    }


def erase(user) -> None:
    """Statements and documents about the teacher go too: the rest cascades with the account."""
    key = agent_key(user.xapi_actor())
    Statement.objects.filter(actor_key=key).delete()
    Document.objects.filter(agent_key=key).delete()
