"""Project records of many articles grouped into canonical projects.

Candidate pairs come from name keys (equal names, aliases, a core's opening
characters), never from all pairs. Canonical ids are derived from content:
the normalised name of a cluster's earliest-dated member (ties broken by
article and record id), so the same records give the same ids on any machine
and in any order.

A full link reads every record. An incremental one starts from the records
of the articles that changed and their old groups, and widens that set until
no record outside it shares a name key or a core with one inside
(:func:`_reach`): every edge the full link would draw inside the set is then
drawn, and none leaves it, so the groups it makes are the full link's.
The keys live in ``link_records`` and ``link_keys``, kept per article.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache

import regex
import sqlite_utils

from ..dictionary import plain_words, word_tags
from ..evaluate import norm, norm_project
from .changes import chunks, query_in
from .clusters import Edge, LinkDecisions, canonical_id, closure, cluster, place_prefix, rules

MAX_GROUP = 40
"""A name shared by more records than this is compared with its first ``STAR_HEADS`` records only."""
STAR_HEADS = 5


@dataclass
class Record:
    id: str
    article_id: str
    date: str
    name: str
    key: str
    review_key: str
    stage: str | None
    investment_yuan: int | None
    place: str | None
    aliases: set[str]
    companies: set[str]
    capacities: set[tuple[float, str]]
    products: set[str]
    places: set[str] = field(default_factory=set)
    core: str = ""

    def order(self) -> tuple[str, str, str]:
        """Earliest first: article date, then article id, then record id."""
        return (self.date, self.article_id, self.id)

    def facts(self) -> int:
        return sum(bool(x) for x in (self.stage, self.investment_yuan, self.place, self.companies))


PROJECT_SQL = """select p.*, coalesce(a.date, '') as article_date from projects p
    join articles a on a.id = p.article_id"""


def load_records(db: sqlite_utils.Database, ids: set[str] | None = None) -> list[Record]:
    """Project records with their capacities, products and core, ordered by id; all, or those of ``ids``."""
    if ids is None:
        rows = list(db.query(PROJECT_SQL + " order by p.id"))
        capacity_rows = db.execute("select project_id, value, unit, product from project_capacities")
        org_rows = db.execute("select distinct article_id, name from organisations")
    else:
        rows = []
        for chunk in chunks(ids):
            rows.extend(db.query(PROJECT_SQL + f" where p.id in ({', '.join('?' * len(chunk))})", chunk))
        rows.sort(key=lambda r: r["id"])
        capacity_rows = query_in(
            db,
            "select project_id, value, unit, product from project_capacities where project_id in ({marks})",
            ids,
        )
        org_rows = query_in(
            db,
            "select distinct article_id, name from organisations where article_id in ({marks})",
            {r["article_id"] for r in rows},
        )
    capacities: dict[str, set[tuple[float, str]]] = defaultdict(set)
    products: dict[str, set[str]] = defaultdict(set)
    for project_id, value, unit, product in capacity_rows:
        capacities[project_id].add((value, unit))
        if product:
            products[project_id].add(norm(product))
    prefixes: dict[str, set[str]] = defaultdict(set)
    for article_id, name in org_rows:
        prefixes[article_id].add(norm(name))
    records = []
    for row in rows:
        rec = Record(
            id=row["id"],
            article_id=row["article_id"],
            date=row["article_date"],
            name=row["name"],
            key=norm_project(row["name"]),
            review_key=row["review_key"],
            stage=row["stage"],
            investment_yuan=row["investment_yuan"],
            place=row["place"],
            aliases={norm_project(a) for a in json.loads(row["aliases"] or "[]")},
            companies={norm(c) for c in json.loads(row["companies"] or "[]")},
            capacities=capacities[row["id"]],
            products=products[row["id"]],
        )
        rec.core, rec.places = _core(rec, prefixes[rec.article_id])
        records.append(rec)
    return records


def _core(rec: Record, article_names: set[str]) -> tuple[str, set[str]]:
    """The name without leading places and companies, and the places taken off it.

    Words taken off are the record's own place and companies, the article's
    organisation names, and a place word closed by an administrative suffix.
    """
    generic = set(rules().generic_places)
    places = {norm(rec.place)} - generic if rec.place else set()
    words = sorted({*rec.companies, *article_names, *places} - {""}, key=lambda w: (-len(w), w))
    core = rec.key
    while True:
        word = next((w for w in words if core.startswith(w) and len(core) - len(w) >= 2), None)
        match = place_prefix().match(core)
        if word is None and match and len(core) - match.end() >= 2:
            word = match.group()
            places.add(word)
        if word is None:
            return core, places
        core = core[len(word) :]


ALNUM = regex.compile(r"[0-9A-Za-z]")
PHASE = regex.compile(r"[一二三四五六七八九十首\d]期")


@cache
def _proper(name: str) -> bool:
    """Whether a name holds a proper word (place, person, abbreviation, number): 雄忻高铁, not 蓄能电站."""
    if ALNUM.search(name):
        return True
    tags = word_tags()
    proper = set(rules().projects.proper_tags)
    return any(
        not plain_words().FREQ.get(w) or tags.get(w) in proper for w in plain_words().cut(name, HMM=False)
    )


def _distinctive(name: str) -> bool:
    """Long names are distinctive by themselves; a short one needs a proper word."""
    return len(name) >= rules().projects.distinctive_name or _proper(name)


def _same_phases(a: Record, b: Record) -> bool:
    """一期 and 二期 of one plant are two projects; a name with no phase is neither."""
    return set(PHASE.findall(a.key)) == set(PHASE.findall(b.key))


def _places_compatible(a: Record, b: Record) -> bool:
    """No place of one contains or is contained in a place of the other, where both name places."""
    if not a.places or not b.places:
        return True
    return any(x in y or y in x for x in a.places for y in b.places)


def _companies_compatible(a: Record, b: Record) -> bool:
    if not a.companies or not b.companies:
        return True
    return any(x in y or y in x for x in a.companies for y in b.companies)


def _shared(a: Record, b: Record) -> dict[str, list]:
    """The facts two records share, as evidence of a link."""
    shared = {
        "companies": sorted(x for x in a.companies if any(x in y or y in x for y in b.companies)),
        "capacities": sorted([v, u] for v, u in a.capacities & b.capacities),
        "products": sorted(a.products & b.products),
        "places": sorted(x for x in a.places if any(x in y or y in x for y in b.places)),
    }
    return {k: v for k, v in shared.items() if v}


def _project_edge(a: Record, b: Record, method: str, extra: dict | None = None) -> Edge:
    r = rules().projects
    shared = _shared(a, b)
    if method == "core":
        confidence = min(
            r.confidence["core_max"], r.confidence["core"] + r.confidence["per_shared_fact"] * len(shared)
        )
    else:
        confidence = r.confidence[method]
    a, b = sorted((a, b), key=lambda x: x.id)
    evidence = {"rule": method, "names": [a.name, b.name], "shared": shared, **(extra or {})}
    return Edge(a.id, b.id, round(confidence, 3), method, evidence)


def _name_edges(records: list[Record]) -> Iterator[Edge]:
    """Records of different articles sharing a normalised name or alias."""
    r = rules().projects
    by_name: dict[str, list[Record]] = defaultdict(list)
    for rec in records:
        for name in {rec.key, *rec.aliases}:
            if _linkable(name):
                by_name[name].append(rec)
    for name, group in by_name.items():
        group.sort(key=Record.order)
        for a, b in _pairs(group):
            if a.article_id == b.article_id or not _same_phases(a, b):
                continue
            if len(name) < r.distinctive_name and not _places_compatible(a, b):
                continue
            method = "exact" if a.key == b.key == name else "alias"
            yield _project_edge(a, b, method, {"name": name})


def _pairs(group: list[Record]) -> Iterator[tuple[Record, Record]]:
    """Every pair of a small group; each member with the first few of a large one (a common name)."""
    heads = group if len(group) <= MAX_GROUP else group[:STAR_HEADS]
    for i, a in enumerate(heads):
        yield from ((a, b) for b in group[i + 1 :])


def _core_edges(records: list[Record]) -> Iterator[Edge]:
    """A distinctive core of one record inside another article's name (blocked by its first 4 characters)."""
    r = rules().projects
    by_opening: dict[str, list[Record]] = defaultdict(list)
    for rec in records:
        if len(rec.core) >= r.min_core:
            by_opening[rec.core[:4]].append(rec)
    for b in records:
        seen: set[str] = set()
        for i in range(len(b.key) - 3):
            for a in by_opening.get(b.key[i : i + 4], ()):
                if a.id in seen or a.article_id == b.article_id or a.key == b.key or a.core not in b.key:
                    continue
                seen.add(a.id)
                if len(a.core) < r.core_share * len(b.core) or not _distinctive(a.core):
                    continue
                if _same_phases(a, b) and _places_compatible(a, b) and _companies_compatible(a, b):
                    yield _project_edge(a, b, "core", {"core": a.core})


