"""The grammar's run over one article: namings judged, overlaps resolved, facts collected, project
records and aggregate indicators made.
"""

from __future__ import annotations

from collections import Counter
from typing import NamedTuple

from ..dictionary import word_tags
from ..models import Capacity, DateRange, Indicator, Mention, Money, Organisation, Project
from ..numbers import NumberError, parse_number
from .article import Intervals, _Article
from .facts import (
    _capacity_facts,
    _company_facts,
    _contact_facts,
    _date_facts,
    _Facts,
    _money_facts,
    _place_facts,
    _same_capacity,
    _stage_facts,
)
from .grammar import INVESTMENT_ROLES, _unknown_name, grammar
from .grouping import _group, _key
from .namings import (
    _acceptable,
    _content_tokens,
    _head_namings,
    _is_generic,
    _is_specific,
    _List,
    _list_namings,
    _Naming,
)
from .scopes import _Scopes, _scopes


class RuleProjects(NamedTuple):
    """The grammar's output for one article."""

    projects: list[Project]
    indicators: list[Indicator]
    contacts: list[Mention]
    proposals: list[tuple[int, int, bool, bool]]
    """Every span the grammar proposed as a name: start, end, a list item?, accepted?"""


def find_projects(
    text: str,
    sentences: list[tuple[int, int]],
    money: list[Money],
    capacities: list[Capacity],
    dates: list[DateRange],
    organisations: list[Organisation],
) -> RuleProjects:
    """Project records, aggregate indicators, contact persons (项目负责人) and proposed names of one article.

    All spans are in the coordinates of ``text`` (the cleaned article), like
    its inputs: the sentence spans and the money, capacity, date and
    organisation mentions found in it.
    """
    art = _Article(text, list(sentences), money, capacities, dates, organisations)
    listed, lists = _list_namings(art)
    candidates = [*listed, *_head_namings(art)]
    judged = _judge(art, candidates, lists, candidates)
    priced = Counter(art.sentence_index(n.start) for n, facts in judged if _suffix_amount(n, facts))
    accepted = _resolve_overlaps([n for n, facts in judged if not _breakdown(art, n, facts, priced)])
    # Facts again, now that only real projects bound each other's scopes.
    final = _judge(art, accepted, lists, accepted, keep_all=True)
    facts_of = {id(n): f for n, f in final}
    projects = [_project(art, grp, facts_of) for grp in _group(art, [n for n, _ in final], facts_of)]
    kept = {id(n) for n in accepted}
    proposals = [(n.start, n.end, n.list_id is not None, id(n) in kept) for n in candidates]
    return RuleProjects(projects, _indicators(art, projects), art.contacts, proposals)


def _judge(
    art: _Article, namings: list[_Naming], lists: list[_List], bounds: list[_Naming], keep_all: bool = False
) -> list[tuple[_Naming, _Facts]]:
    """Facts of each naming (scopes bounded by ``bounds``); without ``keep_all``, only acceptable namings."""
    starts = sorted(n.start for n in bounds)
    out = []
    for n in namings:
        sc = _scopes(art, n, lists, starts)
        facts = _collect(art, n, sc, bounds, full=keep_all)
        if keep_all or _acceptable(art, n, _supported(art, n, facts)):
            out.append((n, facts))
    return out


BREAKDOWN = 3
"""Namings with amounts after them in one sentence that make it a breakdown by kind."""


def _breakdown(art: _Article, n: _Naming, facts: _Facts, priced: Counter[int]) -> bool:
    """``防洪抗旱减灾项目投资366亿元，民生水利项目投资619亿元，…``: kinds of projects, not projects.

    A descriptive name with an amount after it, in a sentence where several
    names are each followed by an amount (``priced``: how many, by sentence),
    is one line of a breakdown.
    """
    if _is_specific(art, n) or not _suffix_amount(n, facts):
        return False
    return priced[art.sentence_index(n.start)] >= BREAKDOWN


def _suffix_amount(n: _Naming, facts: _Facts) -> bool:
    return facts.investment is not None and facts.investment.start >= n.end


def _resolve_overlaps(namings: list[_Naming]) -> list[_Naming]:
    """One naming per span: list items first, then the longest; names inside others dropped."""
    ordered = sorted(namings, key=lambda n: (n.list_id is None, -(n.end - n.start), n.start))
    kept: list[_Naming] = []
    spans = Intervals()
    for n in ordered:
        if not spans.overlaps(n.start, n.end):
            kept.append(n)
            spans.add(n.start, n.end)
    return sorted(kept, key=lambda n: n.start)


def _collect(art: _Article, n: _Naming, sc: _Scopes, names: list[_Naming], full: bool) -> _Facts:
    """The facts of a naming; place and dates only when ``full`` (they never decide what is a project)."""
    facts = _Facts()
    _money_facts(art, n, sc, facts)
    _capacity_facts(art, n, sc, facts, names)
    _company_facts(art, n, sc, facts)
    facts.stage = _stage_facts(art, n, sc)
    facts.contact = _contact_facts(art, sc, n)
    if full:
        facts.place = _place_facts(art, n)
        facts.dates = _date_facts(art, sc, facts.stage)
    return facts


