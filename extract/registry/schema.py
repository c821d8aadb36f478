"""Registry schema, applied as sqlite-utils migrations recorded in the database.

Every mention table shares the evidence columns (article, span in the
original text, sentence) and adds its own value columns, so a row is never
a value without its proof.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import sqlite_utils
from sqlite_utils.migrations import Migrations

migrations = Migrations("projreg")

EVIDENCE_COLUMNS: dict[str, type] = {
    "id": str,
    "article_id": str,
    "start": int,
    "end": int,
    "text": str,
    "sentence": str,
}

#: table name → its value columns (after the evidence columns).
MENTION_TABLES: dict[str, dict[str, type]] = {
    "money": {
        "yuan": int,
        "yuan_max": int,
        "currency": str,
        "amount": float,
        "role": str,
        "qualifier": str,
    },
    "capacities": {"value": float, "unit": str, "period": str, "product": str},
    "dates": {"start_date": str, "end_date": str},
    "organisations": {"name": str, "kind": str, "source": str, "refers_to": str},
    "indicators": {"region": str, "period": str, "metric": str, "value": float, "unit": str},
    "contacts": {},
}

#: The project record of one article: scalar facts as columns, lists and evidence as JSON.
PROJECT_COLUMNS: dict[str, type] = {
    "name": str,
    "aliases": str,
    "investment_yuan": int,
    "stage": str,
    "place": str,
    "companies": str,
    "output_value_yuan": int,
    "tax_yuan": int,
    "contact": str,
    "signed_on": str,
    "started_on": str,
    "expected_operation": str,
    "evidence": str,
    "name_score": float,
    "investment_score": float,
}
#: Child tables of ``projects``: every naming span, and the capacities attached to it.
PROJECT_CHILDREN: dict[str, dict[str, type]] = {
    "project_mentions": {},
    "project_capacities": MENTION_TABLES["capacities"],
}


class RegistryError(RuntimeError):
    """The registry file cannot be opened or written."""


def open_registry(path: str | Path) -> sqlite_utils.Database:
    """Open (creating if needed) the registry at ``path`` and bring its schema up to date."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite_utils.Database(path)
        db.execute("PRAGMA foreign_keys = ON")
        db.execute("PRAGMA journal_mode = WAL")
        migrations.apply(db)
    except (OSError, sqlite3.Error) as exc:
        raise RegistryError(
            f"cannot open registry {path}: {exc}. "
            "Hint: check the folder exists and is writable, or pass --db."
        ) from exc
    return db


@migrations()
def m001_articles_runs_failures(db: sqlite_utils.Database) -> None:
    db["runs"].create(
        {
            "id": int,
            "started_at": str,
            "finished_at": str,
            "command": str,
            "pipeline_version": str,
            "status": str,
            "articles_new": int,
            "articles_changed": int,
            "articles_unchanged": int,
            "articles_failed": int,
            "seconds": float,
        },
        pk="id",
    )
    db["articles"].create(
        {
            "id": str,
            "title": str,
            "date": str,
            "source": str,
            "url": str,
            "path": str,
            "line": int,
            "encoding": str,
            "content_hash": str,
            "pipeline_version": str,
            "run_id": int,
            "ingested_at": str,
            "text": str,
            "clean_text": str,
        },
        pk="id",
        foreign_keys=[("run_id", "runs", "id")],
    )
    db["articles"].create_index(["date"])
    db["failures"].create(
        {"id": int, "run_id": int, "path": str, "line": int, "article_id": str, "reason": str, "at": str},
        pk="id",
        foreign_keys=[("run_id", "runs", "id")],
    )
    db["failures"].create_index(["run_id"])


@migrations()
def m002_mentions(db: sqlite_utils.Database) -> None:
    for table, columns in MENTION_TABLES.items():
        db[table].create(
            {**EVIDENCE_COLUMNS, **columns},
            pk="id",
            foreign_keys=[("article_id", "articles", "id")],
        )
        db[table].create_index(["article_id", "start"])
    db["money"].create_index(["role"])
    db["organisations"].create_index(["name"])
    db["organisations"].create_index(["kind"])


