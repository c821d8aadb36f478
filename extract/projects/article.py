"""One article as the grammar reads it: text, words cut where asked, and every lookup by bisection
(sentences, clauses, breaks, mentions in a span), so no step rescans the text.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property

import regex

from ..dictionary import BLOCK
from ..models import Capacity, DateRange, Mention, Money, Organisation
from ..words import extraction_words
from .contacts import find_contacts
from .grammar import CLAUSE_BREAK, NAMING_KINDS, grammar


@dataclass(frozen=True)
class _Token:
    start: int
    end: int
    word: str


@cache
def _break_re(breaks: str) -> regex.Pattern[str]:
    return regex.compile(f"[{regex.escape(breaks)}]")


class Intervals:
    """Non-overlapping spans kept sorted: an overlap test looks at two neighbours, not at every span."""

    def __init__(self) -> None:
        self.spans: list[tuple[int, int]] = []

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect.bisect_left(self.spans, (start, end))
        return any(s < end and start < e for s, e in self.spans[max(i - 1, 0) : i + 1])

    def add(self, start: int, end: int) -> None:
        bisect.insort(self.spans, (start, end))


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


def rows_apart(text: str, a: int, b: int) -> bool:
    """Do two names each open a line (the rows of a list: 通化县产业园项目 and, rows later,
    通化县年产65万吨产业园项目 are two projects)? Then only equal names are one project."""
    return (a == 0 or text[a - 1] == "\n") and (b == 0 or text[b - 1] == "\n")
