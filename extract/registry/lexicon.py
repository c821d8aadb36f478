"""Company short forms the registry has learnt: a full name seen once makes its short forms known everywhere.

An article that names 吉林世宝机械制造有限公司 teaches the registry that
吉林世宝 is that company; an article that then writes only 吉林世宝 gets the
mention, with ``source = 'registry'`` and ``refers_to`` the full name. No one
writes these by hand: the table ``lexicon`` lists what was learnt and from
which article, and Datasette shows it.

Learnt mentions are derived data, like the canonical links: they are
rebuilt from the extracted mentions every time the registry is relinked.
So they depend only on which articles the registry holds, never on the order
they came in or on a run killed and resumed (the extraction of an article
stays a function of that article alone).
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable

import regex
import sqlite_utils
from ahocorasick_rs import AhoCorasick, MatchKind

from ..dictionary import plain_words, word_tags
from ..models import Organisation
from ..orgs import begins_place, short_forms
from ..sentences import sentence_at, split_sentences
from .changes import articles_containing, query_in
from .clusters import rules
from .company_links import is_full_name, is_short_form, split_place
from .store import add_mentions

SOURCE = "registry"
HAN = regex.compile(r"\p{Han}+")
LATIN = regex.compile(r"(?=.*[A-Za-z])[A-Za-z0-9&. -]+")


def learn(db: sqlite_utils.Database, changed: set[str] | None = None) -> dict[str, str]:
    """Short form → the one full company name it stands for, from the names articles wrote in full.

    A short form of two different full names (中国石油 of two subsidiaries)
    stands for neither; one shorter than ``lexicon_min_length`` (世宝) or
    made of common words only (中国海洋 ← 中国海洋石油公司) would be found in
    articles about anything else. Each full name's short forms are worked out
    once (table ``short_forms``, an empty one where it has none): with
    ``changed`` articles given, only their names are new.
    """
    sql = "select distinct name from organisations where +kind = 'company' and source is not ?"
    if changed is None:
        db.execute("delete from short_forms")
        names = {r[0] for r in db.execute(sql, [SOURCE])}
    else:
        db.execute(GONE_SQL, [SOURCE])
        names = {r[0] for r in query_in(db, sql + " and article_id in ({marks})", changed, before=(SOURCE,))}
        known = "select distinct full_name from short_forms where full_name in ({marks})"
        names -= {r[0] for r in query_in(db, known, names)}
    db["short_forms"].insert_all(
        [
            {"full_name": n, "short_form": s}
            for n in sorted(filter(is_full_name, names))
            for s in _short_forms(n) or [""]
        ],
        pk=("full_name", "short_form"),
    )
    learnt = dict(db.execute(LEARNT_SQL, [SOURCE]).fetchall())
    sources = dict(query_in(db, SOURCES_SQL, set(learnt.values()), after=(SOURCE,)))
    db.execute("delete from lexicon")
    db["lexicon"].insert_all(
        [{"short_form": s, "full_name": f, "learnt_from": sources[f]} for s, f in sorted(learnt.items())],
        pk="short_form",
    )
    return learnt


#: (``+o.kind``: look a name up by its index, not every company mention by theirs.)
#: Full names no article writes any more (a changed article dropped them) leave the table.
GONE_SQL = """delete from short_forms where not exists (select 1 from organisations o
    where o.name = short_forms.full_name and +o.kind = 'company' and o.source is not ?)"""
#: Short forms of exactly one full name the articles write.
LEARNT_SQL = """select s.short_form, min(s.full_name) from short_forms s where s.short_form != ''
    and exists (select 1 from organisations o
        where o.name = s.full_name and +o.kind = 'company' and o.source is not ?)
    group by s.short_form having count(*) = 1 order by s.short_form"""
#: The first article (by id) that writes each full name.
SOURCES_SQL = """select name, min(article_id) from organisations
    where name in ({marks}) and kind = 'company' and source is not ? group by name"""


def _short_forms(full: str) -> list[str]:
    """The short forms of a full name the lexicon may learn."""
    minimum = rules().companies.lexicon_min_length
    return sorted(s for s in short_forms(full) if len(s) >= minimum and is_short_form(s, full) and _brand(s))


def _brand(short: str) -> bool:
    """Whether a short form holds a brand after its place: an unknown word or one jieba tags as a name.

    Characters jieba's dictionary splits one by one are an unknown word
    (世|宝 → 世宝). Rare common nouns are no brand (城际 in 城际铁路公司), nor is
    a Latin word beside Chinese ones (LED照明); a short form all in Latin is (ABB).
    """
    _, rest = split_place(short)
    if LATIN.fullmatch(rest):
        return True
    tags, known = word_tags(), plain_words().FREQ
    brand_tags = set(rules().companies.lexicon_brand_tags)
    words: list[str] = []
    for single, group in itertools.groupby(plain_words().cut(rest, HMM=False), key=lambda w: len(w) == 1):
        run = list(group)
        words.extend(["".join(run)] if single else run)
    return any(HAN.fullmatch(w) and (not known.get(w) or tags.get(w) in brand_tags) for w in words)


def apply_lexicon(db: sqlite_utils.Database, changed: set[str] | None = None) -> None:
    """Rebuild the learnt mentions: of every article, or (``changed`` articles given) of those articles
    and of every article holding a short form learnt, lost or moved to another full name since.

    An article is searched for every learnt short form at once, by an
    Aho-Corasick automaton, leftmost-longest as a regex alternation of them
    longest first would find: 1.5 s over 107k articles and 1,600 short forms,
    where the regex took 210 s. Which old articles hold a new short form, the
    trigram index says (:func:`~.changes.articles_containing`).
    """
    old = dict(db.execute("select short_form, full_name from lexicon").fetchall())
    learnt = learn(db, changed)
    if changed is None:
        db.execute("delete from organisations where source = ?", [SOURCE])
        articles = db.execute("select id, text from articles order by id")
        taken_rows = db.execute("select article_id, start, [end] from organisations")
    else:
        moved = {s for s in old.keys() | learnt.keys() if old.get(s) != learnt.get(s)}
        sql = "select article_id from organisations where source = ? and name in ({marks})"
        ids = set(changed) | {r[0] for r in query_in(db, sql, moved, before=(SOURCE,))}
        for short in sorted(moved & learnt.keys()):
            ids |= articles_containing(db, short)
        query_in(db, "delete from organisations where source = ? and article_id in ({marks})", ids, (SOURCE,))
        articles = query_in(db, "select id, text from articles where id in ({marks})", ids)
        taken_rows = query_in(
            db, "select article_id, start, [end] from organisations where article_id in ({marks})", ids
        )
    if learnt:
        _find(db, articles, taken_rows, learnt)


def _find(
    db: sqlite_utils.Database, articles: Iterable[tuple], taken_rows: Iterable[tuple], learnt: dict[str, str]
) -> None:
    """Add the learnt short forms each article holds, outside the names already found in it."""
    automaton = AhoCorasick(list(learnt), matchkind=MatchKind.LeftmostLongest)
    taken: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for article_id, start, end in taken_rows:
        taken[article_id].append((start, end))
    for article_id, text in articles:
        spans = taken[article_id]
        found = [
            (m, n)
            for _, m, n in automaton.find_matches_as_indexes(text)
            if not any(s < n and m < e for s, e in spans) and not begins_place(text, n)
        ]
        if found:
            add_mentions(db, article_id, "organisations", _mentions(text, found, learnt))


def _mentions(text: str, found: list[tuple[int, int]], learnt: dict[str, str]) -> list[Organisation]:
    sentences = split_sentences(text)
    out = []
    for start, end in found:
        sentence = sentence_at(sentences, start)
        out.append(
            Organisation(
                start=start,
                end=end,
                text=text[start:end],
                sentence=text[slice(*sentence)] if sentence else None,
                name=text[start:end],
                kind="company",
                source=SOURCE,
                refers_to=learnt[text[start:end]],
            )
        )
    return out