@migrations()
def m003_projects(db: sqlite_utils.Database) -> None:
    db["projects"].create(
        {**EVIDENCE_COLUMNS, **PROJECT_COLUMNS}, pk="id", foreign_keys=[("article_id", "articles", "id")]
    )
    db["projects"].create_index(["article_id", "start"])
    db["projects"].create_index(["stage"])
    for table, columns in PROJECT_CHILDREN.items():
        db[table].create(
            {**EVIDENCE_COLUMNS, "project_id": str, **columns},
            pk="id",
            foreign_keys=[("article_id", "articles", "id"), ("project_id", "projects", "id")],
        )
        db[table].create_index(["project_id"])
        db[table].create_index(["article_id"])


#: Project fields a reviewer may edit, with the type their text value is read as.
EDITABLE_PROJECT_FIELDS: dict[str, type] = {
    "name": str,
    "investment_yuan": int,
    "stage": str,
    "place": str,
    "contact": str,
    "output_value_yuan": int,
    "tax_yuan": int,
    "companies": str,  # a JSON list, from "A、B" as typed
    "signed_on": str,  # a JSON date range, from "2025-03" or "2025-03-01/2025-04-30" as typed
    "started_on": str,
    "expected_operation": str,
}


@migrations()
def m004_linking_and_review(db: sqlite_utils.Database) -> None:
    """Canonical records across articles, their timeline, and review decisions that survive re-ingest.

    ``projects.review_key`` (article id + normalised extracted name) names a
    project record across re-extractions, whose spans and ids may shift.
    Link tables carry no foreign key to ``projects``: re-ingest deletes and
    rewrites an article's projects before the links are recomputed.
    """
    for column, kind in {"review_key": str, "confidence": float, "review_status": str}.items():
        db["projects"].add_column(column, kind)
    db["projects"].create_index(["review_key"])
    db["canonical_projects"].create(
        {
            "id": str,
            "name": str,
            "root_key": str,
            "members": int,
            "articles": int,
            "first_date": str,
            "last_date": str,
            "latest_stage": str,
            "latest_stage_article": str,
            "latest_investment_yuan": int,
            "latest_investment_article": str,
            "place": str,
        },
        pk="id",
    )
    link = {"canonical_id": str, "confidence": float, "method": str, "evidence": str, "status": str}
    to_canonical = [("canonical_id", "canonical_projects", "id")]
    db["project_links"].create({"project_id": str, **link}, pk="project_id", foreign_keys=to_canonical)
    db["project_links"].create_index(["canonical_id"])
    db["canonical_companies"].create(
        {"id": str, "name": str, "names": str, "articles": int, "mentions": int}, pk="id"
    )
    db["company_links"].create(
        {"name": str, **link}, pk="name", foreign_keys=[("canonical_id", "canonical_companies", "id")]
    )
    db["company_links"].create_index(["canonical_id"])
    db.create_view(
        "project_timeline",
        """select l.canonical_id, a.date, p.stage, p.investment_yuan, p.article_id, p.id as project_id
        from project_links l join projects p on p.id = l.project_id join articles a on a.id = p.article_id
        order by l.canonical_id, a.date, p.article_id, p.id""",
    )
    db["decisions"].create(
        {
            "id": int,
            "kind": str,
            "key": str,
            "action": str,
            "field": str,
            "value": str,
            "actor": str,
            "at": str,
            "note": str,
        },
        pk="id",
    )
    db["decisions"].create_index(["kind", "key"])
    db["audit"].create(
        {
            "id": int,
            "at": str,
            "actor": str,
            "action": str,
            "record": str,
            "field": str,
            "old_value": str,
            "new_value": str,
            "note": str,
        },
        pk="id",
    )


@migrations()
def m005_run_summary(db: sqlite_utils.Database) -> None:
    """What a batch run extracted (records by kind, as JSON), its speed and its number of workers."""
    db["runs"].add_column("records", str)
    db["runs"].add_column("articles_per_second", float)
    db["runs"].add_column("workers", int)


