"""Project records: each project named in an article, with the facts tied to it.

Chinese press names a project in a few ways: a name ending in a head word
(``…风电项目``, ``…产业园``, ``…智算中心``), an item of a list closed by
``等N个项目`` (``新签约A、B、C等74个项目``, with or without 项目 of its own),
or a title in 《》 before ``等合作项目``. A name runs left from its head over
words until a governing word (签约, 推进, 对, 总投资X亿元的 …), punctuation,
money or a date; the name is what lies between, as written.

Facts are tied to a name by position, the way a reader ties them:

- in its own clause (``计划总投资7.52亿元的X``, ``X，总投资7.52亿元``, ``X加速实施``);
- in the predicate that governs it (``新签约A、B等…``, ``…等续建项目``, the
  clauses that go on after ``X，``);
- in the later sentences about it (the paragraph it opens, or sentences that
  refer back to it: ``该项目``, ``项目建成后``, ``项目负责人X``).

An amount after a list or a count (``等74个项目，计划总投资560.84亿元``)
belongs to no single project: it becomes an :class:`Indicator`. A project
named twice, in full and in short, is one record with aliases.

Everything works in the coordinates of the cleaned text; the inputs are the
outputs of the money, capacity, date and organisation extractors.
"""

from __future__ import annotations

import bisect
import itertools
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property, lru_cache
from typing import NamedTuple

import regex
from pydantic import BaseModel, ConfigDict

from .dictionary import BLOCK, word_tags
from .models import Capacity, DateRange, Indicator, Mention, Money, Organisation, Project, Stage
from .numbers import NumberError, parse_number
from .rules import alternation, load_rules
from .words import extraction_words

# --------------------------------------------------------------------------- rules


class Heads(BaseModel):
    """Head words of project names; weak heads need a sign of construction or investment."""

    strong: list[str]
    weak: list[str]


class ProjectRules(BaseModel):
    """``rules/projects.yml``; see the comments there for what each entry means."""

    model_config = ConfigDict(extra="forbid")

    heads: Heads
    boundaries: list[str]
    boundary_tags: list[str]
    single_boundary_tags: list[str]
    leading_tags: list[str]
    name_internal: list[str]
    conjunctions: list[str]
    head_continuations: list[str]
    function_tags: list[str]
    initial_boundaries: list[str]
    verb_boundaries: list[str]
    location_markers: list[str]
    not_after: list[str]
    bare_head_after: list[str]
    not_before: list[str]
    generic: list[str]
    not_projects: list[str]
    categories: list[str]
    programme_heads: list[str]
    rank_words: list[str]
    list_end: str
    aggregate: str
    prefix_aggregate: str
    anaphora: str
    anaphora_window: int
    single_item_tail: str
    new_subject: str
    achieved: str
    company_verbs: list[str]
    company_links: str
    company_before: str
    contact_titles: list[str]
    second_titles: list[str]
    contact_followers: str
    surnames: str
    compound_surnames: list[str]
    place_suffixes: list[str]
    zones: list[str]
    indicator_count: str
    indicator_region: str
    indicator_period: str
    name_suffixes: list[str]
    max_name: int = 45


class StageRules(BaseModel):
    """``rules/stages.yml``: stage keywords, and the words that make one a plan or a condition."""

    model_config = ConfigDict(extra="forbid")

    stages: dict[Stage, list[str]]
    before_blockers: list[str]
    blocker_window: int
    after_blockers: list[str]
    weak_keywords: list[str]
    expected: str


def _any_of(patterns: Iterable[str]) -> regex.Pattern:
    return regex.compile("|".join(f"(?:{p})" for p in patterns))


@dataclass(frozen=True)
class _Grammar:
    """The rule files compiled once."""

    rules: ProjectRules
    stages: StageRules

    @cached_property
    def strong_heads(self) -> frozenset[str]:
        return frozenset(self.rules.heads.strong)

    @cached_property
    def head_re(self) -> regex.Pattern:
        return regex.compile(alternation([*self.rules.heads.strong, *self.rules.heads.weak]))

    @cached_property
    def heads_only_re(self) -> regex.Pattern:
        return regex.compile(rf"(?:{alternation([*self.rules.heads.strong, *self.rules.heads.weak])})+")

    @cached_property
    def single_tail_re(self) -> regex.Pattern:
        return regex.compile(self.rules.single_item_tail)

    @cached_property
    def head_suffix_re(self) -> regex.Pattern:
        return regex.compile(rf"(?:{alternation([*self.rules.heads.strong, *self.rules.heads.weak])})$")

    @cached_property
    def boundaries(self) -> frozenset[str]:
        return frozenset(self.rules.boundaries)

    @cached_property
    def conjunctions(self) -> frozenset[str]:
        return frozenset(self.rules.conjunctions)

    @cached_property
    def location_re(self) -> regex.Pattern:
        return regex.compile(alternation(self.rules.location_markers))

    @cached_property
    def generic(self) -> frozenset[str]:
        return frozenset(self.rules.generic)

    @cached_property
    def rank_words(self) -> frozenset[str]:
        return frozenset(self.rules.rank_words)

    @cached_property
    def not_after_re(self) -> regex.Pattern:
        count = r"[\d一二三四五六七八九十百千几数多余]+[个项批座家处条]"
        return regex.compile(rf"(?:(?:{alternation(self.rules.not_after)})(?:{count})?|{count})$")

    @cached_property
    def not_before_re(self) -> regex.Pattern:
        return _any_of(self.rules.not_before)

    @cached_property
    def not_project_re(self) -> regex.Pattern:
        return _any_of(self.rules.not_projects)

    @cached_property
    def category_re(self) -> regex.Pattern:
        return _any_of(self.rules.categories)

    @cached_property
    def list_end_re(self) -> regex.Pattern:
        return regex.compile(self.rules.list_end)

    @cached_property
    def aggregate_re(self) -> regex.Pattern:
        return regex.compile(self.rules.aggregate)

    @cached_property
    def prefix_aggregate_re(self) -> regex.Pattern:
        return regex.compile(self.rules.prefix_aggregate)

    @cached_property
    def anaphora_re(self) -> regex.Pattern:
        return regex.compile(self.rules.anaphora)

    @cached_property
    def new_subject_re(self) -> regex.Pattern:
        return regex.compile(self.rules.new_subject)

    @cached_property
    def achieved_re(self) -> regex.Pattern:
        return regex.compile(self.rules.achieved)

    @cached_property
    def company_verb_re(self) -> regex.Pattern:
        return regex.compile(
            rf"(?:和|与|、|分别|共同|\p{{Han}}{{0,2}}?)(?:{alternation(self.rules.company_verbs)})"
        )

    @cached_property
    def company_link_re(self) -> regex.Pattern:
        return regex.compile(self.rules.company_links)

    @cached_property
    def company_before_re(self) -> regex.Pattern:
        return regex.compile(self.rules.company_before)

    @cached_property
    def contact_re(self) -> regex.Pattern:
        titles = alternation(self.rules.contact_titles)
        second = alternation(self.rules.second_titles)
        return regex.compile(rf"(?:{titles})(?:、[^，。；：]{{0,20}}?(?:{second}))?")

    @cached_property
    def contact_follow_re(self) -> regex.Pattern:
        return regex.compile(self.rules.contact_followers)

    @cached_property
    def place_re(self) -> regex.Pattern:
        return regex.compile(rf"\p{{Han}}+(?:{alternation(self.rules.place_suffixes)})")

    @cached_property
    def zones(self) -> frozenset[str]:
        return frozenset(self.rules.zones)

    @cached_property
    def count_re(self) -> regex.Pattern:
        return regex.compile(self.rules.indicator_count)

    @cached_property
    def period_re(self) -> regex.Pattern:
        return regex.compile(self.rules.indicator_period)

    @cached_property
    def expected_re(self) -> regex.Pattern:
        return regex.compile(self.stages.expected)

    @cached_property
    def region_re(self) -> regex.Pattern:
        return regex.compile(self.rules.indicator_region)

    @cached_property
    def stage_re(self) -> regex.Pattern:
        return regex.compile(alternation(w for ws in self.stages.stages.values() for w in ws))

    @cached_property
    def stage_of(self) -> dict[str, Stage]:
        return {w: stage for stage, ws in self.stages.stages.items() for w in ws}

    @cached_property
    def stage_order(self) -> dict[Stage, int]:
        """How far along each stage is (the order of ``rules/stages.yml``)."""
        return {stage: i for i, stage in enumerate(self.stages.stages)}

    @cached_property
    def before_blocker_re(self) -> regex.Pattern:
        return regex.compile(alternation(self.stages.before_blockers))

    @cached_property
    def after_blocker_re(self) -> regex.Pattern:
        return regex.compile(alternation(self.stages.after_blockers))


