"""One article as the learned decisions see it: the rules' output, words, and clause and sentence indexes.

Everything a feature asks (which word is here, which clause or sentence
holds this offset, what lies between two offsets) is answered from arrays
built once per article, so features cost the same wherever the article is
long: no rescanning of the text from a candidate.
"""

from __future__ import annotations

import bisect
import itertools
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from ..dictionary import word_tags
from ..models import Capacity, DateRange, Mention, Money, Organisation, Project
from ..projects import grammar
from ..words import extraction_words

#: Characters that end a clause: a name, a fact's keyword and its project are usually within one.
CLAUSE_BREAKS = frozenset("，,；;。！？!?：:\n")


@lru_cache(maxsize=1 << 16)
def _tag(word: str) -> str:
    """jieba's tag of a word; ``x`` for other single characters, ``unk`` for words it does not know."""
    return word_tags().get(word) or ("x" if len(word) == 1 else "unk")


def _nearest(spans: list[tuple[int, int]], offset: int) -> tuple[int, int] | None:
    """Of sorted spans, the one starting nearest ``offset``."""
    i = bisect.bisect_left(spans, (offset,))
    near = spans[max(i - 1, 0) : i + 1]
    return min(near, key=lambda span: abs(span[0] - offset)) if near else None


@dataclass
class Proposal:
    """A span the project grammar proposed as a name, and whether the grammar accepted it."""

    start: int
    end: int
    listed: bool
    accepted: bool


@dataclass
class RuleOutput:
    """What the rule extractors found in one cleaned text (all spans in its coordinates)."""

    text: str
    sentences: list[tuple[int, int]]
    money: list[Money]
    capacities: list[Capacity]
    dates: list[DateRange]
    organisations: list[Organisation]
    projects: list[Project]
    proposals: list[Proposal]
    contacts: list[Mention]
    words: list[str] | None = None
    """jieba's words covering the whole text, where the pipeline's tokenizer cut them."""


@dataclass
class View:
    """A :class:`RuleOutput` with the indexes features read."""

    rules: RuleOutput
    token_starts: list[int] = field(init=False)
    token_ends: list[int] = field(init=False)
    words: list[str] = field(init=False)
    lists: list | None = field(default=None, init=False, repr=False)
    """The article's lists (:func:`extract.learn.lists.enumerations`), made at the first ask."""
    list_index: list | None = field(default=None, init=False, repr=False)
    """Their items by start (:func:`extract.learn.lists.enumerated`), made at the first ask."""

    def __post_init__(self) -> None:
        words = self.rules.words
        if words is None:  # not made by the pipeline's jieba tokenizer (pkuseg, tests): cut the same way
            words = [w for w in extraction_words().cut(self.text) if w]
        self.words = words
        offsets = list(itertools.accumulate(map(len, words), initial=0))
        self.token_starts, self.token_ends = offsets[:-1], offsets[1:]

    @property
    def text(self) -> str:
        return self.rules.text

    @cached_property
    def clause_ids(self) -> list[int]:
        """The clause number of every character (a break character ends its clause)."""
        out, clause = [], 0
        for ch in self.text:
            out.append(clause)
            if ch in CLAUSE_BREAKS:
                clause += 1
        return out

    @cached_property
    def clause_starts(self) -> list[int]:
        starts = [0]
        starts += [i + 1 for i, ch in enumerate(self.text) if ch in CLAUSE_BREAKS]
        return starts

    def clause(self, offset: int) -> int:
        return self.clause_ids[min(offset, len(self.text) - 1)] if self.text else 0

    def clause_start(self, offset: int) -> int:
        return self.clause_starts[self.clause(offset)]

    @cached_property
    def sentence_starts(self) -> list[int]:
        return [s for s, _ in self.rules.sentences] or [0]

    def sentence(self, offset: int) -> int:
        return max(bisect.bisect_right(self.sentence_starts, offset) - 1, 0)

    def token_at(self, offset: int) -> int:
        """The index of the word holding ``offset`` (the last word for the end of the text)."""
        return max(bisect.bisect_right(self.token_starts, offset) - 1, 0)

    def word_before(self, offset: int) -> str:
        i = bisect.bisect_left(self.token_ends, offset + 1) - 1
        while i >= 0 and self.token_ends[i] > offset:
            i -= 1
        return self.words[i] if i >= 0 else "<s>"

    def word_after(self, offset: int) -> str:
        i = bisect.bisect_left(self.token_starts, offset)
        return self.words[i] if i < len(self.words) else "</s>"

    def words_in(self, start: int, end: int) -> list[str]:
        """The words over ``[start, end)``, those at its edges cut there (white space left out)."""
        starts, ends, words, text = self.token_starts, self.token_ends, self.words, self.rules.text
        i = self.token_at(start)
        if i < len(words) and ends[i] <= start:
            i += 1
        out = []
        while i < len(words) and starts[i] < end:
            s, e = starts[i], ends[i]
            out.append(words[i] if start <= s and e <= end else text[max(s, start) : min(e, end)])
            i += 1
        return out

    def tag(self, word: str) -> str:
        return _tag(word)

    @cached_property
    def company_spans(self) -> list[tuple[int, int]]:
        return sorted((o.start, o.end) for o in self.rules.organisations if o.kind == "company")

    @cached_property
    def org_spans(self) -> list[tuple[int, int]]:
        return sorted((o.start, o.end) for o in self.rules.organisations)

    @cached_property
    def hard(self) -> bytearray:
        """Characters inside money or dates (a name seldom holds them)."""
        marks = bytearray(len(self.text) + 1)
        for m in [*self.rules.money, *self.rules.dates]:
            marks[m.start : m.end] = b"\x01" * (m.end - m.start)
        return marks

    @cached_property
    def rule_owners(self) -> dict[tuple[int, int], list[tuple[str, list[tuple[int, int]]]]]:
        """Fact span → (what it is to the grammar's record, that record's mention spans) for every tie the
        grammar made: its investment, output and tax amounts, its capacities, and its companies' names."""
        owners: dict[tuple[int, int], list[tuple[str, list[tuple[int, int]]]]] = {}
        by_name: dict[str, list[tuple[int, int]]] = {}
        for o in sorted(self.rules.organisations, key=lambda o: o.start):
            by_name.setdefault(o.refers_to or o.name, []).append((o.start, o.end))
        for p in self.rules.projects:
            spans = [(m.start, m.end) for m in p.mentions]
            for slot in ("investment_yuan", "output_value_yuan", "tax_yuan"):
                m = p.evidence.get(slot)
                if m is not None:
                    owners.setdefault((m.start, m.end), []).append((slot, spans))
            for c in p.capacities:
                owners.setdefault((c.start, c.end), []).append(("capacity", spans))
            for name in p.companies:
                nearest = _nearest(by_name.get(name, []), p.start)
                if nearest is not None:
                    owners.setdefault(nearest, []).append(("company", spans))
        return owners

    @cached_property
    def stage_keywords(self) -> list[tuple[int, int, str, str]]:
        """Every stage keyword of the text (start, end, word, stage), in order."""
        g = grammar()
        return [
            (m.start(), m.end(), m.group(), g.stage_of[m.group()]) for m in g.stage_re.finditer(self.text)
        ]

    @cached_property
    def money_starts(self) -> list[int]:
        return sorted(m.start for m in self.rules.money)

    @cached_property
    def clause_has_money(self) -> set[int]:
        return {self.clause(m.start) for m in self.rules.money}
