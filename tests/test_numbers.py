"""Property tests of parse_number: Arabic and Chinese renderings of a number read back as that number."""

from __future__ import annotations

import contextlib
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from extract.numbers import NumberError, parse_number

DIGITS = "零一二三四五六七八九"
SMALL_UNITS = ((1000, "千"), (100, "百"), (10, "十"), (1, ""))
BIG_UNITS = ((10**8, "亿"), (10**4, "万"), (1, ""))

#: Below a trillion: 亿, 万 and units groups, the forms the press writes.
integers = st.integers(min_value=0, max_value=10**12 - 1)


def chinese_group(n: int) -> str:
    """1..9999 in Chinese numerals, with 零 for a gap between non-zero digits (一千零五)."""
    out, gap = "", False
    for value, unit in SMALL_UNITS:
        digit = n // value % 10
        if digit == 0:
            gap = bool(out)
            continue
        out += ("零" if gap else "") + DIGITS[digit] + unit
        gap = False
    return out


def chinese(n: int) -> str:
    """``n`` (below 10**12) as the press writes it in Chinese numerals: 三亿零五十万零八."""
    if n == 0:
        return "零"
    parts: list[str] = []
    gap = False
    for power, unit in BIG_UNITS:
        group = n // power % 10**4
        if group == 0:
            gap = bool(parts)
            continue
        if parts and (gap or group < 1000):
            parts.append("零")
        parts.append(chinese_group(group) + unit)
        gap = False
    return "".join(parts)


def test_the_renderer_writes_the_usual_forms():
    assert chinese(10_500) == "一万零五百"
    assert chinese(300_500_008) == "三亿零五十万零八"
    assert chinese(752_000_000) == "七亿五千二百万"


@given(integers)
def test_arabic_integers_read_back(n):
    assert parse_number(str(n)) == n
    assert parse_number(f"{n:,}") == n


@given(integers)
def test_chinese_numerals_read_back(n):
    assert parse_number(chinese(n)) == n


@given(st.integers(min_value=10, max_value=19))
def test_tens_without_a_leading_one_read_back(n):
    assert parse_number(chinese(n)[1:]) == n


@given(st.text(alphabet="〇一二三四五六七八九", min_size=2, max_size=6))
def test_digit_by_digit_years_read_back(text):
    expected = int("".join(str("〇一二三四五六七八九".index(c)) for c in text))
    assert parse_number(text) == expected


@given(st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False), st.sampled_from(["万", "亿"]))
def test_arabic_with_a_chinese_unit_reads_back(value, unit):
    assert parse_number(f"{value}{unit}") == value * (10**4 if unit == "万" else 10**8)


@given(st.text(alphabet="0123456789.,零一二两三十百千万亿〇元 -", max_size=12))
def test_any_string_is_a_number_or_a_number_error(text):
    with contextlib.suppress(NumberError):
        assert isinstance(parse_number(text), Decimal)