def link_projects(db: sqlite_utils.Database, changed: set[str] | None = None) -> None:
    """Recompute canonical projects and every record's link to one: all of them, or (``changed``
    articles given) the groups those articles' records belong to, were in, or can join."""
    decided = LinkDecisions.load(db, "project_link")
    if changed is None:
        for table in ("link_keys", "link_records", "project_links", "canonical_projects"):
            db.execute(f"delete from [{table}]")
        records = load_records(db)
        _index(db, records)
        _write_groups(db, records, decided, outside=False)
        return
    had = {
        r[0]
        for r in query_in(db, "select project_id from link_records where article_id in ({marks})", changed)
    }
    for table in ("link_keys", "link_records"):
        query_in(db, f"delete from {table} where project_id in ({{marks}})", had)
    has = {r[0] for r in query_in(db, "select id from projects where article_id in ({marks})", changed)}
    _index(db, load_records(db, has))
    reach = _reach(db, had | has, decided)
    groups = {
        r[0]
        for r in query_in(db, "select canonical_id from project_links where project_id in ({marks})", reach)
    }
    query_in(db, "delete from project_links where project_id in ({marks})", reach)
    query_in(db, "delete from canonical_projects where id in ({marks})", groups)
    _write_groups(db, load_records(db, reach), decided, outside=True)


