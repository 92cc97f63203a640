"""The ambassadors listen to what `evidence` announces (connected in AmbassadorsConfig.ready())."""

from django.dispatch import receiver

from evidence.signals import levels_changed

from .services import proposals_recompute_for_users


@receiver(levels_changed, dispatch_uid="ambassadors.levels_changed")
def on_levels_changed(sender, user_ids, **kwargs):
    # None (every teacher: the daily refresh, a rebuild): the nightly pass recomputes every school.
    if user_ids:
        proposals_recompute_for_users(user_ids)
