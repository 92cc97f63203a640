"""What `evidence` announces to the apps above it (`ambassadors`, `maps`), which subscribe in their
AppConfig.ready(): evidence never calls them (ARCHITECTURE.md, "Splitting competencies").

Sent inside the transaction that changed the levels, so that a listener's writes (the ambassador
proposals) commit or roll back with them; a listener with work to do after commit (the maps'
refresh) defers it with `transaction.on_commit`.
"""

from django.dispatch import Signal

# user_ids: the teachers whose levels or completed modules changed (what ambassador policies count);
#   None: every teacher (a daily refresh or a full rebuild).
# evidence_user_ids: the teachers whose evidence changed, a superset of user_ids (what the maps
#   count: levels, completions, attendance); None with user_ids None.
# With user_ids given (the incremental path), what changed in detail (both included in user_ids):
# level_changes: {framework slug: [(user id, previous level, level) of each level changed on one of
#   its competencies]};
# module_user_ids: the teachers who completed a module or whose completion was withdrawn.
levels_changed = Signal()
