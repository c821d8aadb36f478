"""The learned decisions on one article: which spans are projects, what each amount is, what belongs where.

Rules read the numbers, units, dates and names exactly (upstream); here the
models choose among what the rules found:

1. project names: of the candidates ending at one offset the likeliest start,
   then accept it or not; overlapping names keep the likelier one; names of
   one project (full and short) form one record;
2. every amount gets a role;
3. every amount, capacity and company is offered to the projects named
   nearest it and goes to the likeliest (or to none: aggregates, other
   projects); each project keeps its likeliest investment, output and tax;
4. each project gets a stage, or none.

Place, contact and dates stay the grammar's where it found the same project.
Cost is linear in the article: candidates are bounded per head, facts are
offered to a bounded number of neighbouring names.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable

from ..evaluate import norm_project
from ..models import Capacity, Mention, Money, Organisation, Project
from ..projects import INVESTMENT_ROLES, rows_apart, same_project, strip_name
from ..projects.article import Intervals
from .candidates import Candidate, featured
from .companies import judged_companies, one_company, separate_members
from .features import Mentions, pair_features, role_features, stage_features
from .lists import Lists, read_lists
from .models import Models
from .settings import Settings
from .view import View

#: The classes of the money-owner model besides "none": the project field an amount fills.
MONEY_SLOTS = ("investment_yuan", "output_value_yuan", "tax_yuan")


def project_spans(
    view: View, models: Models, lists: Lists, threshold: float, veto: float
) -> tuple[list[tuple[int, int]], dict[tuple[int, int], float]]:
    """Project names: the grammar's (unless the model gives one less than ``veto``), then the model's
    (per end the likeliest start, accepted above ``threshold`` or, where the grammar proposed it,
    opening a row of a priced list) where they overlap none kept before, likeliest first; with the
    model's probability of each kept name it scored."""
    best: dict[int, tuple[float, Candidate, dict[str, float]]] = {}
    features: dict[tuple[int, int], dict[str, float]] = {}
    grammar = {(m.start, m.end) for p in view.rules.projects for m in p.mentions}
    for c, f in featured(view, lists):
        if (c.start, c.end) in grammar:
            features[(c.start, c.end)] = f
        p = models.project_start.probability(f)
        if c.end not in best or p > best[c.end][0]:
            best[c.end] = (p, c, f)
    kept, scores = Intervals(), {}
    for span in sorted(grammar):
        f = features.get(span)
        p = None if f is None else models.project_accept.probability(f)
        if p is not None and p < veto and not _priced_row(view, span):
            continue
        if not kept.overlaps(*span):
            kept.add(*span)
            if p is not None:
                scores[span] = p
    accepted = [(models.project_accept.probability(f), c) for _, c, f in best.values()]
    proposed = {(p.start, p.end) for p in view.rules.proposals}
    for p, c in sorted(accepted, key=lambda x: (-x[0], x[1].start)):
        sure = p >= threshold or ((c.start, c.end) in proposed and _row_follows(view, c))
        if sure and not kept.overlaps(c.start, c.end):
            kept.add(c.start, c.end)
            scores[(c.start, c.end)] = p
    return kept.spans, scores


def _row_amount_start(view: View, span: tuple[int, int]) -> int | None:
    """Where the first amount after the name in its line starts, where the name opens the line (a row
    of a list of projects); None otherwise."""
    start, end = span
    if not rows_apart(view.text, start, start):
        return None
    line_end = view.text.find("\n", end)
    line_end = len(view.text) if line_end < 0 else line_end
    i = bisect.bisect_left(view.money_starts, end)
    return view.money_starts[i] if i < len(view.money_starts) and view.money_starts[i] < line_end else None


#: Characters at most between a proposed name and its row's amount (``X项目  总投资3亿元``): a
#: paragraph opening a line (``三是新能源…``) has its amount further on.
ROW_GAP = 8


def _row_follows(view: View, c: Candidate) -> bool:
    """Does the candidate open a row whose amount follows it in the same clause, within ``ROW_GAP``?
    A name the grammar proposed there stands as its accepted ones do (:func:`_priced_row`)."""
    at = _row_amount_start(view, (c.start, c.end))
    return at is not None and at - c.end <= ROW_GAP and view.clause(at) == view.clause(c.end - 1)


def _priced_row(view: View, span: tuple[int, int]) -> bool:
    """Does the name open a row with an amount? The gold holds few such lists, so the model has not
    learnt them: the grammar's reading stands."""
    return _row_amount_start(view, span) is not None


#: Roles an amount of a row may have and still be the row's investment: a bare amount under a
#: column headed 总投资 reads as "other".
ROW_ROLES = frozenset({*INVESTMENT_ROLES, "other"})


