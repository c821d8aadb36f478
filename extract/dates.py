"""Calendar expressions in Chinese press text, resolved to date ranges (RECORDS.md "dates").

What counts as a date is data (``rules/dates.yml``): one token pattern composed
from named fragments, the relative words with their offsets and the
part-of-year table. This module scans tokens, joins ranges (``1月至8月``,
``3月5日至12日``, ``2007-2009年``), applies ``截至`` and resolves each
expression against the publication date or, where that is unknown, the
article's nearest explicit year.

A bare month or day takes its year (and a bare day its month) from an earlier
date of the same sentence (``2008年3月……5月``, ``11月5日和12日``): that is
how an analyst reads it, and the publication year would be wrong there.
"""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
from dataclasses import dataclass, replace
from functools import cache
from typing import Literal

import regex
from pydantic import BaseModel, Field, model_validator

from extract.models import DateRange
from extract.numbers import parse_number
from extract.rules import alternation, load_rules

_REFERENCE = regex.compile(r"\{([a-z_]+)\}")
_GROUP_NAME = regex.compile(r"\(\?P<[a-z_]+>")
_HAN = regex.compile(r"\p{Han}")
_SENTENCE_END = regex.compile(r"[。！？!?\n]")
_GENERATED = (
    "relative_week",
    "weekday",
    "century",
    "relative_year",
    "anaphoric_year",
    "relative_month",
    "relative_day",
    "year_part",
    "bare_year_part",
)
_OPEN, _CLOSE = "(（", ")）"


class YearPart(BaseModel):
    """A part of a year (上半年, 一季度, 前8个月, 年底) and the months it covers."""

    pattern: str
    months: tuple[int | str, int | str] = Field(description="first and last month, or a group's count")
    unit: Literal[1, 3] = Field(1, description="months per counted block (3 for quarters)")
    bare: bool | str = Field(False, description="may stand without a year; a string is its bare pattern")

    @model_validator(mode="after")
    def _months_are_months(self) -> YearPart:
        for m in self.months:
            if isinstance(m, int) and not 1 <= m <= 12:
                raise ValueError(f"month {m} of {self.pattern!r} is not 1..12")
            if isinstance(m, str) and f"(?P<{m}>" not in self.pattern:
                raise ValueError(f"{self.pattern!r} has no group {m!r}")
        return self


class DateRules(BaseModel):
    """The content of ``rules/dates.yml``; every pattern is compiled at load."""

    relative_years: dict[str, int]
    anaphoric_years: dict[str, int]
    relative_months: dict[str, int]
    relative_days: dict[str, int]
    relative_weeks: dict[str, int]
    weekdays: dict[str, int]
    centuries: dict[str, int]
    year_parts: list[YearPart]
    fragments: dict[str, str]
    not_after: str
    until: str
    until_to: str
    until_before: str
    period_end: str
    to_now: str
    month_list: str
    name_spans: str

    @model_validator(mode="after")
    def _patterns_compile(self) -> DateRules:
        for name in ("token", "conn"):
            if name not in self.fragments:
                raise ValueError(f"fragment {name!r} is missing")
        _compile_grammar(self)
        return self


@dataclass(frozen=True)
class _Grammar:
    token: regex.Pattern[str]
    group_names: tuple[str, ...]  # by group number - 1 (m.groups() is much faster than m.groupdict())
    conn: regex.Pattern[str]
    parts: tuple[tuple[regex.Pattern[str], YearPart], ...]
    bare_parts: tuple[tuple[regex.Pattern[str], YearPart], ...]
    not_after: regex.Pattern[str]  # matches (empty) at a position right after such words
    until: regex.Pattern[str]  # likewise, its group "until" spanning 截至
    until_to: regex.Pattern[str]  # likewise, 到 or 至 (until only before the end of a period)
    until_before: regex.Pattern[str]
    period_end: regex.Pattern[str]
    to_now: regex.Pattern[str]
    month_list: regex.Pattern[str]
    name_spans: regex.Pattern[str]


