"""Courses listens to the xapi store's one hook: what cmi5 content reports moves its step on, or ends it."""

from django.dispatch import receiver

from xapi.signals import statement_stored

from .cmi5 import AU_VERBS, cmi5_statements_stored


@receiver(statement_stored, dispatch_uid="courses.cmi5")
def on_statement_stored(sender, statement_ids, voided_ids=(), verb_ids=None, **kwargs):
    if verb_ids is not None and not AU_VERBS.intersection(verb_ids):
        return  # nothing a cmi5 session reacts to: no query

    cmi5_statements_stored(statement_ids=[str(i) for i in statement_ids])
