"""jieba against pkuseg as the pipeline's word segmenter, each measured in a process of its own.

    .venv/bin/python benchmarks/segmenters.py [--articles N] [--stories N] [--segmenters jieba pkuseg]

Needs ../shared (corpus, bench, gold/dev) and, for pkuseg, ``make pkuseg``.
Per segmenter: start-up (``build_pipeline``, LAC included), speed of the
segmenter alone and of spaCy's tokenizer (segmenter plus the Doc) on the
corpus and on xwlb stories, whole-pipeline speed (``Extractor``: clean,
components, mapping) on the corpus, peak RSS of the process, and dev-gold F1
for companies and projects (the dev articles ingested into a temporary
registry). Times are CPU seconds of the process (all its threads), so other
load on the machine does not skew them; speeds are over one pass, after one
warm-up article.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
STORIES = SHARED / "bench" / "xwlb-stories.jsonl.gz"
GOLD = SHARED / "gold" / "dev"
KEYS = ("id", "title", "date", "source", "url", "text")
ROWS = (
    ("start-up (CPU s)", "startup_s", "{:.1f}"),
    ("segmenter alone, corpus (k chars/s)", "segmenter_corpus", "{:.0f}"),
    ("segmenter alone, xwlb stories (k chars/s)", "segmenter_stories", "{:.0f}"),
    ("spaCy tokenizer, corpus (k chars/s)", "tokenizer_corpus", "{:.0f}"),
    ("spaCy tokenizer, xwlb stories (k chars/s)", "tokenizer_stories", "{:.0f}"),
    ("whole pipeline, corpus (k chars/s)", "pipeline_corpus", "{:.1f}"),
    ("RSS after start-up (MB)", "rss_startup_mb", "{:.0f}"),
    ("peak RSS (MB)", "rss_peak_mb", "{:.0f}"),
    ("dev-gold company F1", "company_f1", "{:.3f}"),
    ("dev-gold project F1", "project_f1", "{:.3f}"),
    ("dev-gold micro F1", "micro_f1", "{:.3f}"),
)


def jsonl(path: Path) -> Iterator[dict]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as lines:
        yield from (json.loads(line) for line in lines if line.strip())


def corpus() -> Iterator[dict]:
    for path in sorted((SHARED / "corpus").glob("*.jsonl")):
        yield from jsonl(path)


def rss_mb() -> float:
    """Peak resident set of this process so far (``ru_maxrss`` is in KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def speed(func: Callable[[object], object], items: list, chars: int) -> float:
    """Thousands of characters per second of ``func`` over ``items`` (one pass after a warm-up)."""
    func(items[0])
    started = time.process_time()
    for item in items:
        func(item)
    return chars / (time.process_time() - started) / 1e3


def segment_function(nlp: Language) -> Callable[[str], object]:
    """The bare segmenter inside the tokenizer, without building a Doc.

    jieba's words come from our own tokenizer (``WordsTokenizer``: jieba-rs);
    pkuseg runs inside spaCy's Chinese tokenizer.
    """
    from extract.nlp import WordsTokenizer

    tokenizer = nlp.tokenizer
    if isinstance(tokenizer, WordsTokenizer):
        return tokenizer.words.cut
    return tokenizer.pkuseg_seg.cut


def dev_gold_scores(segmenter: str, workdir: Path) -> dict[str, object]:
    """Ingest the dev-gold articles (shared corpus and the seeds in corpus/) and score the export."""
    from extract.batch import ingest
    from extract.evaluate import evaluate, load_gold
    from extract.export import export_records
    from extract.registry import open_registry

    golds = load_gold(GOLD)
    batch = workdir / "dev.jsonl"
    with batch.open("w", encoding="utf-8") as out:
        for article in corpus():
            if article["id"] in golds:
                out.write(json.dumps({k: article.get(k) for k in KEYS}, ensure_ascii=False) + "\n")
    db_path = workdir / "dev.db"
    # One worker: the extraction runs in this process, so its memory is in this process's peak RSS.
    ingest([batch, ROOT / "corpus"], db_path, progress=False, segmenter=segmenter, workers=1)
    records = list(export_records(open_registry(db_path)))
    slots = evaluate(golds, records)[0]["slots"]
    digest = hashlib.sha256(json.dumps(records, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    return {
        "company_f1": slots["company"]["f1"],
        "project_f1": slots["project"]["f1"],
        "micro_f1": slots["micro"]["f1"],
        "export_sha256": digest[:16],
    }


def measure(segmenter: str, articles: int, stories: int) -> dict[str, object]:
    """Every figure for one segmenter, in this process."""
    started = time.process_time()
    from extract.nlp import build_pipeline

    nlp = build_pipeline(segmenter=segmenter)  # type: ignore[arg-type]
    figures: dict[str, object] = {"startup_s": time.process_time() - started, "rss_startup_mb": rss_mb()}

    from extract.clean import clean
    from extract.models import Article
    from extract.pipeline import Extractor

    raw = list(islice(corpus(), articles))
    story_texts = [clean(s["text"]).text for s in islice(jsonl(STORIES), stories)]
    for name, texts in (("corpus", [clean(a["text"]).text for a in raw]), ("stories", story_texts)):
        chars = sum(map(len, texts))
        figures[f"segmenter_{name}"] = speed(segment_function(nlp), texts, chars)
        figures[f"tokenizer_{name}"] = speed(nlp.make_doc, texts, chars)
    fields = set(Article.model_fields)
    docs = [Article(**{k: v for k, v in a.items() if k in fields}) for a in raw]
    extractor = Extractor(segmenter=segmenter)  # type: ignore[arg-type]
    figures["pipeline_corpus"] = speed(extractor, docs, sum(len(a.text) for a in docs))
    with tempfile.TemporaryDirectory() as workdir:
        figures |= dev_gold_scores(segmenter, Path(workdir))
    figures["rss_peak_mb"] = rss_mb()
    figures["sizes"] = {
        "articles": len(raw),
        "corpus_chars": sum(len(a["text"]) for a in raw),
        "stories": len(story_texts),
        "story_chars": sum(map(len, story_texts)),
    }
    return figures


def run_child(segmenter: str, articles: int, stories: int) -> dict[str, object]:
    """Measure ``segmenter`` in a fresh interpreter, so start-up and RSS are its own."""
    command = [sys.executable, __file__, "--child", segmenter, "--articles", str(articles)]
    result = subprocess.run(
        [*command, "--stories", str(stories)], capture_output=True, text=True, cwd=ROOT, check=False
    )
    if result.returncode:
        last = (result.stderr.strip().splitlines() or ["no output"])[-1]
        return {"error": last}
    return json.loads(result.stdout.strip().splitlines()[-1])


def print_table(results: dict[str, dict[str, object]]) -> None:
    names = list(results)
    print("| figure | " + " | ".join(names) + " |")
    print("|---|" + "---:|" * len(names))
    for label, key, fmt in ROWS:
        cells = [fmt.format(r[key]) if key in r else r.get("error", "-") for r in results.values()]
        print(f"| {label} | " + " | ".join(cells) + " |")
    exports = {r.get("export_sha256") for r in results.values()}
    if len(exports) == 1 and None not in exports and len(results) > 1:
        print("\nThe dev-gold exports are identical: the extractors read characters, not the spaCy tokens.")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=500, help="corpus articles (default 500)")
    parser.add_argument("--stories", type=int, default=5000, help="xwlb stories (default 5000)")
    parser.add_argument("--segmenters", nargs="+", default=["jieba", "pkuseg"])
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child, args.articles, args.stories)))
        return
    results = {s: run_child(s, args.articles, args.stories) for s in args.segmenters}
    sizes = next((r["sizes"] for r in results.values() if "sizes" in r), None)
    if sizes:
        print(
            f"corpus: {sizes['articles']} articles, {sizes['corpus_chars']:,} chars; "
            f"xwlb stories: {sizes['stories']}, {sizes['story_chars']:,} chars\n"
        )
    print_table(results)


if __name__ == "__main__":
    main()
