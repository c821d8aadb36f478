"""Where names are: the rule grammar's anchored names, the NER model's, list items, the owners heading
project names, and aliases written beside a name."""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

import regex

from ..dictionary import word_tags
from ..models import OrgKind
from ..ner import Entity
from ..words import extraction_words
from .grammar import (
    ALIAS_RE,
    ALL_LABELS,
    BRACKETED_PLACE_RE,
    BRACKETED_RE,
    CLAUSE_END_RE,
    CLOSE_QUOTES,
    COUNT_RE,
    NAME_CHAR_RE,
    OPEN_BRACKET_RE,
    OPEN_QUOTES,
    ORG,
    TRAILING_COUNT_RE,
    Grammar,
    abbreviates,
    acceptable,
    classify,
    is_common_word,
    is_place,
    is_registered,
)

# --------------------------------------------------------------------------- names


@dataclass
class Name:
    """A proposed organisation name at one place of the view text."""

    start: int
    end: int
    name: str
    source: str
    kind: OrgKind | None = None
    refers_to: str | None = None


@dataclass
class Context:
    """What the name finders share for one article."""

    text: str
    grammar: Grammar
    entities: list[Entity] = field(default_factory=list)
    """NER entities in view coordinates, sorted by start."""
    units: list[tuple[int, int]] = field(default_factory=list)
    """The spans the NER model read (view coordinates, sorted)."""

    def covered(self, offset: int) -> bool:
        """Whether the NER model read the text at ``offset``."""
        i = bisect.bisect_right(self.units, (offset, len(self.text) + 1)) - 1
        return i >= 0 and self.units[i][0] <= offset < self.units[i][1]

    @cached_property
    def _starts(self) -> list[int]:
        return [e[0] for e in self.entities]

    @cached_property
    def _longest(self) -> int:
        return max((e[1] - e[0] for e in self.entities), default=0)

    @cached_property
    def _by_end(self) -> dict[int, list[Entity]]:
        out: dict[int, list[Entity]] = {}
        for e in self.entities:
            out.setdefault(e[1], []).append(e)
        return out

    def entity_at(self, start: int, end: int, labels: tuple[str, ...] = ALL_LABELS) -> Entity | None:
        """The first entity overlapping [start, end) with one of ``labels`` (found by bisection)."""
        for i in range(bisect.bisect_left(self._starts, start - self._longest), len(self.entities)):
            ent = self.entities[i]
            if ent[0] >= end:
                break
            if start < ent[1] and ent[2] in labels:
                return ent
        return None

    def entities_ending_at(self, end: int) -> list[Entity]:
        return self._by_end.get(end, [])


def _trim(text: str, start: int, end: int, g: Grammar) -> tuple[int, int]:
    """Drop what is no part of a name at either end: symbols, 该/这家, a trailing 三家."""
    while start < end and not NAME_CHAR_RE.match(text[start]):
        start += 1
    while end > start and not NAME_CHAR_RE.match(text[end - 1]):
        end -= 1
    if m := g.determiner_re.match(text, start, end):
        start = m.end()
    if m := TRAILING_COUNT_RE.search(text, start, end):
        end = m.start()
    if m := OPEN_BRACKET_RE.search(text, start, end):
        end = m.start()  # 中核新能源公司(小堆公司: a bracket opened and not closed
    while start < end and _is_boundary(first := extraction_words().cut(text[start:end], HMM=False)[0], g):
        start += len(first)
    return start, end


def _is_boundary(word: str, g: Grammar, by_tag: bool = True) -> bool:
    """A word a name cannot contain at its start: a listed boundary, or a common verb, particle ..."""
    if word in g.boundaries:
        return True
    if not by_tag or len(word) < 2 or word in g.name_words:
        return False
    return word_tags().get(word) in g.rules.stop_tags and is_common_word(word, g)


def _name_start(ctx: Context, end: int, lowest: int, whole: Entity | None = None) -> int:
    """Where a name ending at ``end`` starts: after the last boundary word before it.

    Walk back over jieba words (so 华为 is not cut at 为) from ``end`` until
    punctuation, a boundary word (与, 邀请, 对接, 的, a common verb ...) or
    ``lowest``; a start inside an entity moves to the entity's start. An NER
    entity ``whole`` ending there gives the start unless a boundary lies
    inside it (LAC's ORG spans sometimes take in the verb before the name).
    """
    if whole is not None and whole[0] >= lowest:
        return max(_scan_start(ctx, end, whole[0], by_tag=False), whole[0])
    start = _scan_start(ctx, end, lowest)
    if (ent := ctx.entity_at(start, start + 1)) and ent[0] < start:
        return ent[0]
    return start


