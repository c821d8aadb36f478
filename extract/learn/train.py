"""Training: examples for every model from articles' rule outputs and their truths, then the models.

The examples are made the way :mod:`extract.learn.decide` asks its
questions, so what a model learns is what it is asked: the same candidates,
the same features, the same neighbouring projects offered each fact. Facts
are offered to the projects the truth names (their mentions located in the
text), never to predictions, so a label is never a guess.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import regex

from ..evaluate import norm
from ..ingest import article_from_fields
from ..models import Article
from ..projects import grammar
from ..registry import open_registry
from ..words import extraction_words
from . import linear
from .candidates import Candidate, candidates, featured, learnt_heads
from .companies import company_candidates, judged_companies
from .corpus import gold_views, rule_views
from .decide import MONEY_SLOTS, RuleIndex, fact_label, offers
from .features import Mentions, pair_features, role_features, stage_features
from .lists import Lists, read_lists
from .models import Models, TrainError, save_models
from .settings import Settings, settings
from .truth import Truth, from_gold, from_review, project_names
from .view import View

Example = tuple[dict[str, float], object, float]
STAGES = (None, *grammar().stages.stages)


def train_models(views: Mapping[str, View], truths: Mapping[str, Truth], s: Settings) -> tuple[Models, dict]:
    """Every model, trained on the articles both mappings have; and what each learnt from."""
    ids = sorted(views.keys() & truths.keys())
    heads = _heads({a: views[a] for a in ids}, {a: truths[a] for a in ids}, s)
    kinds = ("start", "accept", "role", "stage", "money", "capacity", "company", "company_accept")
    sets: dict[str, list[Example]] = {name: [] for name in kinds}
    for aid in ids:
        _article_examples(views[aid], truths[aid], heads, sets)

    def fit(name: str, examples: str, classes: list) -> linear.LinearModel:
        return linear.train(
            sets[examples], classes, l2=s.l2[name], iterations=s.iterations, min_count=s.min_count
        )

    roles = sorted({label for _, label, _ in sets["role"]} | {"other"})
    models = Models(
        heads=heads,
        project_start=fit("project_start", "start", [False, True]),
        project_accept=fit("project_accept", "accept", [False, True]),
        money_role=fit("money_role", "role", roles),
        stage=fit("stage", "stage", list(STAGES)),
        money_owner=fit("money_owner", "money", [None, *MONEY_SLOTS]),
        capacity_owner=fit("capacity_owner", "capacity", [False, True]),
        company_owner=fit("company_owner", "company", [False, True]),
        company_accept=fit("company_accept", "company_accept", [False, True]),
    )
    summary = {
        "articles": len(ids),
        "reviewed_articles": sum(1 for a in ids if not truths[a].complete),
        "examples": {name: len(examples) for name, examples in sets.items()},
        "positives": {
            name: sum(1 for _, y, _ in ex if y not in (False, None, "other")) for name, ex in sets.items()
        },
    }
    return models, summary


def _heads(views: Mapping[str, View], truths: Mapping[str, Truth], s: Settings) -> tuple[str, ...]:
    """The grammar's heads, and of the other heads (``rules/learning.yml`` and the last words of gold
    names) those that end true names in enough articles, often enough: a head ending names once in
    800 candidates (企业, 有限公司) would cost more in every article than it finds, and one ending the
    names of a single article (福州 of 南平至福州) is that article's, not a pattern."""
    g = grammar().rules.heads
    names = [n for t in truths.values() for p in t.projects for n in project_names(p)]
    learnt = learnt_heads(names, extraction_words().cut, s.head_min_count)
    offered = tuple(sorted({*s.heads, *learnt} - {*g.strong, *g.weak}))
    found, true = Counter(), Counter()
    articles: dict[str, set[str]] = {}
    for aid, view in views.items():
        for c in candidates(view, offered):
            found[c.head] += 1
            if truths[aid].is_name(view.text[c.start : c.end]):
                true[c.head] += 1
                articles.setdefault(c.head, set()).add(aid)
    kept = [
        h
        for h in offered
        if len(articles.get(h, ())) >= s.head_min_positives and true[h] >= s.head_min_precision * found[h]
    ]
    return tuple(sorted({*g.strong, *g.weak, *kept}))


def _article_examples(
    view: View, truth: Truth, heads: tuple[str, ...], sets: dict[str, list[Example]]
) -> None:
    w = truth.weight
    _name_examples(view, truth, heads, sets)
    groups = _true_groups(view, truth)
    if truth.complete and truth.money:
        for m, role in _aligned_roles(view, truth):
            sets["role"].append((role_features(view, m), role, w))
    if truth.complete:
        _company_examples(view, truth, sets["company_accept"], w)
    if not groups:
        return
    mentions = Mentions(sorted((s, e, g) for g, (_, spans) in enumerate(groups) for s, e in spans))
    # The companies of the gold record: extraction offers projects the companies the model accepted,
    # so the owner model learns from companies too (not from every candidate, most inside names)
    named = {n for c in truth.companies for n in _company_names(c)}
    company_orgs = [o for o in company_candidates(view)[0] if named & {norm(o.name), norm(o.refers_to or "")}]
    facts = [*(m for m in view.rules.money if m.yuan is not None), *view.rules.capacities, *company_orgs]
    for fact, g, mention, rank in offers(view, facts, mentions):
        project = groups[g][0]
        kind, label = fact_label(fact)
        f = pair_features(view, fact, kind, label, mention, mentions, rank)
        if kind == "money":
            slot = next(
                (k for k in MONEY_SLOTS if project.get(k) is not None and project[k] == fact.yuan), None
            )
            sets["money"].append((f, slot, w))
        elif kind == "capacity":
            caps = {
                (round(float(c["value"]), 6), norm(c.get("unit", "")).lower())
                for c in project.get("capacities", [])
            }
            sets["capacity"].append((f, (round(float(fact.value), 6), norm(fact.unit).lower()) in caps, w))
        else:
            owners = {norm(c) for c in project.get("companies", [])}
            sets["company"].append(
                (f, norm(fact.refers_to or fact.name) in owners or norm(fact.name) in owners, w)
            )
    keywords = view.stage_keywords
    rules = RuleIndex(view.rules.projects)
    for project, spans in groups:
        rule = rules.find(spans)
        sets["stage"].append(
            (stage_features(view, spans, keywords, rule.stage if rule else None), project.get("stage"), w)
        )