@cache
def grammar() -> _Grammar:
    """The project and stage rules, loaded and compiled once per process."""
    return _Grammar(load_rules("projects", ProjectRules), load_rules("stages", StageRules))


def _known(word: str) -> bool:
    return bool(extraction_words().FREQ.get(word))


@cache
def _unknown_name(word: str) -> bool:
    """A word jieba only guessed (HMM) that looks like a proper name: 桦森, 吉成, 长北, but not 更多大.

    A guess containing a known word of grammar (更多, 一些) is grammar glued to
    something, not a name.
    """
    if len(word) < 2 or _known(word):
        return False
    pieces = {word[i:j] for i in range(len(word)) for j in range(i + 2, len(word) + 1) if j - i < len(word)}
    return not any(word_tags().get(p) in grammar().rules.function_tags for p in pieces)


PLACE_TAGS = frozenset({"ns"})
NAMING_KINDS = frozenset({"company", "government", "association", "institution", "media"})
"""Organisations whose names never hold a project name (parks and unknown kinds may be projects)."""
CLAUSE_BREAK = "，,；;。！？!?：:\n"
SEGMENT_BREAK = CLAUSE_BREAK + "、"
OPEN_QUOTES = "“‘「『"
CLOSE_QUOTES = "”’」』"
BRACKETS = {")": "(", "）": "（"}
LOOKBACK = 40
"""How far before a name its place or a marker of place is looked for (characters, within its sentence)."""
TITLE = regex.compile(r"《[^《》]{2,40}》|“[^“”]{2,40}”")
FILLER = regex.compile(r"[\d.]+|[、和及与的()（）]")
ALNUM = regex.compile(r"[\dA-Za-z]")
PHASE = regex.compile(r"[一二三四五六七八九十首\d]期")
#: A serial number in a name (长春新区16号风电项目, 5#高炉): jieba cuts 16|号, so words do not show it.
SERIAL = regex.compile(r"\d+\s*[号#＃]")
QUOTED_END = regex.compile(r"“([^“”]{3,})”$")
MODIFIER_GAP = regex.compile(r"[的\s]*")
FOREIGN_NAME = regex.compile(r"\p{Han}{1,6}·(?P<last>\p{Han}{1,6})")
HAN = regex.compile(r"\p{Han}+")
QUOTE_CHARS = '《》〈〉“”‘’"「」『』【】'
INVESTMENT_ROLES = frozenset({"total_investment", "planned_investment", "contract_investment"})

# --------------------------------------------------------------------------- article view


@dataclass(frozen=True)
class _Token:
    start: int
    end: int
    word: str


@cache
def _break_re(breaks: str) -> regex.Pattern[str]:
    return regex.compile(f"[{regex.escape(breaks)}]")


class _Spans:
    """Mentions sorted by start: those within given spans are found by bisection, not by a scan of all."""

    def __init__(self, items: Sequence[Mention]) -> None:
        self.items = list(items)
        self.order = sorted(range(len(self.items)), key=lambda i: self.items[i].start)
        self.starts = [self.items[i].start for i in self.order]

    def within(self, spans: Iterable[tuple[int, int]]) -> list:
        """The mentions lying within one of ``spans``, in the article's order."""
        picked: set[int] = set()
        for s, e in spans:
            lo, hi = bisect.bisect_left(self.starts, s), bisect.bisect_left(self.starts, e)
            picked.update(i for i in self.order[lo:hi] if self.items[i].end <= e)
        return [self.items[i] for i in sorted(picked)]

    @cached_property
    def longest(self) -> int:
        return max((m.end - m.start for m in self.items), default=0)

    def around(self, start: int, end: int) -> Mention | None:
        """The first mention (in the article's order) holding ``[start, end)``."""
        lo = bisect.bisect_left(self.starts, start - self.longest)
        hi = bisect.bisect_right(self.starts, start)
        holding = [i for i in self.order[lo:hi] if end <= self.items[i].end]
        return self.items[min(holding)] if holding else None


@dataclass
class _Article:
    """The text and the other extractors' mentions, with lookups shared by every step.

    jieba cuts text into blocks of Han and alphanumeric characters and segments
    each block on its own, so the article is cut block by block, only where a
    step asks for words, with the same result as cutting whole sentences.
    """

    text: str
    sentences: list[tuple[int, int]]
    money: list[Money]
    capacities: list[Capacity]
    dates: list[DateRange]
    organisations: list[Organisation]
    _block_tokens: dict[int, list[_Token]] = field(default_factory=dict)
    _block_ends: dict[int, list[int]] = field(default_factory=dict)
    _breaks: dict[str, list[int]] = field(default_factory=dict)
    specificity: dict[tuple[int, int], int] = field(default_factory=dict)
    stage_judged: dict[int, bool] = field(default_factory=dict)
    """How specific the name at each span is (asked many times, computed once)."""

    def __post_init__(self) -> None:
        if not self.sentences:
            self.sentences = [(0, len(self.text))]

    @cached_property
    def sentence_starts(self) -> list[int]:
        return [s for s, _ in self.sentences]

    def sentence_index(self, offset: int) -> int:
        """Index of the sentence holding ``offset`` (or the one before it)."""
        return max(bisect.bisect_right(self.sentence_starts, offset) - 1, 0)

    def sentence_of(self, offset: int) -> tuple[int, int]:
        return self.sentences[self.sentence_index(offset)]

    def paragraph_of(self, offset: int) -> tuple[int, int]:
        return self.clause_start(offset, "\n"), self.clause_end(offset, "\n")

    @cached_property
    def blocks(self) -> list[tuple[int, int]]:
        """The spans jieba segments one by one (runs of Han, Latin letters and digits)."""
        return [m.span() for m in BLOCK.finditer(self.text)]

    @cached_property
    def _block_starts(self) -> list[int]:
        return [s for s, _ in self.blocks]

    def _block(self, i: int) -> list[_Token]:
        if i not in self._block_tokens:
            start, end = self.blocks[i]
            out, pos = [], start
            for word in extraction_words().cut(self.text[start:end]):
                out.append(_Token(pos, pos + len(word), word))
                pos += len(word)
            self._block_tokens[i] = out
            self._block_ends[i] = [t.end for t in out]
        return self._block_tokens[i]

    def _block_words(self, i: int, start: int, end: int) -> list[_Token]:
        """The words of block ``i`` overlapping ``[start, end)``, found by bisection (a block may be long)."""
        tokens = self._block(i)
        out = []
        for k in range(bisect.bisect_right(self._block_ends[i], start), len(tokens)):
            if tokens[k].start >= end:
                break
            out.append(tokens[k])
        return out

    def tokens_over(self, start: int, end: int) -> list[_Token]:
        """The words overlapping ``[start, end)``, whole; other characters one by one."""
        out: list[_Token] = []
        i = max(bisect.bisect_right(self._block_starts, start) - 1, 0)
        pos = start
        while pos < end:
            if i < len(self.blocks) and self.blocks[i][1] <= pos:
                i += 1
                continue
            if i < len(self.blocks) and self.blocks[i][0] <= pos:
                out.extend(self._block_words(i, pos, end))
                pos = max(self.blocks[i][1], pos + 1)
                i += 1
            else:
                out.append(_Token(pos, pos + 1, self.text[pos]))
                pos += 1
        return out

    def tokens_in(self, start: int, end: int) -> list[_Token]:
        """The words of ``[start, end)``, cut at its edges (a name may start inside a word)."""
        return [
            t
            if start <= t.start and t.end <= end
            else _Token(
                max(start, t.start), min(end, t.end), self.text[max(start, t.start) : min(end, t.end)]
            )
            for t in self.tokens_over(start, end)
        ]

    @cached_property
    def money_index(self) -> _Spans:
        return _Spans(self.money)

    @cached_property
    def capacity_index(self) -> _Spans:
        return _Spans(self.capacities)

    @cached_property
    def company_index(self) -> _Spans:
        return _Spans([o for o in self.organisations if o.kind == "company"])

    @cached_property
    def first_money_end(self) -> float:
        """Where the amount that ends first ends (an amount stands before an offset past it)."""
        return min((m.end for m in self.money), default=float("inf"))

    @cached_property
    def company_ends(self) -> frozenset[int]:
        return frozenset(o.end for o in self.organisations if o.kind == "company")

    @cached_property
    def capacity_ends(self) -> frozenset[int]:
        return frozenset(c.end for c in self.capacities)

    @cached_property
    def stage_matches(self) -> list[regex.Match[str]]:
        """Every stage keyword of the text, in order (which of them state a fact: :func:`_stage_keyword`)."""
        return list(grammar().stage_re.finditer(self.text))

    @cached_property
    def stage_starts(self) -> list[int]:
        return [m.start() for m in self.stage_matches]

    @cached_property
    def contacts(self) -> list[Mention]:
        return find_contacts(self.text)

    @cached_property
    def _hard(self) -> bytearray:
        """Characters inside money or dates: a name never contains them."""
        marks = bytearray(len(self.text))
        for m in [*self.money, *self.dates]:
            marks[m.start : m.end] = b"\x01" * (m.end - m.start)
        return marks

    def in_hard_span(self, start: int, end: int) -> bool:
        return any(self._hard[start:end])

    @cached_property
    def _naming_orgs(self) -> _Spans:
        return _Spans([o for o in self.organisations if o.kind in NAMING_KINDS])

    def org_around(self, start: int, end: int) -> Organisation | None:
        """The organisation whose name holds the span (中购投资发展集团 holds 投资)."""
        return self._naming_orgs.around(start, end)

    def inside_org(self, start: int, end: int) -> bool:
        """Is the span a proper part of an organisation name?"""
        o = self.org_around(start, end)
        return o is not None and (o.start, o.end) != (start, end)

    def _break_positions(self, breaks: str) -> list[int]:
        """Where the characters of ``breaks`` stand, indexed once per set: no rescanning per name."""
        if breaks not in self._breaks:
            self._breaks[breaks] = [m.start() for m in _break_re(breaks).finditer(self.text)]
        return self._breaks[breaks]

    def clause_start(self, offset: int, breaks: str = CLAUSE_BREAK) -> int:
        """Just after the last break before ``offset`` (0 where there is none)."""
        positions = self._break_positions(breaks)
        i = bisect.bisect_left(positions, offset)
        return positions[i - 1] + 1 if i else 0

    def clause_end(self, offset: int, breaks: str = CLAUSE_BREAK) -> int:
        """The first break at or after ``offset`` (the text's end where there is none)."""
        positions = self._break_positions(breaks)
        i = bisect.bisect_left(positions, offset)
        return positions[i] if i < len(positions) else len(self.text)


