"""What courses hold about a teacher, for their export (erasure cascades with the account)."""

from .models import ActivityProgress, Enrollment, ModuleCompletion


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
    }
