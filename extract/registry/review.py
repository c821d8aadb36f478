"""Human review of the registry: a queue of what needs a look, and decisions that stick.

Every decision is stored in ``decisions`` under a key that survives
re-extraction (article id + normalised name for a project record, the root
record's key for a canonical project, the name for a company) and is
re-applied by :func:`~extract.registry.linking.link_registry` after every
batch, so re-ingesting never undoes a reviewer's work. Every action also
lands in ``audit`` (who, when, what, old and new value).

Record ids: a project record's id (``article:start-end``), ``link:<project
id>`` for its link to a canonical project, ``company:<name>`` for a company
name's link, ``cp_…``/``cc_…`` for canonical projects and companies.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import json
import math
import typing

import regex
import sqlite_utils

from ..models import Stage
from .changes import note_changes
from .company_links import articles_naming
from .linking import article_of, link_registry
from .schema import EDITABLE_PROJECT_FIELDS
from .store import now

LINK = "link:"
COMPANY = "company:"
QUEUED_METHODS = ("core", "alias", "exact", "prefix", "refers_to")
"""Link methods a reviewer may want to check (singletons and reviewer merges are not queued)."""


class ReviewError(ValueError):
    """A review action that cannot be done: unknown id, bad field or value."""


# --------------------------------------------------------------------------- queue


#: Yuan in one 亿: the unit of the stake's amount.
YI = 100_000_000


def review_queue(db: sqlite_utils.Database, limit: int = 50) -> list[dict]:
    """What needs a look, most at stake first: unreviewed project records, project and company links.

    The stake of an item is how likely it is wrong (1 - confidence) times how much a mistake would
    weigh, which grows with the project's investment (1 + log10 of it in 亿元): a doubtful 18.8万亿
    comes before a doubtful 500万, and among equal amounts the least confident comes first.
    """
    items = [*_project_items(db), *_project_link_items(db), *_company_link_items(db)]
    for item in items:
        item["stake"] = round((1 - item["confidence"]) * (1 + math.log10(1 + (item["yuan"] or 0) / YI)), 6)
    items.sort(key=lambda item: (-item["stake"], item["confidence"], item["kind"], item["id"]))
    return items[:limit]


def mark_span(sentence: str | None, text: str) -> str:
    """The sentence with the span's text marked 【…】 (the text itself where the sentence lacks it)."""
    if not sentence or text not in sentence:
        return f"【{text}】"
    return sentence.replace(text, f"【{text}】", 1)


def _item(id_: str, kind: str, label: str, confidence: float, row: dict) -> dict:
    return {
        "id": id_,
        "kind": kind,
        "label": label,
        "confidence": confidence,
        "yuan": row.get("investment_yuan"),
        "article_id": row["article_id"],
        "sentence": row["sentence"],
        "marked": mark_span(row["sentence"], row["text"]),
    }


def _project_items(db: sqlite_utils.Database) -> list[dict]:
    sql = "select * from projects where review_status is null"
    return [_item(r["id"], "project", r["name"], r["confidence"] or 0.0, r) for r in db.query(sql)]


def _project_link_items(db: sqlite_utils.Database) -> list[dict]:
    sql = f"""select p.*, l.confidence as link_confidence, l.method, c.name as canonical_name, c.id as cid
        from project_links l join projects p on p.id = l.project_id
        join canonical_projects c on c.id = l.canonical_id
        where l.status is null and l.method in {QUEUED_METHODS}"""
    return [
        _item(
            LINK + r["id"],
            "project_link",
            f"{r['name']} → {r['canonical_name']} [{r['cid']}] ({r['method']})",
            r["link_confidence"],
            r,
        )
        for r in db.query(sql)
    ]


def _company_link_items(db: sqlite_utils.Database) -> list[dict]:
    sql = f"""select l.name, l.confidence, l.method, c.name as canonical_name, c.id as cid,
        (select json_object('article_id', article_id, 'sentence', sentence, 'text', text)
         from organisations o where o.name = l.name and kind = 'company'
         order by article_id, start limit 1) as first
        from company_links l join canonical_companies c on c.id = l.canonical_id
        where l.status is null and l.method in {QUEUED_METHODS}"""
    items = []
    for r in db.query(sql):
        first = (
            json.loads(r["first"])
            if r["first"]
            else {"article_id": None, "sentence": None, "text": r["name"]}
        )
        label = f"{r['name']} → {r['canonical_name']} [{r['cid']}] ({r['method']})"
        items.append(_item(COMPANY + r["name"], "company_link", label, r["confidence"], first))
    return items