# --------------------------------------------------------------------------- namings


@dataclass
class _Naming:
    """One span of the text that names a project."""

    start: int
    end: int
    name: str
    head: str
    seg_start: int
    """Start of its own segment: where its modifiers (``计划总投资X亿元的``) begin."""
    seg_end: int
    list_id: int | None = None
    list_size: int = 0
    list_tail: str = ""
    """``等74个项目``, ``等续建项目``: what closes its list."""
    list_money: bool = False
    """Do the items of its list carry amounts of their own (``投资X亿元的A、投资Y亿元的B``)?"""
    list_strong: bool = False
    """Are most items of its list strongly specific (then an unknown word suffices for the others)?"""

    @property
    def weak(self) -> bool:
        return self.head not in grammar().strong_heads

    def mention(self, text: str) -> Mention:
        return Mention(start=self.start, end=self.end, text=text[self.start : self.end])


@dataclass(frozen=True)
class _List:
    """A list of projects: ``<predicate> A、B、C等N个项目<tail>``."""

    before: tuple[int, int]
    """The clause text before the first item (its governing verb)."""
    after: tuple[int, int]
    """``等…项目`` and the rest of its clause."""


def strip_name(text: str) -> str:
    """The name as exported: NFKC, no quotes or book-title marks, no white space."""
    s = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in s if ch not in QUOTE_CHARS and not ch.isspace())


def _is_boundary(art: _Article, tokens: list[_Token], i: int, head_start: int) -> bool:
    """Does token ``i`` govern the name to its right rather than belong to it?"""
    g = grammar()
    rules = g.rules
    tok = tokens[i]
    word = tok.word
    prev = tokens[i - 1] if i > 0 else None
    if art.in_hard_span(tok.start, tok.end) or _is_punctuation(word):
        return True
    if g.head_re.fullmatch(word):
        return word in g.strong_heads and tok.end != head_start
    org = art.org_around(tok.start, tok.end)
    if org is not None:  # a hospital opening a row (公主岭市医院门诊楼建设项目) is part of the name
        return org.kind != "company" and not rows_apart(art.text, org.start, org.start)
    tag = word_tags().get(word)
    subject = prev is not None and prev.end in art.company_ends
    if subject and tag in ("v", "ad", "d"):  # 国铁集团充分发挥铁路…: the company is the subject
        return True
    if word in g.conjunctions:
        return prev is not None and g.head_suffix_re.search(prev.word) is not None
    if word in g.boundaries or (len(word) >= 4 and word[-2:] in g.boundaries and _known(word)):
        return True
    if word in rules.initial_boundaries:
        return prev is None or _is_punctuation(prev.word)
    if word in rules.verb_boundaries:
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        return tok.end != head_start and not (nxt and g.head_re.fullmatch(nxt.word))
    if word in rules.name_internal:
        return False
    return tag in rules.boundary_tags or (len(word) == 1 and tag in rules.single_boundary_tags)


def _is_punctuation(word: str) -> bool:
    return (
        any(ch in SEGMENT_BREAK or ch in "《》[]【】—" or ch.isspace() for ch in word) or word in OPEN_QUOTES
    )


#: Characters before the longest name whose words the walk to a name's start reads.
NAME_LOOKBACK = 20


def _name_start(art: _Article, head_start: int, floor: int) -> int:
    """Walk left from a head over the tokens of the name; stop at the first token that governs it."""
    g = grammar()
    # Tokens as far back as a name may reach, and a few before: the walk asks the one before a token.
    reach = max(floor, head_start - g.rules.max_name - NAME_LOOKBACK)
    tokens = [t for t in art.tokens_over(reach, head_start) if t.end <= head_start]
    start = head_start
    i = len(tokens) - 1
    while i >= 0:
        tok = tokens[i]
        if tok.start < floor or head_start - tok.start > g.rules.max_name:
            break
        closing = tok.word[-1] if tok.word else ""
        if closing in CLOSE_QUOTES or closing in BRACKETS:
            opening = _opening(art.text, tok.end - 1, floor)
            if opening is None:
                break
            start = opening
            while i >= 0 and tokens[i].start >= opening:
                i -= 1
            continue
        if _is_boundary(art, tokens, i, head_start) or _closes_with_boundary(tok):
            break
        if _opens_with_boundary(art, tokens, i):
            start = tok.start + 1
            break
        start = tok.start
        i -= 1
    return _drop_leading(art, start, head_start)


def _closes_with_boundary(tok: _Token) -> bool:
    """An unknown word glued to a preposition after it (盾构机在 → 盾构机 + 在; but 金建 is a name)."""
    g = grammar()
    last = tok.word[-1:]
    return (
        not _known(tok.word) and len(tok.word) >= 2 and last in g.boundaries and word_tags().get(last) == "p"
    )


