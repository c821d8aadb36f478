"""Organisation names in Chinese press text, each with a kind (company, government, park ...).

Users query the registry by company, so a name must come out whole and as
the article writes it. Four sources propose names, one kind table decides
what each one is, and one pass finds every mention of every name:

1. the rule grammar: a legal or organisational ending (有限公司, 集团, 银行,
   人民政府, 商会 ...) with the start of the name found by walking back over
   jieba words to a boundary (与, 邀请, 对接, a common verb, punctuation).
   Where the NER model read the sentence, a company name must overlap one of
   its ORG spans (the rules alone take 现行商业银行 for a name);
2. the NER model (LAC), whose ORG spans are trimmed, carried over an industry
   word that follows (天茂|水泥), and checked against places, generic and
   common words. LAC tags government bodies ORG too: the kind table decides;
3. lists: the items of ``A、B和C等N家企业`` are companies, and so is the owner
   heading a project named ``X年产…`` in a clause about projects;
4. short forms: ``（以下简称“X”）``, ``X（Y）`` where Y abbreviates X, the cores
   of full names seen in the article (吉林世宝机械制造有限公司 → 吉林世宝, 世宝)
   and the caller's ``lexicon``.

A short form points at the full name it stands for (``refers_to``), so the
article's company list (:func:`company_names`) names each company once. The
model runs only on sentences passing a cheap trigger test (:func:`worth_ner`);
on the dev gold that finds the same companies as running it everywhere.
Rules and word lists are data in ``rules/companies.yml``.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property

import regex
from pydantic import BaseModel, ConfigDict, model_validator

from .dictionary import word_tags
from .models import Organisation, OrgKind
from .ner import Entity, NerModel
from .rules import alternation, load_rules
from .words import extraction_words

# --------------------------------------------------------------------------- rules

ORG: tuple[str, ...] = ("ORG",)
ALL_LABELS: tuple[str, ...] = ("ORG", "LOC", "PER")
CHINESE_DIGITS = "一二三四五六七八九十两百千万"
OPEN_QUOTES = "“\"「『《‘'"
CLOSE_QUOTES = "”\"」』》’'"
QUANTITY = rf"[\d{CHINESE_DIGITS}几数多]+"
NAME_CHAR = r"[\p{Han}A-Za-z0-9&＆()（）\-]"
"""Characters a name may contain; anything else (punctuation, space, quotes) ends it."""
_NAME_CHAR_RE = regex.compile(NAME_CHAR)
COUNT = rf"{QUANTITY}[个家户名所乡镇村位]"
"""A count of things (53家, 11个乡): no part of a name."""
_COUNT_RE = regex.compile(COUNT)
_TRAILING_COUNT_RE = regex.compile(rf"{COUNT}$")
_OPEN_BRACKET_RE = regex.compile(r"[(（][^)）]*$")
_BRACKETED_RE = regex.compile(r"[（(](?P<short>\p{Han}{2,8})[）)]")
_CLAUSE_END_RE = regex.compile(r"[，。；,;！？!?\n]|$")
_ALIAS_RE = regex.compile(
    r"\s*[（(]\s*(?:以下|下文)?(?:简称|称)[：:为]?\s*[\"“「『]?(?P<short>[^\"”」』）)，,、；;。]{2,12}?)[\"”」』]?\s*[）)]"
)


class KindOverride(BaseModel):
    """A name pattern whose kind its ending does not tell (世界银行 is no company)."""

    pattern: str
    kind: OrgKind


class Places(BaseModel):
    """What a place name looks like: its last character, or a listed country or province."""

    suffixes: list[str]
    names: list[str]


class CompanyRules(BaseModel):
    """``rules/companies.yml``; see the comments there for what each list means."""

    model_config = ConfigDict(extra="forbid")

    endings: dict[OrgKind, list[str]]
    anchors: list[str]
    legal_forms: list[str]
    registered_forms: list[str]
    place_after: list[str]
    branches: list[str]
    overrides: list[KindOverride]
    boundaries: list[str]
    stop_tags: list[str]
    name_words: list[str]
    determiners: list[str]
    generic: list[str]
    generic_exceptions: list[str]
    industries: list[str]
    sectors: list[str]
    tails: list[str]
    list_heads: list[str]
    list_quantifiers: list[str]
    project_heads: list[str]
    project_words: list[str]
    not_names: list[str]
    places: Places
    triggers: list[str]
    max_prefix: int
    common_frequency: int

    @model_validator(mode="after")
    def _consistent(self) -> CompanyRules:
        ending_kinds = {e: k for k, words in self.endings.items() for e in words}
        unknown = [a for a in [*self.anchors, *self.legal_forms, *self.branches] if a not in ending_kinds]
        if unknown:
            raise ValueError(f"anchors, legal forms or branches without a kind in endings: {unknown}")
        for pattern in [o.pattern for o in self.overrides] + self.not_names:
            regex.compile(pattern)
        return self


@dataclass(frozen=True)
class Grammar:
    """The rules compiled once: regexes and sets used on every article."""

    rules: CompanyRules

    @cached_property
    def ending_kind(self) -> dict[str, OrgKind]:
        return {e: k for k, words in self.rules.endings.items() for e in words}

    @cached_property
    def endings_by_length(self) -> list[str]:
        return sorted(self.ending_kind, key=len, reverse=True)

    @cached_property
    def anchor_re(self) -> regex.Pattern:
        return regex.compile(alternation(self.rules.anchors))

    @cached_property
    def branch_re(self) -> regex.Pattern:
        """A branch written after a name: optional place, then 分行/支行/分公司 ..."""
        return regex.compile(rf"(?:{self.place_re.pattern})?(?:{alternation(self.rules.branches)})")

    @cached_property
    def branch_end_re(self) -> regex.Pattern:
        return regex.compile(rf"(?:{self.branch_re.pattern})$")

    @cached_property
    def generic_exception_re(self) -> regex.Pattern:
        return regex.compile(rf"(?:{alternation(self.rules.generic_exceptions)})$")

    @cached_property
    def overrides(self) -> list[tuple[regex.Pattern, OrgKind]]:
        return [(regex.compile(o.pattern), o.kind) for o in self.rules.overrides]

    @cached_property
    def not_name_re(self) -> regex.Pattern:
        return regex.compile("|".join(f"(?:{p})" for p in self.rules.not_names))

    @cached_property
    def determiner_re(self) -> regex.Pattern:
        return regex.compile(rf"^(?:{alternation(self.rules.determiners)}|{COUNT})+")

    @cached_property
    def long_ending_re(self) -> regex.Pattern:
        """Endings of two characters or more (a single 部 or 报 after a name is often a verb's start)."""
        return regex.compile(alternation(e for e in self.ending_kind if len(e) >= 2))

    @cached_property
    def industry_re(self) -> regex.Pattern:
        return regex.compile(rf"(?:{alternation(self.rules.industries)})")

    def brand_length(self, name: str) -> int:
        """Length of what stands before a closing industry word (海润|光伏 → 2); 0 if none."""
        m = self.industry_end_re.search(name)
        return m.start() if m else 0

    @cached_property
    def tail_re(self) -> regex.Pattern:
        return regex.compile(rf"(?:{alternation(self.rules.tails)})$")

    @cached_property
    def sector_re(self) -> regex.Pattern:
        return regex.compile(alternation(self.rules.sectors))

    @cached_property
    def industry_end_re(self) -> regex.Pattern:
        return regex.compile(rf"(?:{alternation(self.rules.industries)})$")

    @cached_property
    def generic_re(self) -> regex.Pattern:
        """Text made only of generic words and determiners: no proper part of a name."""
        words = alternation([*self.rules.generic, *self.rules.determiners])
        return regex.compile(rf"(?:{words})*")

    @cached_property
    def place_after(self) -> frozenset[str]:
        return frozenset(self.rules.place_after)

    @cached_property
    def registered_re(self) -> regex.Pattern:
        """A place, then any words, then a registered legal form: a registered name."""
        forms = alternation(self.rules.registered_forms)
        return regex.compile(rf"(?:{self.place_re.pattern})\p{{Han}}.*?(?:{forms})$")

    @cached_property
    def place_re(self) -> regex.Pattern:
        names = alternation(self.rules.places.names)
        suffixes = "".join(self.rules.places.suffixes)
        return regex.compile(rf"(?:{names}|\p{{Han}}{{1,5}}?[{suffixes}])")

    @cached_property
    def list_end_re(self) -> regex.Pattern:
        heads = alternation(self.rules.list_heads)
        quantifiers = alternation(self.rules.list_quantifiers)
        return regex.compile(
            rf"等(?:{QUANTITY}[家户个]|{quantifiers})?(?:{NAME_CHAR}){{0,8}}?(?:{heads})"
            rf"|(?<=、{NAME_CHAR}{{1,12}}\p{{Han}}){QUANTITY}[家户](?!{NAME_CHAR}{{0,3}}?(?:项目|产品))"
        )

    @cached_property
    def project_head_re(self) -> regex.Pattern:
        heads = alternation(self.rules.project_heads)
        return regex.compile(rf"(?:{heads})(?=[\d{CHINESE_DIGITS}])")

    @cached_property
    def project_word_re(self) -> regex.Pattern:
        return regex.compile(alternation(self.rules.project_words))

    @cached_property
    def trigger_re(self) -> regex.Pattern:
        company_anchors = [a for a in self.rules.anchors if self.ending_kind[a] == "company"]
        return regex.compile(alternation([*self.rules.triggers, *company_anchors, *self.rules.industries]))

    @cached_property
    def boundaries(self) -> frozenset[str]:
        return frozenset(self.rules.boundaries)

    @cached_property
    def name_words(self) -> frozenset[str]:
        r = self.rules
        return frozenset([*r.name_words, *r.generic, *r.industries, *self.ending_kind])


@cache
def company_rules() -> Grammar:
    """The company rules, loaded and compiled once per process."""
    return Grammar(load_rules("companies", CompanyRules))


PLACE_TAG = "ns"


# --------------------------------------------------------------------------- text view


@dataclass(frozen=True)
class _View:
    """The text with layout breaks inside a line of prose removed, and the way back.

    E-paper dumps cut ``有限公\\n\\n司`` across columns; the cleaner joins most of
    these, and this view joins the rest so a name is matched whole. ``origin[i]``
    is the offset in the given text of view character ``i``.
    """

    text: str
    origin: list[int]

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        return self.origin[start], self.origin[end - 1] + 1

    def to_view(self, offset: int) -> int:
        return bisect.bisect_left(self.origin, offset)


_LAYOUT_BREAK = regex.compile(r"(?<=[\p{Han}A-Za-z0-9])[ \t\u3000]*\n\s*(?=\p{Han})")
MIN_PROSE_LINE = 20
"""A line shorter than this before a break is a heading or caption, not prose cut by a column."""


def _view(text: str) -> _View:
    """Drop each line break (and the space around it) that ends a line of prose mid-sentence.

    A line with fields set apart by a space is a row of a table (项目名称 总投资 建设单位): its
    break is real, and the name ending it is not continued by the next row's first words.
    """
    keep = [True] * len(text)
    for match in _LAYOUT_BREAK.finditer(text):
        line_start = text.rfind("\n", 0, match.start()) + 1
        row = " " in text[line_start : match.start()]
        if match.start() - line_start >= MIN_PROSE_LINE and not row:
            for i in range(*match.span()):
                keep[i] = False
    origin = [i for i, k in enumerate(keep) if k]
    return _View("".join(text[i] for i in origin), origin)


# --------------------------------------------------------------------------- names


@dataclass
class _Name:
    """A proposed organisation name at one place of the view text."""

    start: int
    end: int
    name: str
    source: str
    kind: OrgKind | None = None
    refers_to: str | None = None


@dataclass
class _Context:
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


def classify(name: str, grammar: Grammar | None = None) -> OrgKind | None:
    """The kind a name's ending (or an override) gives it; None where nothing tells."""
    g = grammar or company_rules()
    for pattern, kind in g.overrides:
        if pattern.search(name):
            return kind
    for ending in g.endings_by_length:
        if name.endswith(ending):
            return g.ending_kind[ending]
    return None


def _ending(name: str, g: Grammar) -> str:
    return next((e for e in g.endings_by_length if name.endswith(e)), "")


def is_common_word(word: str, grammar: Grammar | None = None) -> bool:
    """A word jieba's dictionary gives at least ``common_frequency``: alone it is no name."""
    g = grammar or company_rules()
    return extraction_words().FREQ.get(word, 0) >= g.rules.common_frequency


def _is_place(name: str, g: Grammar) -> bool:
    """A place name: listed, ending in 省/市/县 ..., or a place in jieba's dictionary (鞍山)."""
    return (bool(g.place_re.fullmatch(name)) and len(name) <= 6) or word_tags().get(name) == PLACE_TAG


def _is_generic(name: str, kind: OrgKind | None, g: Grammar) -> bool:
    """True where nothing in the name is proper: 电信公司, 中国公司, 新能源汽车, 国际大公司.

    A place does make a name of a bank, a government body or a park (北京银行,
    四平市人民政府) and of a sector word (英国电信), not of a bare legal form
    (中国公司). A branch is judged by what it is a branch of (中国电信|武汉分公司).
    """
    if (branch := g.branch_end_re.search(name)) and branch.start() >= 2:
        head = name[: branch.start()]
        return _is_generic(head, classify(head, g), g)
    if g.generic_exception_re.search(name) or is_registered(name, g):
        return False
    ending = _ending(name, g)
    rest = g.determiner_re.sub("", name[: len(name) - len(ending)])
    if not rest:
        return True
    if kind in ("company", None) and ending in g.rules.legal_forms:
        rest = g.place_re.sub("", rest)
    elif g.place_re.fullmatch(rest):
        return False
    return not rest or bool(g.generic_re.fullmatch(rest))


def begins_place(text: str, end: int, grammar: Grammar | None = None) -> bool:
    """Does a known name ending at ``end`` begin a place's name (深圳华强|北, X|路)? Only where the
    character after it is a word of its own: 深圳华强|北京分公司 is the company's branch."""
    g = grammar or company_rules()
    if end >= len(text) or text[end] not in g.place_after:
        return False
    return len(extraction_words().cut(text[end : end + 3], HMM=False)[0]) == 1


def is_registered(name: str, g: Grammar) -> bool:
    """A registered name: a place, some words, a registered legal form (浙江文化旅游集团有限公司,
    新疆电力建设有限责任公司). Whatever its words (ordinary ones like 文化旅游, 电力建设 among them),
    such a name is a company's own, never a description."""
    return bool(g.registered_re.fullmatch(name))


def _acceptable(name: str, kind: OrgKind | None, g: Grammar) -> bool:
    """The checks every proposed name passes, whatever proposed it."""
    return (
        2 <= len(name) <= 40
        and not g.not_name_re.search(name)
        and not _is_place(name, g)
        and not _is_generic(name, kind, g)
    )


def _trim(text: str, start: int, end: int, g: Grammar) -> tuple[int, int]:
    """Drop what is no part of a name at either end: symbols, 该/这家, a trailing 三家."""
    while start < end and not _NAME_CHAR_RE.match(text[start]):
        start += 1
    while end > start and not _NAME_CHAR_RE.match(text[end - 1]):
        end -= 1
    if m := g.determiner_re.match(text, start, end):
        start = m.end()
    if m := _TRAILING_COUNT_RE.search(text, start, end):
        end = m.start()
    if m := _OPEN_BRACKET_RE.search(text, start, end):
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


def _name_start(ctx: _Context, end: int, lowest: int, whole: Entity | None = None) -> int:
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


def _scan_start(ctx: _Context, end: int, lowest: int, by_tag: bool = True) -> int:
    """The start after the last boundary word (or punctuation) before ``end``.

    ``by_tag`` also stops at common verbs and particles (jieba's tags), which
    is needed where no NER span vouches for the words.
    """
    start = end
    while start > lowest and _NAME_CHAR_RE.match(ctx.text[start - 1]):
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


def _entity_ending_at(ctx: _Context, end: int, before: int, labels: tuple[str, ...]) -> Entity | None:
    """An entity with one of ``labels`` that ends at ``end`` and starts before ``before``."""
    return next((e for e in ctx.entities_ending_at(end) if e[0] < before and e[2] in labels), None)


def _anchored(ctx: _Context) -> list[_Name]:
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
        name = ctx.text[start:end]
        kind = classify(name, g)
        # A company name the model read but did not tag is a description (商业银行, 而公司).
        unsupported = (
            kind == "company"
            and ctx.covered(start)
            and not ctx.entity_at(start, end, ORG)
            and not is_registered(name, g)
        )
        if not unsupported and _acceptable(name, kind, g) and not _splits_word(ctx.text, end, g):
            out.append(_Name(start, end, name, "rule", kind))
    return out


def _place_before(text: str, start: int, end: int, g: Grammar) -> int:
    """Where a registered name starts when the place written right before it is its first word:
    LAC reads 大连|万达集团股份有限公司 as a place and a company, the registration as one name."""
    if start == 0 or not text[start - 1].isalpha():
        return start
    before = extraction_words().cut(text[max(0, start - 6) : start], HMM=False)
    place = before[-1] if before else ""
    if place and _is_place(place, g) and is_registered(text[start - len(place) : end], g):
        return start - len(place)
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


def _ner_names(ctx: _Context) -> list[_Name]:
    """ORG entities of the model, trimmed, extended, and checked against common words."""
    g, out = ctx.grammar, []
    for s, e, label in ctx.entities:
        if label != "ORG":
            continue
        start, end = _trim(ctx.text, s, e, g)
        if _is_place(ctx.text[start:end], g):
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
            _acceptable(name, kind, g)
            and not _only_common_words(name, g)
            and not _quoted_fragment(ctx.text, start, end)
            and not _splits_word(ctx.text, end, g)
        ):
            out.append(_Name(start, end, name, "ner", kind))
    return out


