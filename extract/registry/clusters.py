"""What project and company linking share: the rules, content-derived ids, review decisions, and
union-find over scored edges that never joins two records of one article by a rule."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache

import regex
import sqlite_utils
from pydantic import BaseModel

from ..rules import load_rules

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
def place_prefix() -> regex.Pattern:
    return regex.compile(rules().place_prefix)


def canonical_id(prefix: str, *parts: str) -> str:
    return prefix + hashlib.sha1("|".join(parts).encode()).hexdigest()[:12]


# --------------------------------------------------------------------------- union-find


class Clusters:
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
class Edge:
    a: str
    b: str
    confidence: float
    method: str
    evidence: dict

    def order(self) -> tuple:
        """Strongest first; the rest makes the order total, so equal edges of two runs rank alike."""
        return (-self.confidence, self.a, self.b, self.method, json.dumps(self.evidence, sort_keys=True))


def cluster(
    ids: list[str], article_of: dict[str, str], edges: list[Edge], forced: list[tuple[str, str]]
) -> tuple[dict[str, list[str]], dict[str, Edge]]:
    """Clusters (human merges first, then rule edges strongest first) and each member's best edge."""
    clusters = Clusters(ids, article_of)
    for a, b in forced:
        clusters.union(a, b, forced=True)
    best: dict[str, Edge] = {}
    for edge in sorted(edges, key=Edge.order):
        if clusters.union(edge.a, edge.b) or clusters.find(edge.a) == clusters.find(edge.b):
            for member in (edge.a, edge.b):
                best.setdefault(member, edge)
    return clusters.groups(), best


def closure(seeds: set[str], step: Callable[[set[str]], set[str]]) -> set[str]:
    """Everything reachable from ``seeds`` by ``step`` (what is one step from a set), a frontier at a time."""
    seen, frontier = set(seeds), set(seeds)
    while frontier:
        frontier = step(frontier) - seen
        seen |= frontier
    return seen


# --------------------------------------------------------------------------- decisions


def decisions(db: sqlite_utils.Database, kind: str) -> list[dict]:
    return list(db.query("select * from decisions where kind = ? order by id", [kind]))


@dataclass
class LinkDecisions:
    """Keys split off by reviewers, the pairs they joined (merges, accepted links) and the accepted keys.

    Replayed in order: a split undoes the earlier joins of its key; a later merge may join it again.
    """

    detached: set[str] = field(default_factory=set)
    forced: list[tuple[str, str]] = field(default_factory=list)
    accepted: set[str] = field(default_factory=set)

    @classmethod
    def load(cls, db: sqlite_utils.Database, kind: str) -> LinkDecisions:
        out = cls()
        for d in decisions(db, kind):
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

    def partners(self) -> dict[str, set[str]]:
        """Each key joined by a reviewer → the keys it was joined to."""
        out: dict[str, set[str]] = defaultdict(set)
        for a, b in self.forced:
            out[a].add(b)
            out[b].add(a)
        return out