def _opens_with_boundary(art: _Article, tokens: list[_Token], i: int) -> bool:
    """An unknown word glued to a governing character before it (如武广 → 如 + 武广)."""
    g = grammar()
    word = tokens[i].word
    if _known(word) or len(word) < 3:
        return False
    first = word[0]
    at_clause_start = i == 0 or _is_punctuation(tokens[i - 1].word)
    return (
        first in g.boundaries
        or word_tags().get(first) in ("p", "c", "r")
        or (at_clause_start and first in g.rules.initial_boundaries)
    )


def _opening(text: str, close_at: int, floor: int) -> int | None:
    """Where the short quote or bracket that closes at ``close_at`` opens."""
    close = text[close_at]
    wanted = BRACKETS.get(close, OPEN_QUOTES)
    for j in range(close_at - 1, max(floor, close_at - 24) - 1, -1):
        if text[j] in wanted:
            return j
        if text[j] in CLAUSE_BREAK:
            return None
    return None


def _drop_leading(art: _Article, start: int, end: int) -> int:
    """Drop verbs, adverbs and counters opening a name (推动X项目 → X项目; 提高项目 is no name)."""
    g = grammar()
    tags = word_tags()
    for tok in art.tokens_in(start, end):
        leading = tags.get(tok.word) in g.rules.leading_tags or tok.word in g.conjunctions
        if art.inside_org(tok.start, tok.end) or not leading:
            return tok.start
        if any(ch.isdigit() for ch in tok.word):
            return tok.start
    return end


def _head_namings(art: _Article) -> list[_Naming]:
    """Names ending in a head word, each running left to its governing word."""
    g = grammar()
    out = []
    for m in g.head_re.finditer(art.text):
        if (
            _bare_head(art.text, m.start())
            or art.inside_org(m.start(), m.end())
            or art.in_hard_span(*m.span())
        ):
            continue
        if g.not_before_re.match(art.text, m.end()) or _inside_word(art, m.start(), m.end()):
            continue
        floor = art.clause_start(m.start(), SEGMENT_BREAK)
        start = _name_start(art, m.start(), floor)
        if start < m.start():
            out.append(_naming(art, start, m.end(), m.group(), floor, art.clause_end(m.end(), SEGMENT_BREAK)))
    return out


def _bare_head(text: str, head_start: int) -> bool:
    """A head right after a governing character or a ranking word (的项目, 该项目, 重点项目) names nothing.

    Checked on characters before any word is cut, as most heads in news text are such.
    """
    g = grammar()
    before = text[max(0, head_start - 2) : head_start]
    return before[-1:] in g.rules.bare_head_after or before[-1:] in SEGMENT_BREAK or before in g.rank_words


def _inside_word(art: _Article, start: int, end: int) -> bool:
    """Is a head only the start of a longer word (工程技术, 工程师, but not 工程建设)?"""
    return any(
        t.start < end < t.end and art.text[end : t.end] not in grammar().rules.head_continuations
        for t in art.tokens_over(start, end)
    )


def _naming(art: _Article, start: int, end: int, head: str, seg_start: int, seg_end: int) -> _Naming:
    return _Naming(start, end, strip_name(art.text[start:end]), head, seg_start, seg_end)


def _list_namings(art: _Article) -> tuple[list[_Naming], list[_List]]:
    """The items of ``A、B、C等N个项目`` and ``《A》《B》等合作项目``."""
    g = grammar()
    namings: list[_Naming] = []
    lists: list[_List] = []
    for m in g.list_end_re.finditer(art.text):
        clause = art.clause_start(m.start())
        pieces = _list_items(art.text, clause, m.start())
        items = [item for piece in pieces if (item := _list_item(art, piece))]
        if not items:
            continue
        lists.append(_List((clause, items[0].start), (m.start(), art.clause_end(m.end()))))
        priced = sum(_prefix_investment(art, item) is not None for item in items)
        strong = sum(_specificity(art, item) == STRONG for item in items)
        for item in items:
            item.list_id, item.list_size, item.list_tail = len(lists) - 1, len(items), m.group()
            item.list_money = priced >= 2
            item.list_strong = 2 * strong >= len(items)
        namings.extend(items)
    return namings, lists


def _list_item(art: _Article, piece: tuple[int, int]) -> _Naming | None:
    """One item of a list: a 《》 title, or the words of the piece after its modifiers."""
    g = grammar()
    s, e = piece
    if art.text[s] == "《":
        start, end = s + 1, e - 1
    else:
        start, end = _name_start(art, e, s), e
    if start >= end or end in art.capacity_ends:
        return None
    head = g.head_suffix_re.search(art.text, start, end)
    return _naming(art, start, end, head.group() if head else "", s, e)


def _list_items(text: str, clause: int, end: int) -> list[tuple[int, int]]:
    """The spans of the items before ``end``: split at 、 outside brackets, and between adjacent titles."""
    cuts, depth = [], 0
    for i in range(clause, end):
        ch = text[i]
        depth += (ch in "(（《" and 1) or 0
        depth -= (ch in ")）》" and 1) or 0
        if ch == "、" and depth <= 0:
            cuts.append(i)
    bounds = [clause - 1, *cuts, end]
    out = []
    for a, b in itertools.pairwise(bounds):
        s, e = a + 1, b
        titles = list(TITLE.finditer(text, s, e))
        if titles and text[e - 1] in "》”":
            out.extend(t.span() for t in titles)
        elif e > s:
            out.append((s, e))
    return out


# --------------------------------------------------------------------------- judging a naming


def _content_tokens(art: _Article, n: _Naming) -> list[_Token]:
    """The tokens of a name, without its trailing head words."""
    g = grammar()
    toks = art.tokens_in(n.start, n.end)
    while toks and g.heads_only_re.fullmatch(toks[-1].word):
        toks.pop()
    return toks


def _bare(word: str) -> str:
    """A word without a head ending (重点项目 → 重点)."""
    return grammar().head_suffix_re.sub("", word)


def _is_generic(word: str) -> bool:
    g = grammar()
    bare = _bare(word)
    return not bare or bare in g.generic or FILLER.fullmatch(bare) is not None


STRONG, WEAK = 2, 1
"""How specific a name is: a number, title or company in it (strong); an unknown word opening it (weak)."""


def _specificity(art: _Article, n: _Naming) -> int:
    key = (n.start, n.end)
    if key not in art.specificity:
        art.specificity[key] = _specificity_of(art, n)
    return art.specificity[key]


def _specificity_of(art: _Article, n: _Naming) -> int:
    """Does the name hold something proper: a company, a number, a Latin word, an unknown word opening it?

    A place alone does not make a name specific (合肥市太阳能光伏项目 is a kind of project), and
    dictionary tags are no guide (jieba tags 玉米 and 特许权 as person names). An unknown word is
    weak evidence: jieba does not know 吉成 (a company) but neither 煤基 (a kind of chemistry).
    """
    toks = _content_tokens(art, n)
    numbered = SERIAL.search(n.name) is not None or any(
        (ALNUM.search(t.word) and not _is_generic(t.word)) or PHASE.fullmatch(t.word) for t in toks
    )
    company = bool(art.company_index.within([(n.start, n.end)]))
    if numbered or company or _titled(art, n):
        return STRONG
    first = toks[0].word if toks else ""
    return WEAK if len(toks) >= 2 and _unknown_name(first) else 0


def _is_specific(art: _Article, n: _Naming) -> bool:
    return _specificity(art, n) > 0


def _titled(art: _Article, n: _Naming) -> bool:
    """Is the name a title: in 《》, or a quoted name of three characters or more right before a head?

    ``“中华数岛”智算中心`` is a name; ``“两重”项目`` and ``“户户通电”工程`` are programmes.
    """
    if art.text[n.start - 1 : n.start] == "《":
        return True
    body = art.text[n.start : n.end - len(n.head)]
    quoted = QUOTED_END.search(body)
    programme = n.head in grammar().rules.programme_heads
    return bool(n.head and quoted and not programme and not _is_generic(quoted.group(1)))


