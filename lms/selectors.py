"""Reads about users and organisations."""

import re
import unicodedata

from django.db.models import Q, QuerySet

from .models import School
from .scope import schools_in_scope, scope_label  # noqa: F401  (their home is lms.scope)


def _accent_free_pattern(word: str) -> str:
    """A regex for `word` whatever its accents and case: « ecole » finds « École » (SQLite's LIKE does not)."""
    variants = {
        "a": "aàâäAÀÂÄ",
        "c": "cçCÇ",
        "e": "eéèêëEÉÈÊË",
        "i": "iîïIÎÏ",
        "o": "oôöOÔÖ",
        "u": "uùûüUÙÛÜ",
        "y": "yÿYŸ",
        "'": "'’",
    }
    bare = "".join(c for c in unicodedata.normalize("NFKD", word.lower()) if not unicodedata.combining(c))
    return "".join(f"[{variants[c]}]" if c in variants else re.escape(c) for c in bare.replace("’", "'"))


def schools_search(*, query: str, limit: int = 20) -> QuerySet[School]:
    """Open schools whose UAI starts with the query, or whose name or commune holds every word of it."""
    words = query.split()[:8]
    if not words:
        return School.objects.none()
    schools = School.objects.filter(is_open=True).select_related("departement")
    if len(words) == 1 and words[0][:1].isdigit():
        return schools.filter(uai__startswith=words[0].upper()).order_by("uai")[:limit]
    for word in words:
        pattern = _accent_free_pattern(word)
        schools = schools.filter(Q(name__iregex=pattern) | Q(commune__iregex=pattern))
    return schools.order_by("name", "commune")[:limit]