def _distinctive(ctx: _Context, start: int, end: int) -> bool:
    """A list item that can be a name: an entity, an industry name, or a rare word in it."""
    g, item = ctx.grammar, ctx.text[start:end]
    if ctx.entity_at(start, end):
        return True
    if (brand := g.brand_length(item)) >= 2:
        return not is_common_word(item[:brand], g)
    return any(not is_common_word(w, g) for w in extraction_words().cut(item) if len(w) >= 2)


_ITEM_SPLIT = regex.compile(r"、|(?<=\p{Han}{2})(?:和|及|与|以及)(?=\p{Han}{2})")


def _list_items(ctx: _Context, end: int) -> list[tuple[int, int]]:
    """The items of the enumeration ending at ``end`` (A、B和C).

    The first item starts after the last boundary word before it; a later
    item with a boundary word inside (阜新等城市拥有) is no name and is left out.
    """
    lo = end
    while lo > 0 and (_NAME_CHAR_RE.match(ctx.text[lo - 1]) or ctx.text[lo - 1] == "、"):
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


def _listed(ctx: _Context) -> list[_Name]:
    """Items of ``A、B、C等N家企业`` (and ``A、B、C三家``): companies unless their ending says otherwise."""
    g, out = ctx.grammar, []
    for m in g.list_end_re.finditer(ctx.text):
        for s, e in _list_items(ctx, m.start()):
            start, end = _trim(ctx.text, s, e, g)
            name = ctx.text[start:end]
            kind = classify(name, g) or "company"
            if _acceptable(name, kind, g) and _distinctive(ctx, start, end) and not _COUNT_RE.search(name):
                out.append(_Name(start, end, name, "rule", kind))
    return out


