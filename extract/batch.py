"""A batch run: inputs → extraction (in worker processes) → registry, with a run record and a summary.

Unchanged articles (same content hash and pipeline version) are skipped, so
ingesting the same batch twice changes nothing; changed ones replace their
earlier extraction. Workers only extract; the main process is the one writer,
in input order and in batched transactions, so the registry is the same
whatever the number of workers. A run killed half-way keeps every batch it
committed and nothing of the one it was writing; running the same command
again redoes only the rest (committed articles are now unchanged), and marks
the killed run ``interrupted``.
"""

from __future__ import annotations

import ctypes
import gc
import itertools
import json
import logging
import math
import multiprocessing
import os
import signal
import sqlite3
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO, Literal

import sqlite_utils
from pydantic import BaseModel
from tqdm import tqdm

from .ingest import Unchanged, count_inputs, iter_inputs
from .models import Article, IngestFailure
from .nlp import Segmenter
from .pipeline import Extraction, Extractor, content_hash, pipeline_version
from .registry import MENTION_TABLES, open_registry
from .registry.linking import link_registry
from .registry.schema import RegistryError
from .registry.store import KnownArticles, finish_run, record_failure, start_run, write_extractions

logger = logging.getLogger(__name__)

#: Articles written per transaction: large enough to amortise commits, small enough to lose little on a kill.
BATCH_SIZE = 50
#: Articles handed to a worker at once, and extracted together (see :func:`extractions`): enough
#: sentences for the NER model to batch by length, few enough to keep the load even. 64 rather
#: than 16 took a tenth off the CPU time (10k bench stories, 2 workers: ratio to jieba 2.9–3.0
#: against 3.2, for 25 MB more memory).
CHUNK_SIZE = 64
#: Seconds an article's extraction may take before it is a failure (``--article-timeout``).
ARTICLE_TIMEOUT = 60.0
#: Seconds a chunk gets beyond the timeout for each article after its first (an ordinary article
#: takes 5 ms). A chunk over its budget is redone one article at a time, each with the timeout:
#: a stuck article then costs a minute more, not the timeout times the chunk's size.
PER_ARTICLE_ALLOWANCE = 1.0
#: Where extraction runs: the worker pool of this machine, or a Dask cluster.
Engine = Literal["pool", "dask"]
#: Record kinds counted in the run summary.
RECORD_KINDS = (*MENTION_TABLES, "projects")


Task = Article | IngestFailure | Unchanged
Result = Extraction | IngestFailure | Unchanged


class RunSummary(BaseModel):
    """What a run did, for the CLI summary and the ``runs`` table."""

    run_id: int
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    failed: int = 0
    records: dict[str, int] = {}
    failures: list[IngestFailure] = []
    seconds: float = 0.0
    workers: int = 1
    #: Earlier runs found ``running`` (killed) and marked ``interrupted`` by this one.
    interrupted: int = 0

    @property
    def articles(self) -> int:
        return self.new + self.changed + self.unchanged + self.failed

    @property
    def per_second(self) -> float:
        return round(self.articles / self.seconds, 2) if self.seconds else 0.0

    def counts(self) -> dict[str, int | float | str]:
        """The columns of the run's ``runs`` row."""
        return {
            "articles_new": self.new,
            "articles_changed": self.changed,
            "articles_unchanged": self.unchanged,
            "articles_failed": self.failed,
            "articles_per_second": self.per_second,
            "workers": self.workers,
            "records": json.dumps(self.records, sort_keys=True),
        }


