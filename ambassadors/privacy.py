"""What competencies and the LRS hold about a teacher: for export and erasure (lms.privacy)."""

import base64
import hashlib
import json

from django.conf import settings

from evidence.models import CompetencyState, Evidence, LevelChange
from xapi.erasure import agent_erase, statements_naming, tombstone_for
from xapi.identity import agent_key, has_ifi, normalize_mbox
from xapi.models import Document, Statement

from .badge_status import badges_revoke, status_is_revoked
from .models import AmbassadorBadge, AmbassadorConsent, AmbassadorProposal


def _agent_keys(user) -> set[str]:
    """Every key under which the LRS may know the teacher: their pseudonymous account, and their
    e-mail address (plain or hashed) should another system have sent it."""
    keys = {agent_key(user.xapi_actor())}
    if user.email:
        mbox = normalize_mbox(f"mailto:{user.email}")
        keys |= {f"mbox:{mbox}", f"mbox_sha1sum:{hashlib.sha1(mbox.encode()).hexdigest()}"}  # noqa: S324
        keys.add(f"mbox_sha1sum:{hashlib.sha1(f'mailto:{user.email}'.encode()).hexdigest()}")  # noqa: S324
    return keys


def _strings(user) -> list[str]:
    """Texts that identify the teacher wherever they appear in a statement (an extension, say)."""
    return [str(user.xapi_uuid), str(user.xapi_uuid).replace("-", ""), user.email]


def _others_masked(node, keys: set[str]):
    """A statement naming the teacher, with every other person's identifier masked: the teacher gets
    their own data, not their colleagues' pseudonyms."""
    if isinstance(node, list):
        return [_others_masked(item, keys) for item in node]
    if not isinstance(node, dict):
        return node
    cleaned = {key: _others_masked(value, keys) for key, value in node.items()}
    if has_ifi(node) and agent_key(node) not in keys:
        for ifi in ("mbox", "mbox_sha1sum", "openid", "account", "name"):
            cleaned.pop(ifi, None)
        cleaned["name"] = "(autre personne)"
    return cleaned


def _document(document: Document) -> dict:
    content = bytes(document.content)
    row = {
        "type": document.kind,
        "activite": document.activity_id or None,
        "registration": document.registration or None,
        "identifiant": document.document_id,
        "type_de_contenu": document.content_type,
        "modifie_le": document.updated.isoformat(),
    }
    if document.content_type.split(";")[0].strip() == "application/json":
        try:
            return {**row, "contenu": json.loads(content)}
        except ValueError:
            pass
    try:
        return {**row, "contenu_texte": content.decode()}
    except UnicodeDecodeError:
        return {**row, "contenu_base64": base64.b64encode(content).decode()}


def _badges(user) -> list[dict]:
    return [
        {
            "ecole": badge.proposal.school.uai,
            "delivre_le": badge.issued_at.isoformat(),
            "page_de_verification": badge.credential.get("id"),
            "revoque": bool(badge.status and status_is_revoked(badge.status)),
            "justificatif": badge.credential,
            "justificatif_signe_jwt": badge.jwt,
        }
        for badge in AmbassadorBadge.objects.filter(proposal__user=user).select_related("proposal__school", "status")
    ]


def export(user) -> dict:
    keys = _agent_keys(user)
    consent = AmbassadorConsent.objects.filter(user=user).first()
    own = Statement.objects.filter(actor_key__in=keys)
    # Wherever they are named, extensions included: what erasure would rewrite.
    naming = (
        Statement.objects.filter(id__in=statements_naming(keys=keys, strings=_strings(user)))
        .exclude(actor_key__in=keys)
        .order_by("stored")
    )
    return {
        "declarations_xapi": list(own.order_by("stored").values_list("payload", flat=True)),
        # Statements of others that name the teacher (as instructor, group member, object…).
        "declarations_xapi_vous_mentionnant": [
            _others_masked(payload, keys) for payload in naming.values_list("payload", flat=True)
        ],
        "documents_xapi": [
            _document(d) for d in Document.objects.filter(agent_key__in=keys).order_by("kind", "updated")
        ],
        "niveaux": [
            {"referentiel": s.competency.framework.slug, "competence": s.competency.code, "niveau": s.level}
            for s in CompetencyState.objects.filter(user=user).select_related("competency__framework")
        ],
        "preuves": list(
            Evidence.objects.filter(user=user).values(
                "statement_id", "competency__code", "level", "kind", "occurred_at"
            )
        ),
        "historique_des_niveaux": list(
            LevelChange.objects.filter(user=user).values("competency__code", "previous", "level", "changed_at")
        ),
        "ambassadeur": {
            "accord": bool(consent and consent.consented),
            "propositions": list(
                AmbassadorProposal.objects.filter(user=user).values("school__uai", "status", "score", "reasons")
            ),
            "badges": _badges(user),
        },
    }


def erase(user) -> None:
    """The teacher's statements and documents go; in other statements that name them, they become a
    tombstone account; their badges are revoked in the published list. The rest cascades with the
    account."""
    badges_revoke(user=user)
    agent_erase(
        keys=_agent_keys(user),
        strings=_strings(user),
        tombstone=tombstone_for(f"{settings.RELAIS_BASE_URL}/erased"),
    )
