"""The export format of RECORDS.md (one JSON object per article), read back from the registry.

Extra keys beyond the contract carry the evidence: ``span`` (start, end in
the original text) and ``sentence`` on every value.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import IO

import sqlite_utils

from .evaluate import norm
from .records import company_names


def export_records(db: sqlite_utils.Database) -> Iterator[dict]:
    """One export object per article, in article id order."""
    for article in db.query("select id, title, date, source, url from articles order by id"):
        aid = article["id"]
        yield {
            "article_id": aid,
            "title": article["title"],
            "date": article["date"],
            "projects": [_project(db, row) for row in _mentions(db, "projects", aid)],
            "companies": _companies(db, aid),
            "money": [_money(row) for row in _mentions(db, "money", aid)],
            "contacts": list(dict.fromkeys(row["text"] for row in _mentions(db, "contacts", aid))),
            "dates": [_date(row) for row in _mentions(db, "dates", aid)],
            "capacities": [_capacity(row) for row in _mentions(db, "capacities", aid)],
            "indicators": [_indicator(row) for row in _mentions(db, "indicators", aid)],
        }


def write_jsonl(db: sqlite_utils.Database, out: IO[str]) -> int:
    """Write the export to ``out``; returns the number of articles written."""
    count = 0
    for record in export_records(db):
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        count += 1
    return count


def _mentions(db: sqlite_utils.Database, table: str, article_id: str, where: str = "") -> list[dict]:
    sql = f"select * from [{table}] where article_id = ? {where} order by start, [end]"
    return list(db.query(sql, [article_id]))


def _evidence(row: dict) -> dict:
    return {"span": [row["start"], row["end"]], "sentence": row["sentence"]}


def _money(row: dict) -> dict:
    keys = ("text", "yuan", "yuan_max", "currency", "amount", "role", "qualifier")
    return {**{k: row[k] for k in keys if row[k] is not None}, **_evidence(row)}


def _date(row: dict) -> dict:
    return {"text": row["text"], "start": row["start_date"], "end": row["end_date"], **_evidence(row)}


def _capacity(row: dict) -> dict:
    keys = ("text", "value", "unit", "period", "product")
    return {**{k: row[k] for k in keys}, **_evidence(row)}


def _project(db: sqlite_utils.Database, row: dict) -> dict:
    """A project as RECORDS.md exports it, with its naming spans and the evidence of each attribute."""
    scalars = ("name", "investment_yuan", "stage", "place", "output_value_yuan", "tax_yuan", "contact")
    record = {k: row[k] for k in scalars}
    for key in ("aliases", "companies", "signed_on", "started_on", "expected_operation", "evidence"):
        value = json.loads(row[key]) if row[key] else None
        if key in ("signed_on", "started_on", "expected_operation") and value:
            value = {"text": value["text"], "start": value["start_date"], "end": value["end_date"]}
        record[key] = value if value is not None else ([] if key in ("aliases", "companies") else None)
    capacities = db.query("select * from project_capacities where project_id = ? order by start", [row["id"]])
    record["capacities"] = [_capacity(c) for c in capacities]
    record["evidence"] = {k: [v["start"], v["end"]] for k, v in (record["evidence"] or {}).items()}
    record["canonical_id"] = _canonical_id(db, "project_links", "project_id", row["id"])
    return {**record, **_evidence(row)}


def _canonical_id(db: sqlite_utils.Database, table: str, column: str, value: str) -> str | None:
    """The canonical record (across articles) a project or company name is linked to."""
    found = db.execute(f"select canonical_id from [{table}] where [{column}] = ?", [value]).fetchone()
    return found[0] if found else None


def _indicator(row: dict) -> dict:
    keys = ("text", "region", "period", "metric", "value", "unit")
    return {**{k: row[k] for k in keys}, **_evidence(row)}


def _companies(db: sqlite_utils.Database, article_id: str) -> list[dict]:
    """Distinct companies in order of first mention, as written (see :func:`~extract.records.company_names`).

    A short form learnt from other articles stays as written.
    """
    rows = _mentions(db, "organisations", article_id, "and kind = 'company'")
    first: dict[str, dict] = {}
    for row in rows:
        first.setdefault(row["name"], row)
        if row["refers_to"]:
            first.setdefault(row["refers_to"], row)
    out = []
    for name in company_names([(row["name"], row["refers_to"]) for row in rows]):
        canonical = _canonical_id(db, "company_links", "name", norm(name))
        out.append({"name": name, "canonical_id": canonical, **_evidence(first[name])})
    return out
