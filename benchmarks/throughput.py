"""Throughput of the whole pipeline over news stories, against jieba.cut alone, with memory and start-up.

    .venv/bin/python benchmarks/throughput.py --stories 1000 [--workers 2]
    .venv/bin/python benchmarks/throughput.py --stories 0 --workers 2   # all 107k: 11 min
    .venv/bin/python benchmarks/throughput.py --stories 10000 --skip 97625 --workers 2   # the last 10k alone

Needs ../shared/bench/xwlb-stories.jsonl.gz (read as a stream, never held whole).
Prints, for the pipeline (the worker pool of ``projreg ingest``, no registry
writes): articles/s and chars/s by the wall clock and per CPU second; for
jieba.cut alone over the same texts in one process: chars/s per CPU second;
their ratio (pipeline CPU time ÷ jieba CPU time); peak memory of the process
tree (main + workers, sampled from /proc: PSS, the physical memory, and RSS
summed, which counts pages the workers share once per worker); start-up (process start to the first
article extracted: imports, pipeline build and one article). The last line is the same as JSON.
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import os
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from extract.batch import extractions
from extract.ingest import read_jsonl_lines
from extract.models import Article, IngestFailure

STORIES = Path(__file__).resolve().parents[2] / "shared" / "bench" / "xwlb-stories.jsonl.gz"


def since_process_start() -> float:
    """Seconds since this process started (interpreter start-up and imports included)."""
    start_ticks = int(Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()[19])
    uptime = float(Path("/proc/uptime").read_text().split()[0])
    return uptime - start_ticks / os.sysconf("SC_CLK_TCK")


def articles(limit: int, skip: int = 0) -> Iterator[Article]:
    """``limit`` stories (all for 0) after the first ``skip``, as articles, streamed from the gzip file."""
    with gzip.open(STORIES, "rt", encoding="utf-8") as lines:
        items = read_jsonl_lines(itertools.islice(lines, skip, skip + limit if limit else None), str(STORIES))
        yield from (item for item in items if isinstance(item, Article))


class TreeMemory:
    """Peak memory of this process and its descendants, sampled every ``interval`` seconds.

    Two sums over the tree: RSS, which counts a page shared by several
    processes (the libraries and data workers inherit from the main process)
    once per process, and PSS, which splits each shared page between its
    sharers, so it adds up to the physical memory the run holds.
    """

    def __init__(self, interval: float = 0.5) -> None:
        self.interval, self.peak_rss, self.peak_pss, self._stop = interval, 0, 0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            rss, pss = self.sample()
            self.peak_rss, self.peak_pss = max(self.peak_rss, rss), max(self.peak_pss, pss)

    @staticmethod
    def tree() -> set[int]:
        """This process and all its descendants now."""
        parents: dict[int, int] = {}
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                parents[int(stat.parent.name)] = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
        tree = {os.getpid()}
        for _ in range(4):  # main → workers (or nannies → Dask workers) → their helpers, if any
            tree |= {pid for pid, parent in parents.items() if parent in tree}
        return tree

    @classmethod
    def sample(cls) -> tuple[int, int]:
        """Bytes resident (RSS, PSS) in this process and all its descendants now."""
        rss = pss = 0
        for pid in cls.tree():
            try:
                rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
            except OSError:  # the process ended
                continue
            fields = dict(line.split(":", 1) for line in rollup.splitlines()[1:])
            rss += int(fields["Rss"].split()[0]) * 1024
            pss += int(fields["Pss"].split()[0]) * 1024
        return rss, pss


def cpu_seconds() -> float:
    """CPU time of this process and its reaped children (the pool's workers once joined)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def tree_cpu_seconds() -> float:
    """CPU time of this process, its reaped children and every living descendant (a Dask cluster's
    nannies and workers live until the run ends, so they are read where they run)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in TreeMemory.tree():
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12]) + int(fields[13]) + int(fields[14])) / ticks
    return total


def client_rss_mb() -> int:
    """Resident memory of this process alone (the writer's side: with Dask, the client)."""
    return int(Path("/proc/self/status").read_text().split("VmRSS:")[1].split()[0]) // 1024


def pipeline_pass(
    limit: int, workers: int, skip: int = 0, segment: int = 10_000, engine: str = "pool"
) -> dict:
    """Extract every story through the ingest worker pool (or a local Dask cluster); start-up, then
    times of the rest.

    Throughput is counted from the first article on, so the pipeline build is
    start-up, not throughput. Wall-clock chars/s and this process's memory are
    also kept for every ``segment`` stories, to see whether a long run slows
    down or the client grows.
    """
    count = chars = 0
    first_at = wall = cpu = 0.0
    segments: list[int] = []
    memory: list[int] = []
    segment_chars, segment_wall = 0, 0.0
    clock = tree_cpu_seconds if engine == "dask" else cpu_seconds
    if engine == "dask":
        from extract.dask_engine import dask_extractions

        running = dask_extractions(articles(limit, skip), "jieba", workers)
    else:
        running = extractions(articles(limit, skip), "jieba", workers)
    with running as results:
        for extraction in results:
            if isinstance(extraction, IngestFailure):
                print(f"failed: {extraction.article_id}: {extraction.reason}", file=sys.stderr)
                continue
            if not count:
                first_at, wall, cpu = since_process_start(), time.perf_counter(), clock()
                segment_wall = wall
            else:
                chars += len(extraction.article.text)
                segment_chars += len(extraction.article.text)
            count += 1
            if count % segment == 0:
                now = time.perf_counter()
                segments.append(round(segment_chars / (now - segment_wall)))
                memory.append(client_rss_mb())
                segment_chars, segment_wall = 0, now
        if engine == "dask":  # before the cluster closes
            wall, cpu = time.perf_counter() - wall, clock() - cpu
    if engine != "dask":
        wall, cpu = time.perf_counter() - wall, clock() - cpu
    return {
        "articles": count - 1,
        "chars": chars,
        "wall_s": wall,
        "cpu_s": cpu,
        "first_article_s": first_at,
        "chars_per_s_by_segment": segments,
        "client_rss_mb_by_segment": memory,
    }


def jieba_pass(limit: int, skip: int = 0) -> float:
    """CPU seconds of jieba.cut alone over the same texts (dictionary loaded beforehand).

    jieba is imported here, after the pipeline pass: the pipeline does not import it.
    """
    import jieba

    jieba.initialize()
    cpu = cpu_seconds()
    for article in itertools.islice(articles(limit, skip), 1, None):
        for _ in jieba.cut(article.text):
            pass
    return cpu_seconds() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stories", type=int, default=1000, help="How many stories (0: all).")
    parser.add_argument("--workers", type=int, default=1, help="Extraction processes (1: in-process).")
    parser.add_argument("--skip", type=int, default=0, help="Start after this many stories.")
    parser.add_argument("--segment", type=int, default=10_000, help="Stories per chars/s segment.")
    parser.add_argument(
        "--engine", choices=["pool", "dask"], default="pool", help="The worker pool, or a local Dask cluster."
    )
    args = parser.parse_args()
    with TreeMemory() as memory:
        run = pipeline_pass(args.stories, args.workers, args.skip, args.segment, args.engine)
        jieba_cpu = jieba_pass(args.stories, args.skip)
    result = {
        **{k: round(v, 2) if isinstance(v, float) else v for k, v in run.items()},
        "workers": args.workers,
        "engine": args.engine,
        "articles_per_s": round(run["articles"] / run["wall_s"], 2),
        "chars_per_s": round(run["chars"] / run["wall_s"]),
        "chars_per_cpu_s": round(run["chars"] / run["cpu_s"]),
        "jieba_chars_per_cpu_s": round(run["chars"] / jieba_cpu),
        "ratio_pipeline_to_jieba": round(run["cpu_s"] / jieba_cpu, 1),
        "peak_rss_mb": round(memory.peak_rss / 2**20),
        "peak_pss_mb": round(memory.peak_pss / 2**20),
    }
    print(
        f"{result['articles']} stories, {result['chars']:,} chars, {args.workers} workers: "
        f"{result['articles_per_s']} articles/s, {result['chars_per_s']:,} chars/s "
        f"({result['chars_per_cpu_s']:,} per CPU s); jieba.cut alone {result['jieba_chars_per_cpu_s']:,} "
        f"chars per CPU s; ratio {result['ratio_pipeline_to_jieba']}; peak memory {result['peak_pss_mb']} MB "
        f"(PSS; RSS summed {result['peak_rss_mb']} MB); "
        f"start-up {result['first_article_s']} s (process start to the first article extracted); "
        f"chars/s by {args.segment:,} stories: {result['chars_per_s_by_segment']}"
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
