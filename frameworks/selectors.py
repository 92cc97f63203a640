"""Reads about frameworks: what other apps ask of them instead of writing slugs and scales as literals."""

from django.db.models import Max

from .models import Framework


def framework_choices() -> list[tuple[str, str]]:
    """(slug, short name) of every loaded framework, the CRCN Édu first (the default everywhere)."""
    rows = list(Framework.objects.values_list("slug", "short_name"))
    return sorted(rows, key=lambda row: (row[0] != Framework.CRCN_EDU, row[0]))


def max_levels() -> dict[str, int]:
    """{framework slug: its highest level}, in one query."""
    return dict(Framework.objects.annotate(top=Max("levels__number")).values_list("slug", "top"))


def max_level(slug: str) -> int | None:
    """The highest level of the framework `slug` (None when it is not loaded)."""
    return max_levels().get(slug)
