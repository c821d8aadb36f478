"""Project name candidates: every span that could name a project, with the features a model reads.

Recall first: a candidate ends at a head word (the grammar's heads, the
infrastructure heads of ``rules/projects.yml`` and the last words of names
in the training gold) and starts at any word boundary of its clause up to
``max_name`` characters back (``rules/learning.yml``); the grammar's own proposals and the
items of lists of projects (:mod:`extract.learn.lists`: ``A、B等3条线路``, items
without a head among them) are candidates too. Which of them is a name is
the model's decision (:mod:`extract.learn.decide`).
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache

import ahocorasick_rs
import regex

from ..words import extraction_words
from .clusters import class_features
from .lists import Item, Lists, read_lists
from .settings import settings
from .view import View

HAN = regex.compile(r"\p{Han}")
LENGTHS = (2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30)
#: The bucket name of each length, looked up rather than searched for each candidate.
BUCKETS = [str(LENGTHS[min(bisect.bisect_left(LENGTHS, n), len(LENGTHS) - 1)]) for n in range(64)]
#: A line between two places (沈阳到丹东, 锦屏至苏南, 六枝至安龙高速): railways, roads and power lines.
ROUTE = regex.compile(r"\p{Han}{2}[至到]\p{Han}{2}")
#: One search for the marks a name may hold, each match naming its feature.
MARKS = regex.compile(r"(?P<digit>\d)|(?P<latin>[A-Za-z])|(?P<quote>[“”‘’「」『』《》])")


@dataclass(frozen=True)
class Candidate:
    start: int
    end: int
    head: str


@cache
def _automaton(heads: tuple[str, ...]) -> ahocorasick_rs.AhoCorasick:
    return ahocorasick_rs.AhoCorasick(list(heads))


def candidates(view: View, heads: tuple[str, ...], items: dict[int, Item] | None = None) -> list[Candidate]:
    """Every (start, end) that may name a project, once, sorted by end then start."""
    text = view.text
    ends: dict[int, str] = {}
    for index, _start, end in _automaton(heads).find_matches_as_indexes(text, overlapping=True):
        head = heads[index]
        if len(head) > len(ends.get(end, "")):
            ends[end] = head
    for p in view.rules.proposals:
        ends.setdefault(p.end, "")
    items = read_lists(view, heads).items if items is None else items
    for end, item in items.items():
        # an item named with its list's shared ending takes that ending's head (黄山区、歙县污水处理厂)
        ends.setdefault(end, item.ending_head)
    config = settings()
    glue, max_name = config.start_after, config.max_name
    never_char, never_word = frozenset(config.never_first_char), frozenset(config.never_first_word)
    out: dict[tuple[int, int], Candidate] = {}
    for end, head in ends.items():
        floor = max(view.clause_start(max(end - 1, 0)), end - max_name)
        last_start = end - max(len(head), 1) if text.endswith(head, 0, end) else end - 1
        first = bisect.bisect_left(view.token_starts, floor)
        starts = set()
        for i in range(first, len(view.token_starts)):
            start = view.token_starts[i]
            if start >= last_start:
                break
            word = view.words[i]
            if view.tag(word) not in (never_char if len(word) == 1 else never_word):
                starts.add(start)
            if len(word) > 1 and word[0] in glue and start + 1 < last_start:
                starts.add(start + 1)  # 和|平陆运河: jieba's 和平 hides the name's start
        for start in starts:
            if HAN.match(text, start) or text[start].isalnum():
                out[(start, end)] = Candidate(start, end, head)
    for p in view.rules.proposals:
        out.setdefault((p.start, p.end), Candidate(p.start, p.end, ""))
    for item in items.values():
        if not item.first and item.end - item.start <= max_name:
            out.setdefault((item.start, item.end), Candidate(item.start, item.end, ends[item.end]))
    return sorted(out.values(), key=lambda c: (c.end, c.start))


def _bucket(n: int) -> str:
    return BUCKETS[n] if n < len(BUCKETS) else BUCKETS[-1]


class CandidateFeatures:
    """Features of candidates in one article; the rule's proposals and records are looked up once."""

    def __init__(self, view: View, lists: Lists) -> None:
        self.view = view
        self.lists = lists
        rules = view.rules
        self.proposals = {(p.start, p.end): p for p in rules.proposals}
        self.rule_spans = {(m.start, m.end) for p in rules.projects for m in p.mentions}
        self.rule_ends = {e for _, e in self.rule_spans}
        self.items = lists.items
        self.org_starts = {s for s, _ in view.org_spans}
        self.org_ends = {e for _, e in view.org_spans}
        self.company_starts = {s for s, _ in view.company_spans}
        self.counts: dict[str, int] = {}
        self._ends: dict[tuple[int, str], dict[str, float]] = {}
        self._starts: dict[int, tuple[str, str, dict[str, float]]] = {}
        self.stage_clauses: dict[int, set[str]] = {}
        for start, _, _, stage in view.stage_keywords:
            self.stage_clauses.setdefault(view.clause(start), set()).add(stage)
        self.capacity_clauses = {view.clause(c.start) for c in rules.capacities}

    def __call__(self, c: Candidate) -> dict[str, float]:
        v, text = self.view, self.view.text
        name = self.lists.name_text(c.start, c.end)
        # a list item named with its list's shared ending reads as the name it gives (黄山区污水处理厂)
        named_apart = c.end in self.lists.namings
        words = extraction_words().cut(name) if named_apart else v.words_in(c.start, c.end)
        prev, prevc, start_features = self._start_features(c.start)
        head = c.head or "<list>"
        first = words[0] if words else ""
        f = dict(self._end_features(c.end, head))
        f.update(start_features)
        f.update(
            {
                f"last:{words[-1] if words else ''}": 1.0,
                f"first:{first}": 1.0,
                f"firstc:{name[0]}": 1.0,
                f"len:{_bucket(len(name))}": 1.0,
                f"words:{_bucket(len(words))}": 1.0,
                f"tagfirst:{v.tag(first)}": 1.0,
                f"prev+head:{prev}|{head}": 1.0,
                f"first+head:{first}|{head}": 1.0,
                f"len+head:{_bucket(len(name))}|{head}": 1.0,
                f"prevc+head:{prevc}|{head}": 1.0,
            }
        )
        class_features("first", first, f)
        class_features("last", words[-1] if words else "", f)
        if ROUTE.search(name):
            f["route"] = 1.0
            f[f"route+head:{head}"] = 1.0
        for w in words[:-1]:
            f[f"in:{w}"] = 1.0
            f[f"tag:{v.tag(w)}"] = 1.0
            if len(w) >= 2 and v.tag(w) == "unk":
                f["unknown_word"] = 1.0
        if self.counts.get(text[c.start : c.end], 0) > 1:
            f["repeated"] = 1.0
        for mark in MARKS.finditer(name):
            f[mark.lastgroup] = 1.0  # digit, latin, quote
        if 1 in v.hard[c.start : c.end]:
            f["money_or_date_inside"] = 1.0
        if self._cuts_org(c):
            f["cuts_org"] = 1.0
        p = self.proposals.get((c.start, c.end))
        if p is not None:
            f["proposal"] = 1.0
            f["proposal_list" if p.listed else "proposal_head"] = 1.0
            if p.accepted:
                f["rule_accepted"] = 1.0
        item = self.items.get(c.end)
        if item is not None and c.start >= item.start:
            f["list_item" if c.start == item.start or item.first else "list_item_part"] = 1.0
            f[f"list_tail:{item.tail or '<none>'}"] = 1.0
            f[f"list_tail+head:{item.tail or '<none>'}|{head}"] = 1.0
            f[f"list_headed:{round(item.headed * 4)}"] = 1.0
            f[f"list_size:{_bucket(item.size)}"] = 1.0
            if item.ending:
                f["list_ending"] = 1.0
        if (c.start, c.end) in self.rule_spans:
            f["rule_record"] = 1.0
        elif c.end in self.rule_ends:
            f["rule_end_other_start"] = 1.0
        return f

    def _start_features(self, start: int) -> tuple[str, str, dict[str, float]]:
        """The word and character before ``start``, and what every candidate starting there shares:
        what precedes it, whether a clause or an organisation's name starts there."""
        if start not in self._starts:
            v, text = self.view, self.view.text
            prev = v.word_before(start)
            prevc = text[start - 1] if start else "<s>"
            f = {f"prev:{prev}": 1.0, f"prevc:{prevc}": 1.0, f"tagprev:{v.tag(prev)}": 1.0}
            class_features("prev", prev, f)
            f[f"prev2:{v.word_before(start - len(prev)) if start >= len(prev) else '<s>'}|{prev}"] = 1.0
            if start == v.clause_start(start):
                f["clause_start"] = 1.0
            if start in self.org_starts:
                f["org_start"] = 1.0
            if start in self.company_starts:
                f["company_start"] = 1.0
            if start in self.org_ends:
                f["after_org"] = 1.0
            self._starts[start] = (prev, prevc, f)
        return self._starts[start]

    def _end_features(self, end: int, head: str) -> dict[str, float]:
        """What every candidate ending at ``end`` shares: its head, what follows, its clause's facts."""
        key = (end, head)
        if key not in self._ends:
            v, text = self.view, self.view.text
            clause = v.clause(max(end - 1, 0))
            f = {
                "bias": 1.0,
                f"head:{head}": 1.0,
                f"next:{v.word_after(end)}": 1.0,
                f"nextc:{text[end] if end < len(text) else '</s>'}": 1.0,
                f"head+nextc:{head}|{text[end] if end < len(text) else '</s>'}": 1.0,
            }
            class_features("next", v.word_after(end), f)
            for stage in self.stage_clauses.get(clause, ()):
                f[f"stage:{stage}"] = 1.0
            for stage in self.stage_clauses.get(clause + 1, ()):
                f[f"stage:next_{stage}"] = 1.0
            if clause in v.clause_has_money:
                f["money_in_clause"] = 1.0
            if clause in self.capacity_clauses:
                f["capacity_in_clause"] = 1.0
            self._ends[key] = f
        return self._ends[key]

    def count_names(self, cands: list[Candidate]) -> None:
        """How often each candidate's text is a candidate of the article (a name said twice is likelier)."""
        text = self.view.text
        self.counts = Counter(text[c.start : c.end] for c in cands)

    def _cuts_org(self, c: Candidate) -> bool:
        """Does the candidate start inside an organisation's name (not at its start)?"""
        spans = self.view.org_spans
        i = bisect.bisect_right(spans, (c.start, 1 << 30)) - 1
        return i >= 0 and spans[i][0] < c.start < spans[i][1]


def featured(view: View, lists: Lists) -> Iterator[tuple[Candidate, dict[str, float]]]:
    """Every candidate of the article (at ``lists.heads`` and the items of ``lists``) with its features,
    one at a time: a caller keeps only the features it needs (a line of 16,000 heads has 220,000
    candidates)."""
    featurise = CandidateFeatures(view, lists)
    found = candidates(view, lists.heads, lists.items)
    featurise.count_names(found)
    return ((c, featurise(c)) for c in found)


def learnt_heads(names: Iterable[str], words_of, minimum: int = 2) -> list[str]:
    """Last words of gold names seen at least ``minimum`` times: heads the hand list may lack."""
    counts: dict[str, int] = {}
    for name in names:
        words = words_of(name)
        if words and len(words[-1]) >= 2 and HAN.match(words[-1]):
            counts[words[-1]] = counts.get(words[-1], 0) + 1
    return sorted(w for w, n in counts.items() if n >= minimum)
