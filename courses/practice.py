"""Practical tasks (evidence uploaded, reviewed by a trainer against a rubric) and reflective journals."""

import os

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xapi.services import statement_store

from . import statements as st
from .models import ActivityProgress, JournalEntry, ModulePage, TaskSubmission
from .selectors import is_module_trainer
from .services import LearningError, enrollment_for, module_context, step_block, step_done

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
EVIDENCE_EXTENSIONS = {".pdf", ".jpg", ".jpeg", ".png", ".odt", ".odp", ".docx", ".pptx", ".txt", ".mp4", ".webm"}


def evidence_check(uploaded) -> None:
    """A clear refusal for a file that is missing, too big or of a kind we do not keep."""
    if uploaded is None:
        raise LearningError(_("Choisissez un fichier à déposer."))
    extension = os.path.splitext(uploaded.name or "")[1].lower()
    if extension not in EVIDENCE_EXTENSIONS:
        raise LearningError(
            _("Ce type de fichier n'est pas accepté. Formats acceptés : %(formats)s.")
            % {"formats": ", ".join(sorted(e[1:] for e in EVIDENCE_EXTENSIONS))}
        )
    if uploaded.size > MAX_EVIDENCE_BYTES:
        raise LearningError(
            _("Le fichier dépasse %(mb)s Mo : réduisez-le ou déposez un lien dans un document.")
            % {"mb": MAX_EVIDENCE_BYTES // (1024 * 1024)}
        )
    if uploaded.size == 0:
        raise LearningError(_("Le fichier est vide."))


@transaction.atomic
def task_submit(*, user, module: ModulePage, block_id: str, uploaded, note: str = "") -> TaskSubmission:
    """Deposit evidence for a practical task; recorded as `attempted` until a trainer reviews it."""
    block = step_block(module, block_id, ("practical_task",))
    enrollment = enrollment_for(user=user, module=module)
    evidence_check(uploaded)
    progress = ActivityProgress.objects.filter(user=user, module=module, block_id=block_id).first()
    if progress and progress.status == ActivityProgress.Status.PASSED:
        raise LearningError(_("Cette mise en pratique est déjà validée."))
    submission = TaskSubmission(
        user=user, module=module, block_id=block_id, original_name=uploaded.name[:255], note=note[:2000]
    )
    submission.file.save(uploaded.name, uploaded, save=False)
    submission.save()
    ActivityProgress.objects.update_or_create(
        user=user, module=module, block_id=block_id, defaults={"status": ActivityProgress.Status.SUBMITTED}
    )
    statement_store(
        data=st.build_statement(
            user=user,
            verb="attempted",
            obj=st.step_activity(module, block),
            **module_context(module=module, enrollment=enrollment),
        )
    )
    return submission


@transaction.atomic
def task_review(*, reviewer, submission: TaskSubmission, criteria_met: list[bool], comment: str = "") -> TaskSubmission:
    """A trainer's review against the rubric: every criterion met validates the task (`passed` with the
    trainer as instructor, the "validated task" evidence); otherwise the teacher reworks it (`failed`)."""
    module = submission.module.specific
    if not is_module_trainer(user=reviewer, module=module):
        raise LearningError(_("Seuls les formateurs de ce parcours peuvent valider les productions."))
    if submission.status != TaskSubmission.Status.SUBMITTED:
        raise LearningError(_("Cette production a déjà été évaluée."))
    block = step_block(module, submission.block_id, ("practical_task",))
    rubric = list(block.value["rubric"])
    if len(criteria_met) != len(rubric):
        raise LearningError(_("Évaluez chaque critère de la grille."))
    validated = all(criteria_met)
    if not validated and not comment.strip():
        raise LearningError(_("Expliquez à l'enseignant ce qu'il doit reprendre."))
    submission.rubric_results = [
        {"criterion": criterion["criterion"], "met": bool(met)}
        for criterion, met in zip(rubric, criteria_met, strict=True)
    ]
    submission.status = TaskSubmission.Status.VALIDATED if validated else TaskSubmission.Status.REWORK
    submission.reviewer = reviewer
    submission.reviewed_at = timezone.now()
    submission.review_comment = comment[:4000]
    submission.save()
    ActivityProgress.objects.update_or_create(
        user=submission.user,
        module=module,
        block_id=submission.block_id,
        defaults={"status": ActivityProgress.Status.PASSED if validated else ActivityProgress.Status.FAILED},
    )
    enrollment = enrollment_for(user=submission.user, module=module)
    statement_store(
        data=st.build_statement(
            user=submission.user,
            verb="passed" if validated else "failed",
            obj=st.step_activity(module, block),
            alignment=block.value["alignment"],
            result={"success": validated, "completion": True},
            instructor=reviewer,
            **module_context(module=module, enrollment=enrollment),
        )
    )
    return submission


def submissions_to_review(*, reviewer):
    """Submissions waiting for a trainer, in the modules they may edit."""
    pending = TaskSubmission.objects.filter(status=TaskSubmission.Status.SUBMITTED).select_related("module", "user")
    return [s for s in pending if is_module_trainer(user=reviewer, module=s.module.specific)]


@transaction.atomic
def journal_write(*, user, module: ModulePage, block_id: str, text: str) -> JournalEntry:
    """Write (or rewrite) a journal entry; the first one long enough is recorded as `completed`."""
    block = step_block(module, block_id, ("journal",))
    enrollment = enrollment_for(user=user, module=module)
    text = (text or "").strip()
    minimum = block.value.get("min_length") or 0
    if len(text) < minimum:
        raise LearningError(
            _("Votre texte fait %(n)s caractères ; écrivez-en au moins %(min)s.") % {"n": len(text), "min": minimum}
        )
    if len(text) > 20000:
        raise LearningError(_("Votre texte dépasse 20 000 caractères."))
    entry, _created = JournalEntry.objects.update_or_create(
        user=user, module=module, block_id=block_id, defaults={"text": text}
    )
    step_done(user=user, module=module, block=block, enrollment=enrollment)
    return entry