def _project_heads(ctx: _Context) -> list[_Name]:
    """The company heading a project named ``X年产…`` (桦森年产1G低温锂电池 → 桦森)."""
    g, out = ctx.grammar, []
    for m in g.project_head_re.finditer(ctx.text):
        clause_end = _CLAUSE_END_RE.search(ctx.text, m.end()).start()
        if not g.project_word_re.search(ctx.text, m.end(), clause_end):
            continue  # 年产 of a company's output, not a project's name
        start = _name_start(ctx, m.start(), max(0, m.start() - 15))
        start, end = _trim(ctx.text, start, m.start(), g)
        name = ctx.text[start:end]
        kind = classify(name, g) or "company"
        if kind == "company" and _acceptable(name, kind, g) and _distinctive(ctx, start, end):
            out.append(_Name(start, end, name, "rule", kind))
    return out


def _aliases(ctx: _Context, names: Sequence[_Name]) -> list[_Name]:
    """``X（以下简称“Y”）``, and ``X（Y）`` where Y abbreviates X: Y names what X names."""
    out = []
    for n in names:
        m = _ALIAS_RE.match(ctx.text, n.end) or _BRACKETED_RE.match(ctx.text, n.end)
        if m is not None and (m.re is _ALIAS_RE or _abbreviates(m.group("short"), n.name, ctx.grammar)):
            s, e = m.span("short")
            out.append(_Name(s, e, m.group("short"), "alias", n.kind, n.name))
    return out


