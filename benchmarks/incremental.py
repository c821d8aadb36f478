"""Seconds a batch of new articles takes as the registry grows, beside a full relink of it.

    .venv/bin/python benchmarks/incremental.py [--sizes 0 10000 50000 107626] [--batch 100]
                                               [--repeat 3] [--db /tmp/projreg-incremental.db] [--json]

Grows one registry from the bench stories (../shared/bench/xwlb-stories.jsonl.gz, 2 workers)
to each size in turn. At each size it ingests the same batch of ``--batch`` articles new to
the registry (the first press articles of ../shared/corpus, rich in projects and companies)
into a copy of it, so every size is timed on the same text (``--repeat`` times, each on a
fresh copy and in a fresh process: the medians), and prints the batch's seconds, the link's share of them, and
the seconds of a full relink (``projreg relink``) of a second copy. That copy is then
compared with the first, table by table: the incremental link must have left what the full
relink leaves. A flat batch column is the point.
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from extract import batch
from extract.batch import ingest
from extract.registry import open_registry
from extract.registry.linking import link_registry

SHARED = Path(__file__).resolve().parents[2] / "shared"
STORIES = SHARED / "bench" / "xwlb-stories.jsonl.gz"
NEW = SHARED / "corpus" / "press-2011-projects.jsonl"
#: What the incremental link writes, and what it must leave as a full relink does.
LINK_TABLES = [
    "canonical_projects",
    "project_links",
    "canonical_companies",
    "company_links",
    "lexicon",
    "organisations",
    "projects",
    "link_records",
    "link_keys",
    "company_mentions",
    "company_forms",
    "short_forms",
]


def grow(db: Path, size: int, tmp: Path) -> float:
    """Ingest bench stories until the registry holds ``size`` of them; the seconds it took."""
    registry = open_registry(db)
    have = registry.execute("select count(*) from articles where id like 'xwlb%'").fetchone()[0]
    registry.conn.close()
    if have >= size:
        return 0.0
    part = tmp / f"stories-{size}.jsonl"
    with gzip.open(STORIES, "rt", encoding="utf-8") as source, part.open("w", encoding="utf-8") as out:
        out.writelines(itertools.islice(source, have, size))
    started = time.perf_counter()
    # In a process of its own, as a user's runs are, so this one does not carry 100k articles' leftovers.
    projreg = Path(sys.executable).parent / "projreg"
    subprocess.run([projreg, "ingest", part, "--db", db, "--workers", "2"], check=True, capture_output=True)
    return time.perf_counter() - started


def new_batch(size: int, tmp: Path) -> Path:
    """The first ``size`` press articles of the corpus, as a JSONL file."""
    lines = [line for line in NEW.read_text(encoding="utf-8").splitlines() if line.strip()]
    part = tmp / "batch.jsonl"
    part.write_text("\n".join(lines[:size]) + "\n", encoding="utf-8")
    return part


def copy(db: Path, target: Path) -> Path:
    """A copy of the registry at ``db`` (SQLite's backup, so a WAL's pages come along)."""
    target.unlink(missing_ok=True)
    with sqlite3.connect(db) as source, sqlite3.connect(target) as copied:
        source.backup(copied)
    return target


def timed_batch(db: Path, part: Path) -> tuple[float, float, int]:
    """(seconds of the whole ingest, seconds of its link, articles the link started from)."""
    spent: list[float] = []
    changed: list[int] = []
    link = batch.link_registry

    def timed(registry, **options):
        changed.append(registry.execute("select count(*) from changed_articles").fetchone()[0])
        started = time.perf_counter()
        link(registry, **options)
        spent.append(time.perf_counter() - started)

    batch.link_registry = timed
    try:
        started = time.perf_counter()
        ingest([part], db, workers=2, progress=False)
        return time.perf_counter() - started, sum(spent), changed[0]
    finally:
        batch.link_registry = link


def in_process(db: Path, part: Path) -> tuple[float, float, int]:
    """:func:`timed_batch` in a fresh process, as a user's run is: what it pays once (jieba's
    dictionary for the lexicon, 0.25 s) is counted in every batch."""
    command = [sys.executable, __file__, "--time-batch", str(db), str(part)]
    return tuple(json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout))


def full_relink(db: Path, tmp: Path) -> tuple[float, dict[str, int]]:
    """Seconds of a full relink of a copy of ``db``, and the rows either registry has and the other lacks."""
    full = copy(db, tmp / "full.db")
    registry = open_registry(full)
    started = time.perf_counter()
    link_registry(registry)
    seconds = time.perf_counter() - started
    registry.conn.close()
    differences = {}
    with sqlite3.connect(db) as conn:
        conn.execute("attach database ? as full", [str(full)])
        for table in LINK_TABLES:
            columns = ", ".join(f"[{r[1]}]" for r in conn.execute(f"pragma table_info([{table}])"))
            count = 0
            for a, b in (("main", "full"), ("full", "main")):
                sql = (
                    f"select count(*) from (select {columns} from {a}.[{table}]"
                    f" except select {columns} from {b}.[{table}])"
                )
                count += conn.execute(sql).fetchone()[0]
            differences[table] = count
    return seconds, differences


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[0, 10_000, 50_000, 107_626])
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3, help="batches timed at each size (medians shown)")
    parser.add_argument(
        "--db",
        type=Path,
        default=Path(tempfile.gettempdir()) / "projreg-incremental.db",
        help="the registry to grow (replaced if it exists)",
    )
    parser.add_argument("--json", action="store_true", help="print the rows as JSON only")
    parser.add_argument("--time-batch", nargs=2, type=Path, metavar=("DB", "PART"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.time_batch:  # one batch, in a process of its own (see in_process)
        print(json.dumps(timed_batch(*args.time_batch)))
        return
    rows = []
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        if args.db.exists():
            args.db.unlink()
        part = new_batch(args.batch, tmp)
        for size in args.sizes:
            grown = grow(args.db, size, tmp)
            with sqlite3.connect(args.db) as conn:
                articles = conn.execute("select count(*) from articles").fetchone()[0]
            timings = []
            for _ in range(args.repeat):
                batched = copy(args.db, tmp / "batched.db")
                timings.append(in_process(batched, part))
            columns = zip(*timings, strict=True)
            seconds, link_seconds, changed = (statistics.median(column) for column in columns)
            relink_seconds, differences = full_relink(batched, tmp)
            row = {
                "articles": articles,
                "grown_in_s": round(grown, 1),
                "batch": args.batch,
                "batch_s": round(seconds, 2),
                "batch_s_each": [round(t[0], 2) for t in timings],
                "link_s": round(link_seconds, 2),
                "link_started_from": changed,
                "full_relink_s": round(relink_seconds, 2),
                "rows_differing_from_full_relink": sum(differences.values()),
            }
            rows.append(row)
            if not args.json:
                print(json.dumps(row), flush=True)
    if args.json:
        print(json.dumps(rows))
    else:
        print("| registry (articles) | new | batch (s) | its link (s) | full relink (s) | rows differing |")
        print("|---|---|---|---|---|---|")
        for r in rows:
            print(
                f"| {r['articles']:,} | {r['batch']} | {r['batch_s']} | {r['link_s']} | {r['full_relink_s']}"
                f" | {r['rows_differing_from_full_relink']} |"
            )


if __name__ == "__main__":
    main()
