"""Circonscription codes for schools whose file names the circonscription but gives no code.

The 2023 Annuaire de l'éducation export has `nom_circonscription` and no `code_circonscription`; the
maps' drill-down and "covered through the circonscription" group schools by code. A school from such a
file gets the real code when a school of its département already has it under the same name, else a
stable code derived from the département and the name, which never looks like a real one.
"""

import hashlib
import unicodedata

from .models import School

# Derived circonscription codes start with this: a real one is a UAI (7 digits and a letter), never so.
DERIVED_CODE_PREFIX = "~"


def code_is_derived(code: str) -> bool:
    return code.startswith(DERIVED_CODE_PREFIX)


def _fold(value: str) -> str:
    decomposed = unicodedata.normalize("NFKD", value.strip())
    return "".join(char for char in decomposed if not unicodedata.combining(char)).upper()


def circonscription_key(name: str) -> str:
    # "d'inspection  du 1er degre d'Orly" and "d'inspection du 1er degré d'Orly" are one circonscription.
    return " ".join("".join(char if char.isalnum() else " " for char in _fold(name)).split())


class CirconscriptionCodes:
    """Codes for circonscriptions a file names without a code: the real code when a school of the same
    département already has it under that name, else one derived from the département and the name."""

    def __init__(self):
        self.known: dict[tuple[int, str], str] = {}
        ambiguous = set()
        rows = (
            School.objects.exclude(circonscription_code="")
            .exclude(circonscription_code__startswith=DERIVED_CODE_PREFIX)
            .exclude(circonscription="")
            .values_list("departement_id", "circonscription", "circonscription_code")
            .distinct()
        )
        for departement_id, name, code in rows:
            key = (departement_id, circonscription_key(name))
            if self.known.setdefault(key, code) != code:
                ambiguous.add(key)
        for key in ambiguous:
            del self.known[key]

    def code(self, *, departement_id: int, departement_code: str, name: str) -> str:
        key = circonscription_key(name)
        known = self.known.get((departement_id, key))
        if known:
            return known
        digest = int.from_bytes(hashlib.sha256(f"{departement_code}|{key}".encode()).digest()[:8])
        # Seven base-36 characters: some 78 billion codes for about 1,300 circonscriptions in France.
        characters = ""
        for _index in range(7):
            digest, rest = divmod(digest, 36)
            characters += "0123456789abcdefghijklmnopqrstuvwxyz"[rest]
        return DERIVED_CODE_PREFIX + characters