def _after_location_marker(art: _Article, n: _Naming) -> bool:
    """``在浒关开发区莱克工业园举行``: a marker of place, then only place words, then the name."""
    g = grammar()
    tags = word_tags()
    before = art.tokens_over(max(art.sentence_of(n.start)[0], n.start - LOOKBACK), n.start)
    for tok in reversed([t for t in before if t.end <= n.start]):
        if g.location_re.fullmatch(tok.word):
            return True
        if not (tags.get(tok.word) in PLACE_TAGS or g.place_re.fullmatch(tok.word) or tok.word in g.zones):
            return False
    return False


def _acceptable(art: _Article, n: _Naming, supported: bool) -> bool:
    """Is this naming a project (not a category, a reference, a document or a programme)?"""
    g = grammar()
    text = art.text
    if not 3 <= len(n.name) <= g.rules.max_name or g.not_project_re.search(n.name):
        return False
    if g.not_before_re.match(text, n.end):
        return False
    if n.list_id is None and g.not_after_re.search(text, max(0, n.start - 8), n.start):
        return False
    if n.weak and n.list_id is None and _after_location_marker(art, n):
        return False
    if not n.head and art.company_index.around(n.start, n.end) is not None:
        return False
    words = [t.word for t in _content_tokens(art, n)]
    if words and _bare(words[-1]) in g.rank_words:
        return False
    last_part = words[max((i + 1 for i, w in enumerate(words) if w in g.conjunctions), default=0) :]
    if not last_part or all(_is_generic(w) for w in last_part):
        return False
    specific = _is_specific(art, n)
    if not specific and g.category_re.search(n.name):
        return False
    if n.list_id is not None:
        if n.list_size == 1:
            return bool(g.single_tail_re.search(n.list_tail)) and (specific or len(words) >= 3)
        level = _specificity(art, n)
        return level == STRONG or (level == WEAK and n.list_strong) or not n.weak or supported
    return (specific or supported) if not n.weak else supported


# --------------------------------------------------------------------------- scopes


@dataclass(frozen=True)
class _Scopes:
    """Where a naming's facts may be read, nearest first."""

    own: tuple[int, int]
    """Its own segment: its modifiers and the rest of its clause."""
    predicate: list[tuple[int, int]]
    """What governs it: its list's verb and tail, the clauses after ``X，``, the end of ``X、Y正在建设``."""
    opening: list[tuple[int, int]]
    """The opening of its sentence, where several names share one verb (``集中开工项目包括A、B``)."""
    block: list[tuple[int, int]]
    """Later sentences that go on about it."""
    referring: list[tuple[int, int]]
    """Those of the later sentences that name it again in their first clause (``项目建成后，…``)."""

    def after(self, n: _Naming) -> list[tuple[int, int]]:
        """Everything after the name, where people and companies of its own may stand."""
        return [(n.end, self.own[1]), *self.predicate, *self.block]

    def figures(self, n: _Naming) -> list[tuple[int, int]]:
        """Where amounts and capacities of its own may stand: its sentence, and later ones naming it."""
        return [(n.end, self.own[1]), *self.predicate, *self.referring]

    def ranked(self) -> tuple[list[tuple[int, int]], ...]:
        """The scopes from nearest to farthest (the rank of a stage is its index here)."""
        return [self.own], self.predicate, self.opening, self.block


def _scopes(art: _Article, n: _Naming, lists: list[_List], starts: list[int]) -> _Scopes:
    s_start, s_end = art.sentence_of(n.start)
    nxt = _first_at(starts, n.end)
    own = (n.seg_start, nxt if nxt is not None and nxt < n.seg_end else n.seg_end)
    if n.list_id is not None:
        lst = lists[n.list_id]
        return _Scopes(own, [lst.before, lst.after], [], [], [])
    lo, hi = bisect.bisect_left(starts, s_start), bisect.bisect_left(starts, s_end)
    later = bisect.bisect_right(starts, n.start)
    predicate = _following_clauses(art, n, starts[later] if later < hi else s_end)
    if art.text[n.seg_end : n.seg_end + 1] == "、":
        predicate.append((n.seg_end + 1, art.clause_end(n.seg_end)))
    first = starts[lo] if lo < hi else n.start
    opening = [(s_start, first)] if first < n.start or hi - lo > 1 else []
    block = _block(art, n, starts)
    g = grammar()
    window = g.rules.anaphora_window
    referring = [(s, e) for s, e in block if g.anaphora_re.search(art.text, s, min(e, s + window))]
    return _Scopes(own, predicate, opening, block, referring)


def _first_at(starts: list[int], offset: int) -> int | None:
    """The first of the sorted ``starts`` at or after ``offset``."""
    i = bisect.bisect_left(starts, offset)
    return starts[i] if i < len(starts) else None


def _any_in(starts: list[int], start: int, end: int) -> bool:
    """Does one of the sorted ``starts`` stand in ``[start, end)``?"""
    found = _first_at(starts, start)
    return found is not None and found < end


def _following_clauses(art: _Article, n: _Naming, limit: int) -> list[tuple[int, int]]:
    """The clauses after a name that is their subject (``X，总投资…，新建…``; ``X总投资…，项目建成后…``).

    A name inside a clause (``组建项目论证评审组，聘请…``) is no subject of what follows.
    """
    g = grammar()
    out: list[tuple[int, int]] = []
    pos = art.clause_end(n.end)
    before = art.text[art.clause_start(n.start) : n.start]
    money_before = art.first_money_end <= n.start
    opens_clause = not before.strip() or (before.endswith("的") and money_before)
    if not opens_clause and art.text[n.end : pos].strip():
        return out
    while pos < limit:
        nxt = art.clause_end(pos + 1)
        clause = (pos + 1, min(nxt, limit))
        if g.new_subject_re.match(art.text, *clause):
            break
        out.append(clause)
        pos = nxt
    return out


def _block(art: _Article, n: _Naming, starts: list[int]) -> list[tuple[int, int]]:
    """The later sentences of the paragraph that speak of this project (none for one of several)."""
    g = grammar()
    p_start, p_end = art.paragraph_of(n.start)
    s_idx = art.sentence_index(n.start)
    s_start, s_end = art.sentences[s_idx]
    opens_paragraph = n.start - p_start <= 6
    others = bisect.bisect_left(starts, s_end) - bisect.bisect_left(starts, s_start)
    others -= (
        bisect.bisect_right(starts, n.start) - bisect.bisect_left(starts, n.start)
        if s_start <= n.start < s_end
        else 0
    )
    if not opens_paragraph and others > 0:
        return []
    out = []
    for s, e in art.sentences[s_idx + 1 :]:
        if s >= p_end:
            break
        refers_back = g.anaphora_re.match(art.text, s, e) is not None
        if not refers_back and _any_in(starts, s, e):
            break
        if opens_paragraph or refers_back or g.anaphora_re.search(art.text, s, e):
            out.append((s, e))
    return out


# --------------------------------------------------------------------------- facts


@dataclass
class _Facts:
    """What one naming contributes to its project, with the span each fact came from."""

    investment: Money | None = None
    output: Money | None = None
    tax: Money | None = None
    stage: tuple[int, Stage, Mention] | None = None
    """(scope rank, stage, keyword span)"""
    capacities: list[Capacity] = field(default_factory=list)
    companies: list[Organisation] = field(default_factory=list)
    owned: bool = False
    """A company stands just before the name as its owner (``世宝股份将X项目落在四平``)."""
    place: Mention | None = None
    contact: Mention | None = None
    dates: dict[str, DateRange] = field(default_factory=dict)


def _within(spans: Sequence[tuple[int, int]], start: int, end: int) -> bool:
    return any(s <= start and end <= e for s, e in spans)


def _aggregated(art: _Article, n: _Naming, m: Mention) -> bool:
    """Is an amount after the name about many projects (a list or count between them, 共, 累计)?"""
    g = grammar()
    if art.sentence_index(n.end) == art.sentence_index(m.start):
        return bool(g.aggregate_re.search(art.text, n.end, m.start))
    return bool(g.aggregate_re.search(art.text, art.sentence_of(m.start)[0], m.start))


