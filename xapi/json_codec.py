"""JSON in and out of the store's hot path: orjson where it gives the same result as the standard library.

orjson parses and serialises several times faster than ``json``. Where the two could differ the
standard library is used instead, so that what is read and what is written never changes:

- integers of 19 digits or more (orjson reads those past 64 bits as floats, and refuses to write them);
- values orjson cannot write (non-string keys, lone surrogates...): ``TypeError``, then ``json``.
"""

from __future__ import annotations

import json
import re
from typing import Any

import orjson

# A run of 19 ASCII digits anywhere (in a number or not: the slow path is then merely taken for
# nothing). Found by mapping every digit to "0" and everything else to a space, then searching for
# nineteen zeros: both steps are C loops over the bytes, several times faster than the regular
# expression rb"\d{19}" over a batch of a thousand statements (where uuids give many short runs).
_DIGITS_AS_ZEROS = bytes(0x30 if 0x30 <= byte <= 0x39 else 0x20 for byte in range(256))
_LONG_RUN = b"0" * 19


def _has_long_integer(data: bytes) -> bool:
    return _LONG_RUN in data.translate(_DIGITS_AS_ZEROS)


def _no_constant(name: str):
    # json accepts NaN and Infinity, which are not JSON (and PostgreSQL's jsonb refuses them).
    raise json.JSONDecodeError(f"{name} is not valid JSON", name, 0)


def loads(data: bytes | str) -> Any:
    """Parse UTF-8 JSON; raises ``json.JSONDecodeError`` (or ``UnicodeDecodeError``) when it is not.

    Both paths refuse the same things: nesting deeper than orjson's limit (the standard library would
    recurse until ``RecursionError``) and lone surrogates (``"\\ud800"``, which no database can store).
    """
    if isinstance(data, str):
        data = data.encode("utf-8", errors="surrogatepass")
    if _has_long_integer(data):
        try:
            value = json.loads(data.decode("utf-8"), parse_constant=_no_constant)
        except RecursionError:
            raise json.JSONDecodeError("JSON nested too deeply", "", 0) from None
        except ValueError as error:
            if isinstance(error, json.JSONDecodeError):
                raise
            # An integer past Python's int_max_str_digits (4,300 digits): a plain ValueError otherwise.
            raise json.JSONDecodeError("integer too long", "", 0) from None
        _check_encodable(value)
        return value
    return orjson.loads(data)


# orjson's own limit: deeper documents are refused on both paths.
MAX_DEPTH = 1024


def _check_encodable(value: Any) -> None:
    """Refuse what orjson would have refused: strings with lone surrogates, nesting past MAX_DEPTH."""
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise json.JSONDecodeError("JSON nested too deeply", "", 0)
        if isinstance(item, str):
            _check_text(item)
        elif isinstance(item, dict):
            for key, child in item.items():
                _check_text(key)
                stack.append((child, depth + 1))
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)


def _check_text(text: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise json.JSONDecodeError("lone surrogate in string", "", 0) from None


def dumps(value: Any) -> bytes:
    """Compact UTF-8 JSON, as ``json.dumps(value, ensure_ascii=False, separators=(",", ":"))``."""
    try:
        return orjson.dumps(value)
    except TypeError:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


# Where orjson's numbers differ from Python's repr: an exponent (1.5e-7 for 1.5e-07, 1e16 for
# 1e+16) or a small number written out (0.00001 for 1e-05). Strings that merely look like one
# (an IRI ending in "v2e5") only cost the slow path.
_NOT_REPR = re.compile(rb"\de|0\.0000")


def dumps_sorted(value: Any) -> bytes:
    """Byte for byte ``json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)``.

    Content hashes are taken over this text: they do not depend on which library wrote it.
    """
    try:
        data = orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
    except TypeError:
        data = None
    if data is None or _NOT_REPR.search(data):
        return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    return data
