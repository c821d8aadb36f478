"""What changed in the registry since it was last linked, and indexes that find what a change reaches.

Triggers (schema migration m008) note every article whose projects or
organisations were written or deleted, whoever wrote them: an ingest batch,
a re-ingest, the lexicon, a run killed half-way; a review decision notes the
articles of the records it is about. Incremental linking
(:func:`~extract.registry.linking.link_registry`) starts from these articles
and reaches only the records they can link to; a full relink clears them.

A short form learnt today must be looked for in the articles of last year:
``article_grams_fts`` indexes every article's text by its character trigrams
(FTS5, ``detail=none``: no positions, a fraction of the text's size), so the
articles holding all trigrams of a name are found without reading the
others. That is a superset of the articles holding the name, which the
caller then reads exactly.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import sqlite_utils

CHANGED = "changed_articles"
GRAMS = "article_grams_fts"
#: Values bound in one ``in (...)`` list: SQLite's limit is 32,766 on this build, far above.
CHUNK = 500


def changed_articles(db: sqlite_utils.Database) -> set[str]:
    return {row[0] for row in db.execute(f"select article_id from [{CHANGED}]").fetchall()}


def note_changes(db: sqlite_utils.Database, articles: Iterable[str]) -> None:
    """Have the next link start from ``articles`` too (a review decision changes no row the triggers see)."""
    db[CHANGED].insert_all(({"article_id": a} for a in sorted(set(articles))), pk="article_id", ignore=True)


def forget_changes(db: sqlite_utils.Database) -> None:
    """The registry is linked as it is: nothing is pending."""
    db.execute(f"delete from [{CHANGED}]")


def chunks(values: Iterable[str]) -> Iterator[list[str]]:
    """Sorted values in lists of at most CHUNK, for ``in (...)`` queries."""
    ordered = sorted(set(values))
    for first in range(0, len(ordered), CHUNK):
        yield ordered[first : first + CHUNK]


def query_in(
    db: sqlite_utils.Database, sql: str, values: Iterable[str], before: tuple = (), after: tuple = ()
) -> list[tuple]:
    """Rows of ``sql``, whose one ``{marks}`` stands for a list of ``values``, chunk by chunk.

    ``before`` and ``after`` are the parameters bound before and after the chunk's values.
    """
    rows: list[tuple] = []
    for chunk in chunks(values):
        marks = ", ".join("?" * len(chunk))
        rows.extend(db.execute(sql.format(marks=marks), [*before, *chunk, *after]).fetchall())
    return rows


def grams_query(needle: str) -> str | None:
    """The FTS5 query of a text's trigrams, all required; None under three characters."""
    grams = sorted({needle[i : i + 3] for i in range(len(needle) - 2)})
    if not grams:
        return None
    return " AND ".join('"' + g.replace('"', '""') + '"' for g in grams)


def articles_containing(db: sqlite_utils.Database, needle: str) -> set[str]:
    """Ids of the articles whose text may hold ``needle``: every one that does, and a few that do not."""
    query = grams_query(needle)
    if query is None:
        return {row[0] for row in db.execute("select id from articles where instr(text, ?)", [needle])}
    sql = f"select a.id from [{GRAMS}] g join articles a on a.rowid = g.rowid where [{GRAMS}] match ?"
    return {row[0] for row in db.execute(sql, [query]).fetchall()}
