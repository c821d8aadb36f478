"""Company recognition on CLUENER2020 dev (label ``company``): projreg vs LAC alone vs jieba ``nt``.

usage: python benchmarks/companies_cluener.py [PATH] [--limit N] [--json]

PATH defaults to ../shared/bench/cluener-dev.jsonl. Nothing in projreg was
trained or tuned on CLUENER. Matching is by exact span: a predicted span
counts when its (start, end) equals a gold ``company`` span (gold ends are
inclusive in the file, made exclusive here); everything else the system
predicts is a false positive, every gold span it misses a false negative.
Each system is timed over the whole set after a warm-up (model loading is
not counted) and reported in characters per second.

- projreg: the shipped pipeline (``Extractor``): the rules' and LAC's company mentions and the
  gazetteer's hits, each judged by the learned company check;
- projreg, rules + LAC only: ``find_organisations`` with LAC, mentions of kind ``company``
  (LAC on the sentences passing the trigger test, then on all sentences), as before the check;
- gazetteer alone: every hit of ``rules/gazetteer/companies.tsv`` (leftmost-longest);
- LAC alone: every ``ORG`` span (LAC's ORG covers government bodies too);
- jieba: every word ``jieba.posseg`` tags ``nt`` (organisation name).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import jieba
import jieba.posseg

from extract.learn.companies import gazetteer
from extract.models import Article
from extract.ner import lac_model
from extract.orgs import find_organisations
from extract.pipeline import Extractor
from extract.sentences import split_sentences

Span = tuple[int, int]
DEFAULT = Path(__file__).resolve().parent.parent.parent / "shared" / "bench" / "cluener-dev.jsonl"


@dataclass
class Result:
    name: str
    tp: int = 0
    fp: int = 0
    fn: int = 0
    seconds: float = 0.0

    def prf(self) -> dict[str, float]:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        return {"p": round(p, 4), "r": round(r, 4), "f1": round(2 * p * r / (p + r) if p + r else 0.0, 4)}

    def row(self, chars: int) -> str:
        s = self.prf()
        speed = chars / self.seconds if self.seconds else 0.0
        return (
            f"{self.name:24} {s['p']:6.3f} {s['r']:6.3f} {s['f1']:6.3f}  "
            f"{self.tp}/{self.fp}/{self.fn}  {speed:10,.0f}"
        )


def gold_spans(record: dict) -> set[Span]:
    """The ``company`` spans of a CLUENER record, end exclusive."""
    return {(s, e + 1) for spans in record["label"].get("company", {}).values() for s, e in spans}


def projreg(text: str, only_triggered: bool = True) -> set[Span]:
    orgs = find_organisations(text, split_sentences(text), lac_model(), only_triggered=only_triggered)
    return {(o.start, o.end) for o in orgs if o.kind == "company"}


def projreg_all(text: str) -> set[Span]:
    return projreg(text, only_triggered=False)


@cache
def _extractor() -> Extractor:
    return Extractor()


def projreg_learned(text: str) -> set[Span]:
    """The shipped pipeline: rules, LAC and the gazetteer's hits, judged by the company model."""
    orgs = _extractor()(Article(id="cluener", text=text)).organisations
    return {(o.start, o.end) for o in orgs if o.kind == "company"}


def gazetteer_alone(text: str) -> set[Span]:
    return {(s, e) for _, s, e in gazetteer().automaton.find_matches_as_indexes(text)}


def lac_alone(text: str) -> set[Span]:
    return {(s, e) for s, e, label in lac_model().entities([text])[0] if label == "ORG"}


def jieba_nt(text: str) -> set[Span]:
    out, offset = set(), 0
    for pair in jieba.posseg.cut(text):
        if pair.flag == "nt":
            out.add((offset, offset + len(pair.word)))
        offset += len(pair.word)
    return out


SYSTEMS: dict[str, Callable[[str], set[Span]]] = {
    "projreg": projreg_learned,
    "projreg, rules + LAC only": projreg,
    "gazetteer alone": gazetteer_alone,
    "projreg, NER everywhere": projreg_all,
    "LAC alone (ORG)": lac_alone,
    "jieba.posseg (nt)": jieba_nt,
}


def evaluate(records: list[dict]) -> list[Result]:
    """Score every system on ``records``; each one warmed up on the first record first."""
    results = []
    for name, system in SYSTEMS.items():
        system(records[0]["text"])
        result = Result(name)
        for record in records:
            start = time.perf_counter()
            predicted = system(record["text"])
            result.seconds += time.perf_counter() - start
            gold = gold_spans(record)
            result.tp += len(predicted & gold)
            result.fp += len(predicted - gold)
            result.fn += len(gold - predicted)
        results.append(result)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--limit", type=int, default=None, help="only the first N records")
    parser.add_argument(
        "--json", action="store_true", help='print {system: {"p", "r", "f1"}}; the shipped one is "projreg"'
    )
    args = parser.parse_args(argv)
    if not args.path.is_file():
        parser.error(f"{args.path} not found. Hint: ../shared/bench/ holds cluener-dev.jsonl")
    lines = args.path.read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines if line.strip()][: args.limit]
    chars = sum(len(r["text"]) for r in records)
    jieba.setLogLevel(60)
    results = evaluate(records)
    if args.json:
        print(json.dumps({r.name: {**r.prf(), "tp": r.tp, "fp": r.fp, "fn": r.fn} for r in results}))
        return 0
    gold = sum(len(gold_spans(r)) for r in records)
    print(f"CLUENER dev: {len(records)} sentences, {chars} chars, {gold} gold company spans")
    print("company spans, exact-span match")
    print(f"{'system':24} {'P':>6} {'R':>6} {'F1':>6}  tp/fp/fn  {'chars/s':>10}")
    for result in results:
        print(result.row(chars))
    return 0


if __name__ == "__main__":
    sys.exit(main())
