"""The badges' public face: issuer profile, keys, revocation lists and a verification page per badge.
None of it needs a login: anyone holding a badge must be able to check it."""

from django.db.models import Max
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from .badge_signing import credential_sign, jwk_set, public_jwk
from .badge_status import LIST_SIZE, status_is_revoked, status_list_credential
from .issuer import badges_base_url, issuer_profile
from .models import AmbassadorBadge, BadgeIssuerKey, BadgeStatus

JSON_PARAMS = {"json_dumps_params": {"ensure_ascii": False, "indent": 1}}
# Lists and keys change rarely but a revocation must show soon: verifiers may cache for a minute.
SHORT_CACHE = "public, max-age=60"


def _json(data: dict, *, content_type: str = "application/json") -> JsonResponse:
    response = JsonResponse(data, content_type=content_type, **JSON_PARAMS)
    response["Cache-Control"] = SHORT_CACHE
    response["Access-Control-Allow-Origin"] = "*"
    return response


def badge_issuer(request):
    """The issuer's Open Badges Profile, with its keys, to check badges without Relais."""
    keys = jwk_set()["keys"]
    profile = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        **issuer_profile(),
        "verificationMethod": [
            {"id": key["kid"], "type": "JsonWebKey", "controller": issuer_profile()["id"], "publicKeyJwk": key}
            for key in keys
        ],
    }
    return _json(profile)


def badge_jwks(request):
    return _json(jwk_set(), content_type="application/jwk-set+json")


def badge_key(request, key_id: int):
    """A key's `kid` URL answers the public JWK itself (Open Badges 3.0.3, "Dereferencing the Public Key")."""
    return _json(public_jwk(get_object_or_404(BadgeIssuerKey, pk=key_id)), content_type="application/jwk+json")


def badge_status_list(request, number: int):
    """A BitstringStatusListCredential, signed like the badges (a JWT)."""
    # List 1 always exists (empty at first); a later one once a badge has a position in it.
    highest = BadgeStatus.objects.aggregate(highest=Max("index"))["highest"] or 0
    if not 1 <= number <= highest // LIST_SIZE + 1:
        raise Http404
    response = HttpResponse(credential_sign(status_list_credential(number)), content_type="application/jwt")
    response["Cache-Control"] = SHORT_CACHE
    response["Access-Control-Allow-Origin"] = "*"
    return response


def badge_verify(request, credential_uuid):
    """Whether a badge is valid, revoked or unknown, in words, with what it attests."""
    status = BadgeStatus.objects.filter(credential_uuid=credential_uuid).first()
    badge = None
    if status is not None:
        badge = (
            AmbassadorBadge.objects.select_related("proposal__user", "proposal__school").filter(status=status).first()
        )
    if status is None:
        state = "unknown"
    elif status_is_revoked(status):
        state = "revoked"
    else:
        until = badge.credential.get("validUntil") if badge else None
        state = "expired" if until and parse_datetime(until.replace("Z", "+00:00")) < timezone.now() else "valid"
    context = {
        "state": state,
        "issuer": issuer_profile(),
        "jwks_url": f"{badges_base_url()}/jwks.json",
        "title": _("Vérifier un badge"),
        "badge": None,
    }
    if badge is not None:
        credential = badge.credential
        user = badge.proposal.user
        shows_name = badge.holder_display == AmbassadorBadge.HolderDisplay.NAME and user.get_full_name()
        context.update(
            badge=badge,
            achievement=credential["credentialSubject"]["achievement"],
            holder=user.get_full_name() if shows_name else None,
            subject_id=credential["credentialSubject"]["id"],
            valid_from=parse_datetime(credential["validFrom"].replace("Z", "+00:00")),
            valid_until=parse_datetime(credential["validUntil"].replace("Z", "+00:00"))
            if credential.get("validUntil")
            else None,
        )
    return render(request, "competencies/badge_verify.html", context, status=404 if state == "unknown" else 200)