def _expand(pattern: str, fragments: dict[str, str], stack: tuple[str, ...] = ()) -> str:
    """Replace each ``{name}`` by its fragment, recursively (quantifiers like ``{4}`` are left alone)."""

    def sub(m: regex.Match[str]) -> str:
        name = m.group(1)
        if name not in fragments:
            raise ValueError(f"unknown fragment {{{name}}}")
        if name in stack:
            raise ValueError(f"fragment {name!r} refers to itself via {' -> '.join(stack)}")
        text = _expand(fragments[name], fragments, (*stack, name))
        if "[" in text and _inside_class(pattern, m.start()):
            # a class inside a class closes it early and silently changes the pattern
            raise ValueError(f"fragment {name!r} holds a character class and is used inside one")
        return text

    return _REFERENCE.sub(sub, pattern)


def _inside_class(pattern: str, pos: int) -> bool:
    """Whether ``pos`` of a regex lies inside a character class ``[...]``."""
    inside, i = False, 0
    while i < pos:
        c = pattern[i]
        if c == "\\":
            i += 1
        elif c == "[":
            inside = True
        elif c == "]":
            inside = False
        i += 1
    return inside


def _compile_grammar(rules: DateRules) -> _Grammar:
    """Build the token pattern and the part-of-year matchers from the rule data."""
    clash = set(_GENERATED) & set(rules.fragments)
    if clash:
        raise ValueError(f"fragments {sorted(clash)} are generated from the tables and may not be defined")
    fragments = dict(rules.fragments)
    fragments["relative_year"] = alternation(rules.relative_years)
    fragments["anaphoric_year"] = alternation(rules.anaphoric_years)
    fragments["relative_month"] = alternation(rules.relative_months)
    fragments["relative_day"] = alternation(rules.relative_days)
    fragments["relative_week"] = alternation(rules.relative_weeks)
    fragments["weekday"] = f"[{''.join(rules.weekdays)}]"
    fragments["century"] = alternation(rules.centuries)
    after = [(_expand(p.pattern, fragments), p) for p in rules.year_parts]
    bare = [
        (_expand(p.bare if isinstance(p.bare, str) else p.pattern, fragments), p)
        for p in rules.year_parts
        if p.bare
    ]
    fragments["year_part"] = "|".join(_GROUP_NAME.sub("(?:", s) for s, _ in after)
    fragments["bare_year_part"] = "|".join(_GROUP_NAME.sub("(?:", s) for s, _ in bare)

    def compile_(pattern: str) -> regex.Pattern[str]:
        return regex.compile(_expand(pattern, fragments), regex.VERBOSE)

    # A token starts with a number, a relative word or a bare part of the
    # year: a lookahead on their first characters lets the scan skip every
    # other position at once (8x faster than trying each alternative there).
    words = [
        *rules.relative_years,
        *rules.anaphoric_years,
        *rules.relative_months,
        *rules.relative_days,
        *rules.relative_weeks,
        *rules.centuries,
    ]
    firsts = {w[0] for w in words}
    for text, _ in bare:
        pattern = regex.compile(text, regex.VERBOSE)
        firsts |= {c for c in _HAN.findall(text) if pattern.fullmatch(c, partial=True)}
    han = "".join(sorted(firsts))
    start = f"(?<![0-9])(?=[{han}]|{{number_start}})"
    token = compile_(start + "{token}")
    names = dict((i, name) for name, i in token.groupindex.items())
    return _Grammar(
        token=token,
        group_names=tuple(names.get(i + 1, "") for i in range(token.groups)),
        conn=compile_("{conn}"),
        parts=tuple((regex.compile(s, regex.VERBOSE), p) for s, p in after),
        bare_parts=tuple((regex.compile(s, regex.VERBOSE), p) for s, p in bare),
        not_after=compile_(f"(?<={rules.not_after})"),
        until=compile_(f"(?<=(?P<until>{rules.until}))"),
        until_to=compile_(f"(?<=(?P<until>{rules.until_to}))"),
        until_before=compile_(rules.until_before),
        period_end=compile_(rules.period_end),
        to_now=compile_(rules.to_now),
        month_list=compile_(rules.month_list),
        name_spans=compile_(rules.name_spans),
    )


@cache
def date_rules() -> DateRules:
    """The validated rule file (read once)."""
    return load_rules("dates", DateRules)


@cache
def _grammar() -> _Grammar:
    return _compile_grammar(date_rules())