def _prefix_investment(art: _Article, n: _Naming) -> Money | None:
    """``总投资7.52亿元的X``: an investment standing right before the name, in its own segment."""
    g = grammar()
    for m in art.money_index.within([(n.seg_start, n.start)]):
        gap = m.role in INVESTMENT_ROLES and MODIFIER_GAP.fullmatch(art.text, m.end, n.start)
        if gap and not g.prefix_aggregate_re.search(art.text, n.seg_start, m.start):
            return m
    return None


def _money_facts(art: _Article, n: _Naming, sc: _Scopes, facts: _Facts) -> None:
    """Amounts of its own: before it (``总投资X亿元的``), after it in its sentence, in sentences naming it.

    In a list, an amount before the first item is the whole list's (``一批总投资1300亿元的A等重大项目``)
    unless several items carry their own.
    """
    if n.list_id is None or n.list_money:
        facts.investment = _prefix_investment(art, n)
    if n.list_id is not None:
        return
    for m in art.money_index.within(sc.figures(n)):
        if _aggregated(art, n, m):
            continue
        if art.text[m.end : m.end + 1] == "的":  # 总投资82亿元的太阳能单晶硅项目: the next name's
            continue
        if m.role in INVESTMENT_ROLES and facts.investment is None:
            facts.investment = m
        elif m.role == "output_value" and facts.output is None:
            facts.output = m
        elif m.role == "tax" and facts.tax is None:
            facts.tax = m


def _capacity_facts(art: _Article, n: _Naming, sc: _Scopes, facts: _Facts, names: list[_Naming]) -> None:
    """Capacities in its name or stated of it, not those of another name, achieved so far or summed up."""
    g = grammar()
    scope = [(n.start, n.end), *(sc.figures(n) if n.list_id is None else [])]
    for c in art.capacity_index.within(scope):
        inside_other = any(o is not n and o.start <= c.start and c.end <= o.end for o in names)
        if inside_other or g.achieved_re.search(art.text, max(0, c.start - 8), c.start):
            continue
        if c.start >= n.end and _aggregated(art, n, c):
            continue
        if not any(_same_capacity(c, k) for k in facts.capacities):
            facts.capacities.append(c)


def _same_capacity(a: Capacity, b: Capacity) -> bool:
    return a.unit == b.unit and abs(a.value - b.value) <= 1e-6 * max(abs(a.value), 1.0)


def _stage_facts(art: _Article, n: _Naming, sc: _Scopes) -> tuple[int, Stage, Mention] | None:
    """The stage from the nearest scope that states one; within a scope, the keyword nearest the name
    (the first after it, else the last before it: found by bisection in the article's keywords)."""
    matches, starts = art.stage_matches, art.stage_starts
    for rank, spans in enumerate(sc.ranked()):
        found = []
        for s, e in spans:
            i = bisect.bisect_left(starts, max(s, n.end))
            while i < len(matches) and not _stage_keyword(art, i):
                i += 1
            if i < len(matches) and matches[i].end() <= e:
                found.append(i)
            i = min(bisect.bisect_left(starts, n.start), bisect.bisect_left(starts, e)) - 1
            while i >= 0 and starts[i] >= s and not _stage_keyword(art, i):
                i -= 1
            if i >= 0 and starts[i] >= s and matches[i].end() <= e:
                found.append(i)
        if found:
            m = matches[min(found, key=lambda k: _distance(n, matches[k].start(), matches[k].end()))]
            return rank, grammar().stage_of[m.group()], Mention(start=m.start(), end=m.end(), text=m.group())
    return None


def _distance(n: _Naming, start: int, end: int) -> int:
    return start - n.end if start >= n.end else n.start - end + 1000


def _stage_keyword(art: _Article, i: int) -> bool:
    """Does the article's ``i``-th stage match state a fact: not planned (确保按时投产), conditional
    (建成后) or negated, and standing on word edges? Judged once, when a name first asks."""
    if i not in art.stage_judged:
        g = grammar()
        m, text = art.stage_matches[i], art.text
        window_start = max(art.clause_start(m.start()), m.start() - g.stages.blocker_window)
        blocked = g.before_blocker_re.search(text, window_start, m.start()) or g.after_blocker_re.match(
            text, m.end()
        )
        art.stage_judged[i] = not blocked and _on_token_edges(art, m.start(), m.end())
    return art.stage_judged[i]


def _on_token_edges(art: _Article, start: int, end: int) -> bool:
    """Does the span start and end where jieba words do (在建 is no keyword in 在建设之初)?"""
    tokens = art.tokens_over(start, end)
    return any(t.start == start for t in tokens) and any(t.end == end for t in tokens)


def _company_facts(art: _Article, n: _Naming, sc: _Scopes, facts: _Facts) -> None:
    """Companies in the name, owning it from just before it, or building or investing in it nearby."""
    g = grammar()
    after = [(n.end, sc.own[1]), *sc.predicate, *sc.referring] if n.list_id is None else []
    for o in art.company_index.within([(max(n.seg_start - 20, 0), n.end), *after]):
        inside = n.start <= o.start and o.end <= n.end
        owner = o.end <= n.start and o.start >= n.seg_start - 20 and _owns(art, o, n)
        nearby = _within(after, o.start, o.end)
        builds = nearby and (
            g.company_verb_re.match(art.text, o.end) is not None
            or g.company_before_re.search(art.text, max(0, o.start - 8), o.start) is not None
        )
        facts.owned = facts.owned or owner
        if (inside or owner or builds) and not any(_same_org(o, c) for c in facts.companies):
            facts.companies.append(o)


def _owns(art: _Article, o: Organisation, n: _Naming) -> bool:
    """``世宝股份将X项目``, ``中钢设备承建的X``, ``由甲和乙投资建设的X``: the company owns or builds it."""
    g = grammar()
    gap = art.text[o.end : n.start]
    if g.company_link_re.fullmatch(gap):
        return True
    return bool(len(gap) <= 10 and gap.endswith("的") and g.company_verb_re.match(gap))


def _same_org(a: Organisation, b: Organisation) -> bool:
    return (a.refers_to or a.name) == (b.refers_to or b.name)


def _place_facts(art: _Article, n: _Naming) -> Mention | None:
    """The place hosting it: a place opening its name, else the nearest place or zone before it."""
    content = _content_tokens(art, n)[:2]
    inside = [p for p in _places(art, n.start, n.end) if any(p.start == t.start for t in content)]
    if inside:
        return inside[0]
    before = _places(art, max(art.sentence_of(n.start)[0], n.start - LOOKBACK), n.start)
    return before[-1] if before else None


def _places(art: _Article, start: int, end: int) -> list[Mention]:
    """Places and development zones among the tokens of ``[start, end)``: 临沂 + 经济技术开发区 is one."""
    g = grammar()
    tags = word_tags()
    out: list[Mention] = []
    for tok in art.tokens_in(start, end):
        w = tok.word
        placeish = (
            len(w) >= 2 and (tags.get(w) in PLACE_TAGS or g.place_re.fullmatch(w)) and not _is_generic(w)
        )
        if w in g.zones and out and out[-1].end == tok.start:
            prev = out.pop()
            out.append(Mention(start=prev.start, end=tok.end, text=art.text[prev.start : tok.end]))
        elif placeish or w in g.zones:
            out.append(Mention(start=tok.start, end=tok.end, text=w))
    return out


def _contact_facts(art: _Article, sc: _Scopes, n: _Naming) -> Mention | None:
    """The person answering for it, in its sentence or the sentences after it (never for a list item)."""
    spans = sc.after(n) if n.list_id is None else []
    return next((c for c in art.contacts if _within(spans, c.start, c.end)), None)


def _date_facts(art: _Article, sc: _Scopes, stage: tuple[int, Stage, Mention] | None) -> dict[str, DateRange]:
    """Dates in the clause of the stage keyword (signed, started), and ``预计2026年投产`` (expected)."""
    out: dict[str, DateRange] = {}
    if stage is not None:
        kw = stage[2]
        start, end = art.clause_start(kw.start), art.clause_end(kw.end)
        dates = [d for d in art.dates if start <= d.start and d.end <= end]
        key = {"signed": "signed_on", "started": "started_on"}.get(stage[1])
        if key and dates:
            out[key] = dates[0]
    for s, e in [span for spans in sc.ranked() for span in spans]:
        plan = grammar().expected_re.search(art.text, s, e)
        dates = [d for d in art.dates if plan and plan.start() <= d.start and d.end <= plan.end()]
        if dates:
            out.setdefault("expected_operation", dates[0])
    return out