def _scan_start(ctx: Context, end: int, lowest: int, by_tag: bool = True) -> int:
    """The start after the last boundary word (or punctuation) before ``end``.

    ``by_tag`` also stops at common verbs and particles (jieba's tags), which
    is needed where no NER span vouches for the words.
    """
    start = end
    while start > lowest and NAME_CHAR_RE.match(ctx.text[start - 1]):
        start -= 1
    words = extraction_words().cut(ctx.text[start:end], HMM=False) if start < end else []
    offset = end
    for i in range(len(words) - 1, -1, -1):
        if _is_boundary(words[i], ctx.grammar, by_tag):
            # 和|同|益实业集团: of two boundary words in a row, the second starts the name
            if len(words[i]) == 1 and i > 0 and _is_boundary(words[i - 1], ctx.grammar, by_tag):
                offset -= 1
            break
        offset -= len(words[i])
    return offset


def _entity_ending_at(ctx: Context, end: int, before: int, labels: tuple[str, ...]) -> Entity | None:
    """An entity with one of ``labels`` that ends at ``end`` and starts before ``before``."""
    return next((e for e in ctx.entities_ending_at(end) if e[0] < before and e[2] in labels), None)


def anchored(ctx: Context) -> list[Name]:
    """Names ending in an anchor (有限公司, 集团, 人民政府 ...), their start found by boundaries.

    Where the NER model read the sentence, a company name must overlap one of
    its ORG spans: the rules alone take 现行商业银行 or 而公司 for names.
    """
    g, out = ctx.grammar, []
    for m in g.anchor_re.finditer(ctx.text):
        end = m.end()
        # extend over anchors that follow directly (研究院|集团有限公司) and branches (银行|长春分行)
        while (nxt := g.anchor_re.match(ctx.text, end) or g.branch_re.match(ctx.text, end)) is not None:
            end = nxt.end()
        org = _entity_ending_at(ctx, end, m.start(), ORG)
        start = _name_start(ctx, m.start(), max(0, m.start() - g.rules.max_prefix), org)
        start, end = _trim(ctx.text, start, end, g)
        start = _place_before(ctx.text, start, end, g)
        start = _brand_before_bracket(ctx, start, end, max(0, m.start() - g.rules.max_prefix))
        name = ctx.text[start:end]
        kind = classify(name, g)
        # A company name the model read but did not tag is a description (商业银行, 而公司).
        unsupported = (
            kind == "company"
            and ctx.covered(start)
            and not ctx.entity_at(start, end, ORG)
            and not is_registered(name, g)
        )
        if not unsupported and acceptable(name, kind, g) and not _splits_word(ctx.text, end, g):
            out.append(Name(start, end, name, "rule", kind))
    return out


def _place_before(text: str, start: int, end: int, g: Grammar) -> int:
    """Where a registered name starts when the place written right before it is its first word:
    LAC reads 大连|万达集团股份有限公司 as a place and a company, the registration as one name."""
    if start == 0 or not text[start - 1].isalpha():
        return start
    before = extraction_words().cut(text[max(0, start - 6) : start], HMM=False)
    place = before[-1] if before else ""
    if place and is_place(place, g) and is_registered(text[start - len(place) : end], g):
        return start - len(place)
    return start


def _brand_before_bracket(ctx: Context, start: int, end: int, lowest: int) -> int:
    """Where a name with its place in brackets starts when the start found falls in or right after the
    brackets: at the brand before them. LAC reads 锦辉|(荆州)|硅能科技有限公司 as a person, a place and a
    company, and 北美枫情(上海|)商贸有限公司 from inside the brackets."""
    for m in BRACKETED_PLACE_RE.finditer(ctx.text, max(lowest, start - 8), end):
        if m.start() < start <= m.end() < end:  # the name goes on after the brackets
            brand = _scan_start(ctx, m.start(), lowest)
            return brand if brand < m.start() else start
    return start


def _extend(text: str, end: int, g: Grammar) -> int:
    """Carry a name over an ending or industry words written right after it.

    LAC often stops short: 博鳌亚洲|论坛, 天茂|水泥, 卡塔尔|石油|国际.
    """
    for _ in range(2):
        if (m := g.long_ending_re.match(text, end) or g.industry_re.match(text, end)) is None:
            break
        end = m.end()
    return end


def _only_common_words(name: str, g: Grammar) -> bool:
    """互联网信息传输, 核心竞争力: every word common; an unknown word (split to characters) is not.

    One common word before an industry word is a brand all the same (阳光电源);
    two are an industry (智能网联汽车).
    """
    if (brand := g.brand_length(name)) >= 2 and len(extraction_words().cut(name[:brand], HMM=False)) == 1:
        return False
    words = extraction_words().cut(name, HMM=False)
    return all(len(w) >= 2 and is_common_word(w, g) for w in words)


def _splits_word(text: str, end: int, g: Grammar) -> bool:
    """A name ending inside a dictionary word (细分行|业, 水利部|会同) ends in the wrong place."""
    window_start = max(0, end - 4)
    offset = window_start
    for word in extraction_words().cut(text[window_start : end + 4], HMM=False):
        if offset < end < offset + len(word):
            return True
        offset += len(word)
    return False


