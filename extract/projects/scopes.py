"""Where a naming's facts may be read: its own clause, the predicate governing it, the sentences
about it.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from .article import _Article
from .grammar import grammar
from .namings import _List, _Naming


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
