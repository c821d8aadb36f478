"""Amounts of money in Chinese press text, with value, currency, qualifier and role.

RECORDS.md "money" is the contract. One compiled pattern scans the text once and
yields, in order, the amounts (``计划总投资50.9亿元``, ``十几个亿``, ``1亿美元``) and
the words that give an amount its role (``到位资金``, ``产值``, ``利税``); the role
of each amount is then read from the words around it in its sentence: the
nearest before it, carried over a list (``产值1.48亿元、利税0.18亿元``), or one just
after it (``约合9.3亿元人民币资金``), the higher priority winning. Size classes
(``5000万元以上项目``, ``百亿级``) and unit prices (``3000元/吨``) are told apart
first. Everything that is language rather than logic (currencies, qualifiers,
trigger words and their roles, size-class nouns) lives in ``rules/money.yml``.

The standard ``re`` engine is used rather than ``regex``: on this pattern (a
trie of a few hundred words beside the amount grammar) it runs several times
faster, and nothing here needs ``regex``'s extensions.

Text is expected cleaned (NFKC-folded digits, column breaks rejoined); Chinese
punctuation may or may not be folded to ASCII, so both forms are handled.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from extract.models import Money, MoneyRole, Qualifier
from extract.numbers import CN_DIGITS, CN_NUMERAL_CHARS, NumberError, parse_number, to_yuan
from extract.rules import alternation, load_rules

#: Ends a sentence: a role word never reaches across it.
SENTENCE_BREAK = "。！？；;!?\n"
#: Ends a clause: a word after an amount, a size class or a bare number's licence stops here.
CLAUSE_BREAK = SENTENCE_BREAK + "，,：:、()（）"
_CLAUSE = f"[^{re.escape(CLAUSE_BREAK)}]"
#: An Arabic number, with or without thousands separators (a stray space may sit by the point: 4 .6).
ARABIC = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?: ?\. ?\d+)?"
#: Characters that scale a number (3千万, 1.5万亿, 十几个亿).
MAGNITUDES = "十百千万亿"
#: Signs that make an Arabic amount written right after them negative (现金流为-1.46元).
MINUS = "-－−"
_BIG = re.compile("[万亿]")
_DIGIT_PAIR = re.compile("((?:[一二两三四五六七八九]?十)?)([一二三四五六七八])([二两三四五六七八九])(.*)")
#: How many tokens _left_trigger looks back over at most (a bound on long lists and tables).
_MAX_WALK = 40


class TriggerGroup(BaseModel):
    """Words that give the amounts they govern one role."""

    model_config = ConfigDict(extra="forbid")

    role: MoneyRole
    priority: int = Field(1, ge=0)
    left: list[str] = []
    right: list[str] = []
    bare: bool = True


class ThresholdRules(BaseModel):
    """Words that mark an amount as a size class (``亿元以上项目``, ``百亿级``)."""

    model_config = ConfigDict(extra="forbid")

    classes: list[str] = Field(min_length=1)
    grade: list[str] = Field(min_length=1)
    counters: list[str] = Field(min_length=1)


class RateUnits(BaseModel):
    """Words around a bare magnitude (万元) that make it the unit of a rate (万元GDP能耗)."""

    model_config = ConfigDict(extra="forbid")

    before: list[str] = Field(min_length=1)
    after: list[str] = Field(min_length=1)


class PriceRules(BaseModel):
    """How a price per unit is written (3000元/吨, 每吨3000元)."""

    model_config = ConfigDict(extra="forbid")

    after: list[str] = Field(min_length=1)
    per: str = Field(min_length=1)
    periods: list[str]


class CoinRules(BaseModel):
    """Words for the coins below one yuan (角 and 毛 a tenth, 分 a hundredth)."""

    model_config = ConfigDict(extra="forbid")

    tenth: list[str] = Field(min_length=1)
    hundredth: list[str] = Field(min_length=1)


class MoneyRules(BaseModel):
    """``rules/money.yml``: see the comments there for what each entry means."""

    model_config = ConfigDict(extra="forbid")

    currencies: dict[str, list[str]]
    prefix_currencies: dict[str, str]
    not_after_currency: list[str]
    rate_units: RateUnits
    prefix_qualifiers: dict[str, Qualifier]
    vague_prefixes: dict[str, Qualifier]
    vague_suffixes: list[str]
    suffix_qualifiers: dict[str, Qualifier]
    range_separators: list[str] = Field(min_length=1)
    triggers: list[TriggerGroup] = Field(min_length=1)
    bare_max_gap: int = Field(ge=0)
    bare_followers: list[str]
    left_max_gap: int = Field(ge=0)
    right_max_gap: int = Field(ge=0)
    left_clause_tail: int = Field(ge=0)
    price: PriceRules
    threshold: ThresholdRules
    coins: CoinRules

    @model_validator(mode="after")
    def _words_are_unambiguous(self) -> Self:
        """A word on one side may give one role only, and a currency word one currency."""
        for side in ("left", "right"):
            seen: dict[str, str] = {}
            for group in self.triggers:
                for word in getattr(group, side):
                    if word in seen:
                        raise ValueError(f"{side} trigger {word!r} listed twice ({seen[word]}, {group.role})")
                    seen[word] = group.role
        words = [w for ws in self.currencies.values() for w in ws]
        if len(words) != len(set(words)):
            raise ValueError("a currency word is listed under two currencies")
        return self


@dataclass(frozen=True, slots=True)
class _Trigger:
    """A word that gives the amounts it governs a role, where it was found."""

    start: int
    end: int
    role: MoneyRole
    priority: int
    left: bool
    right: bool
    bare: bool


@dataclass(frozen=True, slots=True)
class _Amount:
    """An amount as matched, before its role is known."""

    start: int
    end: int
    low: Decimal
    high: Decimal | None
    currency: str | None  # None: written without a currency word
    qualifier: Qualifier | None
    bound: bool  # 超1600亿元, 过亿元: a bound, as size classes are written (not 40多亿元, 近30亿元)
    magnitude_only: bool  # 亿元, 万亿元: a magnitude with no number before it
    converted: bool  # 约合9.3亿元: the same sum as the amount before, in another currency


@dataclass(frozen=True, slots=True)
class _Grammar:
    """The rules and the patterns compiled from them."""

    rules: MoneyRules
    scanner: re.Pattern[str]
    triggers: dict[str, _Trigger]
    currency_of: dict[str, str]
    bare_follower: re.Pattern[str]
    bare_right: re.Pattern[str]
    price_after: re.Pattern[str]
    price_before: re.Pattern[str]
    suffix_qualifier: re.Pattern[str]
    class_after_above: re.Pattern[str]
    above_after: re.Pattern[str]
    class_after_magnitude: re.Pattern[str]
    grade_after: re.Pattern[str]
    count_after: re.Pattern[str]
    count_before: re.Pattern[str]
    clause_gap: re.Pattern[str]
    label_gap: re.Pattern[str]
    conversion_gap: re.Pattern[str]
    unsuffix: dict[int, None]  # str.translate table dropping 多, 余, 几 and 个
    rate_before: tuple[str, ...]
    rate_after: re.Pattern[str]
    sentence_break: re.Pattern[str]
    word_joint: re.Pattern[str]
    counted_yi: re.Pattern[str]
    list_joint: re.Pattern[str]


def _trie(words: Iterable[str]) -> str:
    """A regex of literal words as a trie (投(?:资(?:额|总额)?|入)...): same matches as the
    longest-first alternation, but the engine tries one branch per character, not every word."""
    root: dict = {}
    for word in words:
        node = root
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict) -> str:
        branches = [re.escape(ch) + emit(sub) for ch, sub in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = "(?:" + "|".join(branches) + ")"
        return body + "?" if "" in node else body

    return emit(root)


def _amount_pattern(rules: MoneyRules) -> str:
    """One number with its vague marks and magnitudes: 40多亿, 十几个亿, 数千万, 1.5万亿, 两亿多,
    4千多亿, 2亿3000万."""
    suffix = alternation(rules.vague_suffixes)
    # 十几个亿, 2个多亿 are amounts; 207个亿元以上项目 and 5个万亿级产业集群 count a size class.
    ge = rf"(?:个(?:{suffix})?(?![ ]?[{MAGNITUDES}]+元?(?:及?以上|级)))?"
    magnitude = rf"[ ]?[{MAGNITUDES}]+(?:(?:{suffix})[万亿]+)?"
    arabic = rf"(?:{ARABIC})(?:(?:{suffix})?{ge}{magnitude}(?:\d+[{MAGNITUDES}]+)?)?"
    chinese = rf"[{CN_NUMERAL_CHARS}]+(?:(?:{suffix})?{ge}[万亿]+)?"
    vague = rf"(?:(?:{alternation(rules.vague_prefixes)})(?=[{MAGNITUDES}]))?"
    return rf"{vague}(?:{arabic}|{chinese})(?:{suffix})?"


def _coins_pattern(rules: MoneyRules) -> str:
    """Sums below one yuan, only where they cannot be anything else: with 钱 after them or two
    coins together (5角钱, 1毛钱, 五分钱, 3角6分; not 长三角, 一毛不拔, 得3分)."""
    digit = rf"(?:\d|[{CN_DIGITS}两几])"
    number = rf"(?<![\d.{CN_NUMERAL_CHARS}])(?!一[^\d{CN_DIGITS}两几]钱){digit}+"  # 不花一分钱: an idiom
    tenth, hundredth = (f"[{''.join(words)}]" for words in (rules.coins.tenth, rules.coins.hundredth))
    return rf"{number}(?:{tenth}(?:钱|{digit}{hundredth}钱?)|{hundredth}钱)"


@cache
def grammar() -> _Grammar:
    """Compile the rules once per process."""
    rules = load_rules("money", MoneyRules)
    amount = _amount_pattern(rules)
    currency_of = {w: code for code, words in rules.currencies.items() for w in words}
    currency = f"(?:{alternation(currency_of)})(?!{alternation(rules.not_after_currency)})"
    opening_words = [*rules.prefix_qualifiers, *rules.vague_prefixes]
    starts = {*"0123456789", *MINUS, *CN_NUMERAL_CHARS, *(w[0] for w in opening_words)}
    money = (
        # never from inside a number, and only from a character that can open an amount
        rf"(?<![\d.{CN_NUMERAL_CHARS}])(?=[{re.escape(''.join(sorted(starts)))}])"
        rf"(?:(?P<qual>{alternation(rules.prefix_qualifiers)})(?:人民币)?)?"  # 约合人民币1.02亿元
        rf"(?P<neg>(?<![A-Za-z])[{MINUS}](?=\d))?"  # -1.46元 (not 3-5亿元, A-10)
        rf"(?P<amt>{amount})"
        rf"(?:[ ]?(?P<cur1>{currency})?[ ]?(?:{alternation(rules.range_separators)})[ ]?(?P<amt2>{amount}))?"
        rf"(?:[ ]?(?P<cur>{currency})|(?<=[万亿多余]))"
    )
    triggers: dict[str, _Trigger] = {}
    for group in rules.triggers:
        for word in {*group.left, *group.right}:
            old = triggers.get(word)
            triggers[word] = _Trigger(
                0,
                0,
                group.role,
                group.priority,
                word in group.left or (old is not None and old.left),
                word in group.right or (old is not None and old.right),
                group.bare,
            )
    opens = {*starts, *(w[0] for w in triggers)}
    # The leading class lets the engine skip most characters at once (≈4x faster on press text).
    scanner = (
        rf"(?=[{re.escape(''.join(sorted(opens)))}])"
        rf"(?:(?P<money>{money})|(?P<coins>{_coins_pattern(rules)})|(?P<trigger>{_trie(triggers)}))"
    )
    bare_right = {w for g in rules.triggers if g.bare for w in g.right}
    follower = rf"[ ]?(?:$|[{re.escape(CLAUSE_BREAK)}]|{alternation(rules.bare_followers)})"
    joint = rf"[ ]?(?:[和与及]|{alternation(rules.range_separators)})[ ]?"
    t = rules.threshold
    counted = rf"(?:[2-9]|\d{{2,}}|[两三四五六七八九十几多数]+|一大?批)(?:{alternation(t.counters)})"
    return _Grammar(
        rules=rules,
        scanner=re.compile(scanner),
        triggers=triggers,
        currency_of=currency_of,
        # 投资120亿，| 投资120亿用于 | 投资从7000亿到6000亿 (not 缺口3万和2.2万公顷)
        bare_follower=re.compile(rf"{follower}|{joint}{amount}(?:[ ]?{currency}|{follower})"),
        bare_right=re.compile(rf"的?[大小巨]?(?:{alternation(bare_right)})"),
        price_after=re.compile(rf"[ ]?(?:左右|上下)?(?:{alternation(rules.price.after)})"),
        price_before=re.compile(
            rf"{re.escape(rules.price.per)}(?!{alternation(rules.price.periods)})[^\W\d_]{{1,4}}$"
        ),
        suffix_qualifier=re.compile(rf"[ ]?(?P<q>{alternation(rules.suffix_qualifiers)})"),
        class_after_above=re.compile(
            rf"[ ]?[及或]?以[上下]的?{_CLAUSE}{{0,12}}?(?:{alternation(t.classes)})"
        ),
        above_after=re.compile(r"[ ]?[及或]?以[上下]"),
        class_after_magnitude=re.compile(rf"{_CLAUSE}{{0,6}}?(?:{alternation(t.classes)})"),
        grade_after=re.compile(rf"(?:{alternation(t.grade)})"),
        count_after=re.compile(
            rf"(?:[ ]?[及或]?以[上下])?{_CLAUSE}{{0,6}}?的{_CLAUSE}{{0,16}}?"
            rf"(?:有|达到|达|不少于|超过|共)?{counted}(?:以上|左右)?(?=[{re.escape(CLAUSE_BREAK)}]|$)"
        ),
        # 2～3个具有国际影响力的|超千亿元, 20家年销售额|过百亿元, 10家在国内年经营收入|超过亿元,
        # 5家|超百亿元; not 21个国家的企业签订了|超过52亿元, nor a sum: 5个共投资|近30亿元的项目
        count_before=re.compile(
            rf"{counted}(?!{_CLAUSE}*?(?:共|总投资|总额|合计|累计|总计))"
            rf"(?:{_CLAUSE}{{0,12}}的|{_CLAUSE}{{0,8}}?(?:{alternation(triggers)}))?$"
        ),
        clause_gap=re.compile(rf"{_CLAUSE}*"),
        label_gap=re.compile(rf"(?:{_CLAUSE}|[:：])*"),
        conversion_gap=re.compile(r"[ ,，(（]*"),
        unsuffix=str.maketrans("", "", "".join(rules.vague_suffixes) + "个"),
        rate_before=tuple(rules.rate_units.before),
        rate_after=re.compile(rf"[ ]?(?:{alternation(rules.rate_units.after)})"),
        sentence_break=re.compile(f"[{re.escape(SENTENCE_BREAK)}]"),
        word_joint=re.compile(r"[和、及与,，]|以及"),
        list_joint=re.compile(joint),
        counted_yi=re.compile(rf"个(?:{alternation(rules.vague_suffixes)})?亿"),
    )


def find_money(text: str) -> list[Money]:
    """Every amount of money in text, in order, with yuan, role, qualifier (RECORDS.md "money")."""
    g = grammar()
    tokens = _licensed(text, list(_scan(text, g)), g)
    out: list[Money] = []
    for i, tok in enumerate(tokens):
        if isinstance(tok, _Amount):
            out.append(_to_money(text, tok, _role(text, tokens, i, g)))
    return out


def role_words(text: str, start: int, end: int) -> list[tuple[int, MoneyRole, bool, bool]]:
    """The words of ``text[start:end]`` that give amounts a role, each as (offset, role, written
    before amounts, written after them): what a learned role reads beside the rule's one guess."""
    g = grammar()
    out = []
    for m in g.scanner.finditer(text, start, end):
        if m.lastgroup == "trigger":
            t = g.triggers[m.group()]
            out.append((m.start(), t.role, t.left, t.right))
    return out