def ingest(
    paths: Iterable[str | Path],
    db_path: str | Path,
    *,
    stdin: IO[str] | None = None,
    command: str = "ingest",
    progress: bool | None = None,
    segmenter: Segmenter = "jieba",
    workers: int | None = None,
    article_timeout: float = ARTICLE_TIMEOUT,
    engine: Engine = "pool",
    scheduler: str | None = None,
) -> RunSummary:
    """Ingest every article under ``paths`` into the registry at ``db_path``, segmented by ``segmenter``.

    ``workers`` processes extract (default: one per core); ``1`` extracts in
    this process. An article whose extraction takes longer than
    ``article_timeout`` seconds (0: no limit) is a failure and the batch goes
    on. Registry write errors (a full disk) become a :class:`RegistryError`
    after the run is marked failed; every batch committed before stays.
    ``engine="dask"`` extracts on a Dask cluster (``scheduler``, or a local one
    of ``workers`` processes) instead of the worker pool: see :mod:`.dask_engine`.
    """
    paths = list(paths)
    started = time.perf_counter()
    db = open_registry(db_path)
    version = pipeline_version()
    interrupted = mark_interrupted(db)
    summary = RunSummary(run_id=start_run(db, command, version), interrupted=interrupted)
    known = KnownArticles(db_path)
    total = count_inputs(paths)
    wanted = workers or os.cpu_count() or 1
    summary.workers = wanted if engine == "dask" else _pool_size(wanted, total)
    records: Counter[str] = Counter()
    status = "failed"
    tasks = _tasks(iter_inputs(paths, stdin), known, version)
    bar = tqdm(total=total, desc="articles", unit=" art", disable=not progress, file=sys.stderr)
    try:
        pending: list[Extraction | IngestFailure] = []
        if engine == "dask":
            from .dask_engine import dask_extractions

            running = dask_extractions(tasks, segmenter, summary.workers, article_timeout, scheduler)
        else:
            running = extractions(tasks, segmenter, summary.workers, article_timeout)
        with running as results:
            for result in results:
                bar.update()
                _count(summary, records, result, known)
                if not isinstance(result, Unchanged):
                    pending.append(result)
                if len(pending) >= BATCH_SIZE:
                    _flush(db, db_path, pending, summary.run_id, version)
        _flush(db, db_path, pending, summary.run_id, version)
        link_registry(db, incremental=True)
        status = "finished"
    finally:
        bar.close()
        known.close()
        summary.records = dict(records)
        summary.seconds = round(time.perf_counter() - started, 3)
        _finish(db, summary, status)
    return summary


def mark_interrupted(db: sqlite_utils.Database) -> int:
    """Mark runs left ``running`` by a killed process as ``interrupted``; one writer at a time is assumed."""
    with db.atomic():
        cursor = db.execute("update runs set status = 'interrupted' where status = 'running'")
    return cursor.rowcount


def _tasks(items: Iterable[Article | IngestFailure], known: KnownArticles, version: str) -> Iterator[Task]:
    """Inputs as tasks: unchanged articles shrink to their id, so only real work is sent to workers."""
    for item in items:
        if isinstance(item, Article) and known.get(item.id) == (content_hash(item), version):
            yield Unchanged(id=item.id)
        else:
            yield item


def _pool_size(workers: int, total: int | None) -> int:
    """Never more workers than chunks of work: a small batch is extracted in-process."""
    if total is None:
        return max(1, workers)
    return max(1, min(workers, math.ceil(total / CHUNK_SIZE)))


@contextmanager
def extractions(
    tasks: Iterable[Task], segmenter: Segmenter, workers: int, article_timeout: float = ARTICLE_TIMEOUT
) -> Iterator[Iterator[Result]]:
    """Results of ``tasks`` in input order: from a pool of ``workers`` processes, or in-process for one.

    Tasks travel in chunks: a chunk's articles are extracted together (the NER
    model reads all their sentences at once, see :meth:`Extractor.pipe`).
    """
    chunks = _chunks(tasks)
    if workers == 1:
        _init_worker(segmenter, article_timeout, in_process=True)
        yield itertools.chain.from_iterable(map(_process, chunks))
        return
    with multiprocessing.Pool(
        workers, _init_worker, (segmenter, article_timeout), maxtasksperchild=_UntilTimedOut(2**62)
    ) as pool:
        yield itertools.chain.from_iterable(pool.imap(_process, chunks))


def _chunks(tasks: Iterable[Task], chunk_size: int | None = None) -> Iterator[list[Task]]:
    """Tasks in chunks of ``chunk_size`` (default CHUNK_SIZE, read at the call), after a first chunk of one.

    The first result, and the progress bar's first step, then come as soon as
    the pipeline is built, not after a whole first chunk (0.5 s for 64 articles).
    """
    iterator, size = iter(tasks), 1
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk
        size = chunk_size or CHUNK_SIZE


#: The pipeline of this process, built on the first article it extracts (by segmenter).
_extractors: dict[str, Extractor] = {}
_segmenter: Segmenter = "jieba"
_timeout: float = ARTICLE_TIMEOUT
#: Set in a worker whose extraction ran out of time: it ends after sending that chunk's results.
_spent = False


class _UntilTimedOut(int):
    """A pool's tasks-per-child limit that is reached only once this worker has run out of time.

    A pool worker asks ``completed < maxtasks`` after sending each result; for
    an ``int`` subclass Python asks ``maxtasks.__gt__`` first. A worker stopped by
    its time budget then exits, its results delivered, and the pool starts a
    fresh one: whatever the stopped extraction left (fragmented heap, caches
    filled by a pathological article) goes back to the system with the process.
    """

    def __gt__(self, completed: object) -> bool:
        return not _spent and int.__gt__(self, completed)  # type: ignore[operator]


