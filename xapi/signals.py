"""The one hook other apps use to react to stored statements."""

from django.dispatch import Signal

# Sent once per store call, after its transaction commits, when the call stored or voided something.
# Arguments: statement_ids (list[str]: statements newly stored by the call, in input order) and
# voided_ids (list[str]: statements that became voided through this call, including new ones that
# arrived already voided by an earlier voiding statement), and verb_ids (list[str]: the verb IRI of
# each of statement_ids, in the same order, so that a receiver interested in some verbs only can
# leave the others without a query), and, only for a replay of past events
# (`services.statements_announced_together`), at (datetime): when they happened. Receivers get ids
# only and reload what they need; an error in a receiver is logged, never raised to the caller whose
# data is committed.
statement_stored = Signal()

# Sent after commit when one writer's statements may count differently as learning evidence: an
# administrator changed the evidence policy of an LRS client or pull source, its bound actor, or
# deleted it (xapi.trust). Argument: authority (dict), the authority stamped on that writer's
# statements; a receiver finds them through the agent index, where the authority is a related agent.
writer_trust_changed = Signal()
