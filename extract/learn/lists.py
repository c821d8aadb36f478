"""Enumerations of project names: ``A、B、C等N个项目``, ``包括A、B在内的26条``, ``A、B和C正在加紧建设``.

The press names projects in lists more than anywhere else, and their items
often carry no head word (``晋东南至荆门、向家坝至上海等3条已投产线路``,
``三菱树脂、横滨轮胎等7个外资项目``). A list is read once per clause: its
items (split at 、 outside brackets, the last one also at 和/及/与 and cut
before 等 or 在内), the head word its tail names (``线路``, ``项目``) and how
many of its items end in a head. Items of a list that looks like a list of
projects become candidates; every candidate inside an item carries what
the list says about it, and the model decides.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

import regex

from .view import View

#: What ends a list's last item: what follows names the kind of all items.
TAIL_RE = regex.compile("等|在内")
#: Words joining the last item to the one before it.
CONJUNCTIONS = frozenset(("和", "及", "以及", "与"))
#: How far after its tail mark the head naming a list's items may stand (``等7个外资项目``).
TAIL_REACH = 12
OPEN, CLOSE = frozenset("(（《“"), frozenset(")）》”")


@dataclass(frozen=True)
class Item:
    """One item of a list that may name projects."""

    start: int
    end: int
    first: bool
    """The list's first item: its start is the clause's, and a name may start later in it."""
    size: int
    tail: str
    """The longest head in the list's tail (``线路`` of ``等3条已投产线路``), or ``""``."""
    headed: float
    """The share of the list's items that end in a head themselves."""


def enumerations(view: View) -> list[tuple[list[tuple[int, int]], str]]:
    """Every list of the article (two items or more): its items' spans and its tail (what follows the
    last item's 等 or 在内, ``""`` where there is none). Made once per article (asked for project
    names and for companies), only for clauses holding a 、."""
    if view.lists is None:
        view.lists = _enumerations(view)
    return view.lists


def _enumerations(view: View) -> list[tuple[list[tuple[int, int]], str]]:
    text = view.text
    out = []
    starts = view.clause_starts
    at = text.find("、")
    while at >= 0:
        i = bisect.bisect_right(starts, at) - 1
        start, end = starts[i], starts[i + 1] - 1 if i + 1 < len(starts) else len(text)
        pieces, tail = _pieces(view, start, end)
        if len(pieces) >= 2:
            out.append((pieces, tail))
        at = text.find("、", end)
    return out


def enumerated(view: View, start: int, end: int) -> tuple[int, bool, int] | None:
    """For a span inside an item of one of the article's lists: the list's size, whether it has a
    tail (``等``, ``在内``) and where its last item ends; else None. An amount after such a list is
    usually the list's total (``包括A、B、C等，总投资约1.8万亿元``), not any item's own."""
    if view.list_index is None:
        view.list_index = sorted(
            (s, e, len(pieces), bool(tail), pieces[-1][1])
            for pieces, tail in enumerations(view)
            for s, e in pieces
        )
    index = view.list_index
    i = bisect.bisect_right(index, (start, 1 << 62)) - 1
    if i >= 0 and index[i][0] <= start and end <= index[i][1]:
        return index[i][2:]
    return None


def list_items(view: View, heads: tuple[str, ...]) -> dict[int, Item]:
    """The items of the article's project-like lists, by their end offset."""
    text = view.text
    by_length = sorted(heads, key=len, reverse=True)
    head_set, lengths = frozenset(heads), sorted({len(h) for h in heads})
    out: dict[int, Item] = {}
    for pieces, tail in enumerations(view):
        tail_head = next((h for h in by_length if h in tail), "")
        headed = sum(any(text[e - n : e] in head_set for n in lengths) for _, e in pieces) / len(pieces)
        if not tail_head and headed < 0.5:
            continue
        for k, (s, e) in enumerate(pieces):
            if e - s >= 2:
                out[e] = Item(s, e, k == 0, len(pieces), tail_head, headed)
    return out


def _pieces(view: View, start: int, end: int) -> tuple[list[tuple[int, int]], str]:
    """The items of the clause ``[start, end)`` split at 、 outside brackets, and the text after the last
    one's tail mark (``""`` where the last piece has none: its end is then unknown and it is left out)."""
    text = view.text
    cuts, depth = [], 0
    for j in range(start, end):
        ch = text[j]
        if ch in OPEN:
            depth += 1
        elif ch in CLOSE:
            depth = max(depth - 1, 0)
        elif ch == "、" and depth == 0:
            cuts.append(j)
    if not cuts:
        return [], ""
    pieces = [(a + 1, b) for a, b in zip([start - 1, *cuts[:-1]], cuts, strict=True)]
    last_start, tail = cuts[-1] + 1, ""
    mark = TAIL_RE.search(text, last_start + 1, end)
    if mark is not None:
        at = mark.start()
        tail = text[at : min(end, mark.end() + TAIL_REACH)]
        k, joined = view.token_at(last_start), None
        while k < len(view.words) and view.token_starts[k] < at and joined is None:
            if view.token_starts[k] > last_start and view.words[k] in CONJUNCTIONS:
                joined = (view.token_starts[k], view.token_ends[k])
            k += 1
        if joined is not None:
            pieces += [(last_start, joined[0]), (joined[1], at)]
        else:
            pieces.append((last_start, at))
    return [(s, e) for s, e in (_trim(text, s, e) for s, e in pieces) if e > s], tail


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """The span without white space at its edges."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