# --------------------------------------------------------------------------- actions


def accept(db: sqlite_utils.Database, record_id: str, actor: str, note: str | None = None) -> None:
    """Confirm a project record, a project's link to its canonical record, or a company name's link."""
    kind, row = _resolve(db, record_id)
    if kind == "project":
        _decide(db, "project", row["review_key"], "accept", actor, note, record_id)
    elif kind == "project_link":
        anchor = _project_anchor(db, row)
        _decide(db, "project_link", row["review_key"], "accept", actor, note, record_id, value=anchor)
    elif kind == "company_link":
        anchor = _company_anchor(db, row)
        _decide(db, "company", row["name"], "accept", actor, note, record_id, value=anchor)
    else:
        raise ReviewError(f"{record_id} is a canonical record: accept its project records or links instead")


def reject(db: sqlite_utils.Database, record_id: str, actor: str, note: str | None = None) -> None:
    """Reject a project record (it leaves the registry for good) or a link (the record stands alone)."""
    kind, row = _resolve(db, record_id)
    if kind == "project":
        _decide(db, "project", row["review_key"], "reject", actor, note, record_id, old=row["name"])
    elif kind == "project_link":
        _decide(
            db, "project_link", row["review_key"], "reject", actor, note, record_id, old=row["canonical_id"]
        )
    elif kind == "company_link":
        _decide(db, "company", row["name"], "reject", actor, note, record_id, old=row["canonical_id"])
    else:
        raise ReviewError(f"{record_id} is a canonical record: split or reject its members instead")


def edit(
    db: sqlite_utils.Database, record_id: str, field: str, value: str, actor: str, note: str | None = None
) -> None:
    """Set one field of a project record; the value outlives re-ingest of its article."""
    kind, row = _resolve(db, record_id)
    if kind != "project":
        raise ReviewError(f"{record_id} is a {kind}: only project records can be edited")
    if field not in EDITABLE_PROJECT_FIELDS:
        raise ReviewError(
            f"cannot edit field {field!r}: editable fields are {', '.join(EDITABLE_PROJECT_FIELDS)}"
        )
    value = _checked_value(field, value)
    old = None if row[field] is None else str(row[field])
    _decide(
        db, "project", row["review_key"], "edit", actor, note, record_id, field=field, value=value, old=old
    )


def merge(
    db: sqlite_utils.Database, canonical_a: str, canonical_b: str, actor: str, note: str | None = None
) -> str:
    """Join two canonical projects (or two canonical companies); returns the surviving canonical id."""
    kind_a, a = _resolve(db, canonical_a)
    kind_b, b = _resolve(db, canonical_b)
    if kind_a != kind_b or kind_a not in ("canonical_project", "canonical_company"):
        raise ReviewError(
            f"merge needs two canonical projects (cp_…) or two canonical companies (cc_…), "
            f"not {kind_a} and {kind_b}"
        )
    if canonical_a == canonical_b:
        raise ReviewError(f"{canonical_a} cannot be merged with itself")
    record = f"{canonical_a}+{canonical_b}"
    if kind_a == "canonical_project":
        _decide(db, "project_link", a["root_key"], "merge", actor, note, record, value=b["root_key"])
        return _canonical_of_key(db, a["root_key"])
    _decide(db, "company", a["name"], "merge", actor, note, record, value=b["name"])
    return _canonical_of_company(db, a["name"])


def split(db: sqlite_utils.Database, project_id: str, actor: str, note: str | None = None) -> str:
    """Detach a project record from its canonical project into a new one; returns the new canonical id."""
    kind, row = _resolve(db, project_id)
    if kind != "project":
        raise ReviewError(f"{project_id} is a {kind}: split takes a project record id")
    old = _canonical_of_key(db, row["review_key"])
    _decide(db, "project_link", row["review_key"], "split", actor, note, project_id, old=old)
    return _canonical_of_key(db, row["review_key"])


def undo(db: sqlite_utils.Database, actor: str, note: str | None = None) -> str:
    """Take back ``actor``'s last decision (whatever it was); return the record it was about."""
    found = db.execute(
        "select id, at from decisions where actor = ? order by id desc limit 1", [actor]
    ).fetchone()
    if found is None:
        raise ReviewError(f"{actor} has no decision to take back")
    return _take_back(db, found[0], found[1], actor, note, "undo")


