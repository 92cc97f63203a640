"""Subscribes competencies to the xapi store's one hook."""

from django.dispatch import receiver

from xapi.signals import statement_stored, writer_trust_changed

from . import tasks
from .derive import VERB_KINDS


@receiver(statement_stored, dispatch_uid="competencies.statement_stored")
def on_statement_stored(sender, statement_ids, voided_ids=(), verb_ids=None, at=None, **kwargs):
    # xapi sends this after commit, so the worker will find the rows. A batch whose verbs give no
    # evidence (launched, answered, progressed…) and voids nothing has nothing to process.
    if verb_ids is not None and not voided_ids and not set(verb_ids) & set(VERB_KINDS):
        return
    # A replay of past events (`at`) is processed as of then: its level changes are dated `at`.
    tasks.statements_process.delay(
        [str(i) for i in statement_ids], [str(i) for i in voided_ids], at.isoformat() if at else None
    )


@receiver(writer_trust_changed, dispatch_uid="competencies.writer_trust_changed")
def on_writer_trust_changed(sender, authority, **kwargs):
    # Sent after commit: the worker reads the new policy.
    tasks.writer_evidence_rederive.delay(authority)
