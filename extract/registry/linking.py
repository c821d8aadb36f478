"""Cross-article linking: project records and company names grouped into canonical records.

Linking is a pure function of what the registry holds (records and review
decisions): the result does not depend on the order articles were ingested
in, nor on how the batches fell. A full link (``projreg relink``)
recomputes everything; an ingest or a review decision links incrementally,
from the articles it changed (:mod:`.changes`), and its result is the full
link's (tests/test_incremental.py checks this batch by batch and decision by
decision).

Order matters within one link: review decisions first (a rejected record is
gone), then the learnt company short forms (their mentions are organisation
names a project's core is read without), then projects, then companies.
"""

from __future__ import annotations

import sqlite_utils

from ..evaluate import norm_project
from ..pipeline import pipeline_version
from .changes import changed_articles, forget_changes, query_in
from .clusters import decisions
from .company_links import link_companies
from .lexicon import apply_lexicon
from .project_links import link_projects
from .schema import EDITABLE_PROJECT_FIELDS

#: An incremental link over more than this share of the registry's articles costs more than a full one.
FULL_SHARE = 0.2


def review_key(article_id: str, name: str) -> str:
    """What names a project record across re-extractions: its article and normalised name."""
    return f"{article_id}|{norm_project(name)}"


def article_of(key: str) -> str:
    """The article of a project record's review key."""
    return key.split("|", 1)[0]


def link_registry(db: sqlite_utils.Database, *, incremental: bool = False) -> None:
    """Re-apply review decisions, relearn company short forms, and relink projects and companies.

    All in one transaction. ``incremental`` links only what the articles
    changed since the last link reach; it falls back to a full link when the
    registry was last linked by another pipeline version (or never, or a
    schema older than incremental linking), or when much of it changed.
    """
    version = pipeline_version()
    with db.atomic():
        changed = changed_articles(db) if incremental and _linked_by(db) == version else None
        if changed is not None and len(changed) > FULL_SHARE * db["articles"].count:
            changed = None
        if changed == set():
            return
        apply_project_decisions(db, changed)
        apply_lexicon(db, changed)
        if changed is not None:
            changed = changed_articles(db)  # with the articles the lexicon wrote to
        link_projects(db, changed)
        link_companies(db, changed)
        forget_changes(db)
        db["link_state"].upsert({"key": "pipeline_version", "value": version}, pk="key")


def _linked_by(db: sqlite_utils.Database) -> str | None:
    row = db.execute("select value from link_state where key = 'pipeline_version'").fetchone()
    return row[0] if row else None


def apply_project_decisions(db: sqlite_utils.Database, changed: set[str] | None = None) -> None:
    """Give new project rows their review key, then re-apply the decisions on project records: all,
    or those on the records of ``changed`` articles (the others keep what was applied to them).

    Re-ingest rewrites an article's rows from the extractor; this puts the
    reviewers' rejections and edits back, so a human decision always wins.
    """
    for row in list(db.query("select id, article_id, name from projects where review_key is null")):
        key = review_key(row["article_id"], row["name"])
        db.execute("update projects set review_key = ? where id = ?", [key, row["id"]])
    if changed is None:
        db.execute("update projects set confidence = null, review_status = null")
        keys = None
    else:
        sql = "select review_key from projects where article_id in ({marks})"
        keys = {r[0] for r in query_in(db, sql, changed)}
        query_in(
            db,
            "update projects set confidence = null, review_status = null where article_id in ({marks})",
            changed,
        )
    for d in decisions(db, "project"):
        if keys is not None and d["key"] not in keys:
            continue
        ids = [
            r[0] for r in db.execute("select id from projects where review_key = ?", [d["key"]]).fetchall()
        ]
        if d["action"] == "reject":
            delete_projects(db, ids)
        elif d["action"] == "edit" and d["field"] in EDITABLE_PROJECT_FIELDS:
            value = None if d["value"] is None else EDITABLE_PROJECT_FIELDS[d["field"]](d["value"])
            _update_projects(db, ids, {d["field"]: value, "review_status": "edited"})
        elif d["action"] == "accept":
            _update_projects(db, ids, {"review_status": "accepted"})


def delete_projects(db: sqlite_utils.Database, ids: list[str]) -> None:
    for pid in ids:
        for table in ("project_mentions", "project_capacities"):
            db.execute(f"delete from [{table}] where project_id = ?", [pid])
        db.execute("delete from projects where id = ?", [pid])


def _update_projects(db: sqlite_utils.Database, ids: list[str], values: dict) -> None:
    for pid in ids:
        db["projects"].update(pid, values)
