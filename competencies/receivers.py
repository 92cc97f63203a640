"""Subscribes competencies to the xapi store's one hook."""

from django.dispatch import receiver

from xapi.signals import statement_stored

from . import tasks


@receiver(statement_stored, dispatch_uid="competencies.statement_stored")
def on_statement_stored(sender, statement_ids, voided_ids=(), **kwargs):
    # xapi sends this after commit, so the worker will find the rows.
    tasks.statements_process.delay([str(i) for i in statement_ids], [str(i) for i in voided_ids])
