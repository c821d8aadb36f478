"""Short forms: the cores a full company name goes by, and which short name of an article stands for
which fuller one."""

from __future__ import annotations

from typing import NamedTuple

import ahocorasick_rs
import regex

from ..dictionary import word_tags
from ..words import extraction_words
from .grammar import (
    PLACE_TAG,
    Grammar,
    abbreviates,
    acceptable,
    classify,
    company_rules,
    ending_of,
    is_common_word,
)
from .names import Name

# --------------------------------------------------------------------------- linking


def cores(name: str, g: Grammar) -> list[str]:
    """Short forms a full company name goes by: without legal form, industry words, place.

    吉林世宝机械制造有限公司 → 吉林世宝机械制造, 吉林世宝, 世宝.
    """
    out: list[str] = []
    core = name
    while (ending := ending_of(core, g)) and classify(core, g) == "company" and len(core) > len(ending) + 1:
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
    return [c for c in cores(name, g) if acceptable(c, "company", g) and not is_common_word(c, g)]


def group_member(group: str, name: str, grammar: Grammar | None = None) -> bool:
    """Is ``name`` a company of the group ``group`` names, not the group: the group's name and then a place
    (青岛啤酒|揭阳公司, 中电投|新疆公司, 国家电网|浙江舟山公司) or an arm in another trade (格力|地产,
    中国北车|财务有限公司)? The gold, like a reader, counts the group and its company as two, where a
    name that goes on with words of its trade is one (青岛啤酒|股份有限公司, 锦湖|轮胎)."""
    if len(name) <= len(group) or not name.startswith(group):
        return False
    rest = name[len(group) :]
    g = grammar or company_rules()
    at_place = word_tags().get(extraction_words().cut(rest)[0]) == PLACE_TAG
    return at_place or any(arm in rest for arm in g.rules.arms)


#: A group's form written in brackets (光明食品(集团)有限公司) reads as the form itself.
GROUP_IN_BRACKETS = regex.compile(r"[(（]集团[)）]")


def _form_class(name: str, g: Grammar) -> str:
    """A group's name (集团), a listed company's (股份, 控股) or another company's."""
    forms = g.rules.company_forms
    if any(w in name for w in forms.group):
        return "group"
    return "listed" if any(w in name for w in forms.listed) else "company"


def _stem(name: str, g: Grammar) -> str:
    """What stands before a name's company forms (重庆轻纺控股(集团)公司 → 重庆轻纺); "" without a form."""
    stem, forms = GROUP_IN_BRACKETS.sub("集团", name), g.company_forms_by_length
    while (form := next((f for f in forms if stem.endswith(f)), "")) and len(stem) > len(form):
        stem = stem[: -len(form)]
    return stem if stem != name else ""


def _looser(stem: str, g: Grammar) -> set[str]:
    """A stem without the place before it (中国五矿 → 五矿) or the trade word after it (建龙重工 → 建龙)."""
    out = {stem}
    if (m := g.place_re.match(stem)) and len(stem) - m.end() >= 2:
        out.add(stem[m.end() :])
    out |= {s[:brand] for s in list(out) if (brand := g.brand_length(s)) >= 2}
    return out


class CompanyForm(NamedTuple):
    """What :func:`same_company` reads of a name, read once: its stem (what stands before its company
    forms), the stem without place or trade word (:func:`_looser`), its class, and the brand it
    gives where it is a brand with 公司 (卓群公司 → 卓群; "" otherwise)."""

    stem: str
    looser: frozenset[str]
    kind: str
    brand: str

    @property
    def keys(self) -> frozenset[str]:
        """Characters two forms :func:`same_form` pairs share: every pairing rule compares a stem, or
        its brand, with the start of the other's looser stems, so a caller compares a name only with
        names sharing a key (no name with every other)."""
        return frozenset(s[0] for s in self.looser)


#: How long a brand written with 公司 may be (卓群公司, 中德公司, 里奇蒙德公司).
BRAND_LENGTHS = range(2, 5)


