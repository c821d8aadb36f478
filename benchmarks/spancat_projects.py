"""Project names by spaCy's ``spancat`` against the linear models, on the same cross-validation.

usage: python benchmarks/spancat_projects.py [GOLD_DIR ...] [--folds K] [--epochs N] [--json]

Why: the README chooses a linear model over named features for the project
decisions and says why; this measures the alternative spaCy offers. Each
fold trains a ``spancat`` (spaCy's CNN tok2vec over the article's characters,
a mean-max span reducer and a logistic output, trained from scratch on CPU)
on the training folds, scoring exactly the candidate spans the linear models
score (``extract.learn.candidates``: a registered suggester hands them over),
so only the scorer differs. Its probability takes the place of both the
start and the accept model in ``project_spans``; everything else (grammar,
grouping, attachment, stage) stays, and the pooled scores are the reference
scorer's. Seeded; about a quarter of an hour for 5 folds over train + dev.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

import spacy
from spacy.tokens import Doc
from spacy.training import Example
from spacy.util import minibatch, registry
from thinc.api import get_current_ops
from thinc.types import Ragged

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extract.evaluate import evaluate  # noqa: E402
from extract.learn import decide as decisions  # noqa: E402
from extract.learn.candidates import featured  # noqa: E402
from extract.learn.corpus import gold_views  # noqa: E402
from extract.learn.crossval import folds, scored_record  # noqa: E402
from extract.learn.lists import read_lists  # noqa: E402
from extract.learn.settings import settings  # noqa: E402
from extract.learn.train import train_models  # noqa: E402
from extract.learn.truth import from_gold  # noqa: E402

GOLD = ROOT.parent / "shared" / "gold"
KEY = "candidates"
LABEL = "PROJECT"
SLOTS = ("project", "investment_yuan", "stage", "project_capacities", "project_companies", "micro")


@registry.misc("projreg_candidates.v1")
def candidate_suggester():
    """The spans put on ``doc.spans["candidates"]``: the linear models' candidates, one token a character."""

    def suggest(docs, *, ops=None):
        ops = ops or get_current_ops()
        spans, lengths = [], []
        for doc in docs:
            group = doc.spans.get(KEY, [])
            spans.extend([s.start, s.end] for s in group)
            lengths.append(len(group))
        data = ops.asarray2i(spans) if spans else ops.xp.zeros((0, 2), dtype="i")
        return Ragged(data, ops.asarray1i(lengths))

    return suggest


def character_pipeline(seed: int) -> spacy.Language:
    spacy.util.fix_random_seed(seed)
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "char"}}})
    nlp.add_pipe(
        "spancat",
        config={"spans_key": "sc", "suggester": {"@misc": "projreg_candidates.v1"}, "threshold": 0.0},
    )
    return nlp


def candidate_doc(nlp: spacy.Language, view, heads) -> tuple[Doc, list]:
    doc = nlp.make_doc(view.text)
    cands = [c for c, _ in featured(view, read_lists(view, heads))]
    doc.spans[KEY] = [doc[c.start : c.end] for c in cands]
    return doc, cands


def train_spancat(nlp, views, truths, heads, ids, epochs: int, seed: int) -> None:
    examples = []
    for aid in ids:
        doc, cands = candidate_doc(nlp, views[aid], heads)
        truth = truths[aid]
        reference = doc.copy()
        reference.spans["sc"] = [
            reference.char_span(c.start, c.end, label=LABEL)
            for c in cands
            if truth.is_name(views[aid].text[c.start : c.end])
        ]
        examples.append(Example(doc, reference))
    optimizer = nlp.initialize(lambda: examples)
    rng = random.Random(seed)
    for _ in range(epochs):
        rng.shuffle(examples)
        for batch in minibatch(examples, size=8):
            nlp.update(batch, drop=0.1, sgd=optimizer)


def spancat_spans(nlp, heads):
    """A ``project_spans`` that reads the spancat's probability where the linear models read theirs."""

    def project_spans(view, models, lists, threshold, veto):
        doc, cands = candidate_doc(nlp, view, heads)
        doc = nlp.get_pipe("spancat")(doc)
        scores = doc.spans["sc"].attrs.get("scores", [])
        prob = {(s.start_char, s.end_char): float(scores[i]) for i, s in enumerate(doc.spans["sc"])}
        best: dict[int, tuple[float, tuple[int, int]]] = {}
        for c in cands:
            p = prob.get((c.start, c.end), 0.0)
            if c.end not in best or p > best[c.end][0]:
                best[c.end] = (p, (c.start, c.end))
        grammar = sorted({(m.start, m.end) for p in view.rules.projects for m in p.mentions})
        kept, out = decisions.Intervals(), {}
        for span in grammar:
            p = prob.get(span)
            if p is not None and p < veto and not decisions._priced_row(view, span):
                continue
            if not kept.overlaps(*span):
                kept.add(*span)
                if p is not None:
                    out[span] = p
        for p, span in sorted(best.values(), key=lambda x: (-x[0], x[1][0])):
            if p >= threshold and not kept.overlaps(*span):
                kept.add(*span)
                out[span] = p
        return kept.spans, out

    return project_spans


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gold", nargs="*", type=Path, default=[GOLD / "train", GOLD / "dev"])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", action="store_true", help="print {system: {slot: f1}}")
    args = parser.parse_args(argv)
    missing = [g for g in args.gold if not g.is_dir()]
    if missing:
        parser.error(f"{missing[0]} not found. Hint: the gold folders are ../shared/gold/train and dev")
    golds, views = gold_views([str(g) for g in args.gold], lambda line: print(line, file=sys.stderr))
    truths = {a: from_gold(g) for a, g in golds.items()}
    s = settings()
    linear, neural = [], []
    seconds = 0.0
    original = decisions.project_spans
    for i, fold in enumerate(folds(list(views), args.folds, args.seed)):
        train_ids = sorted(a for a in views if a not in set(fold))
        models, _ = train_models({a: views[a] for a in train_ids}, truths, s)
        nlp = character_pipeline(args.seed)
        start = time.perf_counter()
        train_spancat(nlp, views, truths, models.heads, train_ids, args.epochs, args.seed)
        seconds += time.perf_counter() - start
        print(f"fold {i + 1}/{args.folds}: spancat trained ({seconds:.0f} s so far)", file=sys.stderr)
        for systems, spans in ((linear, original), (neural, spancat_spans(nlp, models.heads))):
            decisions.project_spans = spans
            for aid in fold:
                money, orgs, projects = decisions.decide(views[aid], models, s)
                systems.append(scored_record(aid, views[aid], money, orgs, projects))
        decisions.project_spans = original
    scored = {a: golds[a] for a in views}
    systems = (("linear", linear), ("spancat", neural))
    reports = {name: evaluate(scored, preds)[0]["slots"] for name, preds in systems}
    if args.json:
        print(json.dumps({name: {k: r[k]["f1"] for k in SLOTS} for name, r in reports.items()}))
        return 0
    print(
        f"{len(views)} articles, {args.folds}-fold CV (seed {args.seed}); spancat {args.epochs} epochs, "
        f"{seconds:.0f} s of training in all"
    )
    print(f"{'slot':20} {'linear':>8} {'spancat':>8}")
    for k in SLOTS:
        print(f"{k:20} {reports['linear'][k]['f1']:8.3f} {reports['spancat'][k]['f1']:8.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
