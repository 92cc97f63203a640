"""Reads about users and organisations."""

import re
import unicodedata

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from .models import School, User


def schools_in_scope(*, user: User) -> QuerySet[School]:
    """The schools a manager may see: their académie or département; all for an admin; none otherwise."""
    if user.is_superuser or user.role == User.Role.ADMIN:
        return School.objects.all()
    if user.role != User.Role.MANAGER:
        return School.objects.none()
    if user.scope_departement_id:
        return School.objects.filter(departement_id=user.scope_departement_id)
    if user.scope_academie_id:
        return School.objects.filter(departement__academie_id=user.scope_academie_id)
    return School.objects.none()


def scope_label(*, user: User) -> str:
    """The manager's scope in words: a département, an académie, or all of France for an admin."""
    if user.scope_departement_id:
        return str(user.scope_departement)
    if user.scope_academie_id:
        return _("Académie de %(name)s") % {"name": user.scope_academie}
    return _("France entière")


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
