"""Why a teacher is proposed as ambassador: stored as codes with parameters, put in words at display time.

A proposal's `reasons` is a list of {"code": …, parameters} (see `reasons_codes`), rendered through
gettext in the reader's language by `reasons_text`. Proposals computed before codes existed hold French
sentences: those are shown as they are until the next computation rewrites them as codes.
"""

from datetime import date, datetime

from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from frameworks.models import Competency

from .models import AmbassadorPolicy

LEVELS = "levels"  # {"required": 4, "items": [["3.1", 5], …]} (CRCN Édu codes and levels)
DOMAINS = "domains"  # {"domains": ["2", "3"]}
MODULES = "modules"  # {"n": 1}
LATEST = "latest"  # {"date": "2026-05-04"}


def reasons_codes(
    *, levels: dict[int, int], domains, modules: int, latest, required_level: int, competencies: dict[int, Competency]
) -> list[dict]:
    """The reasons of one candidate, as codes (what `AmbassadorProposal.reasons` stores)."""
    items = sorted(([competencies[c].code, lv] for c, lv in levels.items()), key=lambda item: item[0])
    reasons = [
        {"code": LEVELS, "required": required_level, "items": items},
        {"code": DOMAINS, "domains": sorted(domains)},
        {"code": MODULES, "n": modules},
    ]
    if latest:
        day = timezone.localtime(latest).date() if isinstance(latest, datetime) else latest
        reasons.append({"code": LATEST, "date": day.isoformat()})
    return reasons


def reasons_text(reasons: list) -> list[str]:
    """The reasons in words, in the active language."""
    names = {}
    if any(isinstance(r, dict) and r.get("code") == LEVELS for r in reasons):
        names = {c.code: c for c in Competency.objects.filter(framework__slug="crcn-edu")}
    return [reason_text(reason, names) for reason in reasons]


def reasons_text_in(reasons: list, language: str) -> list[str]:
    """The reasons in words in `language` (a badge's narrative is written once, in French)."""
    with translation.override(language):
        return reasons_text(reasons)


def reason_text(reason, names: dict[str, Competency]) -> str:
    if isinstance(reason, str):  # computed before reasons were codes
        return reason
    code = reason.get("code")
    if code == LEVELS:
        items = reason.get("items") or []
        listed = ", ".join(
            f"{number} {names[number].name_display() if number in names else ''} ({lv})".replace("  ", " ")
            for number, lv in items
        )
        try:
            label = AmbassadorPolicy.RequiredLevel(reason.get("required")).label
        except ValueError:
            label = str(reason.get("required"))
        return ngettext(
            "Niveau %(label)s ou plus dans %(n)s compétence CRCN Édu : %(list)s.",
            "Niveau %(label)s ou plus dans %(n)s compétences CRCN Édu : %(list)s.",
            len(items),
        ) % {"label": label, "n": len(items), "list": listed}
    if code == DOMAINS:
        domains = reason.get("domains") or []
        return ngettext("%(n)s domaine couvert (%(d)s).", "%(n)s domaines couverts (%(d)s).", len(domains)) % {
            "n": len(domains),
            "d": ", ".join(domains),
        }
    if code == MODULES:
        n = reason.get("n") or 0
        return ngettext("%(n)s module de formation terminé.", "%(n)s modules de formation terminés.", n) % {"n": n}
    if code == LATEST:
        return _("Preuve la plus récente : %(d)s.") % {
            "d": formats.date_format(date.fromisoformat(reason["date"]), "j F Y")
        }
    return ""
