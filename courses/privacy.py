"""What courses hold about a teacher, for their export; and their uploaded files, for erasure (the rows
cascade with the account, files on disk do not)."""

from xapi.models import Client

from .models import (
    ActivityProgress,
    Certificate,
    Cmi5Launch,
    Enrollment,
    JournalEntry,
    ModuleCompletion,
    SessionRegistration,
    TaskSubmission,
)


def export(user) -> dict:
    return {
        "inscriptions": [
            {"parcours": e.course.title, "inscrit_le": e.enrolled_at.isoformat(), "registration": str(e.registration)}
            for e in Enrollment.objects.filter(user=user).select_related("course")
        ],
        "activites": list(
            ActivityProgress.objects.filter(user=user).values(
                "module__title", "block_id", "status", "score", "attempts"
            )
        ),
        "modules_termines": [
            {"module": c.module.title, "le": c.completed_at.isoformat()}
            for c in ModuleCompletion.objects.filter(user=user).select_related("module")
        ],
        "sessions": [
            {
                "module": r.module.title,
                "activite": r.block_id,
                "inscrit_le": r.registered_at.isoformat(),
                "present": r.attended,
            }
            for r in SessionRegistration.objects.filter(user=user).select_related("module")
        ],
        "productions": [
            {
                "module": s.module.title,
                "activite": s.block_id,
                "fichier": s.original_name,
                "commentaire": s.note,
                "deposee_le": s.submitted_at.isoformat(),
                "etat": s.status,
                "grille": s.rubric_results,
                "retour": s.review_comment,
            }
            for s in TaskSubmission.objects.filter(user=user).select_related("module")
        ],
        "journal": [
            {"module": j.module.title, "activite": j.block_id, "texte": j.text, "le": j.written_at.isoformat()}
            for j in JournalEntry.objects.filter(user=user).select_related("module")
        ],
        "attestations": [
            {
                "parcours": c.course_title,
                "code": c.code_display,
                "terminee_le": c.completed_at.isoformat(),
                "modules": [m["title"] for m in c.modules],
                "emetteur": c.issuer_name,
                "nom_affiche": c.holder_display,
            }
            for c in Certificate.objects.filter(user=user)
        ],
    }


def erase_files(user) -> None:
    for submission in TaskSubmission.objects.filter(user=user):
        submission.file.delete(save=False)
    # The LRS clients of the teacher's cmi5 launches name her (bound_actor): they go with the account.
    Client.objects.filter(pk__in=Cmi5Launch.objects.filter(user=user).values("client_id")).delete()
