"""Short forms: the cores a full company name goes by, and which short name of an article stands for
which fuller one."""

from __future__ import annotations

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
    stem = GROUP_IN_BRACKETS.sub("集团", name)
    while (form := next((f for f in g.company_forms if stem.endswith(f)), "")) and len(stem) > len(form):
        stem = stem[: -len(form)]
    return stem if stem != name else ""


def _looser(stem: str, g: Grammar) -> set[str]:
    """A stem without the place before it (中国五矿 → 五矿) or the trade word after it (建龙重工 → 建龙)."""
    out = {stem}
    if (m := g.place_re.match(stem)) and len(stem) - m.end() >= 2:
        out.add(stem[m.end() :])
    out |= {s[:brand] for s in list(out) if (brand := g.brand_length(s)) >= 2}
    return out


def same_company(name: str, other: str, grammar: Grammar | None = None) -> bool:
    """Are two names with company forms one company written two ways (``company_forms`` in
    ``rules/companies.yml``): 奇瑞汽车股份公司 / 奇瑞汽车有限公司, 五矿集团 / 中国五矿集团公司,
    中石油集团公司 / 中国石油天然气集团公司, or a registered name and its brand with 公司
    (江苏卓群纳米稀土股份有限公司 / 卓群公司)?"""
    g = grammar or company_rules()
    a, b = _stem(name, g), _stem(other, g)
    if len(a) < 2 or len(b) < 2:
        return False
    if _brand_company(name, b, g) or _brand_company(other, a, g):
        return True
    classes = {_form_class(name, g), _form_class(other, g)}
    if a == b:
        return classes != {"group", "listed"}
    return len(classes) == 1 and (_shortens(a, b, g) or _shortens(b, a, g))


def _shortens(stem: str, other: str, g: Grammar) -> bool:
    """Is ``stem`` the other stem without its place or trade word (五矿, 中国五矿), or its
    abbreviation (中石油, 中国石油天然气)?"""
    return any(stem == s or abbreviates(stem, s, g) for s in _looser(other, g))


#: How long a brand written with 公司 may be (卓群公司, 中德公司, 里奇蒙德公司).
BRAND_LENGTHS = range(2, 5)


def _brand_company(name: str, stem: str, g: Grammar) -> bool:
    """Is ``name`` a brand and 公司 where the other name's ``stem``, its place aside, goes on from
    that brand (卓群公司 and 江苏卓群纳米稀土)? The press names a company so after its full name."""
    brand = name.removesuffix("公司")
    return (
        len(brand) in BRAND_LENGTHS
        and brand != name
        and not is_common_word(brand, g)
        and any(s.startswith(brand) and len(s) > len(brand) for s in _looser(stem, g))
    )


def link_names(names: list[Name], g: Grammar) -> dict[str, str]:
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
            if full != short and (short in full or abbreviates(short, full, g)):
                links[short] = full
                break
    return links


def root_of(name: str, links: dict[str, str]) -> str:
    seen = {name}
    while (nxt := links.get(name)) and nxt not in seen:
        seen.add(nxt)
        name = nxt
    return name