def _row_amount(view: View, span: tuple[int, int], money_at: dict[int, Money]) -> Money | None:
    """The investment of a row of a list: the first amount after the name in its line, where that
    amount is no output, tax or other named kind (``money_at``: the amounts by start)."""
    at = _row_amount_start(view, span)
    first = money_at.get(at) if at is not None else None
    return first if first is not None and first.role in ROW_ROLES and first.yuan is not None else None


#: Earlier groups a name is compared with, per way of finding them: bounded, so grouping stays linear.
GROUP_WINDOW = 20
#: Share of the shorter name's character pairs a loose mention must share with a grammar's record.
LOOSE_OVERLAP = 0.5


def _bigrams(s: str) -> set[str]:
    return {s[i : i + 2] for i in range(len(s) - 1)}


def group_spans(
    view: View, lists: Lists, spans: list[tuple[int, int]], rules: RuleIndex
) -> list[list[tuple[int, int]]]:
    """Names of one project together, in order of first mention.

    Two names are one project where the grammar made them one record (it
    also ties ``X，该项目…`` and tells names apart by their owners), where one
    is the other's full or short form (:func:`~extract.projects.same_project`),
    or where a name the grammar did not take shares most of its character
    pairs with the name of one of its records (a list item written loosely,
    ``农村安全饮水``, before the full ``县农村饮水安全工程建设项目``). Each name
    is compared with the groups of the names just before it and of the names
    that open with the same two characters or share a pair with it, a bounded
    number of each.
    """
    groups: list[list[tuple[int, int]]] = []
    group_of_record: dict[int, int] = {}
    by_prefix: dict[str, list[int]] = {}
    by_pair: dict[str, list[int]] = {}
    recent: list[int] = []
    names: dict[int, list[str]] = {}
    rows: dict[int, set[str]] = {}  # per group, the names of its mentions that open a line
    records = {span: rules.index_of([span]) for span in spans}
    # The grammar's names first, so that a loose mention before its record's name still finds it.
    for s, e in sorted(spans, key=lambda span: (records[span] is None, span)):
        name = strip_name(lists.name_text(s, e))
        key = norm_project(name)
        record = records[(s, e)]
        row = rows_apart(view.text, s, s)

        def fits(c: int, row: bool = row, key: str = key) -> bool:
            """Not another row of a list (rows are projects of their own, unless named alike)."""
            return not (row and rows.get(c) and key not in rows[c])

        g = group_of_record.get(record) if record is not None else None
        if g is None:
            nearby = dict.fromkeys([*recent[-GROUP_WINDOW:], *by_prefix.get(key[:2], [])[-GROUP_WINDOW:]])
            alike = (c for c in reversed(nearby) if fits(c) and any(same_project(name, o) for o in names[c]))
            g = next(alike, None)
        if g is None and record is None and e not in lists.namings:  # items of one list are apart
            g = _loose_match(key, by_pair, names, fits)
        if g is None:
            g = len(groups)
            groups.append([])
            names[g] = []
        groups[g].append((s, e))
        names[g].append(name)
        if row:
            rows.setdefault(g, set()).add(key)
        if record is not None:
            group_of_record.setdefault(record, g)
            for pair in _bigrams(key):
                by_pair.setdefault(pair, []).append(g)
        by_prefix.setdefault(key[:2], []).append(g)
        recent.append(g)
    return sorted((sorted(g) for g in groups), key=lambda g: g[0])


def _loose_match(
    key: str, by_pair: dict[str, list[int]], names: dict[int, list[str]], fits: Callable[[int], bool]
) -> int | None:
    """The grammar's record whose name shares ``LOOSE_OVERLAP`` of the shorter name's character pairs
    (among the groups that ``fits``)."""
    pairs = _bigrams(key)
    shared: dict[int, int] = {}
    for pair in pairs:
        for g in by_pair.get(pair, [])[-GROUP_WINDOW:]:
            shared[g] = shared.get(g, 0) + 1
    for g, n in sorted(shared.items(), key=lambda x: -x[1]):
        if not fits(g):
            continue
        other = max((norm_project(o) for o in names[g]), key=len)
        if n >= LOOSE_OVERLAP * min(len(pairs), len(_bigrams(other))) and n >= 2:
            return g
    return None