def _index(db: sqlite_utils.Database, records: list[Record]) -> None:
    """The keys by which a record can link: its linkable names, its key's 4-grams, its core's opening."""
    r = rules().projects
    rows, keys = [], []
    for rec in records:
        core = rec.core if len(rec.core) >= r.min_core and _distinctive(rec.core) else None
        rows.append({"project_id": rec.id, "article_id": rec.article_id, "key": rec.key, "core": core})
        names = {n for n in {rec.key, *rec.aliases} if _linkable(n)}
        grams = {rec.key[i : i + 4] for i in range(len(rec.key) - 3)}
        keys += [{"role": "name", "key": n, "project_id": rec.id} for n in names]
        keys += [{"role": "gram", "key": g, "project_id": rec.id} for g in grams]
        if core:
            keys.append({"role": "open", "key": core[:4], "project_id": rec.id})
    db["link_records"].insert_all(rows, pk="project_id")
    db["link_keys"].insert_all(keys, pk=("role", "key", "project_id"))


def _linkable(name: str) -> bool:
    """Whether records sharing this name may link by it: long, or short with a proper word."""
    r = rules().projects
    return len(name) >= r.min_name and (len(name) >= r.distinctive_name or _proper(name))


#: Records one step from a list of records: in one old group, sharing a linkable name, one's core in
#: the other's key (both ways). Every edge :func:`_name_edges` and :func:`_core_edges` can draw, and
#: every old group, is one of these steps.
#: Each CROSS JOIN keeps SQLite to the order written, from the records given: left to choose, it
#: scanned every name key (0.5 s a batch at 107k articles, growing with the registry).
REACH_SQL = [
    """select l2.project_id from project_links l1 cross join project_links l2
    on l2.canonical_id = l1.canonical_id where l1.project_id in ({marks})""",
    """select k2.project_id from link_keys k1 cross join link_keys k2 on k2.role = 'name' and k2.key = k1.key
    where k1.role = 'name' and k1.project_id in ({marks})""",
    """select b.project_id from link_records a cross join link_keys k cross join link_records b
    where a.project_id in ({marks}) and a.core is not null and k.role = 'gram'
    and k.key = substr(a.core, 1, 4) and b.project_id = k.project_id and instr(b.key, a.core) > 0""",
    """select a.project_id from link_keys g cross join link_keys o cross join link_records a
    cross join link_records b where g.project_id in ({marks}) and g.role = 'gram' and o.role = 'open'
    and o.key = g.key and a.project_id = o.project_id and b.project_id = g.project_id
    and instr(b.key, a.core) > 0""",
]


