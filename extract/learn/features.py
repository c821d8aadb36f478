"""Named features of decisions about facts: an amount's role, a project's stage, which project owns a fact.

Each function reads one :class:`~extract.learn.view.View` and returns a
``{feature: value}`` dict for :mod:`extract.learn.linear`. The rule's own
guess is one feature among the others, so a model can keep what the rule
gets right and overrule it where the gold says otherwise.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import regex

from ..models import Mention, Money
from ..money import role_words
from .clusters import class_features
from .lists import enumerated
from .settings import settings
from .view import View

#: Words that make an amount a total of many projects or a part of one.
AGGREGATE = regex.compile(
    r"等|[\d一二三四五六七八九十百千几数多余]+[个项批家]|共|合计|累计|总计|其中|分别|全市|全省|全国|全年|今年"
)
#: Words that refer back to a project named before (该项目, 这里, 项目建成后).
ANAPHORA = regex.compile(r"该项目|这个项目|此项目|项目|该工程|工程|这里|其中|建成后|投产后|达产后")
DISTANCES = (0, 2, 5, 10, 20, 40, 80, 160)
#: How near a stage word stands to a name (签约落户 right after it, or 开工建设 right before it).
NEAR = (0, 2, 5, 10, 20, 40)
#: Characters read on either side of a fact or name: a feature never reads a whole clause or sentence,
#: which in an unpunctuated e-paper page is the whole page (cost quadratic in its length).
WINDOW = 30
NEIGHBOURS = 3
"""Project mentions offered each fact on each side: a fact seldom belongs to a far name past near ones."""


def _bucket(n: int, bounds: Sequence[int] = DISTANCES) -> str:
    return str(bounds[min(bisect.bisect_left(bounds, n), len(bounds) - 1)])


def _before(view: View, start: int, chars: int) -> str:
    """Up to ``chars`` characters before ``start`` within its clause."""
    return view.text[max(view.clause_start(start), start - chars) : start]


def role_features(view: View, m: Money) -> dict[str, float]:
    """What decides an amount's role: the words before it in its clause, the words after, the rule's role."""
    text = view.text
    before = _before(view, m.start, 12)
    clause = max(view.clause_start(m.start), m.start - WINDOW)
    clause_words = view.words_in(clause, m.start)
    words = clause_words[-4:]
    f = {"bias": 1.0, f"rule:{m.role}": 1.0, f"qual:{m.qualifier}": 1.0}
    for i, w in enumerate(reversed(words)):
        f[f"prev{i}:{w}"] = 1.0
        f[f"bag:{w}"] = 1.0
    for n in (1, 2, 3, 4):
        if len(before) >= n:
            f[f"chars{n}:{before[-n:]}"] = 1.0
    after = view.words_in(m.end, min(len(text), m.end + 8))[:2]
    for i, w in enumerate(after):
        f[f"next{i}:{w}"] = 1.0
    if not words:
        f["clause_start"] = 1.0
    for w in clause_words:
        if len(w) >= 2:
            f[f"cbag:{w}"] = 1.0
    # every role the money rules' words before and after would give, not only the rule's one pick
    for role, left, _ in role_words(text, clause, m.start):
        if left:
            f[f"lexL:{role}"] = 1.0
    for role, _, right in role_words(text, m.end, min(len(text), m.end + 8)):
        if right:
            f[f"lexR:{role}"] = 1.0
    if not settings().planned_words.isdisjoint(clause_words):
        f["planned"] = 1.0
    lo, hi = _sentence_span(view, m.start)
    sentence_words = view.words_in(max(lo, m.start - 2 * WINDOW), min(hi, m.end + 2 * WINDOW))
    for w in sentence_words:
        if len(w) >= 2:
            f[f"sent:{w}"] = 0.5
    return f


def _sentence_span(view: View, offset: int) -> tuple[int, int]:
    i = view.sentence(offset)
    sentences = view.rules.sentences
    return sentences[i] if sentences else (0, len(view.text))


@dataclass
class Mentions:
    """Every project mention of an article, sorted, each with the index of its group (one project)."""

    spans: list[tuple[int, int, int]]

    @cached_property
    def starts(self) -> list[int]:
        return [s for s, _, _ in self.spans]

    def near(self, start: int, end: int) -> list[tuple[int, int, int]]:
        """The mentions closest to ``[start, end)``: ``NEIGHBOURS`` on each side (and any over it)."""
        i = bisect.bisect_left(self.starts, start)
        lo, hi = max(0, i - NEIGHBOURS), i
        while hi < len(self.spans) and self.spans[hi][0] < end + 1:
            hi += 1
        return self.spans[lo : min(len(self.spans), hi + NEIGHBOURS)]

    def between(self, a: int, b: int, group: int) -> int:
        """How many mentions of other projects lie between offsets ``a`` and ``b``."""
        lo, hi = sorted((a, b))
        i, j = bisect.bisect_left(self.starts, lo), bisect.bisect_left(self.starts, hi)
        return sum(1 for s in self.spans[i:j] if s[2] != group)


def pair_features(
    view: View,
    fact: Mention,
    kind: str,
    label: str,
    mention: tuple[int, int, int],
    mentions: Mentions,
    rank: int,
) -> dict[str, float]:
    """Does ``fact`` (an amount, capacity or company) belong to the project named at ``mention``?

    ``label`` is what the fact is (an amount's role, ``capacity``,
    ``company``); ``rank`` is how near this project is among the fact's
    candidates (0 the nearest).
    """
    start, end, group = mention
    text = view.text
    after = fact.start >= end
    inside = start <= fact.start and fact.end <= end
    gap = fact.start - end if after else start - fact.end
    direction = "inside" if inside else ("after" if after else "before")
    between = (
        text[end : min(fact.start, end + WINDOW)] if after else text[max(fact.end, start - WINDOW) : start]
    )
    same_clause = view.clause(fact.start) == view.clause(start if not after else end - 1)
    sentence_gap = abs(view.sentence(fact.start) - view.sentence(start))
    others = mentions.between(fact.start, start, group)
    f = {
        "bias": 1.0,
        f"kind:{kind}": 1.0,
        f"label:{label}": 1.0,
        f"dir:{direction}": 1.0,
        f"label+dir:{label}|{direction}": 1.0,
        f"gap:{_bucket(max(gap, 0))}": 1.0,
        f"label+gap:{label}|{_bucket(max(gap, 0))}": 1.0,
        f"sentences:{min(sentence_gap, 3)}": 1.0,
        f"others:{min(others, 3)}": 1.0,
        f"label+others:{label}|{min(others, 3)}": 1.0,
        f"rank:{min(rank, 3)}": 1.0,
        f"label+rank:{label}|{min(rank, 3)}": 1.0,
        f"clause:{same_clause}": 1.0,
        f"label+clause+dir:{label}|{same_clause}|{direction}": 1.0,
    }
    if len(between) <= 6 and not inside:
        f[f"between:{between}"] = 1.0
    if kind == "company" and not inside:
        # the verbs that tie a company to a project across a clause (X投资120亿元建设Y, 由X承建)
        lo, hi = (end, min(fact.start, end + WINDOW)) if after else (max(fact.end, start - WINDOW), start)
        for w in view.words_in(lo, hi):
            if len(w) >= 2:
                f[f"company_between:{w}|{direction}"] = 1.0
    if AGGREGATE.search(between) or AGGREGATE.search(_before(view, fact.start, 10)):
        f["aggregate"] = 1.0
        f[f"aggregate+label:{label}"] = 1.0
    if kind == "money" and (listed := enumerated(view, start, end)) is not None:
        size, tailed, list_end = listed
        where = "after_list" if fact.start >= list_end else "in_list"
        f[f"listed:{label}|{where}|{tailed}"] = 1.0
        f[f"listed_size:{min(size, 5)}"] = 1.0
    if after and ANAPHORA.search(_before(view, fact.start, 12)):
        f["anaphora"] = 1.0
    prev = view.words_in(max(view.clause_start(fact.start), fact.start - WINDOW), fact.start)[-2:]
    for w in prev:
        f[f"prev:{w}|{direction}"] = 1.0
        class_features(f"prev|{direction}|", w, f)
    for slot, spans in view.rule_owners.get((fact.start, fact.end), []):
        if any(s < end and start < e for s, e in spans):
            f[f"rule_owner:{slot}"] = 1.0
        else:
            f[f"rule_other_owner:{slot}"] = 1.0
    return f


def _clause_end(view: View, offset: int) -> int:
    """Where the clause holding ``offset`` ends (its break character included)."""
    starts = view.clause_starts
    i = bisect.bisect_right(starts, min(offset, len(view.text) - 1))
    return starts[i] if i < len(starts) else len(view.text)


#: How far from a name its stage keywords are read (its sentence and the next, but no further: a
#: page pasted as one sentence would otherwise offer every keyword to every name).
KEYWORD_REACH = 300


def stage_features(
    view: View,
    spans: Sequence[tuple[int, int]],
    keywords: list[tuple[int, int, str, str]],
    rule_stage: str | None,
) -> dict[str, float]:
    """What tells a project's stage: the stage words in its sentences, where they stand, the words around."""
    f: dict[str, float] = {"bias": 1.0, f"rule:{rule_stage}": 1.0}
    sentences = view.rules.sentences or [(0, len(view.text))]
    for start, end in spans:
        clause_end = _clause_end(view, end)
        for w in view.words_in(end, min(clause_end, end + WINDOW)):
            if len(w) >= 2:
                f[f"after:{w}"] = 1.0
        for w in view.words_in(max(view.clause_start(start), start - WINDOW), start):
            if len(w) >= 2:
                f[f"before:{w}"] = 1.0
        for w in view.words_in(clause_end, min(_clause_end(view, clause_end + 1), clause_end + WINDOW)):
            if len(w) >= 2:
                f[f"next:{w}"] = 0.5
        si = view.sentence(start)
        lo = max(sentences[si][0], start - KEYWORD_REACH)
        hi = min(sentences[min(si + 1, len(sentences) - 1)][1], end + KEYWORD_REACH)
        nearest: dict[str, tuple[int, str, str]] = {}
        for k in keywords[bisect.bisect_left(keywords, (lo,)) : bisect.bisect_left(keywords, (hi,))]:
            ks, ke, word, stage = k
            if start <= ks < end:
                where = "in_name"
            elif view.sentence(ks) != si:
                where = "next_sentence"
            elif view.clause(ks) == view.clause(min(end, len(view.text) - 1)) or view.clause(
                ks
            ) == view.clause(start):
                where = "clause_after" if ks >= end else "clause_before"
            else:
                where = "sentence_after" if ks >= end else "sentence_before"
            f[f"kw:{stage}|{where}"] = 1.0
            f[f"word:{word}|{where}"] = 1.0
            prev = view.word_before(ks)
            f[f"kwprev:{prev}|{stage}"] = 1.0
            nxt = view.word_after(ke)
            f[f"kwnext:{nxt}|{stage}"] = 1.0
            mood = _mood(view, ks)
            f[f"kwmood:{mood}|{stage}|{where}"] = 1.0
            side = "after" if ks >= end else "before"
            distance = abs(ks - end) if ks >= end else abs(start - ke)
            if where != "in_name":
                f[f"kwnear:{stage}|{side}|{_bucket(distance, NEAR)}"] = 1.0
            if side not in nearest or distance < nearest[side][0]:
                nearest[side] = (distance, stage, mood)
        for side, (_, stage, mood) in nearest.items():
            f[f"nearest_{side}:{stage}"] = 1.0
            f[f"nearest_{side}:{stage}|{mood}"] = 1.0
    return f


#: Words before a stage keyword that make it a plan (将投产), a fact (已投产) or a negation (未开工).
MOODS = (
    ("plan", regex.compile(r"将|即将|预计|计划|拟|力争|确保|争取|年内|年底前|有望|准备|待|下半年|明年")),
    ("done", regex.compile(r"已|已经|相继|顺利|成功|正式|全面|刚刚|日前|近日")),
    ("not", regex.compile(r"未|尚未|没有|不")),
)


def _mood(view: View, offset: int) -> str:
    """What the words just before a keyword (its clause, up to 6 characters) make of it."""
    before = view.text[max(view.clause_start(offset), offset - 6) : offset]
    return next((name for name, pattern in MOODS if pattern.search(before)), "plain")