@dataclass(frozen=True)
class _Atom:
    """One token as written; what it leaves unsaid is filled in by ranges and context."""

    start: int
    end: int
    year: int | None = None
    year_offset: int | None = None  # from the anchor year (今年, 去年)
    year_anaphor: int | None = None  # from the explicit year before it (次年)
    month: int | None = None
    month_offset: int | None = None  # from the publication month (本月, 上月)
    day: int | None = None
    day_offset: int | None = None  # from the publication day (今天, 昨天)
    week_offset: int | None = None  # from the publication week, with ``weekday`` (上周五)
    weekday: int | None = None  # Monday 0
    years: tuple[int, int] | None = None  # a span of whole years (上世纪80年代)
    months: tuple[int, int] | None = None  # a part of the year
    bare: bool = False  # a number that only opens a range (the 1 of 1-6月)

    @property
    def has_year(self) -> bool:
        return (
            self.year is not None
            or self.year_offset is not None
            or self.year_anaphor is not None
            or self.relative_within_year
        )

    @property
    def relative_within_year(self) -> bool:
        return self.month_offset is not None or self.day_offset is not None or self.week_offset is not None

    @property
    def has_month(self) -> bool:
        return self.relative_within_year or self.month is not None

    @property
    def day_only(self) -> bool:
        return self.day is not None and not self.has_month and not self.has_year


@dataclass(frozen=True)
class _Expr:
    """A date expression: one atom, or a range from ``first`` to ``last``."""

    start: int
    end: int
    first: _Atom
    last: _Atom
    until: bool = False


def _int(text: str) -> int:
    """A number of the token: Arabic, Chinese (二〇一一, 十二) or 元 (元月, January)."""
    if text.isascii():
        return int(text)
    return 1 if text == "元" else int(parse_number(text))


def _part_months(text: str, matchers: tuple[tuple[regex.Pattern[str], YearPart], ...]) -> tuple[int, int]:
    """The first and last month of a part of the year as written (前三季度 → 1, 9)."""
    for pattern, part in matchers:
        m = pattern.fullmatch(text)
        if m:
            first, last = part.months
            # a counted block n covers months (n-1)*unit+1 .. n*unit
            return (
                first if isinstance(first, int) else (_int(m.group(first)) - 1) * part.unit + 1,
                last if isinstance(last, int) else _int(m.group(last)) * part.unit,
            )
    raise AssertionError(f"part of year {text!r} matched the token but no table entry")  # pragma: no cover


def _atom(m: regex.Match[str], grammar: _Grammar, rules: DateRules) -> _Atom:
    """Read the named groups of one token match."""
    g = {grammar.group_names[i]: v for i, v in enumerate(m.groups()) if v is not None}
    fields: dict[str, object] = {}
    if "yy" in g:
        fields["year"] = 2000 + int(g["yy"])
    if "iso_y" in g:
        fields.update(year=int(g["iso_y"]), month=int(g["iso_m"]), day=int(g["iso_d"]))
    for key, name in (("y", "year"), ("ycn", "year"), ("by", "year"), ("m", "month"), ("bm", "month")):
        if key in g:
            fields[name] = _int(g[key])
    for key in ("d", "bd", "dd", "dh"):
        if key in g:
            fields["day"] = _int(g[key])
    if "ry" in g:
        fields["year_offset"] = rules.relative_years[g["ry"]]
    if "ay" in g:
        fields["year_anaphor"] = rules.anaphoric_years[g["ay"]]
    if "rm" in g:
        fields["month_offset"] = rules.relative_months[g["rm"]]
    if "rd" in g:
        fields["day_offset"] = rules.relative_days[g["rd"]]
    if "rw" in g:
        fields.update(week_offset=rules.relative_weeks[g["rw"]], weekday=rules.weekdays[g["wd"]])
    if "cent" in g:
        fields["years"] = _decades(rules.centuries[g["cent"]], g["dec"])
    if "part" in g:
        fields["months"] = _part_months(g["part"], grammar.parts)
    if "bare_part" in g:
        fields["months"] = _part_months(g["bare_part"], grammar.bare_parts)
    bare = "by" in g or "bm" in g or "bd" in g
    return _Atom(m.start(), m.end(), bare=bare, **fields)


def _decades(century: int, written: str) -> tuple[int, int]:
    """The years of ``80`` or ``七八十`` (the 1970s and 80s) in the century starting at ``century``."""
    digits = written.removesuffix("十").removesuffix("0")
    return century + 10 * _int(digits[0]), century + 10 * _int(digits[-1]) + 9


