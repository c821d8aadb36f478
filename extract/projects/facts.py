"""The facts a naming contributes to its project (amounts, capacities, stage, companies, place,
contact, dates), each with the span it was read from.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..dictionary import word_tags
from ..models import Capacity, DateRange, Mention, Money, Organisation, Stage
from .article import _Article
from .grammar import INVESTMENT_ROLES, LOOKBACK, PLACE_TAGS, grammar
from .namings import _content_tokens, _is_generic, _Naming, _prefix_investment
from .scopes import _Scopes


@dataclass
class _Facts:
    """What one naming contributes to its project, with the span each fact came from."""

    investment: Money | None = None
    output: Money | None = None
    tax: Money | None = None
    stage: tuple[int, Stage, Mention] | None = None
    """(scope rank, stage, keyword span)"""
    capacities: list[Capacity] = field(default_factory=list)
    companies: list[Organisation] = field(default_factory=list)
    owned: bool = False
    """A company stands just before the name as its owner (``世宝股份将X项目落在四平``)."""
    place: Mention | None = None
    contact: Mention | None = None
    dates: dict[str, DateRange] = field(default_factory=dict)


def _within(spans: Sequence[tuple[int, int]], start: int, end: int) -> bool:
    return any(s <= start and end <= e for s, e in spans)


def _aggregated(art: _Article, n: _Naming, m: Mention) -> bool:
    """Is an amount after the name about many projects (a list or count between them, 共, 累计)?"""
    g = grammar()
    if art.sentence_index(n.end) == art.sentence_index(m.start):
        return bool(g.aggregate_re.search(art.text, n.end, m.start))
    return bool(g.aggregate_re.search(art.text, art.sentence_of(m.start)[0], m.start))


def _money_facts(art: _Article, n: _Naming, sc: _Scopes, facts: _Facts) -> None:
    """Amounts of its own: before it (``总投资X亿元的``), after it in its sentence, in sentences naming it.

    In a list, an amount before the first item is the whole list's (``一批总投资1300亿元的A等重大项目``)
    unless several items carry their own.
    """
    if n.list_id is None or n.list_money:
        facts.investment = _prefix_investment(art, n)
    if n.list_id is not None:
        return
    for m in art.money_index.within(sc.figures(n)):
        if _aggregated(art, n, m):
            continue
        if art.text[m.end : m.end + 1] == "的":  # 总投资82亿元的太阳能单晶硅项目: the next name's
            continue
        if m.role in INVESTMENT_ROLES and facts.investment is None:
            facts.investment = m
        elif m.role == "output_value" and facts.output is None:
            facts.output = m
        elif m.role == "tax" and facts.tax is None:
            facts.tax = m


def _capacity_facts(art: _Article, n: _Naming, sc: _Scopes, facts: _Facts, names: list[_Naming]) -> None:
    """Capacities in its name or stated of it, not those of another name, achieved so far or summed up."""
    g = grammar()
    scope = [(n.start, n.end), *(sc.figures(n) if n.list_id is None else [])]
    for c in art.capacity_index.within(scope):
        inside_other = any(o is not n and o.start <= c.start and c.end <= o.end for o in names)
        if inside_other or g.achieved_re.search(art.text, max(0, c.start - 8), c.start):
            continue
        if c.start >= n.end and _aggregated(art, n, c):
            continue
        if not any(_same_capacity(c, k) for k in facts.capacities):
            facts.capacities.append(c)


def _same_capacity(a: Capacity, b: Capacity) -> bool:
    return a.unit == b.unit and abs(a.value - b.value) <= 1e-6 * max(abs(a.value), 1.0)


def _stage_facts(art: _Article, n: _Naming, sc: _Scopes) -> tuple[int, Stage, Mention] | None:
    """The stage from the nearest scope that states one; within a scope, the keyword nearest the name
    (the first after it, else the last before it: found by bisection in the article's keywords)."""
    matches, starts = art.stage_matches, art.stage_starts
    for rank, spans in enumerate(sc.ranked()):
        found = []
        for s, e in spans:
            i = bisect.bisect_left(starts, max(s, n.end))
            while i < len(matches) and not _stage_keyword(art, i):
                i += 1
            if i < len(matches) and matches[i].end() <= e:
                found.append(i)
            i = min(bisect.bisect_left(starts, n.start), bisect.bisect_left(starts, e)) - 1
            while i >= 0 and starts[i] >= s and not _stage_keyword(art, i):
                i -= 1
            if i >= 0 and starts[i] >= s and matches[i].end() <= e:
                found.append(i)
        if found:
            m = matches[min(found, key=lambda k: _distance(n, matches[k].start(), matches[k].end()))]
            return rank, grammar().stage_of[m.group()], Mention(start=m.start(), end=m.end(), text=m.group())
    return None


def _distance(n: _Naming, start: int, end: int) -> int:
    return start - n.end if start >= n.end else n.start - end + 1000


def _stage_keyword(art: _Article, i: int) -> bool:
    """Does the article's ``i``-th stage match state a fact: not planned (确保按时投产), conditional
    (建成后) or negated, and standing on word edges? Judged once, when a name first asks."""
    if i not in art.stage_judged:
        g = grammar()
        m, text = art.stage_matches[i], art.text
        window_start = max(art.clause_start(m.start()), m.start() - g.stages.blocker_window)
        blocked = g.before_blocker_re.search(text, window_start, m.start()) or g.after_blocker_re.match(
            text, m.end()
        )
        art.stage_judged[i] = not blocked and _on_token_edges(art, m.start(), m.end())
    return art.stage_judged[i]


def _on_token_edges(art: _Article, start: int, end: int) -> bool:
    """Does the span start and end where jieba words do (在建 is no keyword in 在建设之初)?"""
    tokens = art.tokens_over(start, end)
    return any(t.start == start for t in tokens) and any(t.end == end for t in tokens)


def _company_facts(art: _Article, n: _Naming, sc: _Scopes, facts: _Facts) -> None:
    """Companies in the name, owning it from just before it, or building or investing in it nearby."""
    g = grammar()
    after = [(n.end, sc.own[1]), *sc.predicate, *sc.referring] if n.list_id is None else []
    for o in art.company_index.within([(max(n.seg_start - 20, 0), n.end), *after]):
        inside = n.start <= o.start and o.end <= n.end
        owner = o.end <= n.start and o.start >= n.seg_start - 20 and _owns(art, o, n)
        nearby = _within(after, o.start, o.end)
        builds = nearby and (
            g.company_verb_re.match(art.text, o.end) is not None
            or g.company_before_re.search(art.text, max(0, o.start - 8), o.start) is not None
        )
        facts.owned = facts.owned or owner
        if (inside or owner or builds) and not any(_same_org(o, c) for c in facts.companies):
            facts.companies.append(o)


def _owns(art: _Article, o: Organisation, n: _Naming) -> bool:
    """``世宝股份将X项目``, ``中钢设备承建的X``, ``由甲和乙投资建设的X``: the company owns or builds it."""
    g = grammar()
    gap = art.text[o.end : n.start]
    if g.company_link_re.fullmatch(gap):
        return True
    return bool(len(gap) <= 10 and gap.endswith("的") and g.company_verb_re.match(gap))


def _same_org(a: Organisation, b: Organisation) -> bool:
    return (a.refers_to or a.name) == (b.refers_to or b.name)


def _place_facts(art: _Article, n: _Naming) -> Mention | None:
    """The place hosting it: a place opening its name, else the nearest place or zone before it."""
    content = _content_tokens(art, n)[:2]
    inside = [p for p in _places(art, n.start, n.end) if any(p.start == t.start for t in content)]
    if inside:
        return inside[0]
    before = _places(art, max(art.sentence_of(n.start)[0], n.start - LOOKBACK), n.start)
    return before[-1] if before else None


def _places(art: _Article, start: int, end: int) -> list[Mention]:
    """Places and development zones among the tokens of ``[start, end)``: 临沂 + 经济技术开发区 is one."""
    g = grammar()
    tags = word_tags()
    out: list[Mention] = []
    for tok in art.tokens_in(start, end):
        w = tok.word
        placeish = (
            len(w) >= 2
            and (tags.get(w) in PLACE_TAGS or g.place_re.fullmatch(w))
            and w not in g.not_places
            and w not in g.zones
            and not _is_generic(w)
        )
        if w in g.zones and out and out[-1].end == tok.start:
            prev = out.pop()
            out.append(Mention(start=prev.start, end=tok.end, text=art.text[prev.start : tok.end]))
        elif placeish:
            out.append(Mention(start=tok.start, end=tok.end, text=w))
    return out


def _contact_facts(art: _Article, sc: _Scopes, n: _Naming) -> Mention | None:
    """The person answering for it, in its sentence or the sentences after it (never for a list item)."""
    spans = sc.after(n) if n.list_id is None else []
    return next((c for c in art.contacts if _within(spans, c.start, c.end)), None)


def _date_facts(art: _Article, sc: _Scopes, stage: tuple[int, Stage, Mention] | None) -> dict[str, DateRange]:
    """Dates in the clause of the stage keyword (signed, started), and ``预计2026年投产`` (expected)."""
    out: dict[str, DateRange] = {}
    if stage is not None:
        kw = stage[2]
        start, end = art.clause_start(kw.start), art.clause_end(kw.end)
        dates = [d for d in art.dates if start <= d.start and d.end <= end]
        key = {"signed": "signed_on", "started": "started_on"}.get(stage[1])
        if key and dates:
            out[key] = dates[0]
    for s, e in [span for spans in sc.ranked() for span in spans]:
        plan = grammar().expected_re.search(art.text, s, e)
        dates = [d for d in art.dates if plan and plan.start() <= d.start and d.end <= plan.end()]
        if dates:
            out.setdefault("expected_operation", dates[0])
    return out
