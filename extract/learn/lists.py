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
from itertools import accumulate

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
    ending: str = ""
    """The ending the list's last item shares with this one (``风电项目`` of ``甲、乙风电项目``), where this
    one has no head of its own: the item is named with it (``甲风电项目``)."""
    ending_head: str = ""
    """The longest head the ending ends in (``项目``): the item's head as a candidate."""


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


@dataclass(frozen=True)
class Lists:
    """The article's project-like lists as read with a set of heads (the models' own): their items by
    end offset, and the names items take from the ending their list shares (``namings``: by a span's
    end, where its name stops and the ending it takes, ``黄山区`` of ``黄山区、歙县污水处理厂``)."""

    text: str
    heads: tuple[str, ...]
    items: dict[int, Item]
    namings: dict[int, tuple[int, str]]

    def name_text(self, start: int, end: int) -> str:
        """The name a span gives: its text, or for an item of a list that shares its last item's ending,
        the item with that ending (``黄山区污水处理厂``)."""
        cut, ending = self.namings.get(end, (end, ""))
        return self.text[start:cut] + ending if ending and start < cut else self.text[start:end]


def read_lists(view: View, heads: tuple[str, ...]) -> Lists:
    """The items of the article's project-like lists and the names they take (:class:`Lists`)."""
    text = view.text
    by_length = sorted(heads, key=len, reverse=True)
    head_set, lengths = frozenset(heads), sorted({len(h) for h in heads})
    out: dict[int, Item] = {}
    namings: dict[int, tuple[int, str]] = {}
    for pieces, tail in enumerations(view):
        tail_head = next((h for h in by_length if h in tail), "")
        ends_in_head = [any(text[e - n : e] in head_set for n in lengths) for _, e in pieces]
        headed = sum(ends_in_head) / len(pieces)
        shared = _shared_ending(view, pieces, tail, ends_in_head, head_set, lengths)
        # the ending and its longest head (an item's head as a candidate), for items without their own
        named = (shared[2], next((h for h in by_length if shared[2].endswith(h)), "")) if shared else ("", "")
        if not tail_head and headed < 0.5 and shared is None:
            continue
        for k, (s, e) in enumerate(pieces):
            if e - s >= 2:
                ending, head = ("", "") if ends_in_head[k] else named
                out[e] = Item(s, e, k == 0, len(pieces), tail_head, headed, ending, head)
                if ending:
                    namings[e] = (e, ending)
        if shared is not None and shared[0] is not None:
            namings[shared[1]] = (shared[0], shared[2])
    return Lists(text, heads, out, namings)


#: A count or 的 before a shared ending, left out of the name (临岳6条高速公路: 临岳高速公路).
COUNTED = regex.compile(r"^的?[\d一二三四五六七八九十两几多余]+[条个座项家所处批]的?|^的")
#: Word tags that end the last item's reach for its head (已, 及, 分别, 推进: the clause goes on).
PAST_NAME = frozenset(("d", "c", "p", "v"))
#: The longest ending shared by a list's items, and the longest item that shares one.
ENDING_REACH = 12
ITEM_REACH = 14
#: jieba tags of the first word of items that take a shared ending: places (黄山区), names and words
#: jieba does not know (岳常 of 随岳、岳常…高速公路).
NAMING_TAGS = frozenset(("ns", "nsf", "nr", "nrt", "nz", "j", "unk"))
NOT_IN_ENDING = regex.compile(r"[的\p{P}]")


def _shared_ending(
    view: View,
    pieces: list[tuple[int, int]],
    tail: str,
    ends_in_head: list[bool],
    head_set: frozenset[str],
    lengths: list[int],
) -> tuple[int | None, int, str] | None:
    """The ending a list's last item shares with its items that end in no head
    (``黄山区、休宁、歙县污水处理厂``: 污水处理厂), as (where the last item's own name stops before the
    ending, where a count between them is left out, else None; where the last item ends; the ending).

    None where the list is no such list: it has a tail (``A、B等N个项目``: the gold names such items
    bare), all its items end in heads, or they are no short names of places or routes (清新明亮、水城共融的
    生态城, 西到欧洲). The last item splits where the other items' common last word ends
    (``新疆哈密200万千瓦、…、吉林通榆150万千瓦风电项目``), else at its word boundary nearest their
    median length."""
    text = view.text
    others = pieces[1:]
    if tail or not others or all(ends_in_head) or max(e - s for s, e in others) > ITEM_REACH:
        return None
    words = [view.words_in(s, e) or [""] for s, e in others]
    if any(view.tag(ws[0]) not in NAMING_TAGS or any(view.tag(w) in PAST_NAME for w in ws) for ws in words):
        return None
    start = pieces[-1][1] + 1
    end = _last_item_end(view, start, head_set, lengths)
    if end is None:
        return None
    split = None
    last_words = {ws[-1] for ws in words}
    if len(last_words) == 1 and (word := last_words.pop()):
        at = text.rfind(word, start, end)
        if at >= 0 and at + len(word) < end:
            split = at + len(word) - start
    if split is None:
        bounds = list(accumulate(map(len, view.words_in(start, end))))[:-1]
        median = sorted(e - s for s, e in others)[len(others) // 2]
        split = min(bounds, key=lambda b: (abs(b - median), b), default=None)
        if split is None or abs(split - median) > 2:
            return None
    ending = text[start + split : end]
    counted = COUNTED.match(ending)
    cut = counted.end() if counted else 0
    ending = ending[cut:]
    if not 2 <= len(ending) <= ENDING_REACH or NOT_IN_ENDING.search(ending):
        return None
    if not any(len(h) >= 2 and ending.endswith(h) for h in head_set):
        return None  # 连成一线
    return (start + split if cut else None), end, ending


def _last_item_end(view: View, start: int, head_set: frozenset[str], lengths: list[int]) -> int | None:
    """Where a list's last item, written from ``start`` (after the last 、), ends: at its farthest head
    before the clause goes on (a verb, adverb, conjunction or preposition: 歙县污水处理厂|已先后投入使用)."""
    text = view.text
    limit, i = min(len(text), start + ENDING_REACH + 8), view.token_at(start)
    while i < len(view.words) and view.token_starts[i] < limit:
        at = view.token_starts[i]
        if at > start and (view.clause(at) != view.clause(start) or view.tag(view.words[i]) in PAST_NAME):
            limit = at
            break
        i += 1
    ends = [p for p in range(start + 3, limit + 1) if any(text[p - n : p] in head_set for n in lengths)]
    return ends[-1] if ends else None


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
