"""Numbers as Chinese press writes them: Arabic, Chinese numerals, and mixed forms.

Money, capacities and dates all need the same number reading (``7.52``,
``1,234``, ``三千五百万``, ``1.5万``, ``两``, ``二〇一一``), so it lives here once.
Text is expected to be NFKC-normalised already (full-width digits folded).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

CN_DIGITS: dict[str, int] = {
    "零": 0,
    "〇": 0,
    "○": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "壹": 1,
    "贰": 2,
    "叁": 3,
    "肆": 4,
    "伍": 5,
    "陆": 6,
    "柒": 7,
    "捌": 8,
    "玖": 9,
}
CN_SMALL_UNITS: dict[str, int] = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
CN_BIG_UNITS: dict[str, int] = {"亿": 10**8, "万": 10**4}

#: Characters that may appear in a Chinese numeral (for building regexes).
CN_NUMERAL_CHARS = "".join(CN_DIGITS) + "".join(CN_SMALL_UNITS) + "".join(CN_BIG_UNITS)

#: Regex fragment (for the ``regex`` module) of one number: Arabic with
#: optional thousands separators and decimals, or a run of Chinese numerals.
NUMBER_PATTERN = r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|[" + CN_NUMERAL_CHARS + r"]+)"


class NumberError(ValueError):
    """Raised when a string is not a number this module can read."""


def parse_number(text: str) -> Decimal:
    """Read ``text`` as a number, exactly (Decimal, never float).

    Accepts Arabic (``1,234.5``), Chinese numerals (``三千五百万``,
    ``一万亿``, ``二〇一一``) and mixed forms (``1.5万``, ``3千``).
    Raises :class:`NumberError` for anything else, including the empty string.
    """
    s = text.strip().replace(",", "")
    if not s:
        raise NumberError("empty number")
    try:
        return _parse(s)
    except (InvalidOperation, KeyError) as exc:
        raise NumberError(f"not a number: {text!r}") from exc


def _parse(s: str) -> Decimal:
    for unit, factor in CN_BIG_UNITS.items():  # 亿 before 万: 一万亿 = 10^12
        if unit in s:
            i = s.rindex(unit)
            left, right = s[:i], s[i + 1 :]
            head = _parse(left) if left else Decimal(1)
            tail = _parse_tail(right, factor) if right else Decimal(0)
            return head * factor + tail
    return _parse_small(s)


def _parse_tail(right: str, factor: int) -> Decimal:
    """The part after 万/亿; a lone digit is shorthand (``一万五`` = 15000)."""
    if len(right) == 1 and right in CN_DIGITS:
        return Decimal(CN_DIGITS[right] * factor // 10)
    return _parse(right)


def _parse_small(s: str) -> Decimal:
    """A number below 10^4 in Chinese numerals, or any Arabic number."""
    if all(c.isascii() for c in s):
        if not all(c.isdigit() or c == "." for c in s) or s.count(".") > 1 or s == ".":
            raise NumberError(f"not a number: {s!r}")
        return Decimal(s)
    if all(c in CN_DIGITS for c in s):  # 二〇一一, 五
        return Decimal("".join(str(CN_DIGITS[c]) for c in s))
    total = Decimal(0)
    pending: Decimal | None = None
    i = 0
    while i < len(s):
        c = s[i]
        if c in CN_DIGITS:
            pending = Decimal(CN_DIGITS[c])
            i += 1
        elif c.isascii():
            j = i
            while j < len(s) and (s[j].isdigit() or s[j] == "."):
                j += 1
            pending = Decimal(s[i:j])
            i = j
        elif c in CN_SMALL_UNITS:
            total += (pending if pending is not None else Decimal(1)) * CN_SMALL_UNITS[c]
            pending = None
            i += 1
        else:
            raise NumberError(f"not a number: {s!r}")
    if pending is not None:
        total += pending
    return total


def to_yuan(value: Decimal) -> int | float:
    """Yuan as stated: an integer for whole yuan (21160000000), the fraction kept below one yuan's
    precision (a share at 35.55元, 0.12元 a kilowatt-hour), as the gold writes them."""
    whole = value.quantize(Decimal(1), rounding="ROUND_HALF_UP")
    return int(whole) if whole == value else float(value.quantize(Decimal("0.01"), rounding="ROUND_HALF_UP"))