def _company_examples(view: View, truth: Truth, out: list[Example], w: float) -> None:
    """Each company candidate: a company of the gold record, or not (optional ones teach nothing)."""
    required, optional = set(), set()
    for c in truth.companies:
        (optional if c.get("optional") else required).update(_company_names(c))
    for o, f in judged_companies(view):
        names = {norm(o.name), norm(o.refers_to or "")}
        if names & required:
            out.append((f, True, w))
        elif not names & optional:
            out.append((f, False, w))


def _company_names(company: dict) -> set[str]:
    """A gold company's name and aliases, normalised as the scorer compares them."""
    return {norm(n) for n in [company["name"], *company.get("aliases", [])]}


def _name_examples(view: View, truth: Truth, heads: tuple[str, ...], sets: dict[str, list[Example]]) -> None:
    """Accept examples of each candidate the truth decides; start examples of those ending as a name does."""
    lists = read_lists(view, heads)
    labelled = [(c, f, _name_label(view, lists, truth, c)) for c, f in featured(view, lists)]
    true_ends = {c.end for c, _, label in labelled if label}
    for c, f, label in labelled:
        if label is None:
            continue
        name = lists.name_text(c.start, c.end)
        weight = truth.weight_of(name)
        sets["accept"].append((f, label or truth.is_near_name(name), weight))
        if c.end in true_ends:
            sets["start"].append((f, label, weight))


def _name_label(view: View, lists: Lists, truth: Truth, c: Candidate) -> bool | None:
    """Is the candidate a name of the truth (None: the truth does not say)? A list item named with its
    list's shared ending (``黄山区污水处理厂``) is judged by that name; where only its bare text is a
    name the truth does not decide how it is named."""
    name = lists.name_text(c.start, c.end)
    label = truth.is_name(name)
    if label is False and name != view.text[c.start : c.end] and truth.is_name(view.text[c.start : c.end]):
        return None
    return label


def _true_groups(view: View, truth: Truth) -> list[tuple[dict, list[tuple[int, int]]]]:
    """Each known project with the spans where the text writes one of its names."""
    out = []
    for project in truth.projects:
        if project.get("optional"):
            continue
        spans = sorted(
            {
                (m.start(), m.end())
                for n in project_names(project)
                if n
                for m in regex.finditer(regex.escape(n), view.text)
            }
        )
        kept = [sp for sp in spans if not any(o != sp and o[0] <= sp[0] and sp[1] <= o[1] for o in spans)]
        if kept:
            out.append((project, kept))
    return out


def _aligned_roles(view: View, truth: Truth) -> list[tuple[object, str]]:
    """The rule's amounts paired with gold amounts of the same value, in order (each gold amount once)."""
    pending: dict[int, list[str]] = {}
    for m in truth.money:
        if m.get("yuan") is not None:
            pending.setdefault(m["yuan"], []).append(m["role"])
    out = []
    for m in view.rules.money:
        roles = pending.get(m.yuan) if m.yuan is not None else None
        if roles:
            out.append((m, roles.pop(0)))
    return out


def retrain(
    gold_folders: Sequence[str],
    db_path: Path | None,
    out: Path,
    report: Callable[[str], None] = lambda line: None,
) -> dict:
    """Train every model from gold folders and a registry's review decisions; save them to ``out``.

    Returns the manifest written beside the models (what they learnt from).
    """
    s = settings()
    truths: dict[str, Truth] = {}
    views: dict[str, View] = {}
    if gold_folders:
        golds, views = gold_views(gold_folders, report)
        truths = {a: from_gold(g) for a, g in golds.items()}
    decisions = 0
    if db_path is not None:
        reviewed = from_review(open_registry(db_path), s.review_weight)
        decisions = sum(len(t.decided) for t in reviewed.values())
        for aid, truth in reviewed.items():
            if aid in truths:
                truths[aid].merge(truth)
            else:
                truths[aid] = truth
        missing = sorted(a for a in reviewed if a not in views)
        views.update(rule_views(registry_articles(db_path, missing)))
        report(f"{decisions} review decision(s) on {len(reviewed)} article(s) of {db_path}")
    if not truths:
        raise TrainError(
            "nothing to learn from: give gold folders (--gold) or a registry with review decisions (--db)"
        )
    models, summary = train_models(views, truths, s)
    manifest = {
        "trained_on": {
            "gold": [str(f) for f in gold_folders],
            "registry": str(db_path) if db_path else None,
            "review_decisions": decisions,
            **summary,
        }
    }
    save_models(models, out, manifest)
    return manifest


def registry_articles(db_path: Path, ids: Sequence[str]) -> list[Article]:
    """Articles of a registry by id, as they were ingested."""
    db = open_registry(db_path)
    out = []
    for aid in ids:
        row = next(
            db.query("select id, text, title, date, source, url from articles where id = ?", [aid]), None
        )
        if row is not None:
            out.append(article_from_fields(str(db_path), None, row))
    return [a for a in out if isinstance(a, Article)]
