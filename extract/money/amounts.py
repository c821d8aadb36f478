"""Amounts as written: each match of the scanner read exactly (Decimal), and numbers written without
a currency kept only where they are plainly money."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from extract.models import Qualifier
from extract.numbers import CN_DIGITS, NumberError, parse_number

from .grammar import MAGNITUDES, Amount, Grammar, Trigger

_BIG = re.compile("[万亿]")
_DIGIT_PAIR = re.compile("((?:[一二两三四五六七八九]?十)?)([一二三四五六七八])([二两三四五六七八九])(.*)")


def scan(text: str, g: Grammar) -> Iterator[Amount | Trigger]:
    """Amounts and trigger words, in text order (one pass of one pattern)."""
    for m in g.scanner.finditer(text):
        if m.lastgroup == "money":
            yield from _read_amounts(text, m, g)
        elif m.lastgroup == "coins":
            yield _coins(text, m, g)
        else:
            t = g.triggers[m.group()]
            yield Trigger(m.start(), m.end(), t.role, t.priority, t.left, t.right, t.bare)


def _coins(text: str, m: re.Match[str], g: Grammar) -> Amount:
    """3角6分 → 0.36 yuan: each number read with the coin written after it."""
    value = Decimal(0)
    for number, coin in g.coin_piece.findall(m.group()):
        value += _coin_count(number) * (Decimal("0.1") if coin in g.rules.coins.tenth else Decimal("0.01"))
    return Amount(
        start=m.start(),
        end=m.end(),
        low=value,
        high=None,
        currency="CNY",
        qualifier=g.rules.vague_prefixes.get("几") if "几" in m.group() else None,
        bound=False,
        magnitude_only=False,
        converted=False,
    )


def _coin_count(number: str) -> Decimal:
    """How many coins, at least: 几分钱 is one fen or more, 十几分钱 ten (几 read as a lower bound, as in
    几百万元 and 十几个亿)."""
    core = number.replace("几", "")
    return parse_number(core) if core else Decimal(1)


@dataclass(frozen=True, slots=True)
class _Reading:
    """One number as written: its lower bound, and what _read_amount needs to know of it."""

    low: Decimal
    high: Decimal | None  # upper end of a 一二百万-style range
    vague: str | None  # 数 in 数千万, 上 in 上亿
    suffixed: bool  # 40多亿, 十几个亿: more than written
    scale: str  # the magnitude it ends with (亿 in 3亿, 千万 in 3千万), "" for none


def _read_amounts(text: str, m: re.Match[str], g: Grammar) -> list[Amount]:
    """The amount matched; two where a "range" runs downwards (投资从7000亿到6000亿: each is an
    amount); none where the match is not money after all."""
    amount = _read_amount(text, m, g)
    if amount is not None or m.group("amt2") is None:
        return [] if amount is None else [amount]
    parts = []
    for name, cur in (("amt", "cur1"), ("amt2", "cur")):
        end = m.end(cur) if m.group(cur) else m.end(name)
        if part := _read_amount(text, g.scanner.match(text, m.start(name), end), g):
            parts.append(part)
    return parts


def _read_amount(text: str, m: re.Match[str] | None, g: Grammar) -> Amount | None:
    """The value of a matched amount, or None where the match is not money after all."""
    if m is None or m.lastgroup != "money":
        return None
    first, second, qual = m.group("amt"), m.group("amt2"), m.group("qual")
    currency = g.currency_of[m.group("cur")] if m.group("cur") else None
    if currency is None and not _BIG.search(second or first):
        return None  # written without a currency, it must at least say 万 or 亿
    if currency and first in CN_DIGITS and not second and not qual:
        return None  # 三元 (a company), 一元化: a lone Chinese digit before 元 is rarely money
    try:
        high = _read_number(second or first, g)
        low = _lower_end(_read_number(first, g), high) if second else high.low
    except NumberError:
        return None
    if m.group("neg"):
        low = -low
    upper = high.low if second else high.high
    if upper is not None and low >= upper:
        return None  # not a range (投资从7000亿到6000亿: see _read_amounts)
    qualifier = _qualifier(text, m, high, upper is not None, g)
    magnitude_only = not qual and not second and not first.strip("万亿")
    if magnitude_only and (text.endswith(g.rate_before, 0, m.start()) or g.rate_after.match(text, m.end())):
        return None  # 万元GDP能耗, 每万元产值: the unit of a rate
    return Amount(
        start=m.start(),
        end=m.end(),
        low=low,
        high=upper,
        currency=currency,
        qualifier=qualifier,
        bound=bool(qual or high.vague) and qualifier in ("over", "at_most"),
        magnitude_only=magnitude_only,
        converted=bool(qual) and qual.endswith("合"),
    )


def _read_number(text: str, g: Grammar) -> _Reading:
    """数千万 → 10^7 (several), 十几个亿 → 10^9 (suffixed), 一二百万 → 10^6..2×10^6, 1.5万亿."""
    s = text.replace(" ", "")
    vague = s[0] if s[0] in g.rules.vague_prefixes and s[1:2] and s[1] in MAGNITUDES else None
    written = s[1:] if vague else s
    core = written.translate(g.unsuffix)
    scale = core[len(core.rstrip(MAGNITUDES)) :]
    suffixed = len(core) < len(written.replace("个", ""))
    pair = _digit_pair(core)
    if pair is None:
        return _Reading(parse_number(core), None, vague, suffixed, scale)
    lo, hi, rest = pair
    unit = _scale(rest)
    return _Reading(lo * unit, hi * unit, vague, False, scale)


def _lower_end(low: _Reading, high: _Reading) -> Decimal:
    """The lower end of a range, scaled like the upper end where written without its own
    magnitude: 3-5亿元, 3-5千万元, 十至二十亿元 (but 5000万-1亿元, 7000到1万元 as written)."""
    if not low.scale:
        scaled = low.low * _scale(high.scale)
    elif not any(c in "万亿" for c in low.scale):
        scaled = low.low * _scale(high.scale[len(high.scale.rstrip("万亿")) :])
    else:
        return low.low
    return scaled if scaled < high.low else low.low


def _scale(magnitude: str) -> Decimal:
    """千万 → 10^7, 亿 → 10^8, "" → 1."""
    return parse_number("一" + magnitude) if magnitude else Decimal(1)


def _digit_pair(num: str) -> tuple[int, int, str] | None:
    """Two neighbouring Chinese digits read as a range: 一二百万 → (1, 2, "百万"),
    三四千万 → (3, 4, "千万"), 十七八万 → (17, 18, "万"); 二〇一一 (a year) is none."""
    m = _DIGIT_PAIR.fullmatch(num)
    if m is None:
        return None
    tens, lo, hi, rest = m.groups()
    if CN_DIGITS[hi] != CN_DIGITS[lo] + 1 or rest[:1] in CN_DIGITS:
        return None
    base = int(parse_number(tens)) if tens else 0
    return base + CN_DIGITS[lo], base + CN_DIGITS[hi], rest


def _qualifier(text: str, m: re.Match[str], number: _Reading, ranged: bool, g: Grammar) -> Qualifier | None:
    """The qualifier written before, inside or after the amount; the first one wins."""
    rules = g.rules
    if m.group("qual"):
        return rules.prefix_qualifiers[m.group("qual")]
    if number.vague:
        return rules.vague_prefixes[number.vague]
    if number.suffixed:
        return "over"
    if ranged:
        return "range"
    after = g.suffix_qualifier.match(text, m.end())
    return rules.suffix_qualifiers[after.group("q")] if after else None


def licensed(text: str, tokens: list, g: Grammar) -> list:
    """Drop numbers written without a currency that are not plainly money (13亿人口, 3万人)."""
    kept: list = []
    prev: Amount | Trigger | None = None  # a word written after amounts (项目) licenses none after it
    for tok in tokens:
        if isinstance(tok, Amount) and tok.currency is None:
            tok = _license_bare(text, prev, tok, g)
            if tok is None:
                continue
        kept.append(tok)
        if isinstance(tok, Amount) or tok.left:
            prev = tok
    return kept


def _license_bare(text: str, prev: Amount | Trigger | None, amount: Amount, g: Grammar) -> Amount | None:
    """A bare number is money after a currency word, a money word close before it, one just
    after it, or another amount it is listed with (投资从7000亿到6000亿)."""
    for word, code in g.rules.prefix_currencies.items():
        if text.endswith(word, 0, amount.start):
            return _with_currency(amount, code)
    written = text[amount.start : amount.end]
    if "亿" in written and g.grade_after.match(text, amount.end):
        return _with_currency(amount, "CNY")  # 百亿级产业集群, 百亿级的园区, 突破万亿级 (not 千亿级别)
    if g.counted_yi.search(text, amount.start, amount.end):
        return _with_currency(amount, "CNY")  # 12个亿, 拿2个多亿对…: 个亿 counts nothing but money
    follows = g.bare_follower.match(text, amount.end) is not None
    if g.bare_right.match(text, amount.end) and (follows or any(c.isdigit() for c in written)):
        return _with_currency(amount, "CNY")  # 两千万投资, 80亿中期票据 (not the name 千万工程)
    if not follows:
        return None
    if isinstance(prev, Amount):
        listed = g.list_joint.fullmatch(text, prev.end, amount.start) is not None
        return _with_currency(amount, prev.currency or "CNY") if listed else None
    if not (isinstance(prev, Trigger) and prev.bare and prev.left):
        return None
    close = amount.start - prev.end <= g.rules.bare_max_gap
    same_clause = g.label_gap.fullmatch(text, prev.end, amount.start) is not None  # 总投资：5亿
    return _with_currency(amount, "CNY") if close and same_clause else None


def _with_currency(amount: Amount, code: str) -> Amount:
    """A bare number once licensed: money in that currency, no longer a bare magnitude."""
    return dataclasses.replace(amount, currency=code, magnitude_only=False)