def unreject(db: sqlite_utils.Database, record_id: str, actor: str, note: str | None = None) -> None:
    """Take back the rejection of a project record or a link, by whoever made it: the record is read
    from its article again (a rejected record left the registry), and linked again."""
    found = db.execute(
        """select d.id, d.at from audit a join decisions d
        on d.at = a.at and d.actor = a.actor and d.action = 'reject'
        where a.record = ? and a.action = 'reject' order by d.id desc limit 1""",
        [record_id],
    ).fetchone()
    if found is None:
        raise ReviewError(f"{record_id!r} is not rejected. Hint: the audit table lists rejections.")
    _take_back(db, found[0], found[1], actor, note, "unreject")


def _take_back(
    db: sqlite_utils.Database, decision_id: int, at: str, actor: str, note: str | None, action: str
) -> str:
    """Delete one decision, audit it, restore what it changed in the registry, and relink."""
    kind, key, taken, value = db.execute(
        "select kind, key, action, value from decisions where id = ?", [decision_id]
    ).fetchone()
    made = db.execute(
        "select record from audit where at = ? and action = ? order by id desc limit 1", [at, taken]
    ).fetchone()
    record = made[0] if made else key
    with db.atomic():
        db.execute("delete from decisions where id = ?", [decision_id])
        audit = {"action": action, "record": record, "field": None, "old_value": taken, "new_value": None}
        db["audit"].insert({"at": now(), "actor": actor, **audit, "note": note})
        if kind == "project" and taken in ("reject", "edit"):  # the rows it deleted or changed
            _extract_again(db, article_of(key))
        _relink(db, kind, key, value)
    return record


@functools.cache
def _extractor():
    """The pipeline, built once per process on the first decision taken back (about 2 s)."""
    from ..pipeline import Extractor

    return Extractor()


def _extract_again(db: sqlite_utils.Database, article_id: str) -> None:
    """Rewrite one article's rows from its stored text, as an ingest would."""
    from ..models import Article
    from ..pipeline import pipeline_version
    from .store import write_extractions

    row = db["articles"].get(article_id)
    article = Article(**{name: row.get(name) for name in Article.model_fields})
    write_extractions(db, [_extractor()(article)], row["run_id"], pipeline_version())


# --------------------------------------------------------------------------- helpers


def _resolve(db: sqlite_utils.Database, record_id: str) -> tuple[str, dict]:
    """The kind of record an id names and its row (a project row joined to its link for ``link:``)."""
    if record_id.startswith(LINK):
        sql = """select p.*, l.canonical_id from projects p
            join project_links l on l.project_id = p.id where p.id = ?"""
        return "project_link", _one(db, sql, record_id[len(LINK) :], record_id)
    if record_id.startswith(COMPANY):
        return "company_link", _one(
            db, "select * from company_links where name = ?", record_id[len(COMPANY) :], record_id
        )
    if record_id.startswith("cp_"):
        return "canonical_project", _one(
            db, "select * from canonical_projects where id = ?", record_id, record_id
        )
    if record_id.startswith("cc_"):
        return "canonical_company", _one(
            db, "select * from canonical_companies where id = ?", record_id, record_id
        )
    return "project", _one(db, "select * from projects where id = ?", record_id, record_id)


def _one(db: sqlite_utils.Database, sql: str, param: str, record_id: str) -> dict:
    rows = list(db.query(sql, [param]))
    if not rows:
        raise ReviewError(f"no record {record_id!r}. Hint: 'projreg review' lists the ids to review.")
    return rows[0]


def _checked_value(field: str, value: str) -> str:
    """The value as stored: an amount typed as people write it (``245亿元``, ``2.45亿``, ``5000万``)
    becomes whole yuan; a stage must be one of the codes."""
    value = value.strip()
    if EDITABLE_PROJECT_FIELDS[field] is int:
        return str(parse_yuan(field, value))
    stages = typing.get_args(Stage)
    if field == "stage" and value not in stages:
        raise ReviewError(f"stage must be one of {', '.join(stages)}, not {value!r}")
    if field == "companies":
        names = [n.strip() for n in COMPANY_SEPARATORS.split(value) if n.strip()]
        return json.dumps(list(dict.fromkeys(names)), ensure_ascii=False)
    if field in DATE_FIELDS:
        return json.dumps(parse_date_range(field, value))
    return value


#: What separates the companies a reviewer types (``A、B``, ``A, B``, ``A；B``).
COMPANY_SEPARATORS = regex.compile(r"[、,，;；]")
DATE_FIELDS = ("signed_on", "started_on", "expected_operation")