# --------------------------------------------------------------------------- contacts


def find_contacts(text: str) -> list[Mention]:
    """The persons named as responsible for a project (``项目负责人林巍介绍``), article-wide."""
    g = grammar()
    return [p for m in g.contact_re.finditer(text) if (p := _person_after(text, m.end()))]


def _person_after(text: str, pos: int) -> Mention | None:
    """A personal name at ``pos``: a surname, one or two more characters, then a verb or punctuation."""
    g = grammar()
    rules = g.rules
    foreign = FOREIGN_NAME.match(text, pos, pos + 14)
    if foreign:
        for end in range(foreign.end() - len(foreign.group("last")) + 1, foreign.end() + 1):
            if g.contact_follow_re.match(text, end):
                return Mention(start=pos, end=end, text=text[pos:end])
        return None
    surname = next((s for s in rules.compound_surnames if text.startswith(s, pos)), None)
    if surname is None and pos < len(text) and text[pos] in rules.surnames:
        surname = text[pos]
    if surname is None:
        return None
    for given in (1, 2):
        end = pos + len(surname) + given
        name = text[pos:end]
        if HAN.fullmatch(name) and end <= len(text) and g.contact_follow_re.match(text, end):
            return Mention(start=pos, end=end, text=name)
    return None


# --------------------------------------------------------------------------- grouping


@lru_cache(maxsize=1 << 14)
def _key(name: str) -> str:
    """A name without the suffixes that do not tell projects apart (项目, 建设, 工程), longest first."""
    s = name
    changed = True
    while changed:
        changed = False
        for suffix in grammar().rules.name_suffixes:
            if s.endswith(suffix) and len(s) > len(suffix) + 1:
                s, changed = s[: -len(suffix)], True
    return s


#: Numbers in a name: a short form may leave one out, never write another.
DIGITS = regex.compile(r"\d+(?:\.\d+)?")


def _phases(s: str) -> set[str]:
    return set(PHASE.findall(s))


def rows_apart(text: str, a: int, b: int) -> bool:
    """Do two names each open a line (the rows of a list: 通化县产业园项目 and, rows later,
    通化县年产65万吨产业园项目 are two projects)? Then only equal names are one project."""
    return (a == 0 or text[a - 1] == "\n") and (b == 0 or text[b - 1] == "\n")


def same_project(a: str, b: str) -> bool:
    """Full and short names of one project: equal keys, or the short one inside or spread through it."""
    ka, kb = _key(a), _key(b)
    if ka == kb:
        return True
    short, long_ = sorted((ka, kb), key=len)
    if _phases(short) != _phases(long_) or len(short) < 2:
        return False
    if not set(DIGITS.findall(short)) <= set(DIGITS.findall(long_)):
        return False  # 梅河口市2号污水处理厂 is not 梅河口市26号污水处理厂
    if long_.startswith(short) or (len(short) >= 4 and short in long_):
        return True
    if len(short) < 4:
        return False
    return _subsequence(short, long_) and short[:2] in long_ and short[-2:] == long_[-2:]


def _subsequence(short: str, long_: str) -> bool:
    it = iter(long_)
    return all(ch in it for ch in short)


#: Earlier groups a naming is compared with, per way of finding them (bounded: grouping stays linear).
GROUP_REACH = 30


def _group(art: _Article, namings: list[_Naming], facts_of: dict[int, _Facts]) -> list[list[_Naming]]:
    """Namings of one project together: same or short names, unless their owners differ.

    A name without anything specific that ends another name is a short reference
    to it (``此次收购的风电项目`` after ``加拿大梅兰克森电力公司风电项目``).

    Each naming joins the first group holding a name of its project. The
    groups compared are those a name of the project must share two
    characters with (the shorter name's first two stand in the longer, or both
    end alike), the last ``GROUP_REACH`` of each, and the latest ones: never all.
    """
    keys = {id(n): _key(n.name) for n in namings}
    numbers = {id(n): frozenset(DIGITS.findall(keys[id(n)])) for n in namings}

    def same(a: _Naming, b: _Naming) -> bool:
        na, nb = numbers[id(a)], numbers[id(b)]
        if not (na <= nb or nb <= na) or _other_owners(facts_of[id(a)], facts_of[id(b)]):
            return False  # a name never writes a number the other lacks (2号 is not 26号)
        if keys[id(a)] != keys[id(b)] and rows_apart(art.text, a.start, b.start):
            return False
        if same_project(a.name, b.name):
            return True
        short, long_ = sorted((a, b), key=lambda n: len(keys[id(n)]))
        return keys[id(long_)].endswith(keys[id(short)]) and not _is_specific(art, short)

    groups: list[list[_Naming]] = []
    index: dict[str, list[int]] = {}  # "=key", "<first two", "~two inside", ">last two" -> groups
    for n in namings:
        k = keys[id(n)]
        pairs = {k[i : i + 2] for i in range(len(k) - 1)}
        looks = [f"={k}", f"~{k[:2]}", f">{k[-2:]}", *(f"<{p}" for p in pairs)]
        nearby = {g for look in looks for g in index.get(look, [])[-GROUP_REACH:]}
        nearby.update(range(max(len(groups) - GROUP_REACH, 0), len(groups)))
        found = next((g for g in sorted(nearby) if any(same(n, o) for o in groups[g])), None)
        if found is None:
            found = len(groups)
            groups.append([])
        groups[found].append(n)
        for look in [f"={k}", f"<{k[:2]}", f">{k[-2:]}", *(f"~{p}" for p in pairs)]:
            index.setdefault(look, []).append(found)
    return groups


def _other_owners(a: _Facts, b: _Facts) -> bool:
    """Do two namings name different companies (two 300万吨特钢项目 of two steel groups)?"""
    ours = {o.refers_to or o.name for o in a.companies}
    theirs = {o.refers_to or o.name for o in b.companies}
    return bool(ours and theirs and not ours & theirs)


# --------------------------------------------------------------------------- main


class RuleProjects(NamedTuple):
    """The grammar's output for one article."""

    projects: list[Project]
    indicators: list[Indicator]
    contacts: list[Mention]
    proposals: list[tuple[int, int, bool, bool]]
    """Every span the grammar proposed as a name: start, end, a list item?, accepted?"""


def find_projects(
    text: str,
    sentences: list[tuple[int, int]],
    money: list[Money],
    capacities: list[Capacity],
    dates: list[DateRange],
    organisations: list[Organisation],
) -> RuleProjects:
    """Project records, aggregate indicators, contact persons (项目负责人) and proposed names of one article.

    All spans are in the coordinates of ``text`` (the cleaned article), like
    its inputs: the sentence spans and the money, capacity, date and
    organisation mentions found in it.
    """
    art = _Article(text, list(sentences), money, capacities, dates, organisations)
    listed, lists = _list_namings(art)
    candidates = [*listed, *_head_namings(art)]
    judged = _judge(art, candidates, lists, candidates)
    priced = Counter(art.sentence_index(n.start) for n, facts in judged if _suffix_amount(n, facts))
    accepted = _resolve_overlaps([n for n, facts in judged if not _breakdown(art, n, facts, priced)])
    # Facts again, now that only real projects bound each other's scopes.
    final = _judge(art, accepted, lists, accepted, keep_all=True)
    facts_of = {id(n): f for n, f in final}
    projects = [_project(art, grp, facts_of) for grp in _group(art, [n for n, _ in final], facts_of)]
    kept = {id(n) for n in accepted}
    proposals = [(n.start, n.end, n.list_id is not None, id(n) in kept) for n in candidates]
    return RuleProjects(projects, _indicators(art, projects), art.contacts, proposals)