@migrations()
def m006_lexicon(db: sqlite_utils.Database) -> None:
    """Company short forms learnt from full names (extract/registry/lexicon.py), rebuilt at every relink."""
    db["lexicon"].create({"short_form": str, "full_name": str, "learnt_from": str}, pk="short_form")
    db["organisations"].create_index(["source"])


@migrations()
def m007_project_scores(db: sqlite_utils.Database) -> None:
    """The learned models' probabilities behind a project record (name, own investment): what the site's
    "confident records only" reads. Registries made before have them from their next extraction."""
    for column in ("name_score", "investment_score"):
        if column not in db["projects"].columns_dict:
            db["projects"].add_column(column, float)


#: A trigger's note of a changed article. Not ``insert or ignore``: the statement that fires a
#: trigger imposes its own conflict handling (a plain UPDATE aborts on the duplicate).
NOTE_CHANGE = """insert into changed_articles (article_id) select {row}.{column}
    where not exists (select 1 from changed_articles where article_id = {row}.{column});"""


@migrations()
def m008_incremental_links(db: sqlite_utils.Database) -> None:
    """What incremental linking reads (extract/registry/changes.py): the articles changed since the last
    link, noted by triggers; each project record's link keys; each company mention's normalised names;
    the short forms of each full company name; a trigram index of the articles' texts.

    All derived: a full relink (``projreg relink``) rebuilds them, and the first link after this
    migration is a full one.
    """
    db["changed_articles"].create({"article_id": str}, pk="article_id")
    for table in ("projects", "organisations"):
        for event, row in (("insert", "new"), ("delete", "old")):
            db.execute(
                f"create trigger [{table}_{event}_changes] after {event} on [{table}] begin"
                f" {NOTE_CHANGE.format(row=row, column='article_id')} end"
            )
    for event in ("insert", "update"):  # a new text may hold learnt short forms; a new date reorders
        db.execute(
            f"create trigger [articles_{event}_changes] after {event} on articles begin"
            f" {NOTE_CHANGE.format(row='new', column='id')} end"
        )
    db["link_records"].create(
        {"project_id": str, "article_id": str, "key": str, "core": str}, pk="project_id"
    )
    db["link_records"].create_index(["article_id"])
    db["link_keys"].create({"role": str, "key": str, "project_id": str}, pk=("role", "key", "project_id"))
    db["link_keys"].create_index(["project_id", "role", "key"])
    db["company_mentions"].create({"id": str, "article_id": str, "name": str, "full": str}, pk="id")
    for column in ("article_id", "name", "full"):
        db["company_mentions"].create_index([column])
    db["company_forms"].create({"form": str, "full": str}, pk=("form", "full"))
    db["company_forms"].create_index(["full"])
    db["short_forms"].create({"full_name": str, "short_form": str}, pk=("full_name", "short_form"))
    db["short_forms"].create_index(["short_form"])
    db["link_state"].create({"key": str, "value": str}, pk="key")
    # What a link asks of a few names (how many mentions, the first article) is read from this index
    # alone: through the index on name, every mention of a common name was read from the table.
    db.execute("drop index idx_organisations_name")
    db["organisations"].create_index(["name", "kind", "source", "article_id"])
    for column in ("key", "root_id"):
        db["canonical_projects"].add_column(column, str)
    db["canonical_projects"].create_index(["key"])
    db.execute(
        "create virtual table article_grams_fts using fts5(text, content='articles', content_rowid='rowid',"
        " tokenize='trigram', detail='none')"
    )
    delete = (
        "insert into article_grams_fts (article_grams_fts, rowid, text)"
        " values ('delete', old.rowid, old.text);"
    )
    insert = "insert into article_grams_fts (rowid, text) values (new.rowid, new.text);"
    triggers = (
        ("insert", "insert on articles", insert),
        ("delete", "delete on articles", delete),
        # A re-extracted article is written again whole: its text is indexed again only if it changed.
        ("update", "update of text on articles when old.text is not new.text", delete + insert),
    )
    for name, event, body in triggers:
        db.execute(f"create trigger articles_grams_{name} after {event} begin {body} end")
    db.execute("insert into article_grams_fts (article_grams_fts) values ('rebuild')")
