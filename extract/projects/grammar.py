"""The project grammar: ``rules/projects.yml`` and ``rules/stages.yml`` validated and compiled once, and the
constants every step shares.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, cached_property

import regex
from pydantic import BaseModel, ConfigDict

from ..dictionary import word_tags
from ..models import Stage
from ..rules import alternation, load_rules
from ..words import extraction_words

# --------------------------------------------------------------------------- rules


class Heads(BaseModel):
    """Head words of project names; weak heads need a sign of construction or investment."""

    strong: list[str]
    weak: list[str]


class ProjectRules(BaseModel):
    """``rules/projects.yml``; see the comments there for what each entry means."""

    model_config = ConfigDict(extra="forbid")

    heads: Heads
    boundaries: list[str]
    boundary_tags: list[str]
    single_boundary_tags: list[str]
    leading_tags: list[str]
    name_internal: list[str]
    conjunctions: list[str]
    head_continuations: list[str]
    function_tags: list[str]
    initial_boundaries: list[str]
    verb_boundaries: list[str]
    location_markers: list[str]
    not_after: list[str]
    bare_head_after: list[str]
    not_before: list[str]
    generic: list[str]
    not_projects: list[str]
    categories: list[str]
    programme_heads: list[str]
    rank_words: list[str]
    list_end: str
    aggregate: str
    prefix_aggregate: str
    anaphora: str
    anaphora_window: int
    single_item_tail: str
    new_subject: str
    achieved: str
    company_verbs: list[str]
    company_links: str
    company_before: str
    contact_titles: list[str]
    second_titles: list[str]
    contact_followers: str
    surnames: str
    compound_surnames: list[str]
    place_suffixes: list[str]
    zones: list[str]
    not_places: list[str]
    indicator_count: str
    indicator_region: str
    indicator_period: str
    name_suffixes: list[str]
    max_name: int = 45


class StageRules(BaseModel):
    """``rules/stages.yml``: stage keywords, and the words that make one a plan or a condition."""

    model_config = ConfigDict(extra="forbid")

    stages: dict[Stage, list[str]]
    before_blockers: list[str]
    blocker_window: int
    after_blockers: list[str]
    weak_keywords: list[str]
    expected: str


def _any_of(patterns: Iterable[str]) -> regex.Pattern:
    return regex.compile("|".join(f"(?:{p})" for p in patterns))


@dataclass(frozen=True)
class _Grammar:
    """The rule files compiled once."""

    rules: ProjectRules
    stages: StageRules

    @cached_property
    def strong_heads(self) -> frozenset[str]:
        return frozenset(self.rules.heads.strong)

    @cached_property
    def head_re(self) -> regex.Pattern:
        return regex.compile(alternation([*self.rules.heads.strong, *self.rules.heads.weak]))

    @cached_property
    def heads_only_re(self) -> regex.Pattern:
        return regex.compile(rf"(?:{alternation([*self.rules.heads.strong, *self.rules.heads.weak])})+")

    @cached_property
    def single_tail_re(self) -> regex.Pattern:
        return regex.compile(self.rules.single_item_tail)

    @cached_property
    def head_suffix_re(self) -> regex.Pattern:
        return regex.compile(rf"(?:{alternation([*self.rules.heads.strong, *self.rules.heads.weak])})$")

    @cached_property
    def boundaries(self) -> frozenset[str]:
        return frozenset(self.rules.boundaries)

    @cached_property
    def conjunctions(self) -> frozenset[str]:
        return frozenset(self.rules.conjunctions)

    @cached_property
    def location_re(self) -> regex.Pattern:
        return regex.compile(alternation(self.rules.location_markers))

    @cached_property
    def generic(self) -> frozenset[str]:
        return frozenset(self.rules.generic)

    @cached_property
    def rank_words(self) -> frozenset[str]:
        return frozenset(self.rules.rank_words)

    @cached_property
    def not_after_re(self) -> regex.Pattern:
        count = r"[\d一二三四五六七八九十百千几数多余]+[个项批座家处条]"
        return regex.compile(rf"(?:(?:{alternation(self.rules.not_after)})(?:{count})?|{count})$")

    @cached_property
    def not_before_re(self) -> regex.Pattern:
        return _any_of(self.rules.not_before)

    @cached_property
    def not_project_re(self) -> regex.Pattern:
        return _any_of(self.rules.not_projects)

    @cached_property
    def category_re(self) -> regex.Pattern:
        return _any_of(self.rules.categories)

    @cached_property
    def list_end_re(self) -> regex.Pattern:
        return regex.compile(self.rules.list_end)

    @cached_property
    def aggregate_re(self) -> regex.Pattern:
        return regex.compile(self.rules.aggregate)

    @cached_property
    def prefix_aggregate_re(self) -> regex.Pattern:
        return regex.compile(self.rules.prefix_aggregate)

    @cached_property
    def anaphora_re(self) -> regex.Pattern:
        return regex.compile(self.rules.anaphora)

    @cached_property
    def new_subject_re(self) -> regex.Pattern:
        return regex.compile(self.rules.new_subject)

    @cached_property
    def achieved_re(self) -> regex.Pattern:
        return regex.compile(self.rules.achieved)

    @cached_property
    def company_verb_re(self) -> regex.Pattern:
        return regex.compile(
            rf"(?:和|与|、|分别|共同|\p{{Han}}{{0,2}}?)(?:{alternation(self.rules.company_verbs)})"
        )

    @cached_property
    def company_link_re(self) -> regex.Pattern:
        return regex.compile(self.rules.company_links)

    @cached_property
    def company_before_re(self) -> regex.Pattern:
        return regex.compile(self.rules.company_before)

    @cached_property
    def contact_re(self) -> regex.Pattern:
        titles = alternation(self.rules.contact_titles)
        second = alternation(self.rules.second_titles)
        return regex.compile(rf"(?:{titles})(?:、[^，。；：]{{0,20}}?(?:{second}))?")

    @cached_property
    def contact_follow_re(self) -> regex.Pattern:
        return regex.compile(self.rules.contact_followers)

    @cached_property
    def place_re(self) -> regex.Pattern:
        return regex.compile(rf"\p{{Han}}+(?:{alternation(self.rules.place_suffixes)})")

    @cached_property
    def zones(self) -> frozenset[str]:
        return frozenset(self.rules.zones)

    @cached_property
    def not_places(self) -> frozenset[str]:
        return frozenset(self.rules.not_places)

    @cached_property
    def count_re(self) -> regex.Pattern:
        return regex.compile(self.rules.indicator_count)

    @cached_property
    def period_re(self) -> regex.Pattern:
        return regex.compile(self.rules.indicator_period)

    @cached_property
    def expected_re(self) -> regex.Pattern:
        return regex.compile(self.stages.expected)

    @cached_property
    def region_re(self) -> regex.Pattern:
        return regex.compile(self.rules.indicator_region)

    @cached_property
    def stage_re(self) -> regex.Pattern:
        return regex.compile(alternation(w for ws in self.stages.stages.values() for w in ws))

    @cached_property
    def stage_of(self) -> dict[str, Stage]:
        return {w: stage for stage, ws in self.stages.stages.items() for w in ws}

    @cached_property
    def stage_order(self) -> dict[Stage, int]:
        """How far along each stage is (the order of ``rules/stages.yml``)."""
        return {stage: i for i, stage in enumerate(self.stages.stages)}

    @cached_property
    def before_blocker_re(self) -> regex.Pattern:
        return regex.compile(alternation(self.stages.before_blockers))

    @cached_property
    def after_blocker_re(self) -> regex.Pattern:
        return regex.compile(alternation(self.stages.after_blockers))


@cache
def grammar() -> _Grammar:
    """The project and stage rules, loaded and compiled once per process."""
    return _Grammar(load_rules("projects", ProjectRules), load_rules("stages", StageRules))


def _known(word: str) -> bool:
    return bool(extraction_words().FREQ.get(word))


@cache
def _unknown_name(word: str) -> bool:
    """A word jieba only guessed (HMM) that looks like a proper name: 桦森, 吉成, 长北, but not 更多大.

    A guess containing a known word of grammar (更多, 一些) is grammar glued to
    something, not a name.
    """
    if len(word) < 2 or _known(word):
        return False
    pieces = {word[i:j] for i in range(len(word)) for j in range(i + 2, len(word) + 1) if j - i < len(word)}
    return not any(word_tags().get(p) in grammar().rules.function_tags for p in pieces)


PLACE_TAGS = frozenset({"ns"})
NAMING_KINDS = frozenset({"company", "government", "association", "institution", "media"})
"""Organisations whose names never hold a project name (parks and unknown kinds may be projects)."""
CLAUSE_BREAK = "，,；;。！？!?：:\n"
SEGMENT_BREAK = CLAUSE_BREAK + "、"
OPEN_QUOTES = "“‘「『"
CLOSE_QUOTES = "”’」』"
BRACKETS = {")": "(", "）": "（"}
LOOKBACK = 40
"""How far before a name its place or a marker of place is looked for (characters, within its sentence)."""
TITLE = regex.compile(r"《[^《》]{2,40}》|“[^“”]{2,40}”")
FILLER = regex.compile(r"[\d.]+|[、和及与的()（）]")
ALNUM = regex.compile(r"[\dA-Za-z]")
PHASE = regex.compile(r"[一二三四五六七八九十首\d]期")
#: A serial number in a name (长春新区16号风电项目, 5#高炉): jieba cuts 16|号, so words do not show it.
SERIAL = regex.compile(r"\d+\s*[号#＃]")
QUOTED_END = regex.compile(r"“([^“”]{3,})”$")
MODIFIER_GAP = regex.compile(r"[的\s]*")
FOREIGN_NAME = regex.compile(r"\p{Han}{1,6}·(?P<last>\p{Han}{1,6})")
HAN = regex.compile(r"\p{Han}+")
QUOTE_CHARS = '《》〈〉“”‘’"「」『』【】'
INVESTMENT_ROLES = frozenset({"total_investment", "planned_investment", "contract_investment"})
