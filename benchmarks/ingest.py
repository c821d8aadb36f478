"""The whole ``projreg ingest`` over news stories: registry writes, learnt company names and linking included.

    .venv/bin/python benchmarks/ingest.py --stories 10000 [--workers 2]
    .venv/bin/python benchmarks/ingest.py --stories 0 --workers 2   # all 107,625 stories: 7 min

Needs ../shared/bench/xwlb-stories.jsonl.gz. The first N stories are written
to a gzipped JSONL file (all of them: the file itself), then ingested three
times into a fresh registry in a temporary folder: into the empty registry;
the same file again (nothing changed: reading, hashing, no relink); then the
two seed articles of ``corpus/`` (a small batch into a large registry: the
relink of every article dominates). The runs share one process, so only the
first includes start-up. Prints seconds and articles/s of each run;
the last line is the same as JSON. ``benchmarks/throughput.py`` measures the
extraction alone, against jieba.
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import shutil
import tempfile
from pathlib import Path

from throughput import STORIES

from extract.batch import RunSummary, ingest

SEEDS = Path(__file__).resolve().parents[1] / "corpus"


def stories_file(limit: int, folder: Path) -> Path:
    """The bench file itself for all stories, else its first ``limit`` lines gzipped apart."""
    if not STORIES.exists():
        raise SystemExit(f"{STORIES} not found (../shared/bench is needed)")
    if not limit:
        return STORIES
    path = folder / f"stories-{limit}.jsonl.gz"
    with gzip.open(STORIES, "rb") as source, gzip.open(path, "wb") as target:
        target.writelines(itertools.islice(source, limit))
    return path


def figures(summary: RunSummary) -> dict[str, float | int]:
    return {
        "new": summary.new,
        "changed": summary.changed,
        "unchanged": summary.unchanged,
        "failed": summary.failed,
        "seconds": summary.seconds,
        "articles_per_s": summary.per_second,
    }


def main() -> None:
    layout = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=layout)
    parser.add_argument("--stories", type=int, default=10_000, help="How many stories (0: all).")
    parser.add_argument("--workers", type=int, default=2, help="Extraction processes (1: in-process).")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="projreg-ingest-"))
    try:
        source, db = stories_file(args.stories, folder), folder / "registry.db"
        runs = {
            "fresh": ingest([source], db, workers=args.workers),
            "again": ingest([source], db, workers=args.workers),
            "two_seeds": ingest([SEEDS], db, workers=args.workers),
        }
    finally:
        shutil.rmtree(folder)
    result = {name: figures(summary) for name, summary in runs.items()}
    for name, row in result.items():
        print(
            f"{name:10s} {row['new']:>7,} new {row['changed']:>7,} changed {row['unchanged']:>7,} unchanged "
            f"{row['failed']:>3} failed: {row['seconds']:8.1f} s, {row['articles_per_s']:8.1f} articles/s"
        )
    print(json.dumps({"workers": args.workers, **result}))


if __name__ == "__main__":
    main()
