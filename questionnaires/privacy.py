"""What the questionnaires hold about a teacher, for their data export (rows cascade with the account)."""

from .models import FollowUpInvitation, QuestionnaireResponse


def export(user) -> dict:
    return {
        "reponses": [
            {
                "type": response.kind,
                "questionnaire": response.activity_iri,
                "envoye_le": response.submitted_at.isoformat(),
                "reponses": [
                    {"question": a.prompt, "cle": a.question_key, "reponse": a.value} for a in response.answers.all()
                ],
            }
            for response in QuestionnaireResponse.objects.filter(user=user).prefetch_related("answers")
        ],
        "invitations_de_suivi": [
            {"parcours": i.course.title, "envoyee_le": i.sent_at.isoformat() if i.sent_at else None}
            for i in FollowUpInvitation.objects.filter(user=user).select_related("course")
        ],
    }