def _scan(text: str, g: _Grammar) -> Iterator[_Amount | _Trigger]:
    """Amounts and trigger words, in text order (one pass of one pattern)."""
    for m in g.scanner.finditer(text):
        if m.lastgroup == "money":
            yield from _read_amounts(text, m, g)
        elif m.lastgroup == "coins":
            yield _coins(text, m, g)
        else:
            t = g.triggers[m.group()]
            yield _Trigger(m.start(), m.end(), t.role, t.priority, t.left, t.right, t.bare)


def _coins(text: str, m: re.Match[str], g: _Grammar) -> _Amount:
    """3角6分 → 0.36 yuan: each number read with the coin written after it."""
    coins = g.rules.coins
    value = Decimal(0)
    for number, coin in re.findall(rf"([^{''.join(coins.tenth + coins.hundredth)}钱]+)(.)", m.group()):
        value += parse_number(number) * (Decimal("0.1") if coin in coins.tenth else Decimal("0.01"))
    return _Amount(m.start(), m.end(), value, None, "CNY", None, False, False, False)


@dataclass(frozen=True, slots=True)
class _Reading:
    """One number as written: its lower bound, and what _read_amount needs to know of it."""

    low: Decimal
    high: Decimal | None  # upper end of a 一二百万-style range
    vague: str | None  # 数 in 数千万, 上 in 上亿
    suffixed: bool  # 40多亿, 十几个亿: more than written
    scale: str  # the magnitude it ends with (亿 in 3亿, 千万 in 3千万), "" for none


