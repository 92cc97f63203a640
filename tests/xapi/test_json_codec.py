"""xapi.json_codec: orjson on the hot path, with exactly the standard library's results."""

import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xapi import json_codec
from xapi.canonical import format_time

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**25), max_value=10**25)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)


@settings(max_examples=400, deadline=None)
@given(json_values)
def test_sorted_dumps_is_byte_for_byte_the_standard_librarys(value):
    # The content hash of a statement must not depend on which of the two wrote it.
    expected = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    assert json_codec.dumps_sorted(value) == expected


@settings(max_examples=400, deadline=None)
@given(json_values)
def test_loads_reads_what_json_reads(value):
    text = json.dumps(value, ensure_ascii=False).encode()
    assert json_codec.loads(text) == json.loads(text)
    assert json_codec.loads(json_codec.dumps(value)) == value


@pytest.mark.parametrize(
    "value",
    [1e-05, 1.5e-07, 1e16, -2.5e22, 2**64, -(2**63) - 1, 10**30, {"k": [1e-9, "iri:v2e5"]}],
)
def test_exponents_and_long_integers_take_the_standard_path(value):
    expected = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    assert json_codec.dumps_sorted(value) == expected
    assert json_codec.loads(json.dumps(value).encode()) == value


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([b"0", b"7", b"9", b"/", b":", b"a", b" ", b"\xc3\xa9"]), max_size=60))
def test_the_long_integer_check_finds_what_the_regular_expression_finds(parts):
    data = b"".join(parts) + b"1234567890" * (len(parts) % 3)
    assert json_codec._has_long_integer(data) == bool(re.search(rb"\d{19}", data))


@pytest.mark.parametrize(("text", "found"), [(b"[123456789012345678]", False), (b"[1234567890123456789]", True)])
def test_the_long_integer_check_starts_at_nineteen_digits(text, found):
    assert json_codec._has_long_integer(text) is found


def test_long_integers_are_read_exactly():
    assert json_codec.loads(b'{"n": 123456789012345678901234567890}') == {"n": 123456789012345678901234567890}


@pytest.mark.parametrize("text", [b"NaN", b'{"n": Infinity}', b"[-Infinity, 12345678901234567890]", b"{", b"\xff"])
def test_what_is_not_json_is_refused(text):
    with pytest.raises((json.JSONDecodeError, UnicodeDecodeError)):
        json_codec.loads(text)


def test_dumps_writes_what_orjson_cannot_through_json():
    assert json_codec.dumps({1: 10**20}) == b'{"1":100000000000000000000}'
    assert json_codec.dumps({"é": [1.0, None]}) == '{"é":[1.0,null]}'.encode()


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("2026-03-04T05:06:07+02:00", "2026-03-04T03:06:07.000000Z"),
        ("2026-03-04T05:06:07.123456Z", "2026-03-04T05:06:07.123456Z"),
        ("0002-01-01T00:00:00Z", "0002-01-01T00:00:00.000000Z"),
    ],
)
def test_format_time(value, text):
    from datetime import datetime

    assert format_time(datetime.fromisoformat(value)) == text
