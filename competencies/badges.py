"""Open Badges 3.0 credentials for confirmed ambassadors, signed as VC-JWT with Ed25519 (EdDSA).

The credential is aligned to the CRCN Édu competencies that qualified the
teacher (the IRIs of the published CASE items). The issuer profile, with the
public key as a JWK, is published at /competencies/badges/issuer so that anyone
can check a badge without Relais.
"""

import base64
import json
import uuid

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import AmbassadorBadge, AmbassadorProposal, BadgeIssuerKey, Competency

OB_CONTEXT = [
    "https://www.w3.org/2018/credentials/v1",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def issuer_id() -> str:
    return f"{settings.RELAIS_COMPETENCY_BASE_IRI}/badges/issuer"


def achievement_id() -> str:
    return f"{settings.RELAIS_COMPETENCY_BASE_IRI}/badges/ambassadeur"


@transaction.atomic
def issuer_key() -> BadgeIssuerKey:
    key = BadgeIssuerKey.objects.select_for_update().order_by("pk").first()
    if key:
        return key
    private = Ed25519PrivateKey.generate()
    public_raw = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    return BadgeIssuerKey.objects.create(
        private_pem=pem, public_jwk={"kty": "OKP", "crv": "Ed25519", "x": _b64(public_raw)}
    )


def issuer_profile() -> dict:
    key = issuer_key()
    return {
        "@context": OB_CONTEXT,
        "id": issuer_id(),
        "type": ["Profile"],
        "name": "Relais",
        "url": settings.RELAIS_BASE_URL,
        "verificationMethod": [
            {
                "id": f"{issuer_id()}#key-{key.pk}",
                "type": "JsonWebKey2020",
                "controller": issuer_id(),
                "publicKeyJwk": key.public_jwk,
            }
        ],
    }


def badge_credential(proposal: AmbassadorProposal, *, competencies: list[Competency], issued_at) -> dict:
    school = proposal.school
    user = proposal.user
    return {
        "@context": OB_CONTEXT,
        "id": f"urn:uuid:{uuid.uuid4()}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer_id(), "type": ["Profile"], "name": f"Relais — {school.departement.academie}"},
        "issuanceDate": issued_at.replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        "name": "Ambassadeur du numérique pédagogique",
        "credentialSubject": {
            "id": f"urn:uuid:{user.xapi_uuid}",
            "type": ["AchievementSubject"],
            "achievement": {
                "id": achievement_id(),
                "type": ["Achievement"],
                "achievementType": "Competency",
                "name": "Ambassadeur du numérique pédagogique",
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
    }


def sign(credential: dict) -> str:
    """The credential as a compact JWS (VC-JWT: iss, jti, nbf, sub claims and the credential in `vc`)."""
    key = issuer_key()
    private = serialization.load_pem_private_key(key.private_pem.encode(), password=None)
    header = {"alg": "EdDSA", "typ": "JWT", "kid": f"{issuer_id()}#key-{key.pk}"}
    issued = timezone.datetime.fromisoformat(credential["issuanceDate"].replace("Z", "+00:00"))
    claims = {
        "iss": credential["issuer"]["id"],
        "jti": credential["id"],
        "sub": credential["credentialSubject"]["id"],
        "nbf": int(issued.timestamp()),
        "vc": credential,
    }
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims, ensure_ascii=False).encode())}"
    return f"{signing_input}.{_b64(private.sign(signing_input.encode()))}"


def verify(token: str, public_jwk: dict) -> dict:
    """The claims of a badge JWT when its signature holds; raises ValueError otherwise."""
    try:
        header_b64, claims_b64, signature_b64 = token.split(".")
        if json.loads(_unb64(header_b64)).get("alg") != "EdDSA":
            raise ValueError("unexpected algorithm")
        public = Ed25519PublicKey.from_public_bytes(_unb64(public_jwk["x"]))
        public.verify(_unb64(signature_b64), f"{header_b64}.{claims_b64}".encode())
    except Exception as error:  # any failure is "not a valid badge"
        raise ValueError(f"invalid badge: {error}") from None
    return json.loads(_unb64(claims_b64))


def badge_issue(*, proposal: AmbassadorProposal, required_level: int = 4) -> AmbassadorBadge:
    """Issue (once) the badge of a confirmed ambassador."""
    existing = AmbassadorBadge.objects.filter(proposal=proposal).first()
    if existing:
        return existing
    from .models import CompetencyState

    competencies = [
        state.competency
        for state in CompetencyState.objects.filter(
            user=proposal.user, competency__framework__slug="crcn-edu", level__gte=required_level
        )
        .select_related("competency__framework")
        .order_by("competency__code")
    ]
    now = timezone.now()
    credential = badge_credential(proposal, competencies=competencies, issued_at=now)
    return AmbassadorBadge.objects.create(proposal=proposal, credential=credential, jwt=sign(credential), issued_at=now)
