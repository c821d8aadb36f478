"""Capacities: production, installed, throughput and service capacities (RECORDS.md).

Press text states a capacity as a number and a unit that its context makes a
capacity: ``年产30万吨氧化钙``, ``总装机容量为150兆瓦``, ``日供水能力20万吨``,
``15万千瓦风电项目``. The same number and unit are just as often something
else (``压减钢铁产能6000万吨``, ``单机容量7.5兆瓦``, ``30万吨级原油码头``,
``占地面积10万平方米``), so a mention is kept only when a rule of
``rules/units.yml`` makes it a capacity and none rules it out.

One regex pass finds every number + unit; each is then judged on the few
characters around it (its clause, its list item), so the cost is linear in the
text. Spans are in the coordinates of the text given. A capacity stated twice
(``15万千瓦`` and ``150兆瓦``) is returned twice: which mentions belong to one
project is decided later, with :func:`same_capacity`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Literal

import regex
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .models import Capacity, Period
from .numbers import CN_NUMERAL_CHARS, NumberError, parse_number
from .rules import alternation, load_rules

TriggerClass = Literal["production", "installed", "service", "energy", "rate", "scale", "irrigation"]


class _Rules(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Kind(_Rules):
    """What a kind of unit needs to count as a capacity (flags explained in units.yml)."""

    triggers: frozenset[TriggerClass]
    standalone: bool = False
    in_name: bool = False
    machines: bool = False
    counts: bool = False
    marked_after: bool = False
    area: bool = False


class UnitEntry(_Rules):
    """A unit as written and what it normalises to."""

    surface: str = Field(min_length=1)
    unit: str = Field(min_length=1)
    factor: Decimal = Decimal(1)
    kind: str


class Ambiguity(_Rules):
    """A surface that is often not a unit, with the contexts that say so."""

    surface: str
    reason: str
    not_before: str | None = None
    not_after: str | None = None

    @field_validator("not_before", "not_after")
    @classmethod
    def _compiles(cls, value: str | None) -> str | None:
        return _check_regex(value) if value is not None else None


class Trigger(_Rules):
    """Words that make a following number a capacity of some class."""

    model_config = ConfigDict(populate_by_name=True)

    cls: TriggerClass = Field(alias="class")
    period: Period | None
    words: list[str] = Field(min_length=1)


class Equivalent(_Rules):
    """A unit kept as written that converts to another (GWh → kWh) for comparison."""

    unit: str
    factor: Decimal


class UnitRules(_Rules):
    """The schema of ``rules/units.yml``."""

    max_lookback: int = Field(gt=0)
    max_gap: int = Field(ge=0)
    max_item_gap: int = Field(ge=0)
    max_lookahead: int = Field(gt=0)
    clause_breaks: str = Field(min_length=1)
    item_breaks: str
    chinese_numerals: str = Field(min_length=1)
    chinese_number_min_chars: int = Field(ge=1)
    kinds: dict[str, Kind]
    units: list[UnitEntry]
    equivalents: dict[str, Equivalent] = {}
    ambiguous: list[Ambiguity]
    triggers: list[Trigger]
    period_suffixes: dict[Period, list[str]]
    capacity_words_after: list[str]
    project_nouns: list[str]
    product_stops: str
    product_reject: str
    gap_words: list[str]
    negative_in_clause: list[str]
    negative_in_item: list[str]
    area_words: list[str]
    spec_before: list[str]
    spec_after: list[str]
    facilities_after: str
    class_after: str

    @field_validator("product_stops", "product_reject", "facilities_after", "class_after")
    @classmethod
    def _pattern_compiles(cls, value: str) -> str:
        return _check_regex(value)

    @field_validator("negative_in_clause", "negative_in_item", "spec_before", "spec_after")
    @classmethod
    def _patterns_compile(cls, values: list[str]) -> list[str]:
        return [_check_regex(v) for v in values]

    @model_validator(mode="after")
    def _consistent(self) -> UnitRules:
        surfaces = [u.surface for u in self.units]
        if dup := {s for s in surfaces if surfaces.count(s) > 1}:
            raise ValueError(f"unit surfaces listed twice: {sorted(dup)}")
        if bad := {u.kind for u in self.units} - set(self.kinds):
            raise ValueError(f"units of undeclared kinds: {sorted(bad)}")
        if bad := {a.surface for a in self.ambiguous} - set(surfaces):
            raise ValueError(f"ambiguous surfaces missing from the unit table: {sorted(bad)}")
        words = [w for t in self.triggers for w in t.words]
        if dup := {w for w in words if words.count(w) > 1}:
            raise ValueError(f"trigger words listed twice: {sorted(dup)}")
        return self


def _check_regex(pattern: str) -> str:
    try:
        regex.compile(pattern)
    except regex.error as exc:
        raise ValueError(f"bad regex {pattern!r}: {exc}") from exc
    return pattern


@cache
def unit_rules() -> UnitRules:
    """``rules/units.yml``, validated once."""
    return load_rules("units", UnitRules)


# --------------------------------------------------------------------------- grammar


_LATIN_END = "(?![A-Za-z])"
#: How many characters before a number ``not_before`` and ``spec_before`` look at.
_BEFORE = 8
#: Before a trigger that starts with 年/日/月: not a date (2015年产量), 今年, 全年, or
#: the tail of a rate (1500万吨/年炼油).
_TIME_GUARD = r"(?<![\d" + CN_NUMERAL_CHARS + r"今去明当前同全半上下往近次翌/])"
#: After a trigger: 年产值 is money, 年产业 is an industry.
_TRIGGER_TAIL = r"(?![值业]|总值)"


def _unit_guard(surface: str, ambiguity: Ambiguity | None) -> str:
    """Lookaheads after a unit: its ambiguity, and no Latin letter after a Latin unit (5G, PE)."""
    guard = f"(?!{ambiguity.not_after})" if ambiguity and ambiguity.not_after else ""
    return guard + (_LATIN_END if surface[-1].isascii() and surface[-1].isalpha() else "")


@dataclass(frozen=True)
class _Grammar:
    """The rules compiled once into regexes and lookup tables."""

    rules: UnitRules
    quantity: regex.Pattern
    units: dict[str, UnitEntry]
    not_before: dict[str, regex.Pattern]
    triggers: regex.Pattern
    trigger_info: dict[str, Trigger]
    suffix_period: dict[str, Period]
    clause_break: regex.Pattern
    clause_break_ahead: regex.Pattern
    item_break: regex.Pattern
    negative_in_clause: regex.Pattern
    negative_in_item: regex.Pattern
    area_words: regex.Pattern
    spec_before: regex.Pattern
    spec_after: regex.Pattern
    facilities_after: regex.Pattern
    class_after: regex.Pattern
    capacity_after: regex.Pattern
    name_after: regex.Pattern
    product_after: regex.Pattern
    product_reject: regex.Pattern
    gap_edges: regex.Pattern


@cache
def _grammar() -> _Grammar:
    """Compile ``rules/units.yml`` once: one regex for quantities, one for triggers, the rest small."""
    rules = unit_rules()
    ambiguous = {a.surface: a for a in rules.ambiguous}
    unit_guard = {u.surface: _unit_guard(u.surface, ambiguous.get(u.surface)) for u in rules.units}
    units = alternation([u.surface for u in rules.units], unit_guard)
    suffixes = {s: p for p, words in rules.period_suffixes.items() for s in words}
    # Lazy magnitudes and numerals: 30万千升 is 30万 + 千升, 十五万千瓦 is 十五万 + 千瓦.
    arabic = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?[十百千万亿]{0,3}?"
    chinese = f"(?P<chinese>[{regex.escape(rules.chinese_numerals)}]+?)"
    quantity = (
        rf"(?<![\d.A-Za-z])(?<!\d,)(?:(?P<count>\d+)[×xX*])?(?P<num>{arabic}|{chinese})(?:多|余)?"
        rf"(?P<unit>{units})(?P<suffix>{alternation(list(suffixes))})?(?:以上|左右)?"
    )
    trigger_info = {w: t for t in rules.triggers for w in t.words}
    guard = dict.fromkeys(trigger_info, _TRIGGER_TAIL)
    timed = [w for w in trigger_info if w[0] in "年日月"]
    untimed = [w for w in trigger_info if w not in timed]
    triggers = f"(?:{_TIME_GUARD}(?:{alternation(timed, guard)}))|{alternation(untimed, guard)}"
    breaks = regex.escape(rules.clause_breaks)
    items = breaks + regex.escape(rules.item_breaks)
    stops = f"{alternation(rules.project_nouns)}|{rules.product_stops}"
    gap_words = alternation(rules.gap_words)
    any_of = "|".join
    return _Grammar(
        rules=rules,
        quantity=regex.compile(quantity),
        units={u.surface: u for u in rules.units},
        not_before={a.surface: regex.compile(a.not_before) for a in rules.ambiguous if a.not_before},
        triggers=regex.compile(triggers),
        trigger_info=trigger_info,
        suffix_period=suffixes,
        clause_break=regex.compile(f"[{breaks}]", flags=regex.REVERSE),
        clause_break_ahead=regex.compile(f"[{breaks}]"),
        item_break=regex.compile(f"[{items}]", flags=regex.REVERSE),
        negative_in_clause=regex.compile(any_of(rules.negative_in_clause)),
        negative_in_item=regex.compile(any_of(rules.negative_in_item)),
        area_words=regex.compile(alternation(rules.area_words)),
        spec_before=regex.compile(any_of(f"(?:{p})" for p in rules.spec_before)),
        spec_after=regex.compile(any_of(f"(?:{p})" for p in rules.spec_after)),
        facilities_after=regex.compile(rules.facilities_after),
        class_after=regex.compile(rules.class_after),
        capacity_after=regex.compile(
            rf"[^{breaks}\d]{{0,8}}?(?:的)?(?:{alternation(rules.capacity_words_after)})"
        ),
        name_after=regex.compile(
            rf"[^{breaks}]{{0,{rules.max_lookahead}}}?(?:{alternation(rules.project_nouns)})"
        ),
        product_after=regex.compile(
            rf"(?:的)?(?!{stops})(?P<product>[\p{{Han}}A-Za-z][\p{{Han}}A-Za-z()\-·]{{0,19}}?)(?={stops}|$)"
        ),
        product_reject=regex.compile(rules.product_reject),
        gap_edges=regex.compile(f"^(?:{gap_words})+|(?:{gap_words})+$"),
    )


# --------------------------------------------------------------------------- mentions


@dataclass(frozen=True)
class _Quantity:
    """A number + unit found in the text, before any judgement."""

    start: int
    end: int
    value: Decimal
    unit: UnitEntry
    kind: Kind
    suffix_period: Period | None


@dataclass(frozen=True)
class _Trigger:
    """The trigger words governing a quantity (a chain: 设计产能为|每月)."""

    start: int
    classes: frozenset[str]
    period: Period | None
    gap: str


@dataclass(frozen=True)
class _Basis:
    """Why a quantity is a capacity: where its mention starts and what the next list item inherits."""

    start: int
    classes: frozenset[str]
    period: Period | None
    before: str  # between the trigger (or previous item) and the number: may name the product


@dataclass(frozen=True)
class _Found:
    """A capacity and what the next item of its list may inherit from it."""

    capacity: Capacity
    quantity: _Quantity
    basis: _Basis
    product_before: bool


def _quantities(text: str, g: _Grammar) -> list[_Quantity]:
    out = []
    for m in g.quantity.finditer(text):
        entry = g.units[m["unit"]]
        if m["chinese"] and not _is_amount(m["chinese"], g.rules.chinese_number_min_chars):
            continue
        try:
            value = parse_number(m["num"]) * entry.factor * (int(m["count"]) if m["count"] else 1)
        except NumberError:
            continue
        ambiguous_before = g.not_before.get(entry.surface)
        if ambiguous_before and ambiguous_before.search(text, max(0, m.start() - _BEFORE), m.start()):
            continue
        suffix = g.suffix_period.get(m["suffix"]) if m["suffix"] else None
        out.append(_Quantity(m.start(), m.end(), value, entry, g.rules.kinds[entry.kind], suffix))
    return out


def _is_amount(chinese: str, min_chars: int) -> bool:
    """一片, 三方, 几百千瓦 are words; 两万, 千亿, 二十 are amounts."""
    return len(chinese) >= min_chars or "万" in chinese or "亿" in chinese


def _clause_start(text: str, pos: int, g: _Grammar, pattern: regex.Pattern) -> int:
    """Start of the clause (or list item) holding ``pos``, at most ``max_lookback`` back."""
    lo = max(0, pos - g.rules.max_lookback)
    m = pattern.search(text, lo, pos)
    return m.end() if m else lo


def _clause_end(text: str, pos: int, g: _Grammar) -> int:
    """End of the clause holding ``pos``, at most ``max_lookahead`` ahead."""
    hi = min(len(text), pos + g.rules.max_lookahead)
    m = g.clause_break_ahead.search(text, pos, hi)
    return m.start() if m else hi


def _valid_gap(gap: str, g: _Grammar) -> bool:
    return len(gap) <= g.rules.max_gap and not any(c.isdigit() for c in gap)


def _trigger(text: str, q: _Quantity, clause_start: int, g: _Grammar) -> _Trigger | None:
    """The nearest trigger before ``q`` in its clause, with the triggers chained to it."""
    found = list(g.triggers.finditer(text, clause_start, q.start))
    chain = []
    end = q.start
    for m in reversed(found):
        if m.end() > end or not _valid_gap(text[m.end() : end], g):
            if chain:
                break
            continue
        chain.append(m)
        end = m.start()
    if not chain:
        return None
    infos = [g.trigger_info[m[0]] for m in chain]
    period = next((t.period for t in infos if t.period), None)
    return _Trigger(
        chain[-1].start(), frozenset(t.cls for t in infos), period, text[chain[0].end() : q.start]
    )


def _ruled_out(text: str, q: _Quantity, g: _Grammar) -> bool:
    """Class sizes, per-machine sizes, counts of machines, negative contexts."""
    after = text[q.end : q.end + g.rules.max_lookahead]
    if g.class_after.match(after):
        return True
    if q.kind.machines and (
        g.spec_before.search(text, max(0, q.start - _BEFORE), q.start) or g.spec_after.match(after)
    ):
        return True
    if g.quantity.match(text, q.end) or (q.kind.counts and g.facilities_after.match(after)):
        return True  # 4台|66万千瓦机组, 两条|生产线: a number of facilities, not a capacity
    clause = _clause_start(text, q.start, g, g.clause_break)
    if g.negative_in_clause.search(text, clause, _clause_end(text, q.end, g)):
        return True
    item = _clause_start(text, q.start, g, g.item_break)
    return bool(g.negative_in_item.search(text, item, q.start))


def _continues(prev: _Found, q: _Quantity, text: str, g: _Grammar) -> bool:
    """``q`` is the next item of a list whose first item had a trigger (年产A 30万吨、B 10万吨)."""
    if not prev.basis.classes & q.kind.triggers:
        return False
    between = text[prev.quantity.end : q.start]
    return len(between) <= g.rules.max_item_gap and not any(
        c in g.rules.clause_breaks or c.isdigit() for c in between
    )


def _basis(text: str, q: _Quantity, prev: _Found | None, g: _Grammar) -> _Basis | None:
    """Why ``q`` is a capacity, trying the rules from the most to the least telling."""
    trigger = _trigger(text, q, _clause_start(text, q.start, g, g.clause_break), g)
    if trigger and trigger.classes & q.kind.triggers:
        return _Basis(trigger.start, trigger.classes, trigger.period, trigger.gap)
    if prev is not None and _continues(prev, q, text, g):
        before = text[prev.quantity.end : q.start] if prev.product_before else ""
        return _Basis(q.start, prev.basis.classes, prev.basis.period, before)
    after = text[q.end : q.end + g.rules.max_lookahead]
    if (
        q.kind.standalone
        or (q.kind.marked_after and (q.suffix_period or g.capacity_after.match(after)))
        or (q.kind.in_name and g.name_after.match(after))
    ):
        return _Basis(q.start, frozenset(), None, "")
    return None


def _product(text: str, q: _Quantity, before: str, g: _Grammar) -> tuple[str | None, bool]:
    """The product named after the number (年产30万吨氧化钙), else before it (年生产乙烯120万吨).

    Returns the product and whether it came from before the number: the next
    item of the list then names its own product the same way (锌产品18万吨、铅产品10万吨).
    """
    m = g.product_after.match(text, q.end)
    if m and _is_product(m["product"], g):
        return m["product"], False
    while (stripped := g.gap_edges.sub("", before)) != before:
        before = stripped
    if before and _is_product(before, g) and regex.fullmatch(r"[\p{Han}A-Za-z()\-·、]+", before):
        return before, True
    return None, False


def _is_product(s: str, g: _Grammar) -> bool:
    return not g.gap_edges.fullmatch(s) and not g.product_reject.search(s)


def _judge(text: str, q: _Quantity, prev: _Found | None, g: _Grammar) -> _Found | None:
    """``q`` as a capacity mention, or None where it is ruled out or nothing makes it one."""
    if _ruled_out(text, q, g) or (basis := _basis(text, q, prev, g)) is None:
        return None
    product, product_before = _product(text, q, basis.before, g)
    capacity = Capacity(
        start=basis.start,
        end=q.end,
        text=text[basis.start : q.end],
        value=float(q.value),
        unit=q.unit.unit,
        period=q.suffix_period or basis.period,
        product=product,
    )
    return _Found(capacity, q, basis, product_before)


def find_capacities(text: str) -> list[Capacity]:
    """Production, installed, throughput or service capacities (RECORDS.md "capacities")."""
    g = _grammar()
    out: list[Capacity] = []
    prev: _Found | None = None
    for q in _quantities(text, g):
        found = _judge(text, q, prev, g)
        if found is not None:
            out.append(found.capacity)
            prev = found if found.basis.classes else None
    return out


def find_areas(text: str) -> list[Capacity]:
    """Land and floor areas (占地面积10万平方米): never capacities, kept for the registry.

    They reuse the Capacity record (value, unit, span); ``period`` and
    ``product`` stay None. Irrigated areas are capacities, not areas.
    """
    g = _grammar()
    capacities = [(c.start, c.end) for c in find_capacities(text)]
    return [
        Capacity(start=q.start, end=q.end, text=text[q.start : q.end], value=float(q.value), unit=q.unit.unit)
        for q in _quantities(text, g)
        if q.kind.area
        and not any(s <= q.start and q.end <= e for s, e in capacities)
        and g.area_words.search(text, _clause_start(text, q.start, g, g.item_break), q.start)
    ]


def _in_base_unit(c: Capacity) -> tuple[str, float]:
    eq = unit_rules().equivalents.get(c.unit)
    return (eq.unit, c.value * float(eq.factor)) if eq else (c.unit, c.value)


def same_capacity(a: Capacity, b: Capacity) -> bool:
    """Whether two mentions state one capacity (15万千瓦 and 150兆瓦; 1GWh and 100万千瓦时).

    Units are compared after conversion (kW family is already one unit; MWh and
    GWh convert to kWh); a period stated on one side only does not separate them.
    """
    (unit_a, va), (unit_b, vb) = _in_base_unit(a), _in_base_unit(b)
    if unit_a != unit_b or (a.period and b.period and a.period != b.period):
        return False
    return abs(va - vb) <= 1e-6 * max(abs(va), abs(vb), 1.0)


__all__ = ["UnitRules", "find_areas", "find_capacities", "same_capacity", "unit_rules"]
