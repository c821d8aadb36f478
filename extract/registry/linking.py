"""Cross-article linking: project records and company names grouped into canonical records.

Linking is a pure function of what the registry holds (records and review
decisions), recomputed whole after each batch: the result does not depend on
the order articles were ingested in, and a batch that changes nothing leaves
the link tables as they were. Candidate pairs come from name keys (equal
names, aliases, a core's opening characters), never from all pairs.

Canonical ids are derived from content: the normalised name of a cluster's
earliest-dated member (ties broken by article and record id), so the same
records give the same ids on any machine and in any order.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache

import regex
import sqlite_utils
from pydantic import BaseModel

from ..dictionary import plain_words, word_tags
from ..evaluate import norm, norm_project
from ..rules import load_rules
from .schema import EDITABLE_PROJECT_FIELDS

MAX_GROUP = 40
"""A name shared by more records than this is compared with its first ``STAR_HEADS`` records only."""
STAR_HEADS = 5

# --------------------------------------------------------------------------- rules


class ProjectLinkRules(BaseModel):
    min_name: int
    distinctive_name: int
    proper_tags: list[str]
    min_core: int
    core_share: float
    confidence: dict[str, float]
    record_base: float
    record_per_fact: float
    record_max: float


class CompanyLinkRules(BaseModel):
    legal_endings: list[str]
    min_prefix: int
    max_remainder: int
    conjunctions: list[str]
    proper_tags: list[str]
    lexicon_min_length: int
    lexicon_brand_tags: list[str]
    confidence: dict[str, float]


class LinkingRules(BaseModel):
    projects: ProjectLinkRules
    place_prefix: str
    generic_places: list[str]
    companies: CompanyLinkRules


@cache
def rules() -> LinkingRules:
    return load_rules("linking", LinkingRules)


@cache
def _place_prefix() -> regex.Pattern:
    return regex.compile(rules().place_prefix)


def review_key(article_id: str, name: str) -> str:
    """What names a project record across re-extractions: its article and normalised name."""
    return f"{article_id}|{norm_project(name)}"


def canonical_id(prefix: str, *parts: str) -> str:
    return prefix + hashlib.sha1("|".join(parts).encode()).hexdigest()[:12]


# --------------------------------------------------------------------------- union-find


class _Clusters:
    """Union-find over record ids that refuses rule links joining two records of one article."""

    def __init__(self, ids: Iterable[str], article_of: dict[str, str]) -> None:
        self.parent = {i: i for i in ids}
        self.articles = {i: {article_of[i]} for i in self.parent}

    def find(self, i: str) -> str:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: str, b: str, *, forced: bool = False) -> bool:
        """Join a and b; a rule link (not ``forced``) never joins two records of one article."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        if not forced and self.articles[ra] & self.articles[rb]:
            return False
        ra, rb = sorted((ra, rb))
        self.parent[rb] = ra
        self.articles[ra] |= self.articles.pop(rb)
        return True

    def groups(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = defaultdict(list)
        for i in self.parent:
            out[self.find(i)].append(i)
        return out


@dataclass(frozen=True)
class _Edge:
    a: str
    b: str
    confidence: float
    method: str
    evidence: dict

    def order(self) -> tuple:
        return (-self.confidence, self.a, self.b)


def _cluster(
    ids: list[str], article_of: dict[str, str], edges: list[_Edge], forced: list[tuple[str, str]]
) -> tuple[dict[str, list[str]], dict[str, _Edge]]:
    """Clusters (human merges first, then rule edges strongest first) and each member's best edge."""
    clusters = _Clusters(ids, article_of)
    for a, b in forced:
        clusters.union(a, b, forced=True)
    best: dict[str, _Edge] = {}
    for edge in sorted(edges, key=_Edge.order):
        if clusters.union(edge.a, edge.b) or clusters.find(edge.a) == clusters.find(edge.b):
            for member in (edge.a, edge.b):
                best.setdefault(member, edge)
    return clusters.groups(), best


# --------------------------------------------------------------------------- decisions


def _decisions(db: sqlite_utils.Database, kind: str) -> list[dict]:
    return list(db.query("select * from decisions where kind = ? order by id", [kind]))


def apply_project_decisions(db: sqlite_utils.Database) -> None:
    """Give new project rows their review key, then re-apply every decision on project records.

    Re-ingest rewrites an article's rows from the extractor; this puts the
    reviewers' rejections and edits back, so a human decision always wins.
    """
    for row in list(db.query("select id, article_id, name from projects where review_key is null")):
        key = review_key(row["article_id"], row["name"])
        db.execute("update projects set review_key = ? where id = ?", [key, row["id"]])
    db.execute("update projects set confidence = null, review_status = null")
    for d in _decisions(db, "project"):
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


@dataclass
class _LinkDecisions:
    """Keys split off by reviewers, the pairs they joined (merges, accepted links) and the accepted keys.

    Replayed in order: a split undoes the earlier joins of its key; a later merge may join it again.
    """

    detached: set[str] = field(default_factory=set)
    forced: list[tuple[str, str]] = field(default_factory=list)
    accepted: set[str] = field(default_factory=set)

    @classmethod
    def load(cls, db: sqlite_utils.Database, kind: str) -> _LinkDecisions:
        out = cls()
        for d in _decisions(db, kind):
            key = d["key"]
            if d["action"] in ("split", "reject"):
                out.detached.add(key)
                out.accepted.discard(key)
                out.forced = [pair for pair in out.forced if key not in pair]
            elif d["action"] in ("merge", "accept"):
                out.detached.discard(key)
                if d["value"]:
                    out.forced.append((key, d["value"]))
                if d["action"] == "accept":
                    out.accepted.add(key)
        return out


# --------------------------------------------------------------------------- projects


@dataclass
class _Record:
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


def _load_records(db: sqlite_utils.Database) -> list[_Record]:
    capacities: dict[str, set[tuple[float, str]]] = defaultdict(set)
    products: dict[str, set[str]] = defaultdict(set)
    for c in db.query("select project_id, value, unit, product from project_capacities"):
        capacities[c["project_id"]].add((c["value"], c["unit"]))
        if c["product"]:
            products[c["project_id"]].add(norm(c["product"]))
    prefixes: dict[str, set[str]] = defaultdict(set)
    for o in db.query("select distinct article_id, name from organisations"):
        prefixes[o["article_id"]].add(norm(o["name"]))
    sql = """select p.*, coalesce(a.date, '') as article_date from projects p
        join articles a on a.id = p.article_id order by p.id"""
    records = []
    for row in db.query(sql):
        rec = _Record(
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


def _core(rec: _Record, article_names: set[str]) -> tuple[str, set[str]]:
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
        match = _place_prefix().match(core)
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


def _same_phases(a: _Record, b: _Record) -> bool:
    """一期 and 二期 of one plant are two projects; a name with no phase is neither."""
    return set(PHASE.findall(a.key)) == set(PHASE.findall(b.key))


def _places_compatible(a: _Record, b: _Record) -> bool:
    """No place of one contains or is contained in a place of the other, where both name places."""
    if not a.places or not b.places:
        return True
    return any(x in y or y in x for x in a.places for y in b.places)


def _companies_compatible(a: _Record, b: _Record) -> bool:
    if not a.companies or not b.companies:
        return True
    return any(x in y or y in x for x in a.companies for y in b.companies)


def _shared(a: _Record, b: _Record) -> dict[str, list]:
    """The facts two records share, as evidence of a link."""
    shared = {
        "companies": sorted(x for x in a.companies if any(x in y or y in x for y in b.companies)),
        "capacities": sorted([v, u] for v, u in a.capacities & b.capacities),
        "products": sorted(a.products & b.products),
        "places": sorted(x for x in a.places if any(x in y or y in x for y in b.places)),
    }
    return {k: v for k, v in shared.items() if v}


def _project_edge(a: _Record, b: _Record, method: str, extra: dict | None = None) -> _Edge:
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
    return _Edge(a.id, b.id, round(confidence, 3), method, evidence)


def _name_edges(records: list[_Record]) -> Iterator[_Edge]:
    """Records of different articles sharing a normalised name or alias."""
    r = rules().projects
    by_name: dict[str, list[_Record]] = defaultdict(list)
    for rec in records:
        for name in {rec.key, *rec.aliases}:
            if len(name) >= r.min_name:
                by_name[name].append(rec)
    for name, group in by_name.items():
        group.sort(key=_Record.order)
        for a, b in _pairs(group):
            if a.article_id == b.article_id or not _same_phases(a, b):
                continue
            if len(name) < r.distinctive_name and not (_places_compatible(a, b) and _proper(name)):
                continue
            method = "exact" if a.key == b.key == name else "alias"
            yield _project_edge(a, b, method, {"name": name})


def _pairs(group: list[_Record]) -> Iterator[tuple[_Record, _Record]]:
    """Every pair of a small group; each member with the first few of a large one (a common name)."""
    heads = group if len(group) <= MAX_GROUP else group[:STAR_HEADS]
    for i, a in enumerate(heads):
        yield from ((a, b) for b in group[i + 1 :])


def _core_edges(records: list[_Record]) -> Iterator[_Edge]:
    """A distinctive core of one record inside another article's name (blocked by its first 4 characters)."""
    r = rules().projects
    by_opening: dict[str, list[_Record]] = defaultdict(list)
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


def link_projects(db: sqlite_utils.Database) -> None:
    """Recompute canonical projects and every project's link to one."""
    records = _load_records(db)
    by_key = {rec.review_key: rec for rec in records}
    by_id = {rec.id: rec for rec in records}
    decided = _LinkDecisions.load(db, "project_link")
    edges = [
        e
        for e in [*_name_edges(records), *_core_edges(records)]
        if not {by_id[e.a].review_key, by_id[e.b].review_key} & decided.detached
    ]
    forced = [(by_key[a].id, by_key[b].id) for a, b in decided.forced if a in by_key and b in by_key]
    article_of = {rec.id: rec.article_id for rec in records}
    groups, best = _cluster([rec.id for rec in records], article_of, edges, forced)
    db.execute("delete from project_links")
    db.execute("delete from canonical_projects")
    taken: set[str] = set()
    canonical_rows, link_rows = [], []
    for members in sorted(
        (sorted((by_id[i] for i in g), key=_Record.order) for g in groups.values()),
        key=lambda m: m[0].order(),
    ):
        root = members[0]
        detached = root.review_key in decided.detached
        cid = _free_id(taken, "cp_", root.key, root.review_key, split=detached)
        canonical_rows.append(_canonical_project(cid, members))
        for rec in members:
            accepted = rec.review_key in decided.accepted
            link_rows.append(_link_row(rec, cid, best.get(rec.id), accepted, len(members)))
    db["canonical_projects"].insert_all(canonical_rows, pk="id")
    db["project_links"].insert_all(link_rows, pk="project_id")
    _record_confidences(db, records)


def _free_id(taken: set[str], prefix: str, name: str, tie: str, *, split: bool = False) -> str:
    """The hash of a name; a record split off by a reviewer, or a second group of one name, adds its tie.

    So a split record never takes the id of the group it left.
    """
    cid = canonical_id(prefix, name)
    if split or cid in taken:
        cid = canonical_id(prefix, name, tie)
    taken.add(cid)
    return cid


def _canonical_project(cid: str, members: list[_Record]) -> dict:
    """The canonical record: its earliest name, and the latest stage and investment with their sources."""
    latest_stage = next((m for m in reversed(members) if m.stage), None)
    latest_money = next((m for m in reversed(members) if m.investment_yuan is not None), None)
    latest_place = next((m.place for m in reversed(members) if m.place), None)
    return {
        "id": cid,
        "name": members[0].name,
        "root_key": members[0].review_key,
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


def _link_row(rec: _Record, cid: str, edge: _Edge | None, accepted: bool, size: int) -> dict:
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


def _record_confidences(db: sqlite_utils.Database, records: list[_Record]) -> None:
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


# --------------------------------------------------------------------------- companies


def is_full_name(name: str) -> bool:
    """A registered company name: it ends in a legal form (有限公司, 集团 ...)."""
    return any(name.endswith(e) for e in rules().companies.legal_endings)


def _company_edges(db: sqlite_utils.Database) -> tuple[dict[str, set[str]], list[_Edge]]:
    """Company names (→ their articles) and the edges between them: short forms and their full names."""
    c = rules().companies
    articles: dict[str, set[str]] = defaultdict(set)
    targets: dict[str, set[str]] = defaultdict(set)
    for row in db.query("select article_id, name, refers_to from organisations where kind = 'company'"):
        name = norm(row["name"])
        articles[name].add(row["article_id"])
        if row["refers_to"]:
            full = norm(row["refers_to"])
            articles[full].add(row["article_id"])
            targets[name].add(full)
    edges = [
        _Edge(*pair, c.confidence["refers_to"], "refers_to", {"rule": "refers_to", "names": list(pair)})
        for s, t in targets.items()
        if len(t) == 1 and s not in t and is_short_form(s, next(iter(t)))
        for pair in [tuple(sorted((s, *t)))]
    ]
    opens: dict[str, set[str]] = defaultdict(set)
    for full in filter(is_full_name, articles):
        stripped = _place_prefix().sub("", full)
        for form in {full, stripped}:
            for n in range(c.min_prefix, len(form)):
                opens[form[:n]].add(full)
    for short in sorted(articles):
        fulls = opens.get(short, set()) - {short}
        if not is_full_name(short) and len(fulls) == 1 and is_short_form(short, next(iter(fulls))):
            full = next(iter(fulls))
            evidence = {"rule": "prefix", "names": sorted((short, full))}
            edges.append(_Edge(*sorted((short, full)), c.confidence["prefix"], "prefix", evidence))
    return articles, edges


def split_place(name: str) -> tuple[str, str]:
    """(leading place, rest): 江西|铜业集团, 四平市|顺邦农机制造有限公司."""
    match = _place_prefix().match(name)
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
    return bool(_place_prefix().match(text)) or any(
        tags.get(w) == "ns" for w in plain_words().cut(text, HMM=False)
    )


def _subsequence(short: str, long_: str) -> bool:
    it = iter(long_)
    return all(ch in it for ch in short)


def link_companies(db: sqlite_utils.Database) -> None:
    """Recompute canonical companies: exact names, short forms resolved in an article, unique prefixes."""
    articles, edges = _company_edges(db)
    decided = _LinkDecisions.load(db, "company")
    edges = [e for e in edges if not {e.a, e.b} & decided.detached]
    forced = [(a, b) for a, b in decided.forced if a in articles and b in articles]
    names = sorted(articles)
    groups, best = _cluster(names, {n: n for n in names}, edges, forced)
    mentions = dict(
        db.execute("select name, count(*) from organisations where kind = 'company' group by name")
    )
    db.execute("delete from company_links")
    db.execute("delete from canonical_companies")
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
            edge = best.get(name)
            link = {
                "method": "singleton" if len(members) == 1 else "merged",
                "confidence": 1.0,
                "evidence": {},
            }
            if edge:
                link = {"method": edge.method, "confidence": edge.confidence, "evidence": edge.evidence}
            accepted = name in decided.accepted
            if accepted:
                link["confidence"] = 1.0
            link_rows.append(
                {
                    "name": name,
                    "canonical_id": cid,
                    **link,
                    "evidence": json.dumps(link["evidence"], ensure_ascii=False, sort_keys=True),
                    "status": "accepted" if accepted else None,
                }
            )
    db["canonical_companies"].insert_all(sorted(canonical_rows, key=lambda r: r["id"]), pk="id")
    db["company_links"].insert_all(sorted(link_rows, key=lambda r: r["name"]), pk="name")


# --------------------------------------------------------------------------- entry point


def link_registry(db: sqlite_utils.Database) -> None:
    """Re-apply review decisions, relearn company short forms, then relink every project and company.

    All in one transaction. The lexicon module builds on this one's name
    tests, hence the import here.
    """
    from .lexicon import apply_lexicon

    with db.atomic():
        apply_project_decisions(db)
        link_projects(db)
        apply_lexicon(db)
        link_companies(db)