def _reach(db: sqlite_utils.Database, seeds: set[str], decided: LinkDecisions) -> set[str]:
    """The records reachable from ``seeds`` by the steps of REACH_SQL and by reviewers' merges."""
    partners = decided.partners()
    id_of = dict(query_in(db, "select review_key, id from projects where review_key in ({marks})", partners))
    merged = {id_of[k]: {id_of[o] for o in ks if o in id_of} for k, ks in partners.items() if k in id_of}

    def step(records: set[str]) -> set[str]:
        found = {r[0] for sql in REACH_SQL for r in query_in(db, sql, records)}
        return found | {other for i in records for other in merged.get(i, ())}

    return closure(seeds, step)


def _write_groups(
    db: sqlite_utils.Database, records: list[Record], decided: LinkDecisions, *, outside: bool
) -> None:
    """Cluster ``records`` and write their canonical projects and links (ids as :func:`_ids` gives them)."""
    by_key = {rec.review_key: rec for rec in records}
    by_id = {rec.id: rec for rec in records}
    edges = [
        e
        for e in [*_name_edges(records), *_core_edges(records)]
        if not {by_id[e.a].review_key, by_id[e.b].review_key} & decided.detached
    ]
    forced = [(by_key[a].id, by_key[b].id) for a, b in decided.forced if a in by_key and b in by_key]
    article_of = {rec.id: rec.article_id for rec in records}
    groups, best = cluster([rec.id for rec in records], article_of, edges, forced)
    ordered = sorted(
        (sorted((by_id[i] for i in g), key=Record.order) for g in groups.values()), key=lambda m: m[0].order()
    )
    roots = [Root(m[0].order(), m[0].key, m[0].review_key, None) for m in ordered]
    others = _roots_sharing_keys(db, {root.key for root in roots}) if outside else []
    ids = _ids([*roots, *others], decided.detached)
    for root in others:
        if ids[root] != root.id:
            _rename(db, root.id, ids[root])
    canonical_rows, link_rows = [], []
    for root, members in zip(roots, ordered, strict=True):
        canonical_rows.append(_canonical_project(ids[root], members))
        for rec in members:
            accepted = rec.review_key in decided.accepted
            link_rows.append(_link_row(rec, ids[root], best.get(rec.id), accepted, len(members)))
    db["canonical_projects"].insert_all(canonical_rows, pk="id")
    db["project_links"].insert_all(link_rows, pk="project_id")
    _record_confidences(db, records)


@dataclass(frozen=True)
class Root:
    """A group's earliest record, as canonical ids are drawn from it; ``id`` is the id it has, if any."""

    order: tuple[str, str, str]
    key: str
    review_key: str
    id: str | None


