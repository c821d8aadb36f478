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

import regex
import sqlite_utils
from ahocorasick_rs import AhoCorasick, MatchKind

from ..dictionary import plain_words, word_tags
from ..models import Organisation
from ..orgs import begins_place, short_forms
from ..sentences import sentence_at, split_sentences
from .linking import is_full_name, is_short_form, rules, split_place
from .store import add_mentions

SOURCE = "registry"
HAN = regex.compile(r"\p{Han}+")
LATIN = regex.compile(r"(?=.*[A-Za-z])[A-Za-z0-9&. -]+")


def learn(db: sqlite_utils.Database) -> dict[str, str]:
    """Short form → the one full company name it stands for, from the names articles wrote in full.

    A short form of two different full names (中国石油 of two subsidiaries)
    stands for neither; one shorter than ``lexicon_min_length`` (世宝) or
    made of common words only (中国海洋 ← 中国海洋石油公司) would be found in
    articles about anything else.
    """
    minimum = rules().companies.lexicon_min_length
    fulls: dict[str, set[str]] = defaultdict(set)
    sources: dict[str, str] = {}
    rows = db.query(
        "select name, min(article_id) as article_id from organisations"
        " where kind = 'company' and source is not ? group by name order by name",
        [SOURCE],
    )
    for row in rows:
        sources[row["name"]] = row["article_id"]
        if is_full_name(row["name"]):
            for short in short_forms(row["name"]):
                if len(short) >= minimum and is_short_form(short, row["name"]) and _brand(short):
                    fulls[short].add(row["name"])
    learnt = {short: next(iter(names)) for short, names in sorted(fulls.items()) if len(names) == 1}
    db["lexicon"].insert_all(
        [{"short_form": s, "full_name": f, "learnt_from": sources[f]} for s, f in learnt.items()],
        pk="short_form",
        replace=True,
    )
    return learnt


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


def apply_lexicon(db: sqlite_utils.Database) -> int:
    """Rebuild the learnt mentions of every article; returns how many there are.

    Every article is searched for every learnt short form at once, by an
    Aho-Corasick automaton, leftmost-longest as a regex alternation of them
    longest first would find: 1.5 s over 107k articles and 1,600 short forms,
    where the regex took 210 s (on every ingest run, however small). For one
    article's few names, :func:`~extract.orgs.leftmost_longest` (``str.find``
    per name) is the faster way: an automaton built per article cost 5 times more.
    """
    db.execute("delete from organisations where source = ?", [SOURCE])
    db.execute("delete from lexicon")
    learnt = learn(db)
    if not learnt:
        return 0
    automaton = AhoCorasick(list(learnt), matchkind=MatchKind.LeftmostLongest)
    taken: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for row in db.query("select article_id, start, [end] from organisations"):
        taken[row["article_id"]].append((row["start"], row["end"]))
    added = 0
    for article in db.query("select id, text from articles order by id"):
        spans, text = taken[article["id"]], article["text"]
        found = [
            (m, n)
            for _, m, n in automaton.find_matches_as_indexes(text)
            if not any(s < n and m < e for s, e in spans) and not begins_place(text, n)
        ]
        if found:
            add_mentions(db, article["id"], "organisations", _mentions(text, found, learnt))
            added += len(found)
    return added


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