def _supported(art: _Article, n: _Naming, facts: _Facts) -> bool:
    """Signs that a name is a concrete undertaking: an investment, a capacity in it, a stage of its own.

    A stage alone supports only a name with a proper word in it: ``古里大峡谷旅游扶贫项目已正式启动``
    is a project, ``我国在建核电项目中`` a category; a weak keyword (推进) supports a descriptive
    name only under 项目 (``加快推进世界级盐湖产业基地建设`` is a goal).

    A company in the name or owning it supports a 项目 but not a weak head:
    ``吉林世宝转向管柱自动装配生产线`` in a photo caption is equipment, not an undertaking.
    """
    g = grammar()
    in_name = [*facts.capacities, *([] if n.weak else facts.companies)]
    own_stage = False
    if facts.stage is not None and facts.stage[0] <= 1:
        specific, proper = _is_specific(art, n), _has_proper_word(art, n)
        if facts.stage[2].text in g.stages.weak_keywords:
            own_stage = specific or (proper and not n.weak)
        else:
            own_stage = specific or proper
    owned = facts.owned and not n.weak
    signs = facts.investment or own_stage or facts.contact or owned
    return bool(signs or any(n.start <= x.start < n.end for x in in_name))


def _has_proper_word(art: _Article, n: _Naming) -> bool:
    """A place or other proper word in the name (古里大峡谷, 湘江): a stage alone supports only such names."""
    tags = word_tags()
    for tok in _content_tokens(art, n):
        w = tok.word
        if len(w) >= 2 and not _is_generic(w) and (tags.get(w) in ("ns", "nz") or _unknown_name(w)):
            return True
    return False


def _project(art: _Article, grp: list[_Naming], facts_of: dict[int, _Facts]) -> Project:
    """Merge the namings of one project: the longest name, the first value of each fact, the surest stage."""
    g = grammar()
    grp = sorted(grp, key=lambda n: n.start)
    main = max(grp, key=lambda n: (len(_key(n.name)), len(n.name), -n.start))
    first_full = next(n for n in grp if n.name == main.name)
    evidence: dict[str, Mention] = {}
    values: dict[str, object] = {}
    capacities: list[Capacity] = []
    companies: list[str] = []
    dates: dict[str, DateRange] = {}
    stages = []
    for n in grp:
        f = facts_of[id(n)]
        for key, m, value in (
            ("investment_yuan", f.investment, f.investment and f.investment.yuan),
            ("output_value_yuan", f.output, f.output and f.output.yuan),
            ("tax_yuan", f.tax, f.tax and f.tax.yuan),
            ("place", f.place, f.place and f.place.text),
            ("contact", f.contact, f.contact and f.contact.text),
        ):
            if m is not None and key not in values:
                values[key], evidence[key] = value, m
        if f.stage:
            stages.append(f.stage)
        capacities += [c for c in f.capacities if not any(_same_capacity(c, k) for k in capacities)]
        companies += [o.refers_to or o.name for o in f.companies if (o.refers_to or o.name) not in companies]
        for k, d in f.dates.items():
            dates.setdefault(k, d)
    stage = min(stages, key=lambda s: (s[0], -g.stage_order[s[1]]), default=None)
    if stage:
        evidence["stage"] = stage[2]
    return Project(
        start=first_full.start,
        end=first_full.end,
        text=art.text[first_full.start : first_full.end],
        name=main.name,
        aliases=list(dict.fromkeys(n.name for n in grp if n.name != main.name)),
        stage=stage[1] if stage else None,
        capacities=capacities,
        companies=companies,
        mentions=[n.mention(art.text) for n in grp],
        evidence=evidence,
        **values,
        **dates,
    )


# --------------------------------------------------------------------------- indicators


def _indicators(art: _Article, projects: list[Project]) -> list[Indicator]:
    """Counts and amounts of many projects: ``项目196个…计划总投资750.4亿元``."""
    g = grammar()
    attached = {(m.start, m.end) for p in projects for m in p.evidence.values()}
    out: list[Indicator] = []
    for s, e in art.sentences:
        counts = [
            c
            for c in g.count_re.finditer(art.text, s, e)
            if "项目" in art.text[max(s, c.start() - 12) : c.end() + 8]
        ]
        if not counts:
            continue
        region, period = _region(art, s, e), _period(art, s, e)
        for c in counts:
            try:
                value = float(parse_number(c.group("count") or c.group("count2")))
            except NumberError:
                continue
            out.append(_indicator(art, (c.start(), c.end()), region, period, "项目个数", value, "个"))
        for m in art.money:
            if (
                s <= m.start < e
                and m.role in INVESTMENT_ROLES
                and (m.start, m.end) not in attached
                and m.yuan
            ):
                metric = art.text[art.clause_start(m.start) : m.start].strip() or m.role
                out.append(
                    _indicator(art, (m.start, m.end), region, period, metric[-8:], float(m.yuan), "元")
                )
    return out


def _indicator(
    art: _Article,
    span: tuple[int, int],
    region: str | None,
    period: str | None,
    metric: str,
    value: float,
    unit: str,
) -> Indicator:
    start, end = span
    return Indicator(
        start=start,
        end=end,
        text=art.text[start:end],
        region=region,
        period=period,
        metric=metric,
        value=value,
        unit=unit,
    )


def _region(art: _Article, s: int, e: int) -> str | None:
    m = grammar().region_re.search(art.text[s:e])
    return m.group("region") if m else None


def _period(art: _Article, s: int, e: int) -> str | None:
    inside = [d for d in art.dates if s <= d.start < e]
    if inside:
        return inside[0].text
    m = grammar().period_re.match(art.text, s, e)
    return m.group() if m else None
