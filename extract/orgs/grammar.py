"""The company rules (``rules/companies.yml``) compiled, and what they say of a name alone: its kind
(company, government, park ...), whether it is a place, a generic or common word, a registered name."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, cached_property

import regex
from pydantic import BaseModel, ConfigDict, model_validator

from ..dictionary import word_tags
from ..models import OrgKind
from ..rules import alternation, load_rules
from ..words import extraction_words

# --------------------------------------------------------------------------- rules

ORG: tuple[str, ...] = ("ORG",)
ALL_LABELS: tuple[str, ...] = ("ORG", "LOC", "PER")
CHINESE_DIGITS = "一二三四五六七八九十两百千万"
OPEN_QUOTES = "“\"「『《‘'"
CLOSE_QUOTES = "”\"」』》’'"
QUANTITY = rf"[\d{CHINESE_DIGITS}几数多]+"
NAME_CHAR = r"[\p{Han}A-Za-z0-9&＆()（）\-]"
"""Characters a name may contain; anything else (punctuation, space, quotes) ends it."""
NAME_CHAR_RE = regex.compile(NAME_CHAR)
COUNT = rf"{QUANTITY}[个家户名所乡镇村位]"
"""A count of things (53家, 11个乡): no part of a name."""
COUNT_RE = regex.compile(COUNT)
TRAILING_COUNT_RE = regex.compile(rf"{COUNT}$")
OPEN_BRACKET_RE = regex.compile(r"[(（][^)）]*$")
BRACKETED_RE = regex.compile(r"[（(](?P<short>\p{Han}{2,8})[）)]")
BRACKETED_PLACE_RE = regex.compile(r"[（(]\p{Han}{2,6}[）)]")
"""A place (or 集团) in brackets inside a registered name: 麒麟(中国)投资有限公司, 台泥(安顺)水泥有限公司,
武汉钢铁(集团)公司; jieba knows few of the places as places (安顺 is a person's name to it)."""
CLAUSE_END_RE = regex.compile(r"[，。；,;！？!?\n]|$")
ALIAS_RE = regex.compile(
    r"\s*[（(]\s*(?:以下|下文)?(?:简称|称)[：:为]?\s*[\"“「『]?(?P<short>[^\"”」』）)，,、；;。]{2,12}?)[\"”」』]?\s*[）)]"
)


class KindOverride(BaseModel):
    """A name pattern whose kind its ending does not tell (世界银行 is no company)."""

    pattern: str
    kind: OrgKind


class CompanyForms(BaseModel):
    """Forms that end a company's name, and the words that make a name a group's or a listed company's."""

    forms: list[str]
    group: list[str]
    listed: list[str]


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
    company_forms: CompanyForms
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
    arms: list[str]
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
    def company_forms_by_length(self) -> list[str]:
        """The forms of ``company_forms``, longest first (a name ends in the longest it can)."""
        return sorted(self.rules.company_forms.forms, key=len, reverse=True)

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


def ending_of(name: str, g: Grammar) -> str:
    return next((e for e in g.endings_by_length if name.endswith(e)), "")


def is_common_word(word: str, grammar: Grammar | None = None) -> bool:
    """A word jieba's dictionary gives at least ``common_frequency``: alone it is no name."""
    g = grammar or company_rules()
    return extraction_words().FREQ.get(word, 0) >= g.rules.common_frequency


def is_place(name: str, g: Grammar) -> bool:
    """A place name: listed, ending in 省/市/县 ..., or a place in jieba's dictionary (鞍山)."""
    return (bool(g.place_re.fullmatch(name)) and len(name) <= 6) or word_tags().get(name) == PLACE_TAG


def is_generic(name: str, kind: OrgKind | None, g: Grammar) -> bool:
    """True where nothing in the name is proper: 电信公司, 中国公司, 新能源汽车, 国际大公司.

    A place does make a name of a bank, a government body or a park (北京银行,
    四平市人民政府) and of a sector word (英国电信), not of a bare legal form
    (中国公司). A branch is judged by what it is a branch of (中国电信|武汉分公司).
    """
    if (branch := g.branch_end_re.search(name)) and branch.start() >= 2:
        head = name[: branch.start()]
        return is_generic(head, classify(head, g), g)
    if g.generic_exception_re.search(name) or is_registered(name, g):
        return False
    ending = ending_of(name, g)
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
    新疆电力建设有限责任公司), or a brand with its place in brackets before a company's ending
    (麒麟(中国)投资有限公司, 惠生(南京)清洁能源公司). Whatever its words (ordinary ones like 文化旅游,
    电力建设 among them), such a name is a company's own, never a description."""
    if g.registered_re.fullmatch(name):
        return True
    m = BRACKETED_PLACE_RE.search(name)
    return bool(m and m.start() >= 2 and name.endswith((*g.rules.registered_forms, "公司", "集团")))


def acceptable(name: str, kind: OrgKind | None, g: Grammar) -> bool:
    """The checks every proposed name passes, whatever proposed it."""
    return (
        2 <= len(name) <= 40
        and not g.not_name_re.search(name)
        and not is_place(name, g)
        and not is_generic(name, kind, g)
    )


def abbreviates(short: str, full: str, g: Grammar) -> bool:
    """中石油 abbreviates 中国石油天然气集团公司: same first character, the rest in order.

    A name with a legal form of its own (中购集团) is a company of its own.
    """
    if (
        len(short) < 3
        or short[0] != full[0]
        or len(full) < 2 * len(short)
        or ending_of(short, g) in g.rules.legal_forms
    ):
        return False
    it = iter(full)
    return all(ch in it for ch in short)
