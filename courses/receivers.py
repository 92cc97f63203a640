"""Courses listens to the xapi store's one hook: cmi5 content that terminates ends its LRS client."""

from django.dispatch import receiver

from xapi.signals import statement_stored


@receiver(statement_stored, dispatch_uid="courses.cmi5_terminated")
def on_statement_stored(sender, statement_ids, voided_ids=(), verb_ids=None, **kwargs):
    from . import statements as st
    from .cmi5 import cmi5_terminated

    if verb_ids is not None and st.VERBS["terminated"] not in verb_ids:
        return  # nothing to end: no query

    cmi5_terminated(statement_ids=[str(i) for i in statement_ids])