def parse_date_range(field: str, value: str) -> dict:
    """A date range from ``2025``, ``2025-03``, ``2025-03-01`` or ``2025-03-01/2025-04-30``, stored as
    the extractor stores one (its text, first and last day; no span: the reviewer is its evidence)."""
    parts = value.split("/")
    try:
        if len(parts) == 2:
            start, end = _day_range(parts[0])[0], _day_range(parts[1])[1]
        elif len(parts) == 1:
            start, end = _day_range(parts[0])
        else:
            raise ValueError
        if end < start:
            raise ValueError
    except ValueError:
        raise ReviewError(
            f"{field} takes a date (2025, 2025-03, 2025-03-01) or a range (2025-03-01/2025-04-30), "
            f"not {value!r}"
        ) from None
    span = {"start": None, "end": None, "sentence": None}
    return {**span, "text": value, "start_date": start.isoformat(), "end_date": end.isoformat()}


def _day_range(text: str) -> tuple[dt.date, dt.date]:
    """The first and last day of a year, a month or a day written in ISO form."""
    pieces = [int(p) for p in text.strip().split("-")]
    if len(pieces) == 1:
        return dt.date(pieces[0], 1, 1), dt.date(pieces[0], 12, 31)
    if len(pieces) == 2:
        first = dt.date(pieces[0], pieces[1], 1)
        return first, dt.date(pieces[0], pieces[1], calendar.monthrange(pieces[0], pieces[1])[1])
    if len(pieces) == 3:
        day = dt.date(*pieces)
        return day, day
    raise ValueError(text)


def parse_yuan(field: str, value: str) -> int:
    """Whole yuan from ``5090000000``, ``50.9亿元``, ``2.45亿`` or ``5000万`` (read by the money rules);
    an approximate or ranged amount (``七亿多``, ``1-2亿``) is refused: a reviewer's value is exact."""
    plain = value.replace(",", "")
    if plain.isdigit():
        return int(plain)
    from ..money import find_money

    written = value if value.endswith("元") else value + "元"
    found = find_money(written)
    exact = len(found) == 1 and found[0].text == written and found[0].yuan_max is None
    if exact and found[0].yuan is not None and found[0].qualifier is None:  # not 七亿多, 1-2亿
        return found[0].yuan
    raise ReviewError(f"{field} takes an amount (5090000000, 50.9亿元, 5000万), not {value!r}")


def _project_anchor(db: sqlite_utils.Database, row: dict) -> str:
    """Another member of the project's canonical record, whose key the accepted link is pinned to."""
    sql = """select p.review_key from project_links l join projects p on p.id = l.project_id
        where l.canonical_id = ? and p.review_key != ? order by p.review_key limit 1"""
    other = db.execute(sql, [row["canonical_id"], row["review_key"]]).fetchone()
    return other[0] if other else None


def _company_anchor(db: sqlite_utils.Database, row: dict) -> str | None:
    sql = "select name from company_links where canonical_id = ? and name != ? order by name limit 1"
    other = db.execute(sql, [row["canonical_id"], row["name"]]).fetchone()
    return other[0] if other else None


def _canonical_of_key(db: sqlite_utils.Database, key: str) -> str:
    sql = """select l.canonical_id from project_links l
        join projects p on p.id = l.project_id where p.review_key = ?"""
    return db.execute(sql, [key]).fetchone()[0]


def _canonical_of_company(db: sqlite_utils.Database, name: str) -> str:
    return db.execute("select canonical_id from company_links where name = ?", [name]).fetchone()[0]


def _decide(
    db: sqlite_utils.Database,
    kind: str,
    key: str,
    action: str,
    actor: str,
    note: str | None,
    record: str,
    *,
    field: str | None = None,
    value: str | None = None,
    old: str | None = None,
) -> None:
    """Store a decision and its audit row, then relink so the registry shows it at once."""
    at = now()
    with db.atomic():
        decision = {"kind": kind, "key": key, "action": action, "field": field, "value": value}
        db["decisions"].insert({**decision, "actor": actor, "at": at, "note": note})
        audit = {"action": action, "record": record, "field": field, "old_value": old, "new_value": value}
        db["audit"].insert({"at": at, "actor": actor, **audit, "note": note})
        _relink(db, kind, key, value)


def _relink(db: sqlite_utils.Database, kind: str, key: str, other: str | None) -> None:
    """Link again what a decision on ``key`` (joined to ``other``) changes, as a full relink would.

    The articles of their records are enough: from those, an incremental link
    reaches every group the decision joins, splits or empties (a full relink
    per decision took 6 s in a registry of 107k articles).
    """
    keys = [k for k in (key, other) if k]
    note_changes(db, articles_naming(db, keys) if kind == "company" else {article_of(k) for k in keys})
    link_registry(db, incremental=True)