def _ids(roots: list[Root], detached: set[str]) -> dict[Root, str]:
    """Each group's canonical id: the hash of its earliest record's name for the earliest group of that
    name; with the record's review key for a later group of the name, or one a reviewer split off
    (which so never takes the id of the group it left)."""
    given: set[str] = set()
    ids = {}
    for root in sorted(roots, key=lambda r: r.order):
        if root.review_key in detached or root.key in given:
            ids[root] = canonical_id("cp_", root.key, root.review_key)
        else:
            ids[root] = canonical_id("cp_", root.key)
            given.add(root.key)
    return ids


def _roots_sharing_keys(db: sqlite_utils.Database, keys: set[str]) -> list[Root]:
    """The groups left as they were whose names are among ``keys``: their ids may move."""
    sql = """select coalesce(c.first_date, ''), p.article_id, c.root_id, c.key, c.root_key, c.id
    from canonical_projects c join projects p on p.id = c.root_id where c.key in ({marks})"""
    return [
        Root((date, article, root), key, review_key, cid)
        for date, article, root, key, review_key, cid in query_in(db, sql, keys)
    ]


def _rename(db: sqlite_utils.Database, old: str, new: str) -> None:
    """Give a canonical project another id, its links following."""
    row = db["canonical_projects"].get(old)
    db["canonical_projects"].insert({**row, "id": new}, pk="id")
    db.execute("update project_links set canonical_id = ? where canonical_id = ?", [new, old])
    db.execute("delete from canonical_projects where id = ?", [old])


def _canonical_project(cid: str, members: list[Record]) -> dict:
    """The canonical record: its earliest name, and the latest stage and investment with their sources."""
    latest_stage = next((m for m in reversed(members) if m.stage), None)
    latest_money = next((m for m in reversed(members) if m.investment_yuan is not None), None)
    latest_place = next((m.place for m in reversed(members) if m.place), None)
    return {
        "id": cid,
        "name": members[0].name,
        "root_key": members[0].review_key,
        "root_id": members[0].id,
        "key": members[0].key,
        "members": len(members),
        "articles": len({m.article_id for m in members}),
        "first_date": members[0].date or None,
        "last_date": members[-1].date or None,
        "latest_stage": latest_stage.stage if latest_stage else None,
        "latest_stage_article": latest_stage.article_id if latest_stage else None,
        "latest_investment_yuan": latest_money.investment_yuan if latest_money else None,
        "latest_investment_article": latest_money.article_id if latest_money else None,
        "place": latest_place,
    }


def _link_row(rec: Record, cid: str, edge: Edge | None, accepted: bool, size: int) -> dict:
    if size == 1:
        method, confidence, evidence = "singleton", 1.0, {}
    elif edge is None:
        method, confidence, evidence = "merged", 1.0, {"rule": "merged by a reviewer"}
    else:
        method, confidence, evidence = edge.method, edge.confidence, edge.evidence
    return {
        "project_id": rec.id,
        "canonical_id": cid,
        "confidence": 1.0 if accepted else confidence,
        "method": method,
        "evidence": json.dumps(evidence, ensure_ascii=False, sort_keys=True),
        "status": "accepted" if accepted else None,
    }


def _record_confidences(db: sqlite_utils.Database, records: list[Record]) -> None:
    """A reviewed record is certain. Otherwise the learned models say how sure they are: that the name
    is a project's, times that its investment is its own (a total over many projects scores low);
    where no model scored the record (learning off), the more its article says of it, the surer."""
    r = rules().projects
    for rec in records:
        confidence = min(r.record_max, r.record_base + r.record_per_fact * rec.facts())
        db.execute(
            "update projects set confidence = iif(review_status is null,"
            " coalesce(round(name_score * coalesce(investment_score, 1.0), 3), ?), 1.0) where id = ?",
            [round(confidence, 3), rec.id],
        )