def judge_companies(view: View, models: Models, threshold: float) -> list[Organisation]:
    """The article's organisations: companies the model accepts (gazetteer hits among them), the rules'
    companies it rejects kept as ``other``, the other kinds as the rules found them. Of overlapping
    candidates (a description and the name inside it, a short hit and the fuller name) the likeliest
    wins."""
    scored = [(models.company_accept.probability(f), o) for o, f in judged_companies(view)]
    accepted: dict[tuple[int, int], Organisation] = {}
    kept: list[tuple[int, int]] = []  # sorted, so an overlap is found by bisect
    for p, o in sorted(scored, key=lambda x: (-x[0], x[1].start, x[1].end)):
        if p < threshold:
            break
        at = bisect.bisect_left(kept, (o.start, o.end))
        if any(s < o.end and o.start < e for s, e in kept[max(at - 1, 0) : at + 1]):
            continue  # a likelier span of the same words won
        kept.insert(at, (o.start, o.end))
        accepted[(o.start, o.end)] = o
    out = [
        o if o.kind != "company" or (o.start, o.end) in accepted else o.model_copy(update={"kind": "other"})
        for o in view.rules.organisations
    ]
    known = {(o.start, o.end) for o in out}
    out += [o for span, o in accepted.items() if span not in known]
    return one_company(separate_members(sorted(out, key=lambda o: (o.start, o.end))))


def relabel_money(view: View, models: Models) -> list[Money]:
    """Every amount with the role model's role."""
    out = []
    for m in view.rules.money:
        role, _ = models.money_role.predict(role_features(view, m))
        out.append(m.model_copy(update={"role": role}))
    return out


def offers(
    view: View, facts: Iterable[Mention], mentions: Mentions
) -> Iterable[tuple[Mention, int, tuple[int, int, int], int]]:
    """(fact, group, nearest mention of that group, rank) for the projects named near each fact."""
    for fact in facts:
        nearest: dict[int, tuple[int, tuple[int, int, int]]] = {}
        for mention in mentions.near(fact.start, fact.end):
            s, e, g = mention
            gap = 0 if s <= fact.start < e else (fact.start - e if fact.start >= e else s - fact.end)
            if g not in nearest or gap < nearest[g][0]:
                nearest[g] = (gap, mention)
        for rank, (g, (_, mention)) in enumerate(sorted(nearest.items(), key=lambda x: x[1][0])):
            yield fact, g, mention, rank


def fact_label(fact: Mention) -> tuple[str, str]:
    """The kind of a fact and what it is (an amount's role) for :func:`pair_features`."""
    if isinstance(fact, Money):
        return "money", fact.role
    if isinstance(fact, Capacity):
        return "capacity", fact.unit
    return "company", "company"


def decide(
    view: View, models: Models, config: Settings
) -> tuple[list[Money], list[Organisation], list[Project]]:
    """The article's amounts (with learned roles), organisations (companies judged) and project records."""
    money = relabel_money(view, models)
    organisations = judge_companies(view, models, config.accept)
    rules = RuleIndex(view.rules.projects)
    lists = read_lists(view, models.heads)
    spans, name_scores = project_spans(view, models, lists, config.accept, config.veto)
    groups = group_spans(view, lists, spans, rules)
    attach = config.attach
    mentions = Mentions(sorted((s, e, g) for g, grp in enumerate(groups) for s, e in grp))
    owned: dict[tuple[int, str], tuple[float, Mention]] = {}
    #: (group, amount start) → the model's probability that the amount is the group's investment.
    invested: dict[tuple[int, int], float] = {}
    investment = models.money_owner.classes.index("investment_yuan")
    capacities: dict[int, list[Capacity]] = {}
    companies: dict[int, list[Organisation]] = {}
    best_capacity: dict[int, tuple[float, int]] = {}
    company_orgs = [o for o in organisations if o.kind == "company"]
    facts: list[Mention] = [*(m for m in money if m.yuan is not None), *view.rules.capacities, *company_orgs]
    for fact, g, mention, rank in offers(view, facts, mentions):
        kind, label = fact_label(fact)
        f = pair_features(view, fact, kind, label, mention, mentions, rank)
        if isinstance(fact, Money):
            slot, probs = models.money_owner.predict_with_scores(f)
            p = probs[models.money_owner.classes.index(slot)]
            invested[(g, fact.start)] = probs[investment]
            if slot in MONEY_SLOTS and p >= attach and p > owned.get((g, slot), (0.0, None))[0]:
                owned[(g, slot)] = (p, fact)
        elif isinstance(fact, Capacity):
            p = models.capacity_owner.probability(f)
            key = id(fact)
            if p >= attach and p > best_capacity.get(key, (0.0, -1))[0]:
                best_capacity[key] = (p, g)
                capacities.setdefault(g, []).append(fact)
        elif models.company_owner.probability(f) >= config.attach_company:
            companies.setdefault(g, []).append(fact)  # type: ignore[arg-type]
    for g, caps in capacities.items():
        capacities[g] = [c for c in caps if best_capacity[id(c)][1] == g]
    keywords = view.stage_keywords
    by_stage: dict[str, list[tuple[int, int, str, str]]] = {}
    for k in keywords:
        by_stage.setdefault(k[3], []).append(k)
    projects = []
    money_at = {m.start: m for m in reversed(money)}  # the first amount starting at an offset
    for g, grp in enumerate(groups):
        if (g, "investment_yuan") not in owned and (
            amount := _row_amount(view, grp[0], money_at)
        ) is not None:
            owned[(g, "investment_yuan")] = (1.0, amount)
        rule = rules.find(grp)
        stage, sure = models.stage.predict(stage_features(view, grp, keywords, rule.stage if rule else None))
        if sure < config.stage_min:
            stage = None  # a guess would more often be wrong than right
        project = _project(
            view,
            lists,
            grp,
            {slot: owned[(g, slot)][1] for slot in MONEY_SLOTS if (g, slot) in owned},
            capacities.get(g, []),
            companies.get(g, []),
            stage,
            by_stage.get(stage or "", []),
            rule,
        )
        named = [name_scores[span] for span in grp if span in name_scores]
        project.name_score = round(max(named), 4) if named else None
        if (source := project.evidence.get("investment_yuan")) is not None:
            row = owned.get((g, "investment_yuan"), (None, None))
            sure = row[0] if row[1] is source else invested.get((g, source.start))
            project.investment_score = None if sure is None else round(sure, 4)
        projects.append(project)
    return money, organisations, projects


