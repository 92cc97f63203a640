"""Revocation of badges, published as W3C Bitstring Status Lists (v1.0).

Each badge gets a position, drawn at random (so that neighbours in the list say nothing about
each other), in a list of 131,072 bits (the specification's minimum, 16 KB). A list fills to
half before the next one opens. The bit is 1 when the badge is revoked: its ambassador was
withdrawn, the proposal refused afterwards, the badge re-issued, or the account erased. The list is
published as a credential signed like the badges, at `<badges>/status/<n>`.
"""

import base64
import gzip
import secrets
import uuid

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from .issuer import badges_base_url, issuer_profile
from .models import AmbassadorProposal, BadgeStatus

LIST_SIZE = 131_072


def status_list_url(number: int) -> str:
    return f"{badges_base_url()}/status/{number}"


def status_allocate(*, credential_uuid: uuid.UUID) -> BadgeStatus:
    """A fresh position for a new credential, never used before."""
    number = BadgeStatus.objects.count() // (LIST_SIZE // 2)
    while True:
        index = number * LIST_SIZE + secrets.randbelow(LIST_SIZE)
        try:
            with transaction.atomic():
                return BadgeStatus.objects.create(index=index, credential_uuid=credential_uuid)
        except IntegrityError:
            continue


def status_entry(status: BadgeStatus) -> dict:
    """The credential's `credentialStatus` (a BitstringStatusListEntry)."""
    url = status_list_url(status.index // LIST_SIZE + 1)
    position = status.index % LIST_SIZE
    return {
        "id": f"{url}#{position}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": str(position),
        "statusListCredential": url,
    }


def _revoked_q() -> Q:
    # Revoked for good (revoked_at), or as of now: the badge is gone (erased account, re-issued) or
    # its ambassador no longer confirmed. Both, so that a missed hook never leaves a badge valid.
    confirmed = AmbassadorProposal.Status.CONFIRMED
    return Q(revoked_at__isnull=False) | Q(badge__isnull=True) | ~Q(badge__proposal__status=confirmed)


def status_is_revoked(status: BadgeStatus) -> bool:
    return BadgeStatus.objects.filter(_revoked_q(), pk=status.pk).exists()


def badge_statuses_sync() -> int:
    """Make every revocation permanent: a badge once revoked stays revoked, even if its teacher is
    confirmed again (they get a new badge). Called wherever a proposal leaves "confirmed"."""
    pks = list(BadgeStatus.objects.filter(_revoked_q(), revoked_at__isnull=True).values_list("pk", flat=True))
    return BadgeStatus.objects.filter(pk__in=pks).update(revoked_at=timezone.now())


def badges_revoke(*, user) -> int:
    """Revoke every badge of `user` now (before their account and badges are erased)."""
    return BadgeStatus.objects.filter(badge__proposal__user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def encoded_list(revoked_positions) -> str:
    """Multibase (`u`) base64url, without padding, of the GZIP-compressed bitstring; bit 0 is the
    most significant bit of the first byte."""
    bits = bytearray(LIST_SIZE // 8)
    for position in revoked_positions:
        bits[position // 8] |= 0x80 >> (position % 8)
    return "u" + base64.urlsafe_b64encode(gzip.compress(bytes(bits), mtime=0)).rstrip(b"=").decode()


def status_list_credential(number: int) -> dict:
    """The BitstringStatusListCredential of list `number` (from 1), as of now."""
    start = (number - 1) * LIST_SIZE
    revoked = (
        BadgeStatus.objects.filter(_revoked_q(), index__gte=start, index__lt=start + LIST_SIZE)
        .values_list("index", flat=True)
        .distinct()
    )
    url = status_list_url(number)
    now = timezone.now().replace(microsecond=0)
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_profile(),
        "validFrom": now.isoformat().replace("+00:00", "Z"),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encoded_list(i - start for i in revoked),
        },
    }
