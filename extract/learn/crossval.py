"""The honest figure: cross-validation by article over gold folders.

The articles are shuffled (seeded) and dealt into K folds; for each fold
every model is trained on the other folds' articles and the fold is
extracted with them; the scores of all folds are pooled per slot. The same
articles scored by the rules alone (no model) give the figure to compare.
The rules run once per article: only the learned decisions are redone per
fold, so 5 folds over all the gold take minutes, not hours.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence

from ..evaluate import evaluate
from ..records import record
from .decide import decide
from .settings import Settings
from .train import train_models
from .truth import Truth, from_gold
from .view import View


def scored_record(article_id: str, view: View, money: list, organisations: list, projects: list) -> dict:
    """An article's export record: the given money, organisations and projects; the rules' dates, contacts."""
    return record(article_id, projects, money, organisations, view.rules.dates, view.rules.contacts)


def folds(ids: Sequence[str], k: int, seed: int) -> list[list[str]]:
    """The article ids dealt into ``k`` folds after a seeded shuffle."""
    order = sorted(ids)
    random.Random(seed).shuffle(order)
    return [sorted(order[i::k]) for i in range(k)]


def cross_validate(
    views: Mapping[str, View],
    golds: Mapping[str, dict],
    s: Settings,
    k: int = 5,
    seed: int = 0,
    fraction: float = 1.0,
    report: Callable[[str], None] = lambda line: None,
) -> tuple[dict, list[dict]]:
    """Pooled reports of the learned pipeline and of the rules alone, in the reference scorer's shape,
    and the held-out predictions (export records) they were scored on.

    ``fraction`` trains each fold on that share of its training articles
    (a seeded sample), for a learning curve.
    """
    truths: dict[str, Truth] = {a: from_gold(g) for a, g in golds.items()}
    dealt = folds(list(views), k, seed)
    predictions = []
    sample = random.Random(seed + 1)
    for i, fold in enumerate(dealt):
        train_ids = sorted(a for j, other in enumerate(dealt) if j != i for a in other)
        if fraction < 1.0:
            train_ids = sorted(sample.sample(train_ids, max(1, round(len(train_ids) * fraction))))
        models, summary = train_models({a: views[a] for a in train_ids}, truths, s)
        report(f"fold {i + 1}/{k}: trained on {summary['articles']} articles, extracting {len(fold)}")
        for aid in fold:
            money, organisations, projects = decide(views[aid], models, s)
            predictions.append(scored_record(aid, views[aid], money, organisations, projects))
    scored = {a: golds[a] for a in views}
    learned, _ = evaluate(scored, predictions)
    rules = [
        scored_record(a, v, v.rules.money, v.rules.organisations, v.rules.projects) for a, v in views.items()
    ]
    rules_only, _ = evaluate(scored, rules)
    pooled = {
        "articles": len(views),
        "folds": k,
        "seed": seed,
        "train_fraction": fraction,
        "slots": learned["slots"],
        "rules_only": {"slots": rules_only["slots"]},
    }
    return pooled, predictions


def format_cv(report: dict) -> str:
    """The pooled table, with the rules-only F1 beside each slot."""
    head = (
        f"{report['articles']} articles, {report['folds']}-fold cross-validation by article "
        f"(seed {report['seed']}, training fraction {report['train_fraction']:g})"
    )
    lines = [head, f"{'slot':22} {'P':>6} {'R':>6} {'F1':>6}  {'tp/fp/fn':>14}  {'rules-only F1':>13}"]
    rules = report["rules_only"]["slots"]
    for slot, r in report["slots"].items():
        counts = f"{r['tp']}/{r['fp']}/{r['fn']}"
        lines.append(
            f"{slot:22} {r['p']:6.3f} {r['r']:6.3f} {r['f1']:6.3f}  {counts:>14}  {rules[slot]['f1']:13.3f}"
        )
    return "\n".join(lines)
