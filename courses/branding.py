"""Who a site's certificates show as their issuer (name and logo): a question courses asks of the
presentation layer, which owns each site's branding.

courses sits below themes and never imports it: themes answers through `site_issuer_register` when it
starts (themes.apps), the way xapi announces stored statements to the apps above it."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class SiteIssuer:
    name: str
    logo: object | None  # a Wagtail image


_providers: list[Callable[[object], SiteIssuer | None]] = []


def site_issuer_register(provider: Callable[[object], SiteIssuer | None]) -> None:
    """`provider(site)` returns the site's issuer, or None when the site sets none (idempotent)."""
    if provider not in _providers:
        _providers.append(provider)


def site_issuer(site) -> SiteIssuer | None:
    """The first issuer a registered provider gives for `site`."""
    for provider in _providers:
        issuer = provider(site)
        if issuer is not None:
            return issuer
    return None
