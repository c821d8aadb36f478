"""What is known to be right in an article: a gold record (all of it) or a reviewer's decisions (some of it).

Training reads both the same way. A gold record is complete: a candidate
name it does not list is not a project. A reviewer's decisions are partial:
an accepted record is a project, a rejected one is not, an edited field is
the right value, and everything the reviewer did not look at is unknown and
teaches nothing.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field

import sqlite_utils

from ..evaluate import contained, norm_project


@dataclass
class Truth:
    """One article's known facts (gold record shape: projects with name, aliases and attributes; money)."""

    projects: list[dict]
    money: list[dict] = field(default_factory=list)
    companies: list[dict] = field(default_factory=list)
    not_names: set[str] = field(default_factory=set)
    complete: bool = True
    weight: float = 1.0
    decided: set[str] = field(default_factory=set)
    """Normalised names a reviewer decided on: their examples weigh ``review_weight``."""
    review_weight: float = 1.0
    _names: set[str] | None = field(default=None, repr=False)

    def weight_of(self, text: str) -> float:
        return self.review_weight if norm_project(text) in self.decided else self.weight

    def merge(self, reviewed: Truth) -> None:
        """Add a reviewer's decisions to a gold truth: rejections win, accepted records are added."""
        self.not_names |= reviewed.not_names
        self.decided |= reviewed.decided
        self.review_weight = reviewed.review_weight
        for project in reviewed.projects:
            known = self.project_of(project_names(project))
            if known is None:
                self.projects.append(project)
            else:
                known.update({k: v for k, v in project.items() if k not in ("name", "aliases")})
        self.projects = [
            p for p in self.projects if not {norm_project(n) for n in project_names(p)} <= self.not_names
        ]
        self._names = None

    @property
    def names(self) -> set[str]:
        """The normalised names and aliases of the known projects (made once: asked for every candidate)."""
        if self._names is None:
            self._names = {norm_project(n) for p in self.projects for n in project_names(p)}
        return self._names

    def is_name(self, text: str) -> bool | None:
        """Is this span a project's name: yes, no, or unknown (a partial truth not covering it)."""
        key = norm_project(text)
        if key in self.not_names:
            return False
        if key in self.names:
            return True
        return False if self.complete else None

    def is_near_name(self, text: str) -> bool | None:
        """Would the scorer take this span for a project's name (exact, or one inside the other at 60 %)?"""
        exact = self.is_name(text)
        if exact is not False or norm_project(text) in self.not_names:
            return exact
        key = norm_project(text)
        return any(contained(key, n) for n in self.names)

    def project_of(self, names: list[str]) -> dict | None:
        """The known project one of ``names`` names (exactly, after normalisation)."""
        keys = {norm_project(n) for n in names}
        return next((p for p in self.projects if keys & {norm_project(n) for n in project_names(p)}), None)


def project_names(project: dict) -> list[str]:
    return [project["name"], *project.get("aliases", [])]


def from_gold(record: dict) -> Truth:
    return Truth(
        projects=list(record.get("projects", [])),
        money=list(record.get("money", [])),
        companies=list(record.get("companies", [])),
    )


def from_review(db: sqlite_utils.Database, weight: float) -> dict[str, Truth]:
    """Truths from a registry's project decisions, by article.

    An accepted record is a project with the values it has; an edited one a
    project with the edited value; a rejected one is not a project.
    """
    truths: dict[str, Truth] = defaultdict(
        lambda: Truth(projects=[], complete=False, weight=weight, review_weight=weight)
    )
    if "decisions" not in db.table_names():
        return {}
    decisions = db.query("select key, action, field, value from decisions where kind = 'project' order by id")
    edits: dict[str, dict[str, str]] = defaultdict(dict)
    verdict: dict[str, str] = {}
    for d in decisions:
        if d["action"] == "edit":
            edits[d["key"]][d["field"]] = d["value"]
        elif d["action"] in ("accept", "reject"):
            verdict[d["key"]] = d["action"]
    for key in sorted({*verdict, *edits}):
        article_id, name_key = key.split("|", 1)
        truth = truths[article_id]
        truth.decided.add(name_key)
        if verdict.get(key) == "reject":
            truth.not_names.add(name_key)
            continue
        row = next(
            db.query("select * from projects where review_key = ? order by start limit 1", [key]), None
        )
        if row is None:
            continue
        truth.projects.append(_reviewed_project(db, row, edits.get(key, {})))
    return dict(truths)


def _reviewed_project(db: sqlite_utils.Database, row: dict, edits: dict[str, str]) -> dict:
    """A registry record as a gold project, edits applied."""
    capacities = [
        {"value": c["value"], "unit": c["unit"]}
        for c in db.query("select value, unit from project_capacities where project_id = ?", [row["id"]])
    ]
    project = {
        "name": row["name"],
        "aliases": json.loads(row["aliases"]) if row["aliases"] else [],
        "investment_yuan": row["investment_yuan"],
        "output_value_yuan": row["output_value_yuan"],
        "tax_yuan": row["tax_yuan"],
        "stage": row["stage"],
        "companies": json.loads(row["companies"]) if row["companies"] else [],
        "capacities": capacities,
    }
    for key, value in edits.items():
        project[key] = int(value) if key.endswith("_yuan") else value
    return project