def _quoted_fragment(text: str, start: int, end: int) -> bool:
    """The start of a longer quoted phrase (“东数西算”, “吉浙高质量创业园”), not a name."""
    return (
        start > 0 and text[start - 1] in OPEN_QUOTES and (end >= len(text) or text[end] not in CLOSE_QUOTES)
    )


def ner_names(ctx: Context) -> list[Name]:
    """ORG entities of the model, trimmed, extended, and checked against common words."""
    g, out = ctx.grammar, []
    for s, e, label in ctx.entities:
        if label != "ORG":
            continue
        start, end = _trim(ctx.text, s, e, g)
        if is_place(ctx.text[start:end], g):
            continue
        if classify(ctx.text[start:end], g) is None:
            end = _extend(ctx.text, end, g)
        if g.sector_re.match(ctx.text, end) and (brand := g.brand_length(ctx.text[start:end])) >= 2:
            end = start + brand  # 银河证券|环保行业: the industry word belongs to 行业
        if m := g.tail_re.search(ctx.text, start + 2, end):
            end = m.start()  # 百威英博|份额
        name = ctx.text[start:end]
        kind = classify(name, g) or "company"
        if (
            acceptable(name, kind, g)
            and not _only_common_words(name, g)
            and not _quoted_fragment(ctx.text, start, end)
            and not _splits_word(ctx.text, end, g)
        ):
            out.append(Name(start, end, name, "ner", kind))
    return out


def _distinctive(ctx: Context, start: int, end: int) -> bool:
    """A list item that can be a name: an entity, an industry name, or a rare word in it."""
    g, item = ctx.grammar, ctx.text[start:end]
    if ctx.entity_at(start, end):
        return True
    if (brand := g.brand_length(item)) >= 2:
        return not is_common_word(item[:brand], g)
    return any(not is_common_word(w, g) for w in extraction_words().cut(item) if len(w) >= 2)


_ITEM_SPLIT = regex.compile(r"、|(?<=\p{Han}{2})(?:和|及|与|以及)(?=\p{Han}{2})")


def _list_items(ctx: Context, end: int) -> list[tuple[int, int]]:
    """The items of the enumeration ending at ``end`` (A、B和C).

    The first item starts after the last boundary word before it; a later
    item with a boundary word inside (阜新等城市拥有) is no name and is left out.
    """
    lo = end
    while lo > 0 and (NAME_CHAR_RE.match(ctx.text[lo - 1]) or ctx.text[lo - 1] == "、"):
        lo -= 1
    cuts = [m.span() for m in _ITEM_SPLIT.finditer(ctx.text, lo, end)]
    if not cuts:
        return []
    bounds = [lo, *[x for span in cuts for x in span], end]
    items = []
    for i, (s, e) in enumerate(zip(bounds[::2], bounds[1::2], strict=True)):
        whole = _entity_ending_at(ctx, e, e, ALL_LABELS)
        start = _name_start(ctx, e, max(s, e - 15), whole)
        if i == 0 or start == s:
            items.append((start, e))
    return items


def listed(ctx: Context) -> list[Name]:
    """Items of ``A、B、C等N家企业`` (and ``A、B、C三家``): companies unless their ending says otherwise."""
    g, out = ctx.grammar, []
    for m in g.list_end_re.finditer(ctx.text):
        for s, e in _list_items(ctx, m.start()):
            start, end = _trim(ctx.text, s, e, g)
            name = ctx.text[start:end]
            kind = classify(name, g) or "company"
            if acceptable(name, kind, g) and _distinctive(ctx, start, end) and not COUNT_RE.search(name):
                out.append(Name(start, end, name, "rule", kind))
    return out


def project_heads(ctx: Context) -> list[Name]:
    """The company heading a project named ``X年产…`` (桦森年产1G低温锂电池 → 桦森)."""
    g, out = ctx.grammar, []
    for m in g.project_head_re.finditer(ctx.text):
        clause_end = CLAUSE_END_RE.search(ctx.text, m.end()).start()
        if not g.project_word_re.search(ctx.text, m.end(), clause_end):
            continue  # 年产 of a company's output, not a project's name
        start = _name_start(ctx, m.start(), max(0, m.start() - 15))
        start, end = _trim(ctx.text, start, m.start(), g)
        name = ctx.text[start:end]
        kind = classify(name, g) or "company"
        if kind == "company" and acceptable(name, kind, g) and _distinctive(ctx, start, end):
            out.append(Name(start, end, name, "rule", kind))
    return out


def aliases(ctx: Context, names: Sequence[Name]) -> list[Name]:
    """``X（以下简称“Y”）``, and ``X（Y）`` where Y abbreviates X: Y names what X names."""
    out = []
    for n in names:
        m = ALIAS_RE.match(ctx.text, n.end) or BRACKETED_RE.match(ctx.text, n.end)
        if m is not None and (m.re is ALIAS_RE or abbreviates(m.group("short"), n.name, ctx.grammar)):
            s, e = m.span("short")
            out.append(Name(s, e, m.group("short"), "alias", n.kind, n.name))
    return out
