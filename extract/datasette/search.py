"""Chinese full-text search: an FTS5 index over jieba-segmented sentences.

SQLite's tokenizers cannot find CJK words: ``unicode61`` keeps a run of Han
characters as one token, ``trigram`` needs three characters. So each sentence
is indexed as its jieba tokens joined by spaces (search mode, which also
emits the two-character words inside longer ones: 风电场 → 风电 电场 风电场),
and the query is segmented with jieba too (:func:`jieba_query`).

The index follows the articles by content hash: :func:`refresh_search_index`
re-indexes only articles whose text changed (or that are new) and drops the
rows of articles that are gone.
"""

from __future__ import annotations

from collections.abc import Callable

import regex
import sqlite_utils

from ..sentences import split_sentences

INDEX_TABLE = "search_sentences"
#: Between two alternatives of a query.
OR = regex.compile(r"\s+OR\s+")
STATE_TABLE = "search_indexed"


def _jieba():
    """jieba's segmentation of its own dictionary, shared with linking (see :mod:`extract.dictionary`)."""
    from ..dictionary import plain_words

    return plain_words()


def _words(tokens) -> list[str]:
    """Tokens that carry a word: no whitespace or punctuation-only tokens."""
    return [t for t in (t.strip() for t in tokens) if t and any(ch.isalnum() for ch in t)]


def index_tokens(text: str) -> str:
    """The space-joined jieba search-mode tokens of ``text``: what the FTS5 column holds."""
    return " ".join(_words(_jieba().cut_for_search(text)))


def jieba_query(query: str | None) -> str:
    """An FTS5 MATCH expression: every jieba word of ``query``, quoted, all required; alternatives
    written with ``OR`` between spaces (``风电 OR 光伏``) each in parentheses, any of them.

    Quoting makes FTS5 read each word literally (no other operators from user input);
    an empty query gives an expression that matches nothing.
    """
    alternatives = []
    for part in OR.split(query or ""):
        words = _words(_jieba().cut(part))
        if words:
            alternatives.append(" ".join('"' + w.replace('"', '""') + '"' for w in words))
    if len(alternatives) > 1:
        return " OR ".join(f"({a})" for a in alternatives)
    return alternatives[0] if alternatives else '""'


def ensure_search_tables(db: sqlite_utils.Database) -> None:
    """Create the FTS5 table and its bookkeeping table if they are missing."""
    if not db[INDEX_TABLE].exists():
        db.execute(
            f"CREATE VIRTUAL TABLE [{INDEX_TABLE}] USING fts5("
            "tokens, article_id UNINDEXED, start UNINDEXED, sentence UNINDEXED, tokenize='unicode61')"
        )
    if not db[STATE_TABLE].exists():
        db[STATE_TABLE].create({"article_id": str, "content_hash": str}, pk="article_id")


#: Articles indexed between two progress reports.
PROGRESS_EVERY = 1000


def refresh_search_index(
    db: sqlite_utils.Database, progress: Callable[[int, int], None] | None = None
) -> int:
    """Bring the search index in step with ``articles``; return how many articles were (re)indexed or dropped.

    Only articles whose ``content_hash`` differs from the one recorded at
    their last indexing are touched, so calling this at every start is cheap.
    ``progress(done, total)`` hears every PROGRESS_EVERY articles of a long
    build (the first start on 20,000 stories takes about 18 s).
    """
    ensure_search_tables(db)
    indexed = dict(db.execute(f"select article_id, content_hash from [{STATE_TABLE}]").fetchall())
    current = dict(db.execute("select id, content_hash from articles").fetchall())
    stale = [a for a, h in current.items() if indexed.get(a) != h]
    gone = [a for a in indexed if a not in current]
    with db.atomic():
        for article_id in stale + gone:
            db.execute(f"delete from [{INDEX_TABLE}] where article_id = ?", [article_id])
            db.execute(f"delete from [{STATE_TABLE}] where article_id = ?", [article_id])
        for done, article_id in enumerate(stale, 1):
            title, text = db.execute("select title, text from articles where id = ?", [article_id]).fetchone()
            db[INDEX_TABLE].insert_all(_sentence_rows(article_id, title, text))
            db[STATE_TABLE].insert({"article_id": article_id, "content_hash": current[article_id]})
            if progress is not None and (done % PROGRESS_EVERY == 0 or done == len(stale)):
                progress(done, len(stale))
    return len(stale) + len(gone)


def _sentence_rows(article_id: str, title: str | None, text: str) -> list[dict]:
    """One index row per sentence of the text (offsets in ``articles.text``), the title as start -1."""
    pieces = [(-1, title)] if title else []
    pieces += [(start, text[start:end]) for start, end in split_sentences(text)]
    return [
        {"tokens": index_tokens(sentence), "article_id": article_id, "start": start, "sentence": sentence}
        for start, sentence in pieces
    ]