def _scan(text: str, grammar: _Grammar, rules: DateRules) -> list[_Atom]:
    """Every token outside book titles and not after 每年-like words."""
    names = [(m.start(), m.end()) for m in grammar.name_spans.finditer(text)]
    atoms = []
    for m in grammar.token.finditer(text):
        if any(s <= m.start() < e for s, e in names) or grammar.not_after.match(text, m.start()):
            continue
        atoms.append(_atom(m, grammar, rules))
    return atoms


def _inherit(left: _Atom, right: _Atom) -> tuple[_Atom, _Atom]:
    """Share what one end of a range leaves unsaid: 3月5日至12日, 1-6月, 今年1月至8月."""
    if not right.has_year and left.has_year:
        right = replace(right, year=left.year, year_offset=left.year_offset, year_anaphor=left.year_anaphor)
    if right.day_only and left.has_month:
        right = replace(right, month=left.month, month_offset=left.month_offset)
    if left.bare and not left.has_year and right.has_year:
        left = replace(left, year=right.year, year_offset=right.year_offset, year_anaphor=right.year_anaphor)
    if left.bare and left.day is not None and not left.has_month:
        left = replace(left, month=right.month, month_offset=right.month_offset)
    return left, right


def _expressions(text: str, atoms: list[_Atom], grammar: _Grammar) -> list[_Expr]:
    """Join ``A<connector>B`` into ranges, fold ``今天(4月9日)`` into one and mark ``截至``."""
    exprs: list[_Expr] = []
    i = 0
    while i < len(atoms):
        a = atoms[i]
        b = atoms[i + 1] if i + 1 < len(atoms) else None
        if b is not None and (
            grammar.conn.fullmatch(text, a.end, b.start)
            or (a.bare and grammar.month_list.fullmatch(text, a.end, b.start))
        ):
            first, last = _inherit(a, b)
            exprs.append(_Expr(a.start, b.end, first, last))
            i += 2
            continue
        if not a.bare:
            now = grammar.to_now.match(text, a.end)
            last = _Atom(a.end, now.end(), day_offset=0) if now else a
            exprs.append(_Expr(a.start, last.end, a, last))
        i += 1
    return [_until(text, e, grammar) for e in _fold_restatements(text, exprs)]


def _until(text: str, e: _Expr, grammar: _Grammar) -> _Expr:
    """A date that is a deadline has no start: 截至8月末, 到2010年底, 2015年底前, 5月15日前."""
    if m := grammar.until.match(text, e.start):
        return replace(e, start=m.start("until"), until=True)
    last = e.last
    this_year_end = last.months == (12, 12) and last.year is None and not last.year_offset
    ends_period = not this_year_end and grammar.period_end.fullmatch(text, e.end - 1, e.end) is not None
    if ends_period and (m := grammar.until_to.match(text, e.start)):
        return replace(e, start=m.start("until"), until=True)
    if (ends_period or (last.day is not None and last.has_month)) and (
        m := grammar.until_before.match(text, e.end)
    ):
        return replace(e, end=m.end(), until=True)
    return e


def _fold_restatements(text: str, exprs: list[_Expr]) -> list[_Expr]:
    """``今天(4月9日)`` is one date: the relative word restated exactly in brackets."""
    out: list[_Expr] = []
    for e in exprs:
        prev = out[-1] if out else None
        if (
            prev is not None
            and (prev.first.relative_within_year or prev.first.year_offset is not None)
            and text[prev.end : prev.end + 1] in _OPEN
            and e.start == prev.end + 1
            and text[e.end : e.end + 1] in _CLOSE
        ):
            out[-1] = replace(e, start=prev.start, end=e.end + 1)
        else:
            out.append(e)
    return out


@dataclass
class _Context:
    """What an expression resolves against: publication date, explicit years, the sentence so far."""

    text: str
    published: dt.date | None
    year_positions: list[int]
    years: list[int]
    position: int = 0
    sentence_year: int | None = None
    sentence_month: int | None = None

    def anchor_year(self, pos: int) -> int | None:
        """Publication year, else the nearest explicit year before ``pos``, else the first after it."""
        if self.published is not None:
            return self.published.year
        return self.year_before(pos) or (self.years[0] if self.years else None)

    def year_before(self, pos: int) -> int | None:
        """The last explicit year written before ``pos``."""
        i = bisect.bisect_left(self.year_positions, pos)
        return self.years[i - 1] if i > 0 else None

    def enter(self, pos: int) -> None:
        """Forget the sentence context when a sentence ended since the last expression."""
        if _SENTENCE_END.search(self.text, self.position, pos):
            self.sentence_year = self.sentence_month = None
        self.position = pos


