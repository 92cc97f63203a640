"""The maps listen to what `evidence` and `ambassadors` announce (connected in MapsConfig.ready())."""

from django.db import transaction
from django.dispatch import receiver

from ambassadors.signals import coverage_changed
from evidence.signals import levels_changed

from . import stats_queue
from .stats import stats_refresh


@receiver(levels_changed, dispatch_uid="maps.levels_changed")
def on_levels_changed(sender, user_ids, evidence_user_ids, **kwargs):
    if evidence_user_ids is None:
        stats_refresh(None)  # every level again (daily refresh, rebuild): every aggregate
        return
    # Marked in the sender's transaction, refreshed off its path, once for many batches (stats_queue).
    stats_queue.schools_mark_for_users(evidence_user_ids)
    transaction.on_commit(stats_queue.refresh_soon)


@receiver(coverage_changed, dispatch_uid="maps.coverage_changed")
def on_coverage_changed(sender, school_ids, **kwargs):
    if school_ids is None:
        stats_refresh(None)
        return
    stats_queue.schools_mark(school_ids)
    transaction.on_commit(stats_queue.refresh_soon)
