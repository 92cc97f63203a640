"""Who issues Relais's badges and certificates: one profile (id, name, url), defined here only.

The name comes from `RELAIS_ISSUER_NAME`; the id and the key URLs are on this instance
(`RELAIS_BASE_URL`), never on `RELAIS_COMPETENCY_BASE_IRI`, which instances may share: a verifier
must reach *this* instance's keys and revocation lists.
"""

from django.conf import settings


def badges_base_url() -> str:
    """Where this instance publishes its issuer profile, keys, revocation lists and badge pages."""
    return f"{settings.RELAIS_BASE_URL}/competencies/badges"


def issuer_id() -> str:
    return f"{badges_base_url()}/issuer"


def issuer_name() -> str:
    return settings.RELAIS_ISSUER_NAME


def issuer_profile() -> dict:
    """The Open Badges 3.0 Profile of the issuer, as every credential and page names it."""
    return {"id": issuer_id(), "type": ["Profile"], "name": issuer_name(), "url": settings.RELAIS_BASE_URL}
