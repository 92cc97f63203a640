"""Open Badges 3.0.3 credentials for confirmed ambassadors.

The credential (VC Data Model 2.0 context first, then Open Badges 3.0.3) is aligned to the CRCN Édu
competencies that qualified the teacher (the IRIs of the published CASE items), valid from its
issue and, when the académie's policy sets a duration, until then; its `credentialStatus` points at
the revocation list Relais publishes (badge_status). It is signed as a JWT (badge_signing); the
issuer's keys are at <badges>/jwks.json, and anyone can check a badge at its own URL (its `id`).

The subject is a random identifier per badge, not the teacher's xAPI pseudonym: a badge shown to
someone does not link to the teacher's learning records.
"""

import uuid
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from evidence.models import CompetencyState
from frameworks.models import Competency, Framework

from .badge_signing import credential_sign
from .badge_status import status_allocate, status_entry
from .issuer import badges_base_url, issuer_profile
from .models import AmbassadorBadge, AmbassadorDecision, AmbassadorProposal

OB_CONTEXT = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]
OB_SCHEMA = {
    "id": "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json",
    "type": "1EdTechJsonSchemaValidator2019",
}
ACHIEVEMENT_NAME = "Ambassadeur du numérique pédagogique"


def achievement_id() -> str:
    return f"{badges_base_url()}/ambassadeur"


def badge_url(credential_uuid) -> str:
    """The credential's id, and its public verification page."""
    return f"{badges_base_url()}/{credential_uuid}"


def _stamp(moment) -> str:
    return moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def badge_credential(
    proposal: AmbassadorProposal,
    *,
    competencies: list[Competency],
    issued_at,
    credential_uuid,
    status_entry: dict,
    valid_days: int | None = None,
) -> dict:
    school = proposal.school
    credential = {
        "@context": OB_CONTEXT,
        "id": badge_url(credential_uuid),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": issuer_profile(),
        "validFrom": _stamp(issued_at),
        "name": ACHIEVEMENT_NAME,
        "credentialSubject": {
            "id": f"urn:uuid:{uuid.uuid4()}",
            "type": ["AchievementSubject"],
            "achievement": {
                "id": achievement_id(),
                "type": ["Achievement"],
                "achievementType": "Competency",
                "name": ACHIEVEMENT_NAME,
                "description": (
                    f"Enseignant reconnu par l'académie de {school.departement.academie} pour accompagner ses "
                    f"collègues de {school.name} ({school.uai}) dans les usages pédagogiques du numérique."
                ),
                "criteria": {"narrative": " ".join(proposal.reasons)},
                "alignment": [
                    {
                        "type": ["Alignment"],
                        "targetName": f"{c.code} {c.name}",
                        "targetUrl": c.iri,
                        "targetFramework": c.framework.title,
                        "targetCode": c.code,
                        "targetType": "CFItem",
                    }
                    for c in competencies
                ],
            },
        },
        "credentialStatus": status_entry,
        "credentialSchema": [OB_SCHEMA],
    }
    if valid_days:
        credential["validUntil"] = _stamp(issued_at + timedelta(days=valid_days))
    return credential


def _still_valid(badge: AmbassadorBadge) -> bool:
    """Whether the stored badge can be handed out again: signed by the current scheme, never
    revoked, and no withdrawal or refusal decided since it was issued."""
    if badge.status is None or badge.status.revoked_at is not None:
        return False
    return not (
        AmbassadorDecision.objects.filter(proposal_id=badge.proposal_id, decided_at__gte=badge.issued_at)
        .exclude(decision=AmbassadorProposal.Status.CONFIRMED)
        .exists()
    )


@transaction.atomic
def badge_issue(
    *, proposal: AmbassadorProposal, required_level: int = 4, valid_days: int | None = None
) -> AmbassadorBadge:
    """The badge of a confirmed ambassador: issued once; issued anew (new id, new status position,
    the former one revoked for good) when the ambassador is confirmed again after a withdrawal."""
    existing = AmbassadorBadge.objects.select_related("status").filter(proposal=proposal).first()
    if existing and _still_valid(existing):
        return existing
    competencies = [
        state.competency
        for state in CompetencyState.objects.filter(
            user=proposal.user, competency__framework__slug=Framework.CRCN_EDU, level__gte=required_level
        )
        .select_related("competency__framework")
        .order_by("competency__code")
    ]
    now = timezone.now()
    credential_uuid = uuid.uuid4()
    status = status_allocate(credential_uuid=credential_uuid)
    credential = badge_credential(
        proposal,
        competencies=competencies,
        issued_at=now,
        credential_uuid=credential_uuid,
        status_entry=status_entry(status),
        valid_days=valid_days,
    )
    fields = {"credential": credential, "jwt": credential_sign(credential), "issued_at": now, "status": status}
    if existing is None:
        return AmbassadorBadge.objects.create(proposal=proposal, **fields)
    former = existing.status
    for name, value in fields.items():
        setattr(existing, name, value)
    existing.save(update_fields=[*fields])
    if former is not None and former.revoked_at is None:
        former.revoked_at = now
        former.save(update_fields=["revoked_at"])
    return existing
