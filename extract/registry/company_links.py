"""Company names of many articles grouped into canonical companies: exact names, short forms an
article resolved (``refers_to``), and short forms that open exactly one full name in the registry.

As for projects (:mod:`.project_links`), an incremental link starts from the names the changed
articles had or have, widens them to every name one could link to (:func:`_reach`), and
recomputes only those groups. ``company_mentions`` holds each company mention's normalised
names, ``company_forms`` each full name with and without its leading place.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable

import sqlite_utils

from ..dictionary import plain_words, word_tags
from ..evaluate import norm
from .changes import query_in
from .clusters import Edge, LinkDecisions, canonical_id, closure, cluster, place_prefix, rules


def is_full_name(name: str) -> bool:
    """A registered company name: it ends in a legal form (有限公司, 集团 ...)."""
    return any(name.endswith(e) for e in rules().companies.legal_endings)


def link_companies(db: sqlite_utils.Database, changed: set[str] | None = None) -> None:
    """Recompute canonical companies: all, or (``changed`` articles given) the groups of every name
    those articles wrote or write, and of every name these can link to."""
    decided = LinkDecisions.load(db, "company")
    if changed is None:
        for table in ("company_mentions", "company_forms", "company_links", "canonical_companies"):
            db.execute(f"delete from [{table}]")
        _index(db, db.execute(MENTION_SQL).fetchall())
        _write_groups(
            db, db.execute("select article_id, name, full from company_mentions").fetchall(), decided
        )
        return
    had = _names(db, changed)
    query_in(db, "delete from company_mentions where article_id in ({marks})", changed)
    _index(db, query_in(db, MENTION_SQL + " and article_id in ({marks})", changed))
    reach = _reach(db, had | _names(db, changed), decided)
    gone = had - {n for n in had if db.execute(f"select {PRESENT.format('?')}", [n, n]).fetchone()[0]}
    query_in(db, "delete from company_forms where full in ({marks})", gone)
    rows = {
        r[0]: r[1:]
        for column in ("name", "full")
        for r in query_in(
            db,
            f"select id, article_id, name, full from company_mentions where {column} in ({{marks}})",
            reach,
        )
    }
    groups = {
        r[0] for r in query_in(db, "select canonical_id from company_links where name in ({marks})", reach)
    }
    query_in(db, "delete from company_links where name in ({marks})", reach)
    query_in(db, "delete from canonical_companies where id in ({marks})", groups)
    _write_groups(db, list(rows.values()), decided)


#: ``+kind`` keeps SQLite off the index on kind, which it took for a few articles' mentions (every
#: company mention read, a cost that grew with the registry); the article id's index is the one.
MENTION_SQL = "select id, article_id, name, refers_to from organisations where +kind = 'company'"


def _index(db: sqlite_utils.Database, mentions: Iterable[tuple]) -> None:
    """Company mentions with normalised names, and every full name's forms (whole, without its place)."""
    rows = [
        {"id": i, "article_id": a, "name": norm(name), "full": norm(full) if full else None}
        for i, a, name, full in mentions
    ]
    db["company_mentions"].insert_all(rows, pk="id")
    fulls = {n for row in rows for n in (row["name"], row["full"]) if n and is_full_name(n)}
    forms = [{"form": f, "full": full} for full in fulls for f in {full, place_prefix().sub("", full)}]
    db["company_forms"].insert_all(forms, pk=("form", "full"), ignore=True)


def articles_naming(db: sqlite_utils.Database, names: Iterable[str]) -> set[str]:
    """The articles with a company mention of one of ``names`` (normalised), whole or resolved to it."""
    sql = "select article_id from company_mentions where {} in ({{marks}})"
    return {r[0] for column in ("name", "full") for r in query_in(db, sql.format(column), names)}


def _names(db: sqlite_utils.Database, articles: set[str]) -> set[str]:
    rows = query_in(db, "select name, full from company_mentions where article_id in ({marks})", articles)
    return {n for row in rows for n in row if n}


#: Names one step from a list of names: in one old group, or one resolved to the other in an article.
REACH_SQL = [
    """select l2.name from company_links l1 join company_links l2 on l2.canonical_id = l1.canonical_id
    where l1.name in ({marks})""",
    "select full from company_mentions where name in ({marks}) and full is not null",
    "select name from company_mentions where full in ({marks})",
]
PRESENT = """(exists (select 1 from company_mentions m where m.name = {0})
    or exists (select 1 from company_mentions m where m.full = {0}))"""


def _reach(db: sqlite_utils.Database, seeds: set[str], decided: LinkDecisions) -> set[str]:
    """The names reachable from ``seeds`` by REACH_SQL, reviewers' merges, and prefixes: a short form and
    every full name it opens (:func:`_company_edges` links it to the one it opens, if only one)."""
    merged = decided.partners()

    def step(names: set[str]) -> set[str]:
        found = {r[0] for sql in REACH_SQL for r in query_in(db, sql, names)}
        return found | {other for n in names for other in merged.get(n, ())} | _prefix_steps(db, names)

    return closure(seeds, step)


def _prefix_steps(db: sqlite_utils.Database, names: set[str]) -> set[str]:
    minimum = rules().companies.min_prefix
    found: set[str] = set()
    opens = (
        f"select f.full from company_forms f where f.form > ? and f.form < ? and {PRESENT.format('f.full')}"
    )
    for name in names:
        if is_full_name(name):
            prefixes = {
                form[:n] for form in {name, place_prefix().sub("", name)} for n in range(minimum, len(form))
            }
            found |= {
                r[0]
                for c in ("name", "full")
                for r in query_in(db, f"select {c} from company_mentions where {c} in ({{marks}})", prefixes)
            }
        elif len(name) >= minimum:
            found |= {r[0] for r in db.execute(opens, [name, name + "\U0010ffff"])}
    return found