# --------------------------------------------------------------------------- linking


def _cores(name: str, g: Grammar) -> list[str]:
    """Short forms a full company name goes by: without legal form, industry words, place.

    吉林世宝机械制造有限公司 → 吉林世宝机械制造, 吉林世宝, 世宝.
    """
    out: list[str] = []
    core = name
    while (ending := _ending(core, g)) and classify(core, g) == "company" and len(core) > len(ending) + 1:
        core = regex.sub(r"[(（]\p{Han}{2,4}[)）]$", "", core[: -len(ending)])
        out.append(core)
    while (brand := g.brand_length(core)) >= 2:
        core = core[:brand]
        out.append(core)
    if (m := g.place_re.match(core)) and len(core) - m.end() >= 2:
        out.append(core[m.end() :])
    return [c for c in out if c != name]


def short_forms(name: str, grammar: Grammar | None = None) -> list[str]:
    """The short forms of a full company name that can stand for it: no common words (科技, 机械)."""
    g = grammar or company_rules()
    return [c for c in _cores(name, g) if _acceptable(c, "company", g) and not is_common_word(c, g)]


def _link(names: list[_Name], g: Grammar) -> dict[str, str]:
    """Short company name → the fuller name it stands for, within one article.

    A name contained in a longer company name of the article (一汽 in 一汽集团,
    香港公司 in 中钢香港公司) or abbreviating one (中石油 → 中国石油天然气集团公司)
    is that company, the earliest-mentioned candidate winning.
    """
    companies = list(dict.fromkeys(n.name for n in names if n.kind == "company"))
    links: dict[str, str] = {n.name: n.refers_to for n in names if n.refers_to}
    for short in companies:
        if short in links:
            continue
        for full in companies:
            if full != short and (short in full or _abbreviates(short, full, g)):
                links[short] = full
                break
    return links


