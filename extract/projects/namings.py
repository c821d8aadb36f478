"""Spans that name a project: names ending in a head word, list items, titles; where a name starts,
and whether a naming is a project at all.
"""

from __future__ import annotations

import itertools
import unicodedata
from dataclasses import dataclass

from ..dictionary import word_tags
from ..models import Mention, Money
from .article import _Article, _Token, rows_apart
from .grammar import (
    ALNUM,
    BRACKETS,
    CLAUSE_BREAK,
    CLOSE_QUOTES,
    FILLER,
    INVESTMENT_ROLES,
    LOOKBACK,
    MODIFIER_GAP,
    OPEN_QUOTES,
    PHASE,
    PLACE_TAGS,
    QUOTE_CHARS,
    QUOTED_END,
    SEGMENT_BREAK,
    SERIAL,
    TITLE,
    _known,
    _unknown_name,
    grammar,
)


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


def _prefix_investment(art: _Article, n: _Naming) -> Money | None:
    """``总投资7.52亿元的X``: an investment standing right before the name, in its own segment."""
    g = grammar()
    for m in art.money_index.within([(n.seg_start, n.start)]):
        gap = m.role in INVESTMENT_ROLES and MODIFIER_GAP.fullmatch(art.text, m.end, n.start)
        if gap and not g.prefix_aggregate_re.search(art.text, n.seg_start, m.start):
            return m
    return None