def _company_edges(rows: Iterable[tuple]) -> tuple[dict[str, set[str]], list[Edge]]:
    """Company names (→ their articles) and the edges between them: short forms and their full names."""
    c = rules().companies
    articles: dict[str, set[str]] = defaultdict(set)
    targets: dict[str, set[str]] = defaultdict(set)
    for article_id, name, full in rows:
        articles[name].add(article_id)
        if full:
            articles[full].add(article_id)
            targets[name].add(full)
    edges = [
        Edge(*pair, c.confidence["refers_to"], "refers_to", {"rule": "refers_to", "names": list(pair)})
        for s, t in targets.items()
        if len(t) == 1 and s not in t and is_short_form(s, next(iter(t)))
        for pair in [tuple(sorted((s, *t)))]
    ]
    opens: dict[str, set[str]] = defaultdict(set)
    for full in filter(is_full_name, articles):
        stripped = place_prefix().sub("", full)
        for form in {full, stripped}:
            for n in range(c.min_prefix, len(form)):
                opens[form[:n]].add(full)
    for short in sorted(articles):
        fulls = opens.get(short, set()) - {short}
        if not is_full_name(short) and len(fulls) == 1 and is_short_form(short, next(iter(fulls))):
            full = next(iter(fulls))
            evidence = {"rule": "prefix", "names": sorted((short, full))}
            edges.append(Edge(*sorted((short, full)), c.confidence["prefix"], "prefix", evidence))
    return articles, edges


def split_place(name: str) -> tuple[str, str]:
    """(leading place, rest): 江西|铜业集团, 四平市|顺邦农机制造有限公司."""
    match = place_prefix().match(name)
    if match and len(name) > match.end():
        return match.group(), name[match.end() :]
    first = plain_words().cut(name, HMM=False)[0]
    if word_tags().get(first) == "ns" and len(name) > len(first):
        return first, name[len(first) :]
    return "", name


def _stem(name: str) -> tuple[str, str]:
    """(place, stem): the name without its leading place and its legal ending."""
    place, rest = split_place(name)
    ending = max((e for e in rules().companies.legal_endings if rest.endswith(e)), key=len, default="")
    return place, rest[: len(rest) - len(ending)] or rest


def is_short_form(short: str, full: str) -> bool:
    """Whether ``short`` names the company ``full`` everywhere, not one of its branches or a common word.

    吉林世宝 → 吉林世宝机械制造有限公司 and 建设银行 → 中国建设银行 are; 燕京啤酒 →
    燕京啤酒新疆公司 (a branch), 铜业 → 江西铜业集团 (a common word) and
    一汽 → 德国大众汽车与一汽集团 (two names run together) are not.
    """
    c = rules().companies
    if any(x in full for x in c.conjunctions):
        return False
    full_place, full_stem = _stem(full)
    short_place, short_stem = _stem(short)
    if full_place and not short_place and not _proper_word(short_stem):
        return False
    if full_stem.startswith(short_stem):
        rest = full_stem[len(short_stem) :]
        return len(rest) <= c.max_remainder and not _has_place(rest)
    return short_stem[0] == full_stem[0] and _subsequence(short_stem, full_stem)


def _proper_word(name: str) -> bool:
    tags = word_tags()
    return all(tags.get(w) in rules().companies.proper_tags for w in plain_words().cut(name, HMM=False))


def _has_place(text: str) -> bool:
    tags = word_tags()
    return bool(place_prefix().match(text)) or any(
        tags.get(w) == "ns" for w in plain_words().cut(text, HMM=False)
    )


def _subsequence(short: str, long_: str) -> bool:
    it = iter(long_)
    return all(ch in it for ch in short)


def _write_groups(db: sqlite_utils.Database, rows: list[tuple], decided: LinkDecisions) -> None:
    """Cluster the names of ``rows`` (article, name, full name); write their canonical companies, links."""
    articles, edges = _company_edges(rows)
    edges = [e for e in edges if not {e.a, e.b} & decided.detached]
    forced = [(a, b) for a, b in decided.forced if a in articles and b in articles]
    names = sorted(articles)
    groups, best = cluster(names, {n: n for n in names}, edges, forced)
    sql = (
        "select name, count(*) from organisations where kind = 'company' and name in ({marks}) group by name"
    )
    mentions = dict(query_in(db, sql, names))
    canonical_rows, link_rows = [], []
    for members in groups.values():
        chosen = min(members, key=lambda n: (not is_full_name(n), -len(n), n))
        cid = canonical_id("cc_", chosen)
        canonical_rows.append(
            {
                "id": cid,
                "name": chosen,
                "names": json.dumps(sorted(members), ensure_ascii=False),
                "articles": len(set().union(*(articles[m] for m in members))),
                "mentions": sum(mentions.get(m, 0) for m in members),
            }
        )
        for name in members:
            link_rows.append(_link_row(name, cid, best.get(name), len(members), name in decided.accepted))
    db["canonical_companies"].insert_all(sorted(canonical_rows, key=lambda r: r["id"]), pk="id")
    db["company_links"].insert_all(sorted(link_rows, key=lambda r: r["name"]), pk="name")


def _link_row(name: str, cid: str, edge: Edge | None, size: int, accepted: bool) -> dict:
    if edge:
        method, confidence, evidence = edge.method, edge.confidence, edge.evidence
    else:
        method, confidence, evidence = "singleton" if size == 1 else "merged", 1.0, {}
    return {
        "name": name,
        "canonical_id": cid,
        "method": method,
        "confidence": 1.0 if accepted else confidence,
        "evidence": json.dumps(evidence, ensure_ascii=False, sort_keys=True),
        "status": "accepted" if accepted else None,
    }
