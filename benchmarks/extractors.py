"""Throughput of each extractor over the real corpus (chars/s), best of three passes.

    .venv/bin/python benchmarks/extractors.py [--articles N]

Needs ../shared/corpus. Prints one line per stage: clean, sentences, money,
capacities, dates, and jieba.cut alone for scale.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from pathlib import Path

import jieba

from extract.capacity import find_capacities
from extract.clean import clean
from extract.dates import find_dates
from extract.money import find_money
from extract.sentences import split_sentences

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def load_texts(limit: int) -> list[str]:
    texts: list[str] = []
    for path in sorted(CORPUS.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and len(texts) < limit:
                texts.append(json.loads(line)["text"])
    return texts


def best_of(runs: int, func: Callable[[str], object], texts: list[str]) -> float:
    """Characters per second of ``func`` over ``texts`` (process CPU time, best run)."""
    best = float("inf")
    for _ in range(runs):
        t0 = time.process_time()
        for text in texts:
            func(text)
        best = min(best, time.process_time() - t0)
    return sum(map(len, texts)) / best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=3000)
    args = parser.parse_args()
    raw = load_texts(args.articles)
    cleaned = [clean(t).text for t in raw]
    jieba.initialize()
    stages: dict[str, tuple[Callable[[str], object], list[str]]] = {
        "clean": (clean, raw),
        "sentences": (split_sentences, cleaned),
        "money": (find_money, cleaned),
        "capacities": (find_capacities, cleaned),
        "dates": (lambda t: find_dates(t, None), cleaned),
        "jieba.cut (for scale)": (lambda t: list(jieba.cut(t)), cleaned),
    }
    print(f"{len(raw)} articles, {sum(map(len, raw)):,} chars")
    for name, (func, texts) in stages.items():
        print(f"{name:24} {best_of(3, func, texts) / 1e6:6.2f} M chars/s")


if __name__ == "__main__":
    main()