def _init_worker(
    segmenter: Segmenter, article_timeout: float = ARTICLE_TIMEOUT, in_process: bool = False
) -> None:
    """Set the segmenter and time budget; a worker leaves Ctrl-C to the main process, which stops the pool."""
    global _segmenter, _timeout, _spent
    _segmenter, _timeout, _spent = segmenter, article_timeout, False
    if not in_process:
        signal.signal(signal.SIGINT, signal.SIG_IGN)


class ArticleTimeout(Exception):
    """Raised by the timer when an extraction outlives its budget."""


@contextmanager
def _budget(seconds: float) -> Iterator[None]:
    """Raise :class:`ArticleTimeout` in this thread after ``seconds`` (none for 0, or off the main thread,
    where no signal can be delivered). The check runs between Python steps, where all of the
    pipeline's growing costs are."""
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum: int, frame: object) -> None:
        raise ArticleTimeout

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _release_memory() -> None:
    """Give what a stopped extraction held back to the system (glibc keeps freed pages otherwise)."""
    gc.collect()
    with suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def _process(chunk: list[Task]) -> list[Result]:
    """Extract a chunk's articles; failures and unchanged articles pass through untouched."""
    extracted = iter(_extract([task for task in chunk if isinstance(task, Article)]))
    return [next(extracted) if isinstance(task, Article) else task for task in chunk]


def _extract(articles: list[Article]) -> list[Extraction | IngestFailure]:
    """Extractions of ``articles``; an article the pipeline fails on becomes a failure, never the batch's end.

    A failing chunk is redone one article at a time, to find which one fails.
    """
    global _spent
    if not articles:
        return []
    if _segmenter not in _extractors:
        _extractors[_segmenter] = Extractor(segmenter=_segmenter)
    try:
        with _budget(_timeout + PER_ARTICLE_ALLOWANCE * (len(articles) - 1) if _timeout > 0 else 0):
            return _extractors[_segmenter].pipe(articles)
    except MemoryError:  # the process is in trouble, not the article: stop (the run resumes later)
        raise
    except ArticleTimeout:  # the chunk again article by article: only the slow one fails
        if len(articles) > 1:
            return [result for article in articles for result in _extract([article])]
        [article] = articles
        _spent = True
        _release_memory()
        logger.warning("article %s took longer than %g s", article.id, _timeout)
        return [
            IngestFailure(
                path=article.path or "-",
                line=article.line,
                article_id=article.id,
                reason=f"took longer than {_timeout:g} s (--article-timeout); left out, the batch went on. "
                "Hint: an article of an unusual shape; please report it with the article",
            )
        ]
    except Exception as exc:  # a pipeline bug on one article must not lose the batch
        if len(articles) > 1:
            return [result for article in articles for result in _extract([article])]
        [article] = articles
        logger.exception("extraction failed on article %s", article.id)
        return [
            IngestFailure(
                path=article.path or "-",
                line=article.line,
                article_id=article.id,
                reason=f"extraction failed ({type(exc).__name__}: {exc}); please report it with the article",
            )
        ]


def _count(summary: RunSummary, records: Counter[str], result: Result, known: KnownArticles) -> None:
    if isinstance(result, Unchanged):
        summary.unchanged += 1
    elif isinstance(result, IngestFailure):
        summary.failed += 1
        summary.failures.append(result)
    else:
        held = result.article.id in known  # asks the registry: once
        summary.new += not held
        summary.changed += held
        records.update({kind: len(getattr(result, kind)) for kind in RECORD_KINDS})


def _flush(
    db: sqlite_utils.Database,
    db_path: str | Path,
    pending: list[Extraction | IngestFailure],
    run_id: int,
    version: str,
) -> None:
    """Write a batch of extractions and failures in one transaction, then clear it."""
    try:
        with db.atomic():
            for failure in (item for item in pending if isinstance(item, IngestFailure)):
                record_failure(db, run_id, failure)
            write_extractions(
                db, [item for item in pending if not isinstance(item, IngestFailure)], run_id, version
            )
    except sqlite3.Error as exc:
        raise RegistryError(
            f"cannot write registry {db_path}: {exc}. Every batch committed before is kept; "
            "Hint: free disk space and run the same command again to finish."
        ) from exc
    pending.clear()


def _finish(db: sqlite_utils.Database, summary: RunSummary, status: str) -> None:
    """Close the run row; if even that write fails, the next run marks it interrupted."""
    try:
        finish_run(db, summary.run_id, status, summary.counts(), summary.seconds)
    except sqlite3.Error:
        if status == "finished":
            raise