class RuleIndex:
    """The grammar's records by the spans of their mentions, for finding the one naming a group (bisect)."""

    def __init__(self, projects: list[Project]) -> None:
        spans = sorted((m.start, m.end, i) for i, p in enumerate(projects) for m in p.mentions)
        self.projects = projects
        self.spans = spans
        self.starts = [s for s, _, _ in spans]
        self.longest = max((e - s for s, e, _ in spans), default=0)

    def index_of(self, grp: list[tuple[int, int]]) -> int | None:
        """The index of the record with a mention overlapping one of the group's."""
        for s, e in grp:
            lo = bisect.bisect_left(self.starts, s - self.longest)
            for ms, me, i in self.spans[lo : bisect.bisect_left(self.starts, e)]:
                if ms < e and s < me:
                    return i
        return None

    def find(self, grp: list[tuple[int, int]]) -> Project | None:
        """The record with a mention overlapping one of the group's."""
        i = self.index_of(grp)
        return None if i is None else self.projects[i]


def _project(
    view: View,
    lists: Lists,
    grp: list[tuple[int, int]],
    money: dict[str, Money],
    capacities: list[Capacity],
    companies: list[Organisation],
    stage: str | None,
    keywords: list[tuple[int, int, str, str]],
    rule: Project | None,
) -> Project:
    text = view.text
    names = [strip_name(lists.name_text(s, e)) for s, e in grp]
    main = max(range(len(grp)), key=lambda i: (len(names[i]), -grp[i][0]))
    start, end = grp[main]
    evidence: dict[str, Mention] = dict(money)
    owners = list(dict.fromkeys(o.refers_to or o.name for o in companies))
    values: dict[str, object] = {slot: m.yuan for slot, m in money.items()}
    if rule is not None:
        # Where the grammar found the same project, its ties stand (they are the surer on the
        # articles it reads: 0.79 precision on investments against the model's 0.70 under
        # cross-validation); the models add what it did not tie.
        for key in ("place", "contact", "stage", *MONEY_SLOTS):
            if getattr(rule, key) is not None and key in rule.evidence:
                values[key], evidence[key] = getattr(rule, key), rule.evidence[key]
        values.update({k: getattr(rule, k) for k in ("signed_on", "started_on", "expected_operation")})
        capacities = rule.capacities or capacities
        owners = rule.companies or owners
    if "stage" in values:
        stage = values.pop("stage")
    elif stage is not None:
        evidence["stage"] = _stage_evidence(grp, keywords) or Mention(
            start=start, end=end, text=text[start:end]
        )
    unique_caps: list[Capacity] = []
    for c in capacities:
        if not any(c.value == k.value and c.unit == k.unit for k in unique_caps):
            unique_caps.append(c)
    return Project(
        start=start,
        end=end,
        text=text[start:end],
        name=names[main],
        aliases=list(dict.fromkeys(n for n in names if n != names[main])),
        stage=stage,
        capacities=unique_caps,
        companies=owners,
        mentions=[Mention(start=s, end=e, text=text[s:e]) for s, e in grp],
        evidence=evidence,
        **values,
    )


def _stage_evidence(grp: list[tuple[int, int]], keywords: list[tuple[int, int, str, str]]) -> Mention | None:
    """The keyword nearest the project's first mention (``keywords``: those of its stage, sorted)."""
    if not keywords:
        return None
    start = grp[0][0]
    i = bisect.bisect_left(keywords, (start,))
    ks, ke, word, _ = min(keywords[max(i - 1, 0) : i + 1], key=lambda k: abs(k[0] - start))
    return Mention(start=ks, end=ke, text=word)