def _last_day(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _shift_month(year: int, month: int, offset: int) -> tuple[int, int]:
    index = year * 12 + month - 1 + offset
    return index // 12, index % 12 + 1


def _year_month(a: _Atom, ctx: _Context) -> tuple[int | None, int | None]:
    """The year (and month, where the atom needs one) an atom lives in."""
    pub = ctx.published
    if a.day_offset is not None:
        return (None, None) if pub is None else (pub.year, pub.month)
    if a.month_offset is not None:
        return (None, None) if pub is None else _shift_month(pub.year, pub.month, a.month_offset)
    if a.year is not None:
        return a.year, a.month
    if a.year_offset is not None:
        base = ctx.anchor_year(a.start)
        return (None if base is None else base + a.year_offset), a.month
    if a.year_anaphor is not None:
        base = ctx.year_before(a.start)
        return (None if base is None else base + a.year_anaphor), a.month
    if a.day is not None and a.day_only:
        if ctx.sentence_month is not None:
            return ctx.sentence_year, ctx.sentence_month
        if pub is None:
            return None, None
        # 27日 in an article of 23 February is 27 January
        return _shift_month(pub.year, pub.month, -1) if a.day > pub.day else (pub.year, pub.month)
    year = ctx.sentence_year if ctx.sentence_year is not None else ctx.anchor_year(a.start)
    return year, a.month


def _resolve(a: _Atom, ctx: _Context) -> tuple[dt.date, dt.date] | None:
    """The first and last day an atom names, or None where it cannot be placed."""
    if a.years is not None:
        return dt.date(a.years[0], 1, 1), dt.date(a.years[1], 12, 31)
    if a.week_offset is not None and a.weekday is not None:
        if ctx.published is None:
            return None
        monday = ctx.published - dt.timedelta(days=ctx.published.weekday())
        day = monday + dt.timedelta(days=7 * a.week_offset + a.weekday)
        return day, day
    year, month = _year_month(a, ctx)
    if year is None:
        return None
    try:
        if a.day_offset is not None and ctx.published is not None:
            day = ctx.published + dt.timedelta(days=a.day_offset)
            return day, day
        if a.months is not None:
            return dt.date(year, a.months[0], 1), _last_day(year, a.months[1])
        if month is None:
            return dt.date(year, 1, 1), dt.date(year, 12, 31)
        if a.day is not None:
            day = dt.date(year, month, a.day)
            return day, day
        return dt.date(year, month, 1), _last_day(year, month)
    except (ValueError, OverflowError):  # 2月30日, year 0, past date.max
        return None


def _context(text: str, atoms: list[_Atom], published: dt.date | None) -> _Context:
    explicit = [a for a in atoms if a.year is not None]
    return _Context(
        text=text,
        published=published,
        year_positions=[a.start for a in explicit],
        years=[a.year for a in explicit if a.year is not None],
    )


def find_dates(text: str, published: dt.date | None) -> list[DateRange]:
    """Every expression that names a calendar time, resolved to [start_date, end_date] (RECORDS.md "dates").

    Spans index ``text``. ``截至X`` has no start. Relative words (今年, 上月,
    今天, day-only 21日) need ``published``; without it years resolve against
    the nearest explicit year and what needs a month or day is skipped.
    """
    grammar, rules = _grammar(), date_rules()
    atoms = _scan(text, grammar, rules)
    ctx = _context(text, atoms, published)
    out = []
    for e in _expressions(text, atoms, grammar):
        ctx.enter(e.first.start)
        first = _resolve(e.first, ctx)
        last = first if e.last is e.first else _resolve(e.last, ctx)
        if first is None or last is None or first[0] > last[1]:
            continue
        ctx.sentence_year = last[1].year
        ctx.sentence_month = last[1].month if e.last.has_month or e.last.day is not None else None
        out.append(
            DateRange(
                start=e.start,
                end=e.end,
                text=text[e.start : e.end],
                start_date=None if e.until else first[0],
                end_date=last[1],
            )
        )
    return out
