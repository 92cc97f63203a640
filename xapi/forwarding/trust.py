"""A pull source's evidence policy: what the statements it imports count for (see `xapi.trust`)."""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils.translation import gettext as _

from xapi.trust import announce_trust_changed

from .models import PullSource, SourceEvidence
from .pull import source_authority


@transaction.atomic
def source_evidence_set(*, source: PullSource, evidence: str) -> bool:
    """Set what a source's statements count for; True when it changed (its statements are then
    derived again after commit)."""
    if evidence not in SourceEvidence.values:
        raise ValueError(_("Prise en compte inconnue : %(e)s") % {"e": evidence})
    updated = PullSource.objects.filter(pk=source.pk).exclude(evidence=evidence).update(evidence=evidence)
    source.evidence = evidence
    if updated:
        announce_trust_changed(source_authority(source))
    return bool(updated)


@receiver(post_delete, sender=PullSource, dispatch_uid="xapi_forwarding.trust.source_deleted")
def _source_deleted(sender, instance: PullSource, **kwargs):
    # Its statements stay; with no source to trust, they count for nothing any more.
    if instance.evidence != SourceEvidence.NONE:
        announce_trust_changed(source_authority(instance))