def _abbreviates(short: str, full: str, g: Grammar) -> bool:
    """中石油 abbreviates 中国石油天然气集团公司: same first character, the rest in order.

    A name with a legal form of its own (中购集团) is a company of its own.
    """
    if (
        len(short) < 3
        or short[0] != full[0]
        or len(full) < 2 * len(short)
        or _ending(short, g) in g.rules.legal_forms
    ):
        return False
    it = iter(full)
    return all(ch in it for ch in short)


def _root(name: str, links: dict[str, str]) -> str:
    seen = {name}
    while (nxt := links.get(name)) and nxt not in seen:
        seen.add(nxt)
        name = nxt
    return name


# --------------------------------------------------------------------------- entry points


def _ner_units(view: _View, sentences: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Caller's sentences in view coordinates, merged where a layout break was removed."""
    units: list[tuple[int, int]] = []
    for s, e in sentences:
        vs, ve = view.to_view(s), view.to_view(e)
        if ve <= vs:
            continue
        if units and units[-1][1] == vs and _NAME_CHAR_RE.match(view.text[vs - 1]):
            units[-1] = (units[-1][0], ve)
        else:
            units.append((vs, ve))
    return units


def worth_ner(sentence: str, grammar: Grammar | None = None) -> bool:
    """The cheap test deciding whether the NER model runs on a sentence."""
    return bool((grammar or company_rules()).trigger_re.search(sentence))


def _model_units(
    view: _View, sentences: list[tuple[int, int]], g: Grammar, only_triggered: bool
) -> list[tuple[int, int]]:
    """The units the NER model reads, in view coordinates."""
    units = [piece for unit in _ner_units(view, sentences) for piece in _pieces(view.text, *unit)]
    return [u for u in units if not only_triggered or worth_ner(view.text[u[0] : u[1]], g)]


#: The longest unit the NER model reads: a longer sentence (a list of rows read as one, a page pasted
#: without punctuation) is cut, at a break where there is one. The network reads a unit alone, step
#: by step; cut, the pieces share its calls with the other sentences (88k characters: 10 s → 1 s).
NER_UNIT = 400
NER_CUTS = frozenset("，,；;。！？!?：: \n、")


def _pieces(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """``[start, end)`` cut into units of at most :data:`NER_UNIT`, after a break in the last half."""
    while end - start > NER_UNIT:
        limit = start + NER_UNIT
        cut = next((i + 1 for i in range(limit - 1, start + NER_UNIT // 2, -1) if text[i] in NER_CUTS), limit)
        yield start, cut
        start = cut
    yield start, end


@dataclass(frozen=True)
class NerInput:
    """An article as the NER model reads it: the view, and the units (view spans) given to the model.

    Made once per article: the pipeline gathers many articles' units to run
    the model over all of them at once, then extracts each from the same input.
    """

    view: _View
    units: list[tuple[int, int]]

    @property
    def sentences(self) -> list[str]:
        return [self.view.text[s:e] for s, e in self.units]


def ner_input(text: str, sentences: list[tuple[int, int]], *, only_triggered: bool = True) -> NerInput:
    """The units of ``text`` the NER model reads: those of its sentences that pass :func:`worth_ner`."""
    view = _view(text)
    return NerInput(view, _model_units(view, sentences, company_rules(), only_triggered))


def _entities(prepared: NerInput, model: NerModel) -> list[Entity]:
    """NER entities in view coordinates."""
    found = model.entities(prepared.sentences)
    spans = sorted(
        (s + us, e + us, label)
        for (us, _), ents in zip(prepared.units, found, strict=True)
        for s, e, label in ents
    )
    return _merge_touching(spans)


def _merge_touching(entities: list[Entity]) -> list[Entity]:
    """An ORG written right after a place or an ORG is one name (LAC splits 英国|电信)."""
    out: list[Entity] = []
    for s, e, label in entities:
        if out and out[-1][1] == s and label == "ORG" and out[-1][2] in ("ORG", "LOC"):
            out[-1] = (out[-1][0], e, "ORG")
        else:
            out.append((s, e, label))
    return out


def find_organisations(
    text: str,
    sentences: list[tuple[int, int]],
    model: NerModel | None,
    lexicon: Iterable[str] = (),
    *,
    only_triggered: bool = True,
    prepared: NerInput | None = None,
) -> list[Organisation]:
    """Organisation mentions with kind (company, government, association, park, institution, media, other).

    ``sentences`` are the (start, end) spans of ``text``'s sentences; the NER
    ``model`` runs on those that pass :func:`worth_ner` (all of them with
    ``only_triggered=False``). ``lexicon`` holds names known from earlier
    articles. Every mention of every name found is returned, in text order;
    a short form carries the full name it stands for in ``refers_to``.
    ``prepared`` is :func:`ner_input` of the text, where the caller made it.
    """
    g = company_rules()
    if model is None:
        prepared = NerInput(_view(text), [])
    elif prepared is None:
        prepared = ner_input(text, sentences, only_triggered=only_triggered)
    view = prepared.view
    entities = _entities(prepared, model) if model else []
    ctx = _Context(view.text, g, entities, prepared.units)
    found = [*_anchored(ctx), *_ner_names(ctx), *_listed(ctx), *_project_heads(ctx)]
    found += _aliases(ctx, found)
    found += [_Name(0, 0, n, "lexicon", classify(n, g) or "company") for n in lexicon if n]
    found += [
        _Name(0, 0, core, "alias", "company", n.name)
        for n in found
        if n.kind == "company" and n.source != "alias"
        for core in short_forms(n.name, g)
    ]
    companies = {n.name for n in found if n.kind == "company"}
    found = [n for n in found if n.source != "ner" or not _overruns(n.name, companies, g)]
    return _mentions(text, view, found, g)


def _overruns(name: str, known: set[str], g: Grammar) -> bool:
    """An NER name that is a known name plus words of the sentence (中钢|从一, 中钢|下属)."""
    for k in known:
        if k != name and name.startswith(k):
            rest = name[len(k) :]
            if classify(rest, g) is None and not g.industry_re.fullmatch(rest):
                return True
    return False


def _mentions(text: str, view: _View, found: list[_Name], g: Grammar) -> list[Organisation]:
    """Every occurrence of every name, longest first where names overlap."""
    best: dict[str, _Name] = {}
    for n in found:  # the first proposal of a name decides its source, kind and link
        best.setdefault(n.name, n)
    links = _link(list(best.values()), g)
    out = []
    for found_start, found_end, name in leftmost_longest(view.text, best):
        n = best[name]
        start, end = view.to_original(found_start, found_end)
        root = _root(n.name, links)
        out.append(
            Organisation(
                start=start,
                end=end,
                text=text[start:end],
                name=n.name,
                kind=n.kind or "other",
                source=n.source,
                refers_to=root if root != n.name else None,
            )
        )
    return out


def leftmost_longest(text: str, words: Iterable[str]) -> list[tuple[int, int, str]]:
    """Non-overlapping occurrences of ``words``, scanning left to right, the longest word where several start.

    What ``finditer`` of the words' alternation (longest first) finds, without
    compiling a pattern for every article's names (that was 6 % of the pipeline).
    """
    hits = []
    for word in set(words):
        at = text.find(word)
        while at >= 0 and word:
            hits.append((at, -len(word), word))
            at = text.find(word, at + 1)
    out: list[tuple[int, int, str]] = []
    for start, negative_length, word in sorted(hits):
        if not out or start >= out[-1][1]:
            out.append((start, start - negative_length, word))
    return out


def company_names(organisations: Iterable[Organisation]) -> list[str]:
    """The article's distinct companies, each by its fullest name, in order of first mention."""
    return list(dict.fromkeys(o.refers_to or o.name for o in organisations if o.kind == "company"))