def _read_amounts(text: str, m: re.Match[str], g: _Grammar) -> list[_Amount]:
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


def _read_amount(text: str, m: re.Match[str] | None, g: _Grammar) -> _Amount | None:
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
    return _Amount(
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


def _read_number(text: str, g: _Grammar) -> _Reading:
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


def _qualifier(text: str, m: re.Match[str], number: _Reading, ranged: bool, g: _Grammar) -> Qualifier | None:
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


def _licensed(text: str, tokens: list, g: _Grammar) -> list:
    """Drop numbers written without a currency that are not plainly money (13亿人口, 3万人)."""
    kept: list = []
    prev: _Amount | _Trigger | None = None  # a word written after amounts (项目) licenses none after it
    for tok in tokens:
        if isinstance(tok, _Amount) and tok.currency is None:
            tok = _license_bare(text, prev, tok, g)
            if tok is None:
                continue
        kept.append(tok)
        if isinstance(tok, _Amount) or tok.left:
            prev = tok
    return kept


def _license_bare(text: str, prev: _Amount | _Trigger | None, amount: _Amount, g: _Grammar) -> _Amount | None:
    """A bare number is money after a currency word, a money word close before it, one just
    after it, or another amount it is listed with (投资从7000亿到6000亿)."""
    for word, code in g.rules.prefix_currencies.items():
        if text.endswith(word, 0, amount.start):
            return _with_currency(amount, code)
    grade = g.grade_after.match(text, amount.end)
    if grade and "亿" in text[amount.start : amount.end] and g.class_after_magnitude.match(text, grade.end()):
        return _with_currency(amount, "CNY")  # 百亿级产业集群 (not 产量达到千亿级别)
    if g.counted_yi.search(text, amount.start, amount.end):
        return _with_currency(amount, "CNY")  # 12个亿, 拿2个多亿对…: 个亿 counts nothing but money
    follows = g.bare_follower.match(text, amount.end) is not None
    written = text[amount.start : amount.end]
    if g.bare_right.match(text, amount.end) and (follows or any(c.isdigit() for c in written)):
        return _with_currency(amount, "CNY")  # 两千万投资, 80亿中期票据 (not the name 千万工程)
    if not follows:
        return None
    if isinstance(prev, _Amount):
        listed = g.list_joint.fullmatch(text, prev.end, amount.start) is not None
        return _with_currency(amount, prev.currency or "CNY") if listed else None
    if not (isinstance(prev, _Trigger) and prev.bare and prev.left):
        return None
    close = amount.start - prev.end <= g.rules.bare_max_gap
    same_clause = g.label_gap.fullmatch(text, prev.end, amount.start) is not None  # 总投资：5亿
    return _with_currency(amount, "CNY") if close and same_clause else None


def _with_currency(amount: _Amount, code: str) -> _Amount:
    """A bare number once licensed: money in that currency, no longer a bare magnitude."""
    return dataclasses.replace(amount, currency=code, magnitude_only=False)


def _role(text: str, tokens: list, i: int, g: _Grammar) -> MoneyRole:
    """Size class, unit price, or the role of the words that govern the amount.

    An amount and its conversion (1亿英镑，约合9.3亿元人民币资金) are one sum: the words
    around either govern both."""
    amount: _Amount = tokens[i]
    if _is_threshold(text, amount, g):
        return "threshold"
    if _is_price(text, amount, g):
        return "other"
    candidates = _triggers_around(text, tokens, i, g)
    pair = _conversion_partner(text, tokens, i, g)
    if pair is not None:
        first, second = sorted((i, pair))
        candidates = _triggers_around(text, tokens, first, g) + _triggers_around(text, tokens, second, g)[1:]
    return _resolve(candidates)


def _is_price(text: str, amount: _Amount, g: _Grammar) -> bool:
    """A price per unit: 3000元/吨, 15元一斤, 每吨3000元, 每千瓦时1元 (not 每年5亿元)."""
    if g.price_after.match(text, amount.end):
        return True
    return g.price_before.search(text, max(0, amount.start - 5), amount.start) is not None


def _triggers_around(text: str, tokens: list, i: int, g: _Grammar) -> list[_Trigger | None]:
    """The words that may govern an amount: the one before it, then the one after it."""
    j = _left_trigger(text, tokens, i, g)
    left = None if j is None else _respective(text, tokens, i, j, g)
    return [left, _right_trigger(text, tokens, i, g)]


def _respective(text: str, tokens: list, i: int, j: int, g: _Grammar) -> _Trigger:
    """营业收入和利润总额分别为48.9亿元和5.3亿元: after 分别, the n-th amount goes with the n-th
    of the words listed before it; otherwise the word before (tokens[j]) governs them all."""
    first = j
    while first > 0 and isinstance(tokens[first - 1], _Trigger) and tokens[first - 1].left:
        if not g.word_joint.fullmatch(text, tokens[first - 1].end, tokens[first].start):
            break
        first -= 1
    n = sum(isinstance(t, _Amount) for t in tokens[j + 1 : i])
    if first < j and n <= j - first and "分别" in text[tokens[j].end : tokens[i].start]:
        return tokens[first + n]
    return tokens[j]


def _conversion_partner(text: str, tokens: list, i: int, g: _Grammar) -> int | None:
    """The index of the amount this one converts (or is converted by), written right beside it."""
    for a, b in ((i - 1, i), (i, i + 1)):
        if a < 0 or b >= len(tokens):
            continue
        first, second = tokens[a], tokens[b]
        if (
            isinstance(first, _Amount)
            and isinstance(second, _Amount)
            and second.converted
            and g.conversion_gap.fullmatch(text, first.end, second.start)
        ):
            return b if a == i else a
    return None


def _resolve(candidates: list[_Trigger | None]) -> MoneyRole:
    """The highest-priority candidate; on a tie the earliest listed (the word before)."""
    best: _Trigger | None = None
    for c in candidates:
        if c is not None and (best is None or c.priority > best.priority):
            best = c
    return best.role if best else "other"


def _left_trigger(text: str, tokens: list, i: int, g: _Grammar) -> int | None:
    """Where the nearest word before the amount is, in its sentence, reaching over a list of amounts.

    A list may run on over commas (A项目总投资5亿元，B项目3亿元). The word must be close
    before the list's first amount and, where a comma parts them, the amount must open its
    clause (交通投资高位运行，达16474亿元): in 境外投资项目未遵守规定，并...导致184.68万元
    the 投资 governs nothing."""
    first = tokens[i]
    for j in range(i - 1, max(-1, i - 1 - _MAX_WALK), -1):
        tok = tokens[j]
        if g.sentence_break.search(text, tok.end, first.start):
            return None
        if isinstance(tok, _Amount):
            if _inside_aside(text, tok.end, first.start):
                return None
            first = tok
        elif tok.left and not _after_aside(text, tok.end, first.start):
            return j if _reaches(text, tok.end, first.start, g) else None
    return None


def _reaches(text: str, start: int, end: int, g: _Grammar) -> bool:
    """Whether a word ending at start governs an amount at end (see _left_trigger)."""
    if end - start > g.rules.left_max_gap or _inside_aside(text, start, end):
        return False
    last_comma = max(text.rfind(c, start, end) for c in "，,")
    return last_comma < 0 or end - last_comma - 1 <= g.rules.left_clause_tail


def _inside_aside(text: str, start: int, end: int) -> bool:
    """Whether a bracket opens between start and end and is still open at end (拨款2.56亿加元（1美元)."""
    opened = max(text.rfind("(", start, end), text.rfind("（", start, end))
    closed = max(text.rfind(")", start, end), text.rfind("）", start, end))
    return opened > closed


def _after_aside(text: str, start: int, end: int) -> bool:
    """Whether a bracket closes between start and end that opened before start: the word at
    start is inside an aside (总成本(含税金)为1595.6亿元) and governs nothing outside it."""
    opened = max(text.rfind("(", start, end), text.rfind("（", start, end))
    closed = max(text.rfind(")", start, end), text.rfind("）", start, end))
    return closed > opened


def _right_trigger(text: str, tokens: list, i: int, g: _Grammar) -> _Trigger | None:
    """A word just after the amount in its clause that governs it (9.3亿元人民币资金, 两千万投资的)."""
    amount: _Amount = tokens[i]
    clause_end = g.clause_gap.match(text, amount.end).end()
    for j in range(i + 1, len(tokens)):
        tok = tokens[j]
        if not isinstance(tok, _Trigger) or tok.start > clause_end:
            return None
        if tok.start - amount.end > g.rules.right_max_gap:
            return None
        if tok.right and not _governs_next(text, tokens, j, g):
            return tok
    return None


def _governs_next(text: str, tokens: list, j: int, g: _Grammar) -> bool:
    """Whether a word is the word before the next amount (计划总投资 in a list of projects)."""
    tok: _Trigger = tokens[j]
    if not tok.left or j + 1 >= len(tokens) or not isinstance(tokens[j + 1], _Amount):
        return False
    nxt: _Amount = tokens[j + 1]
    return g.clause_gap.match(text, tok.end, nxt.start).end() == nxt.start and nxt.start - tok.end <= 6


def _is_threshold(text: str, amount: _Amount, g: _Grammar) -> bool:
    """A size class, not an amount of anything: 亿元以上项目, 5000万元以上项目, 百亿级, 亿元村,
    产值超千亿元的企业有3家, 20家年销售额过百亿元的企业, 2～3个具有国际影响力的超千亿元产值的基地."""
    end = amount.end
    if g.class_after_above.match(text, end) or g.grade_after.match(text, end):
        return True
    if amount.magnitude_only and g.class_after_magnitude.match(text, end):
        return True
    if not (amount.bound or g.above_after.match(text, end)):
        return False  # 40多亿元 is an estimate of one sum, 超40亿元 a bound
    if g.count_after.match(text, end):
        return True
    clause_end = g.clause_gap.match(text, end).end()
    if "的" not in text[end : min(clause_end, end + 8)]:
        return False
    window = max(0, amount.start - 40)  # a count farther back does not count this amount
    clause_start = max(window, *(text.rfind(c, window, amount.start) + 1 for c in CLAUSE_BREAK))
    return g.count_before.search(text, clause_start, amount.start) is not None


def _to_money(text: str, amount: _Amount, role: MoneyRole) -> Money:
    """The record: yuan for CNY (whole, or to the fen below one yuan), the amount in its own currency
    otherwise."""
    cny = amount.currency == "CNY"
    return Money(
        start=amount.start,
        end=amount.end,
        text=text[amount.start : amount.end],
        yuan=to_yuan(amount.low) if cny else None,
        yuan_max=to_yuan(amount.high) if cny and amount.high is not None else None,
        currency=amount.currency or "CNY",
        amount=None if cny else float(amount.low),
        role=role,
        qualifier=amount.qualifier,
    )
