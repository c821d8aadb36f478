"""Rebuild ``rules/clusters/words.tsv``: word classes learnt from unlabelled news text.

Why: the learned decisions read words (the word before a name, the words
before an amount), and 464 gold articles show few of the words a new article
uses. Words that occur in the same contexts (致电 and 采访, 营业收入 and 销售额)
get the same class here, so a model that learnt one reads the other.

How: the 新闻联播 stories of ``../shared/bench/xwlb-stories.jsonl.gz`` less
every article of the gold folders (so cross-validation never sees its
held-out texts here) are cut by the extraction segmenter; each frequent word
is described by the words one and two places on either side of it (positive
pointwise mutual information), reduced by a seeded randomised SVD, and the
vectors are grouped by spherical k-means at two sizes. Only the word and its
two class numbers are written; no text of the source is.

    python tools/build_clusters.py              # writes rules/clusters/words.tsv (about 40 s)
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from collections import Counter
from pathlib import Path

import numpy
import regex

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
OUT = ROOT / "rules" / "clusters" / "words.tsv"
#: A word worth a class: Han characters, letters or digits (no punctuation).
WORDLIKE = regex.compile(r"^[\p{Han}A-Za-z0-9]+$")
VOCABULARY = 40_000
MIN_COUNT = 10
CONTEXTS = 1_500
#: Context slots: the word before, the word after, and the words two places away on either side.
OFFSETS = ((-1, 0), (1, 1), (-2, 2), (2, 3))
DIMENSIONS = 100
SIZES = (128, 1024)
SEED = 0


def gold_ids(folders: list[Path]) -> set[str]:
    """Every article id of the gold folders (a ``<id>.json`` each)."""
    return {p.stem for folder in folders for p in folder.glob("*.json")}


def stories(path: Path, skip: set[str]) -> list[str]:
    out = []
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            record = json.loads(line)
            if record["id"] not in skip and record.get("text"):
                out.append(record["text"])
    return out


def token_ids(texts: list[str]) -> tuple[numpy.ndarray, list[tuple[str, int]]]:
    """Every text's words as ids into a list of (word, count) sorted by frequency; -1 between texts."""
    sys.path.insert(0, str(ROOT))
    from extract.words import extraction_words

    cut = extraction_words().cut
    counts: Counter[str] = Counter()
    cuts = []
    for text in texts:
        words = cut(text)
        counts.update(words)
        cuts.append(words)
    words = sorted(counts.items(), key=lambda x: (-x[1], x[0]))
    index = {w: i for i, (w, _) in enumerate(words)}
    ids = numpy.fromiter((i for ws in cuts for i in (*(index[w] for w in ws), -1)), dtype=numpy.int64)
    return ids, words


def cooccurrence(ids: numpy.ndarray, vocabulary: numpy.ndarray, rows: int, contexts: int) -> numpy.ndarray:
    """Counts of (word, context slot × context word) for the ``rows`` words ``vocabulary`` maps to a row."""
    matrix = numpy.zeros((rows, contexts * len(OFFSETS)), dtype=numpy.float32)
    for offset, slot in OFFSETS:
        if offset > 0:
            target, context = ids[:-offset], ids[offset:]
        else:
            target, context = ids[-offset:], ids[:offset]
        keep = (target >= 0) & (context >= 0) & (context < contexts)
        keep[keep] = vocabulary[target[keep]] >= 0
        rows_of = vocabulary[target[keep]]
        cols = context[keep] + slot * contexts
        keys, n = numpy.unique(rows_of * (contexts * len(OFFSETS)) + cols, return_counts=True)
        matrix.flat[keys] += n
    return matrix


def ppmi(matrix: numpy.ndarray) -> numpy.ndarray:
    total = matrix.sum()
    rows = matrix.sum(axis=1, keepdims=True)
    cols = matrix.sum(axis=0, keepdims=True) ** 0.75  # context smoothing: rare contexts weigh less
    cols *= total / cols.sum()
    with numpy.errstate(divide="ignore", invalid="ignore"):
        pmi = numpy.log(matrix * total / (rows * cols))
    pmi[~numpy.isfinite(pmi)] = 0.0
    return numpy.maximum(pmi, 0.0, out=pmi)


def embed(matrix: numpy.ndarray, dimensions: int, rng: numpy.random.Generator) -> numpy.ndarray:
    """Rows reduced to ``dimensions`` by a randomised SVD (two power iterations), unit length."""
    probe = rng.standard_normal((matrix.shape[1], dimensions + 20)).astype(numpy.float32)
    q, _ = numpy.linalg.qr(matrix @ probe)
    for _ in range(2):
        q, _ = numpy.linalg.qr(matrix @ (matrix.T @ q))
    u, s, _ = numpy.linalg.svd(q.T @ matrix, full_matrices=False)
    vectors = (q @ u[:, :dimensions]) * numpy.sqrt(s[:dimensions])
    return vectors / numpy.maximum(numpy.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)


def kmeans(
    vectors: numpy.ndarray, k: int, rng: numpy.random.Generator, iterations: int = 25
) -> numpy.ndarray:
    """Spherical k-means: each row's class; centres start at distinct random rows."""
    centres = vectors[rng.choice(len(vectors), size=k, replace=False)].copy()
    for _ in range(iterations):
        labels = numpy.argmax(vectors @ centres.T, axis=1)
        for c in range(k):
            members = vectors[labels == c]
            if len(members):
                centre = members.sum(axis=0)
                centres[c] = centre / max(numpy.linalg.norm(centre), 1e-9)
    return numpy.argmax(vectors @ centres.T, axis=1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bench", type=Path, default=SHARED / "bench" / "xwlb-stories.jsonl.gz")
    parser.add_argument("--gold", type=Path, nargs="*", default=sorted((SHARED / "gold").glob("*/")))
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    if not args.bench.is_file():
        parser.error(f"{args.bench} not found. Hint: it is ../shared/bench/xwlb-stories.jsonl.gz")
    skip = gold_ids([g for g in args.gold if g.is_dir()])
    texts = stories(args.bench, skip)
    print(f"{len(texts)} stories ({len(skip)} gold ids left out)", file=sys.stderr)
    ids, words = token_ids(texts)
    chosen = [i for i, (w, n) in enumerate(words) if n >= MIN_COUNT and WORDLIKE.match(w)][:VOCABULARY]
    vocabulary = numpy.full(len(words), -1, dtype=numpy.int64)
    vocabulary[chosen] = numpy.arange(len(chosen))
    print(f"{len(ids):,} words, {len(chosen):,} in the vocabulary", file=sys.stderr)
    rng = numpy.random.default_rng(SEED)
    vectors = embed(ppmi(cooccurrence(ids, vocabulary, len(chosen), CONTEXTS)), DIMENSIONS, rng)
    classes = [kmeans(vectors, k, rng) for k in SIZES]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    lines = ["word\t" + "\t".join(f"c{k}" for k in SIZES)]
    lines += [
        f"{words[i][0]}\t" + "\t".join(str(int(c[row])) for c in classes) for row, i in enumerate(chosen)
    ]
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {args.out} ({len(chosen):,} words)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
