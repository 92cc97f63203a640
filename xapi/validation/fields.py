"""Validators shared by every statement object: JSON types, IRIs, language maps, UUIDs, times."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from datetime import UTC, datetime
from typing import Any, NoReturn

import orjson
from django.utils.translation import gettext as _

from xapi import versions
from xapi.errors import StatementValidationError

# A path into the statement is a string ("", "[3]", "context.registration") or, to be written only when
# an error is reported, a pair (parent path, key) for a property or (parent path, index) for an item
# of an array: validators build ``(path, "id")`` for every property they check, and a statement has
# dozens of them, while a path is read only when the statement is refused.
Path = str | tuple


def path_text(path: Path) -> str:
    """The written path: ``(("", "object"), "id")`` is ``object.id``, ``("context.team.member", 2)``
    is ``context.team.member[2]``."""
    keys = []
    while path.__class__ is tuple:  # a loop, not a recursion: an extension may nest deeply
        path, key = path
        keys.append(key)
    text = path
    for key in reversed(keys):
        if key.__class__ is int:
            text = f"{text}[{key}]"
        elif text:
            text = f"{text}.{key}"
        else:
            text = key
    return text


def fail(path: Path, rule: str, message: str) -> NoReturn:
    raise StatementValidationError(path_text(path), rule, message)


def child(path: Path, key: str) -> Path:
    """The path of ``key`` in the object at ``path`` (validators write the pair themselves)."""
    return (path, key)


def item(path: Path, index: int) -> Path:
    """The path of the item ``index`` of the array at ``path``."""
    return (path, index)


# --- JSON types ---------------------------------------------------------------------------------


def _not_null(value: Any, path: Path) -> None:
    if value is None:
        fail(path, "null_value", _("La valeur null n’est pas admise ici."))


def expect_object(value: Any, path: Path) -> dict:
    if value.__class__ is dict:  # the common case, first
        return value
    _not_null(value, path)
    if not isinstance(value, dict):
        fail(path, "type", _("Un objet JSON est attendu."))
    return value


def expect_list(value: Any, path: Path, *, non_empty: bool = False) -> list:
    _not_null(value, path)
    if not isinstance(value, list):
        fail(path, "type", _("Un tableau JSON est attendu."))
    if non_empty and not value:
        fail(path, "empty", _("Le tableau ne doit pas être vide."))
    return value


def expect_string(value: Any, path: Path, *, non_empty: bool = False) -> str:
    if value.__class__ is str and (value or not non_empty):  # the common case, first
        return value
    _not_null(value, path)
    if not isinstance(value, str):
        fail(path, "type", _("Une chaîne de caractères est attendue."))
    if non_empty and not value:
        fail(path, "empty", _("La chaîne ne doit pas être vide."))
    return value


def expect_bool(value: Any, path: Path) -> bool:
    _not_null(value, path)
    if not isinstance(value, bool):
        fail(path, "type", _("Un booléen (true ou false) est attendu."))
    return value


def expect_number(value: Any, path: Path) -> float | int:
    _not_null(value, path)
    # bool is an int in Python, never a number in JSON.
    if isinstance(value, bool) or not isinstance(value, int | float):
        fail(path, "type", _("Un nombre est attendu."))
    return value


def expect_integer(value: Any, path: Path, *, minimum: int | None = None) -> int:
    _not_null(value, path)
    if isinstance(value, bool) or not isinstance(value, int):
        fail(path, "type", _("Un nombre entier est attendu."))
    if minimum is not None and value < minimum:
        fail(path, "range", _("Le nombre doit être supérieur ou égal à %(min)s.") % {"min": minimum})
    return value


def check_properties(
    obj: dict, path: Path, *, allowed: Collection[str], required: Iterable[str] = (), name: str = ""
) -> None:
    """Reject unknown keys (case counts), null values, and missing required keys."""
    for key, value in obj.items():
        if key not in allowed:
            fail(
                (path, key),
                "unknown_property",
                _("La propriété « %(key)s » n’est pas admise dans %(name)s.")
                % {"key": key, "name": name or "cet objet"},
            )
        if value is None:  # _not_null, without building the path of every valid property
            _not_null(value, (path, key))
    for key in required:
        if key not in obj:
            fail((path, key), "required", _("La propriété « %(key)s » est obligatoire.") % {"key": key})


def expect_constant(value: Any, path: Path, expected: str) -> str:
    expect_string(value, path)
    if value != expected:
        fail(path, "value", _("La valeur doit être exactement « %(expected)s ».") % {"expected": expected})
    return value


# --- Formatted strings --------------------------------------------------------------------------

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
# Characters never allowed in an IRI (RFC 3987 excludes them from every production), and the
# bidirectional formatting characters RFC 3987 4.1 says an IRI must not use (LRM, RLM, LRE, RLE,
# PDF, LRO, RLO, and the later isolates LRI, RLI, FSI, PDI).
_IRI_FORBIDDEN = re.compile(r"[\s<>\"{}|\\^`\x00-\x1f\x7f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


# Strings already found valid (the check depends on the string alone). Statements repeat the same
# verbs, activity ids and types over and over; bounded, so that it cannot grow without limit.
_KNOWN_VALID: set[str] = set()
_KNOWN_VALID_MAX = 50_000


def _known_valid(value: str) -> None:
    if len(_KNOWN_VALID) >= _KNOWN_VALID_MAX:
        _KNOWN_VALID.clear()
    _KNOWN_VALID.add(value)


# Objects (verbs, activities, actors) already found valid, by their JSON text: statements repeat
# them over and over (the same verbs, course activities, teachers, and in a forwarded batch one
# authority). The same text is the same JSON value, so the same verdict; only a valid one is kept
# (an invalid one is refused by the full check, with its error). Bounded as _KNOWN_VALID.
_KNOWN_VALID_OBJECTS: set[tuple[str, str, bytes]] = set()
_KNOWN_VALID_OBJECT_MAX = 20_000
_KNOWN_VALID_OBJECT_TEXT = 1_024  # longer texts are checked every time


def valid_object_key(kind: str, value: Any) -> tuple[str, str, bytes] | None:
    """The key ``value`` is (or will be) known valid under; None when it cannot be cached."""
    if value.__class__ is not dict:
        return None
    try:
        text = orjson.dumps(value)
    except TypeError:
        return None
    if len(text) > _KNOWN_VALID_OBJECT_TEXT:
        return None
    return (kind, versions.current(), text)


def already_valid(key: tuple[str, str, bytes] | None) -> bool:
    """Whether the object of ``key`` (from ``valid_object_key``) passed its full check before."""
    return key in _KNOWN_VALID_OBJECTS


def known_valid_object(key: tuple[str, str, bytes] | None) -> None:
    """Remember that the object of ``key`` (from ``valid_object_key``) passed its full check."""
    if key is None:
        return
    if len(_KNOWN_VALID_OBJECTS) >= _KNOWN_VALID_OBJECT_MAX:
        _KNOWN_VALID_OBJECTS.clear()
    _KNOWN_VALID_OBJECTS.add(key)


def validate_iri(value: Any, path: Path, *, rule: str = "iri") -> str:
    """Best-effort IRI check, as the spec allows: an absolute IRI with a scheme and no forbidden character."""
    if value.__class__ is str and value in _KNOWN_VALID:
        return value
    expect_string(value, path)
    if not _SCHEME.match(value) or _IRI_FORBIDDEN.search(value) or len(value) == value.index(":") + 1:
        fail(path, rule, _("« %(value)s » n’est pas un IRI absolu valide.") % {"value": value[:200]})
    _known_valid(value)
    return value


def validate_irl(value: Any, path: Path) -> str:
    """An IRL is an IRI meant to be dereferenced: same form, its own rule name."""
    return validate_iri(value, path, rule="irl")


_MAILTO = re.compile(r"^mailto:[^@\s:/?#]+@[^@\s/?#]+\.?[^@\s/?#]*$")


def validate_mailto(value: Any, path: Path) -> str:
    expect_string(value, path)
    if not _MAILTO.match(value):
        fail(path, "mailto", _("Une adresse de la forme « mailto:nom@domaine » est attendue."))
    return value


_SHA1 = re.compile(r"^[0-9a-fA-F]{40}$")
_SHA2 = re.compile(r"^(?:[0-9a-fA-F]{56}|[0-9a-fA-F]{64}|[0-9a-fA-F]{96}|[0-9a-fA-F]{128})$")


def validate_sha1(value: Any, path: Path) -> str:
    expect_string(value, path)
    if not _SHA1.match(value):
        fail(path, "sha1", _("Une empreinte SHA-1 hexadécimale de 40 caractères est attendue."))
    return value


def validate_sha2(value: Any, path: Path) -> str:
    expect_string(value, path)
    if not _SHA2.match(value):
        fail(path, "sha2", _("Une empreinte SHA-2 hexadécimale (224, 256, 384 ou 512 bits) est attendue."))
    return value


_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def validate_uuid(value: Any, path: Path) -> str:
    """RFC 4122 string form, 8-4-4-4-12 hexadecimal digits; no braces, no URN prefix."""
    expect_string(value, path)
    if not _UUID.match(value):
        fail(path, "uuid", _("« %(value)s » n’est pas un UUID valide.") % {"value": value[:100]})
    return value


# RFC 5646 "well-formed" tags, plus the grandfathered tags the RFC lists.
_LANGTAG = re.compile(
    r"""^(?:
        (?:[a-z]{2,3}(?:-[a-z]{3}){0,3}|[a-z]{4}|[a-z]{5,8})   # language, extlang
        (?:-[a-z]{4})?                                          # script
        (?:-(?:[a-z]{2}|[0-9]{3}))?                             # region
        (?:-(?:[a-z0-9]{5,8}|[0-9][a-z0-9]{3}))*                # variants
        (?:-[0-9a-wy-z](?:-[a-z0-9]{2,8})+)*                    # extensions
        (?:-x(?:-[a-z0-9]{1,8})+)?                              # private use
      |x(?:-[a-z0-9]{1,8})+
    )$""",
    re.IGNORECASE | re.VERBOSE,
)
_GRANDFATHERED = {
    "en-gb-oed", "i-ami", "i-bnn", "i-default", "i-enochian", "i-hak", "i-klingon", "i-lux", "i-mingo",
    "i-navajo", "i-pwn", "i-tao", "i-tay", "i-tsu", "sgn-be-fr", "sgn-be-nl", "sgn-ch-de", "art-lojban",
    "cel-gaulish", "no-bok", "no-nyn", "zh-guoyu", "zh-hakka", "zh-min", "zh-min-nan", "zh-xiang",
}  # fmt: skip


def validate_language_tag(value: Any, path: Path) -> str:
    expect_string(value, path)
    if not (_LANGTAG.match(value) or value.lower() in _GRANDFATHERED):
        fail(path, "language_tag", _("« %(value)s » n’est pas une étiquette de langue RFC 5646.") % {"value": value})
    return value


def validate_language_map(value: Any, path: Path) -> dict:
    """A map of RFC 5646 tags to strings."""
    expect_object(value, path)
    for tag, text in value.items():
        if text.__class__ is str and tag in _KNOWN_TAGS:
            continue
        key_path = (path, tag)
        if not (_LANGTAG.match(tag) or tag.lower() in _GRANDFATHERED):
            fail(
                key_path,
                "language_tag",
                _("« %(value)s » n’est pas une étiquette de langue RFC 5646.") % {"value": tag},
            )
        expect_string(text, key_path)
        if len(_KNOWN_TAGS) < _KNOWN_VALID_MAX:
            _KNOWN_TAGS.add(tag)
    return value


# Language tags already found well-formed, as _KNOWN_VALID for IRIs.
_KNOWN_TAGS: set[str] = set()


def validate_extensions(value: Any, path: Path) -> dict:
    """Keys must be IRIs; values are any JSON, null included."""
    expect_object(value, path)
    for key in value:
        validate_iri(key, (path, key), rule="extension_key")
    return value


# --- Text a database can store -------------------------------------------------------------------


def check_storable_text(value: Any, path: Path) -> None:
    """Refuse a NUL character (U+0000) or a lone surrogate in any string or key of ``value``.

    JSON allows both (as ``\\u0000``, ``\\ud800``); PostgreSQL stores neither in text or jsonb, and no
    encoding can write a lone surrogate. orjson writes the whole value in a few microseconds: only when
    its output holds an escaped NUL, or it refuses a string, is the value walked to find the culprit.
    """
    try:
        written = orjson.dumps(value)
    except TypeError:
        written = None
    if written is not None and b"\\u0000" not in written:
        return
    stack = [(value, path)]
    while stack:
        node, node_path = stack.pop()
        if isinstance(node, str):
            _check_storable_string(node, node_path)
        elif isinstance(node, dict):
            for key, child_value in node.items():
                key_path = (node_path, str(key))
                if isinstance(key, str):
                    _check_storable_string(key, key_path)
                stack.append((child_value, key_path))
        elif isinstance(node, list):
            stack.extend((child_value, (node_path, index)) for index, child_value in enumerate(node))


def _check_storable_string(text: str, path: Path) -> None:
    if "\x00" in text:
        fail(path, "nul_character", _("Le caractère nul (U+0000) n’est pas admis dans une déclaration."))
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        fail(path, "invalid_character", _("Cette chaîne contient un caractère Unicode invalide (surrogate isolé)."))


# --- Times --------------------------------------------------------------------------------------

_TIMESTAMP = re.compile(
    r"""^(?P<date>\d{4}-\d{2}-\d{2}|\d{8})
    T(?P<time>\d{2}(?::?\d{2}(?::?\d{2}(?:[.,]\d+)?)?)?)
    (?P<offset>Z|[+-]\d{2}(?::?\d{2})?)?$""",
    re.VERBOSE,
)


# Extended format in UTC, "Z", ASCII digits: its own fast path in parse_timestamp.
_UTC_TIMESTAMP = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?Z$")


# RFC 3339 (5.6, note) also lets the "T" be a space or a lower-case "t", and "Z" a lower-case "z".
_RFC3339_VARIANT = re.compile(r"^(\d{4}-\d{2}-\d{2})[ t](\d{2}:\d{2}:\d{2}(?:\.\d+)?)(z|Z|[+-]\d{2}:\d{2})$")


def parse_timestamp(value: Any, path: Path) -> datetime:
    """ISO 8601 date and time, extended or basic; an offset of -00:00 is refused (RFC 3339 "unknown").

    Under xAPI 2.0 the RFC 3339 spellings ISO 8601 lacks (a space or "t" between date and time,
    "z" for UTC) are read as well; the store then writes such a timestamp back in UTC.
    """
    if value.__class__ is str and _UTC_TIMESTAMP.match(value):
        # The common form (what an LRS stores and forwards): UTC with "Z". Read as the general path
        # below would; a value it cannot read (year 0, 25:00) goes there for its error.
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            pass
    expect_string(value, path)
    if versions.is_v2():
        variant = _RFC3339_VARIANT.match(value)
        if variant:
            value = f"{variant[1]}T{variant[2]}{variant[3].upper()}"
    match = _TIMESTAMP.match(value)
    if not match:
        fail(path, "timestamp", _("« %(value)s » n’est pas une date et heure ISO 8601.") % {"value": value[:100]})
    offset = match["offset"] or ""
    if offset.startswith("-") and not offset[1:].replace(":", "").strip("0"):
        fail(path, "timestamp_offset", _("Le décalage horaire « -00:00 » n’est pas admis ; utilisez « Z »."))
    try:
        parsed = datetime.fromisoformat(value.replace(",", "."))
    except ValueError:
        fail(path, "timestamp", _("« %(value)s » n’est pas une date et heure valide.") % {"value": value[:100]})
    # Without an offset the time is read as UTC, the spec's recommended zone.
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    try:
        return parsed.astimezone(UTC)
    except OverflowError:
        # 0001-01-01T00:00:00+01:00 is still year 0 in UTC, 9999-12-31T23:59:59-01:00 year 10000.
        fail(
            path,
            "timestamp_range",
            _("« %(value)s » tombe hors du calendrier en UTC (entre l’an 1 et l’an 9999).") % {"value": value[:100]},
        )


# ISO 8601 durations: weeks stand alone (PnW); every other unit may combine, but not with weeks.
_DURATION = re.compile(
    r"""^P(?:\d+(?:[.,]\d+)?W
    |(?!$)(?:\d+(?:[.,]\d+)?Y)?(?:\d+(?:[.,]\d+)?M)?(?:\d+(?:[.,]\d+)?D)?
    (?:T(?=\d)(?:\d+(?:[.,]\d+)?H)?(?:\d+(?:[.,]\d+)?M)?(?:\d+(?:[.,]\d+)?S)?)?)$""",
    re.VERBOSE,
)


def validate_duration(value: Any, path: Path) -> str:
    expect_string(value, path)
    if not _DURATION.match(value):
        fail(
            path,
            "duration",
            _("« %(value)s » n’est pas une durée ISO 8601 (les semaines, PnW, ne se combinent à aucune autre unité).")
            % {"value": value[:100]},
        )
    return value