def company_form(name: str, grammar: Grammar | None = None) -> CompanyForm | None:
    """The :class:`CompanyForm` of a name ending in a company form; None for any other name."""
    g = grammar or company_rules()
    stem = _stem(name, g)
    if len(stem) < 2:
        return None
    brand = name.removesuffix("公司")
    if brand == name or len(brand) not in BRAND_LENGTHS or is_common_word(brand, g):
        brand = ""
    return CompanyForm(stem, frozenset(_looser(stem, g)), _form_class(name, g), brand)


def same_form(a: CompanyForm, b: CompanyForm, grammar: Grammar | None = None) -> bool:
    """:func:`same_company` over names read beforehand."""
    g = grammar or company_rules()
    if _brand_company(a.brand, b) or _brand_company(b.brand, a):
        return True
    if a.stem == b.stem:
        return {a.kind, b.kind} != {"group", "listed"}
    return a.kind == b.kind and (_shortens(a.stem, b, g) or _shortens(b.stem, a, g))


def same_company(name: str, other: str, grammar: Grammar | None = None) -> bool:
    """Are two names with company forms one company written two ways (``company_forms`` in
    ``rules/companies.yml``): 奇瑞汽车股份公司 / 奇瑞汽车有限公司, 五矿集团 / 中国五矿集团公司,
    中石油集团公司 / 中国石油天然气集团公司, or a registered name and its brand with 公司
    (江苏卓群纳米稀土股份有限公司 / 卓群公司)?"""
    a, b = company_form(name, grammar), company_form(other, grammar)
    return a is not None and b is not None and same_form(a, b, grammar)


def _shortens(stem: str, other: CompanyForm, g: Grammar) -> bool:
    """Is ``stem`` the other stem without its place or trade word (五矿, 中国五矿), or its
    abbreviation (中石油, 中国石油天然气)?"""
    return any(stem == s or abbreviates(stem, s, g) for s in other.looser)


def _brand_company(brand: str, other: CompanyForm) -> bool:
    """Does the other name's stem, its place aside, go on from ``brand`` (卓群公司 and
    江苏卓群纳米稀土)? The press names a company so after its full name."""
    return bool(brand) and any(s.startswith(brand) and len(s) > len(brand) for s in other.looser)


def link_names(names: list[Name], g: Grammar) -> dict[str, str]:
    """Short company name → the fuller name it stands for, within one article.

    A name contained in a longer company name of the article (一汽 in 一汽集团,
    香港公司 in 中钢香港公司) or abbreviating one (中石油 → 中国石油天然气集团公司)
    is that company, the earliest-mentioned candidate winning. No name is
    compared with every other: containment is read by one automaton over the
    names (its cost grows with the matches), and a name is tried as the
    abbreviation of the first ``ABBREVIATION_REACH`` names opening with its
    character only (an article listing a thousand companies of one place).
    """
    companies = list(dict.fromkeys(n.name for n in names if n.kind == "company"))
    links: dict[str, str] = {n.name: n.refers_to for n in names if n.refers_to}
    containing = _earliest_containing(companies)
    by_first: dict[str, list[int]] = {}
    for i, name in enumerate(companies):
        by_first.setdefault(name[0], []).append(i)
    for i, short in enumerate(companies):
        if short in links:
            continue
        best = containing.get(i)
        for j in by_first[short[0]][:ABBREVIATION_REACH]:
            if best is not None and j >= best:
                break
            if j != i and abbreviates(short, companies[j], g):
                best = j
                break
        if best is not None:
            links[short] = companies[best]
    return links


#: Names opening with a short name's first character it is tried as the abbreviation of.
ABBREVIATION_REACH = 50


def _earliest_containing(names: list[str]) -> dict[int, int]:
    """For each name (by index), the first other name that holds it (一汽 in 一汽集团)."""
    if not names:
        return {}
    automaton = ahocorasick_rs.AhoCorasick(names)
    out: dict[int, int] = {}
    for j, full in enumerate(names):
        for i, _, _ in automaton.find_matches_as_indexes(full, overlapping=True):
            if i != j:
                out.setdefault(i, j)
    return out


def root_of(name: str, links: dict[str, str]) -> str:
    seen = {name}
    while (nxt := links.get(name)) and nxt not in seen:
        seen.add(nxt)
        name = nxt
    return name
