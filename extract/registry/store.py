"""Writes to the registry: one article's extraction replaces its earlier one, whole.

Callers group writes in transactions (``db.atomic()``); a run that dies
half-way leaves every earlier transaction intact and nothing of the broken one.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import sqlite_utils

from ..models import IngestFailure, Mention, Project
from .schema import MENTION_TABLES, PROJECT_CHILDREN, PROJECT_COLUMNS

#: The Project field each child table holds.
CHILD_FIELDS = {"project_mentions": "mentions", "project_capacities": "capacities"}
#: Article ids per delete statement (SQLite allows 32,766 parameters; older builds 999).
DELETE_CHUNK = 500

if TYPE_CHECKING:  # the pipeline (spaCy, jieba) is not loaded by readers of the registry
    from ..pipeline import Extraction


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class KnownArticles:
    """article id → (content hash, pipeline version) of what the registry holds, asked one id at a time.

    A run used to read every article's hash at its start: O(registry) for a
    batch of any size (10M rows for a daily batch into a registry of 10M). An
    id is asked by primary key instead, through a connection of its own, since
    the worker pool reads its tasks in a thread of its own; it sees what the
    run has committed, which changes no answer, since an id comes once a run
    (:func:`~extract.ingest.iter_inputs`).
    """

    def __init__(self, path: str | Path) -> None:
        self._conn = sqlite3.connect(path, check_same_thread=False)
        self._lock = threading.Lock()

    def get(self, article_id: str) -> tuple[str, str] | None:
        with self._lock:  # fetchall ends the read at once: an open one would hold the WAL back from the file
            rows = self._conn.execute(
                "select content_hash, pipeline_version from articles where id = ?", [article_id]
            ).fetchall()
        return (rows[0][0], rows[0][1]) if rows else None

    def __contains__(self, article_id: str) -> bool:
        return self.get(article_id) is not None

    def close(self) -> None:
        self._conn.close()


def start_run(db: sqlite_utils.Database, command: str, version: str) -> int:
    with db.atomic():
        table = db["runs"].insert(
            {"started_at": now(), "command": command, "pipeline_version": version, "status": "running"}
        )
    return int(table.last_pk)


def finish_run(
    db: sqlite_utils.Database, run_id: int, status: str, counts: dict[str, int], seconds: float
) -> None:
    with db.atomic():
        db["runs"].update(
            run_id, {"finished_at": now(), "status": status, "seconds": round(seconds, 3), **counts}
        )


def record_failure(db: sqlite_utils.Database, run_id: int, failure: IngestFailure) -> None:
    db["failures"].insert({"run_id": run_id, "at": now(), **failure.model_dump()})


def write_extractions(
    db: sqlite_utils.Database, extractions: list[Extraction], run_id: int, version: str
) -> None:
    """Replace everything the registry holds for each extraction's article with that extraction.

    One statement per table for the whole batch, not one per article and
    table: sqlite-utils looks the table up at every insert, which made the
    writer 1.5 ms an article, a third of a CPU beside two workers.
    """
    delete_article_mentions(db, [ex.article.id for ex in extractions])
    stamp = now()
    articles = [
        {
            **ex.article.model_dump(mode="json"),
            "content_hash": ex.content_hash,
            "pipeline_version": version,
            "run_id": run_id,
            "ingested_at": stamp,
            "clean_text": ex.clean_text,
        }
        for ex in extractions
    ]
    if articles:
        db["articles"].upsert_all(articles, pk="id")
    for table, columns in MENTION_TABLES.items():
        _insert(
            db, table, [_row(ex.article.id, m, columns) for ex in extractions for m in getattr(ex, table)]
        )
    projects = [(ex.article.id, project) for ex in extractions for project in ex.projects]
    rows = [_project_row(article_id, project) for article_id, project in projects]
    _insert(db, "projects", rows)
    for table, columns in PROJECT_CHILDREN.items():
        children = [
            _row(article_id, m, columns, row["id"])
            for (article_id, project), row in zip(projects, rows, strict=True)
            for m in getattr(project, CHILD_FIELDS[table])
        ]
        _insert(db, table, children)


def add_mentions(db: sqlite_utils.Database, article_id: str, table: str, mentions: Iterable[Mention]) -> None:
    """Insert (or replace, by span) mentions of one article into a mention table."""
    _insert(db, table, [_row(article_id, m, MENTION_TABLES[table]) for m in mentions])


def _project_row(article_id: str, project: Project) -> dict:
    row = _row(article_id, project, PROJECT_COLUMNS)
    for column in ("aliases", "companies", "signed_on", "started_on", "expected_operation", "evidence"):
        row[column] = json.dumps(row[column], ensure_ascii=False) if row[column] else None
    return row


def delete_article_mentions(db: sqlite_utils.Database, article_ids: list[str]) -> None:
    """Remove articles' extractions (children before parents, for the foreign keys)."""
    tables = [*PROJECT_CHILDREN, "projects", *MENTION_TABLES]
    for first in range(0, len(article_ids), DELETE_CHUNK):
        ids = article_ids[first : first + DELETE_CHUNK]
        marks = ", ".join("?" * len(ids))
        for table in tables:
            db.execute(f"delete from [{table}] where article_id in ({marks})", ids)


def _insert(db: sqlite_utils.Database, table: str, rows: list[dict]) -> None:
    if rows:
        db[table].insert_all(rows, pk="id", replace=True)


def _row(article_id: str, mention: Mention, columns: dict[str, type], parent: str | None = None) -> dict:
    """A registry row: the evidence columns, then the mention's own values."""
    data = mention.model_dump(mode="json")
    span = f"{mention.start}-{mention.end}"
    row = {
        "id": f"{parent}/{span}" if parent else f"{article_id}:{span}",
        "article_id": article_id,
        "start": mention.start,
        "end": mention.end,
        "text": mention.text,
        "sentence": mention.sentence,
    }
    if parent:
        row["project_id"] = parent
    row.update({column: data.get(column) for column in columns})
    return row
