"""The ambassadors listen to what `evidence` announces (connected in AmbassadorsConfig.ready())."""

from django.dispatch import receiver

from evidence.signals import levels_changed

from .services import proposals_concerned, proposals_recompute_for_users


@receiver(levels_changed, dispatch_uid="ambassadors.levels_changed")
def on_levels_changed(sender, user_ids, level_changes=None, module_user_ids=None, **kwargs):
    # None (every teacher: the daily refresh, a rebuild): the nightly pass recomputes every school.
    if not user_ids:
        return
    # Only what a proposal depends on: a CRCN Édu level, a completed module (issue #20: most new
    # statements change neither, and then cost no read here).
    concerned = proposals_concerned(user_ids, level_changes=level_changes, module_user_ids=module_user_ids)
    if concerned:
        proposals_recompute_for_users(concerned)
