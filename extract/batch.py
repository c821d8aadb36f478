"""A batch run: inputs → extraction → registry, with a run record, failures kept and a summary.

Unchanged articles (same content hash and pipeline version) are skipped, so
ingesting the same batch twice changes nothing; changed ones replace their
earlier extraction. Writes go in batched transactions: a run killed half-way
keeps every batch it committed and nothing of the one it was writing.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import IO

import sqlite_utils
from pydantic import BaseModel
from tqdm import tqdm

from .ingest import iter_inputs
from .models import Article, IngestFailure
from .nlp import Segmenter
from .pipeline import Extraction, Extractor, content_hash, pipeline_version
from .registry import MENTION_TABLES, open_registry
from .registry.store import finish_run, known_hashes, record_failure, start_run, write_extraction

#: Articles written per transaction: large enough to amortise commits, small enough to lose little on a kill.
BATCH_SIZE = 50


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

    def counts(self) -> dict[str, int]:
        return {
            "articles_new": self.new,
            "articles_changed": self.changed,
            "articles_unchanged": self.unchanged,
            "articles_failed": self.failed,
        }


def ingest(
    paths: Iterable[str | Path],
    db_path: str | Path,
    *,
    stdin: IO[str] | None = None,
    command: str = "ingest",
    progress: bool | None = None,
    segmenter: Segmenter = "jieba",
) -> RunSummary:
    """Ingest every article under ``paths`` into the registry at ``db_path``, segmented by ``segmenter``."""
    started = time.perf_counter()
    db = open_registry(db_path)
    version = pipeline_version()
    summary = RunSummary(run_id=start_run(db, command, version))
    known = known_hashes(db)
    extractor: Extractor | None = None
    records: Counter[str] = Counter()
    status = "failed"
    try:
        pending: list[Extraction | IngestFailure] = []
        for item in tqdm(iter_inputs(paths, stdin), desc="articles", unit=" art", disable=not progress):
            if isinstance(item, IngestFailure):
                summary.failed += 1
                summary.failures.append(item)
                pending.append(item)
            elif _state(known, item, version) == "unchanged":
                summary.unchanged += 1
            else:
                summary.new += item.id not in known
                summary.changed += item.id in known
                extractor = extractor or Extractor(segmenter=segmenter)
                extraction = extractor(item)
                records.update(
                    {table: len(getattr(extraction, table)) for table in (*MENTION_TABLES, "projects")}
                )
                pending.append(extraction)
            if len(pending) >= BATCH_SIZE:
                _flush(db, pending, summary.run_id, version)
        _flush(db, pending, summary.run_id, version)
        status = "finished"
    finally:
        summary.records = dict(records)
        summary.seconds = round(time.perf_counter() - started, 3)
        finish_run(db, summary.run_id, status, summary.counts(), summary.seconds)
    return summary


def _state(known: dict[str, tuple[str, str]], article: Article, version: str) -> str:
    held = known.get(article.id)
    if held is None:
        return "new"
    return "unchanged" if held == (content_hash(article), version) else "changed"


def _flush(
    db: sqlite_utils.Database, pending: list[Extraction | IngestFailure], run_id: int, version: str
) -> None:
    """Write a batch of extractions and failures in one transaction, then clear it."""
    with db.atomic():
        for item in pending:
            if isinstance(item, IngestFailure):
                record_failure(db, run_id, item)
            else:
                write_extraction(db, item, run_id, version)
    pending.clear()
