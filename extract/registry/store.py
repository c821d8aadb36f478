"""Writes to the registry: one article's extraction replaces its earlier one, whole.

Callers group writes in transactions (``db.atomic()``); a run that dies
half-way leaves every earlier transaction intact and nothing of the broken one.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from typing import TYPE_CHECKING

import sqlite_utils

from ..models import IngestFailure, Mention, Project
from .schema import MENTION_TABLES, PROJECT_CHILDREN, PROJECT_COLUMNS

if TYPE_CHECKING:  # the pipeline (spaCy, jieba) is not loaded by readers of the registry
    from ..pipeline import Extraction


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def known_hashes(db: sqlite_utils.Database) -> dict[str, tuple[str, str]]:
    """article id → (content hash, pipeline version) of what the registry holds."""
    rows = db.execute("select id, content_hash, pipeline_version from articles").fetchall()
    return {row[0]: (row[1], row[2]) for row in rows}


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


def write_extraction(db: sqlite_utils.Database, ex: Extraction, run_id: int, version: str) -> None:
    """Replace everything the registry holds for ``ex.article`` with ``ex``."""
    article = ex.article
    delete_article_mentions(db, [article.id])
    db["articles"].upsert(
        {
            **article.model_dump(mode="json"),
            "content_hash": ex.content_hash,
            "pipeline_version": version,
            "run_id": run_id,
            "ingested_at": now(),
            "clean_text": ex.clean_text,
        },
        pk="id",
    )
    for table in MENTION_TABLES:
        add_mentions(db, article.id, table, getattr(ex, table))
    for project in ex.projects:
        _write_project(db, article.id, project)


def add_mentions(db: sqlite_utils.Database, article_id: str, table: str, mentions: Iterable[Mention]) -> None:
    """Insert (or replace, by span) mentions of one article into a mention table."""
    _insert(db, table, [_row(article_id, m, MENTION_TABLES[table]) for m in mentions])


def _write_project(db: sqlite_utils.Database, article_id: str, project: Project) -> None:
    row = _row(article_id, project, PROJECT_COLUMNS)
    for column in ("aliases", "companies", "signed_on", "started_on", "expected_operation", "evidence"):
        row[column] = json.dumps(row[column], ensure_ascii=False) if row[column] else None
    db["projects"].insert(row, pk="id", replace=True)
    children = {"project_mentions": project.mentions, "project_capacities": project.capacities}
    for table, mentions in children.items():
        rows = [_row(article_id, m, PROJECT_CHILDREN[table], row["id"]) for m in mentions]
        _insert(db, table, rows)


def delete_article_mentions(db: sqlite_utils.Database, article_ids: Iterable[str]) -> None:
    """Remove an article's extraction (children before parents, for the foreign keys)."""
    tables = [*PROJECT_CHILDREN, "projects", *MENTION_TABLES]
    for article_id in article_ids:
        for table in tables:
            db.execute(f"delete from [{table}] where article_id = ?", [article_id])


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