def _judge(
    art: _Article, namings: list[_Naming], lists: list[_List], bounds: list[_Naming], keep_all: bool = False
) -> list[tuple[_Naming, _Facts]]:
    """Facts of each naming (scopes bounded by ``bounds``); without ``keep_all``, only acceptable namings."""
    starts = sorted(n.start for n in bounds)
    out = []
    for n in namings:
        sc = _scopes(art, n, lists, starts)
        facts = _collect(art, n, sc, bounds, full=keep_all)
        if keep_all or _acceptable(art, n, _supported(art, n, facts)):
            out.append((n, facts))
    return out


BREAKDOWN = 3
"""Namings with amounts after them in one sentence that make it a breakdown by kind."""


def _breakdown(art: _Article, n: _Naming, facts: _Facts, priced: Counter[int]) -> bool:
    """``防洪抗旱减灾项目投资366亿元，民生水利项目投资619亿元，…``: kinds of projects, not projects.

    A descriptive name with an amount after it, in a sentence where several
    names are each followed by an amount (``priced``: how many, by sentence),
    is one line of a breakdown.
    """
    if _is_specific(art, n) or not _suffix_amount(n, facts):
        return False
    return priced[art.sentence_index(n.start)] >= BREAKDOWN


def _suffix_amount(n: _Naming, facts: _Facts) -> bool:
    return facts.investment is not None and facts.investment.start >= n.end


def _resolve_overlaps(namings: list[_Naming]) -> list[_Naming]:
    """One naming per span: list items first, then the longest; names inside others dropped."""
    ordered = sorted(namings, key=lambda n: (n.list_id is None, -(n.end - n.start), n.start))
    kept: list[_Naming] = []
    spans: list[tuple[int, int]] = []  # the kept spans, sorted: they never overlap
    for n in ordered:
        i = bisect.bisect_left(spans, (n.start, n.end))
        if not any(n.start < e and s < n.end for s, e in spans[max(i - 1, 0) : i + 1]):
            kept.append(n)
            bisect.insort(spans, (n.start, n.end))
    return sorted(kept, key=lambda n: n.start)


def _collect(art: _Article, n: _Naming, sc: _Scopes, names: list[_Naming], full: bool) -> _Facts:
    """The facts of a naming; place and dates only when ``full`` (they never decide what is a project)."""
    facts = _Facts()
    _money_facts(art, n, sc, facts)
    _capacity_facts(art, n, sc, facts, names)
    _company_facts(art, n, sc, facts)
    facts.stage = _stage_facts(art, n, sc)
    facts.contact = _contact_facts(art, sc, n)
    if full:
        facts.place = _place_facts(art, n)
        facts.dates = _date_facts(art, sc, facts.stage)
    return facts


def _supported(art: _Article, n: _Naming, facts: _Facts) -> bool:
    """Signs that a name is a concrete undertaking: an investment, a capacity in it, a stage of its own.

    A stage alone supports only a name with a proper word in it: ``古里大峡谷旅游扶贫项目已正式启动``
    is a project, ``我国在建核电项目中`` a category; a weak keyword (推进) supports a descriptive
    name only under 项目 (``加快推进世界级盐湖产业基地建设`` is a goal).

    A company in the name or owning it supports a 项目 but not a weak head:
    ``吉林世宝转向管柱自动装配生产线`` in a photo caption is equipment, not an undertaking.
    """
    g = grammar()
    in_name = [*facts.capacities, *([] if n.weak else facts.companies)]
    own_stage = False
    if facts.stage is not None and facts.stage[0] <= 1:
        specific, proper = _is_specific(art, n), _has_proper_word(art, n)
        if facts.stage[2].text in g.stages.weak_keywords:
            own_stage = specific or (proper and not n.weak)
        else:
            own_stage = specific or proper
    owned = facts.owned and not n.weak
    signs = facts.investment or own_stage or facts.contact or owned
    return bool(signs or any(n.start <= x.start < n.end for x in in_name))


def _has_proper_word(art: _Article, n: _Naming) -> bool:
    """A place or other proper word in the name (古里大峡谷, 湘江): a stage alone supports only such names."""
    tags = word_tags()
    for tok in _content_tokens(art, n):
        w = tok.word
        if len(w) >= 2 and not _is_generic(w) and (tags.get(w) in ("ns", "nz") or _unknown_name(w)):
            return True
    return False


def _project(art: _Article, grp: list[_Naming], facts_of: dict[int, _Facts]) -> Project:
    """Merge the namings of one project: the longest name, the first value of each fact, the surest stage."""
    g = grammar()
    grp = sorted(grp, key=lambda n: n.start)
    main = max(grp, key=lambda n: (len(_key(n.name)), len(n.name), -n.start))
    first_full = next(n for n in grp if n.name == main.name)
    evidence: dict[str, Mention] = {}
    values: dict[str, object] = {}
    capacities: list[Capacity] = []
    companies: list[str] = []
    dates: dict[str, DateRange] = {}
    stages = []
    for n in grp:
        f = facts_of[id(n)]
        for key, m, value in (
            ("investment_yuan", f.investment, f.investment and f.investment.yuan),
            ("output_value_yuan", f.output, f.output and f.output.yuan),
            ("tax_yuan", f.tax, f.tax and f.tax.yuan),
            ("place", f.place, f.place and f.place.text),
            ("contact", f.contact, f.contact and f.contact.text),
        ):
            if m is not None and key not in values:
                values[key], evidence[key] = value, m
        if f.stage:
            stages.append(f.stage)
        capacities += [c for c in f.capacities if not any(_same_capacity(c, k) for k in capacities)]
        companies += [o.refers_to or o.name for o in f.companies if (o.refers_to or o.name) not in companies]
        for k, d in f.dates.items():
            dates.setdefault(k, d)
    stage = min(stages, key=lambda s: (s[0], -g.stage_order[s[1]]), default=None)
    if stage:
        evidence["stage"] = stage[2]
    return Project(
        start=first_full.start,
        end=first_full.end,
        text=art.text[first_full.start : first_full.end],
        name=main.name,
        aliases=list(dict.fromkeys(n.name for n in grp if n.name != main.name)),
        stage=stage[1] if stage else None,
        capacities=capacities,
        companies=companies,
        mentions=[n.mention(art.text) for n in grp],
        evidence=evidence,
        **values,
        **dates,
    )


# --------------------------------------------------------------------------- indicators


def _indicators(art: _Article, projects: list[Project]) -> list[Indicator]:
    """Counts and amounts of many projects: ``项目196个…计划总投资750.4亿元``."""
    g = grammar()
    attached = {(m.start, m.end) for p in projects for m in p.evidence.values()}
    out: list[Indicator] = []
    for s, e in art.sentences:
        counts = [
            c
            for c in g.count_re.finditer(art.text, s, e)
            if "项目" in art.text[max(s, c.start() - 12) : c.end() + 8]
        ]
        if not counts:
            continue
        region, period = _region(art, s, e), _period(art, s, e)
        for c in counts:
            try:
                value = float(parse_number(c.group("count") or c.group("count2")))
            except NumberError:
                continue
            out.append(_indicator(art, (c.start(), c.end()), region, period, "项目个数", value, "个"))
        for m in art.money:
            if (
                s <= m.start < e
                and m.role in INVESTMENT_ROLES
                and (m.start, m.end) not in attached
                and m.yuan
            ):
                metric = art.text[art.clause_start(m.start) : m.start].strip() or m.role
                out.append(
                    _indicator(art, (m.start, m.end), region, period, metric[-8:], float(m.yuan), "元")
                )
    return out


def _indicator(
    art: _Article,
    span: tuple[int, int],
    region: str | None,
    period: str | None,
    metric: str,
    value: float,
    unit: str,
) -> Indicator:
    start, end = span
    return Indicator(
        start=start,
        end=end,
        text=art.text[start:end],
        region=region,
        period=period,
        metric=metric,
        value=value,
        unit=unit,
    )


def _region(art: _Article, s: int, e: int) -> str | None:
    m = grammar().region_re.search(art.text[s:e])
    return m.group("region") if m else None


def _period(art: _Article, s: int, e: int) -> str | None:
    inside = [d for d in art.dates if s <= d.start < e]
    if inside:
        return inside[0].text
    m = grammar().period_re.match(art.text, s, e)
    return m.group() if m else None
