"""Review at the pace of a keyboard: the queue filtered, paged and counted, and one item at a time.

The item page (``/-/projreg/review/item``) shows the queue's item at one position with its
evidence, "37 of 1,229", and the keys: ``a`` accept, ``x`` reject, ``e`` edit (the record page,
where fields are picked), ``s`` skip, ``u`` undo. A decision takes the item out of the queue, so
the page that follows shows the next one at the same position; skip moves one on. A rejection made
on a record page ends on the queue with a confirmation and an undo. Filters (kind, article,
confidence below) travel with every link.
"""

from __future__ import annotations

import sys
from urllib.parse import urlencode

import sqlite_utils
from datasette.utils.asgi import Response

from .signin import safe_next

BASE = "/-/projreg"
#: Items per page of the queue.
QUEUE_PAGE = 50
#: What the item page's keys do.
KEYS = {"a": "accept", "x": "reject", "e": "edit", "s": "skip", "u": "undo"}
#: What the page says after each decision.
DONE = {"accept": "accepted", "reject": "rejected"}
#: Item kinds a reviewer can filter on.
KINDS = ("project", "project_link", "company_link")


def filters(args) -> dict[str, str]:
    """The queue's filters from a request's arguments (empty ones left out)."""
    out = {key: (args.get(key) or "").strip() for key in ("kind", "article", "below")}
    return {key: value for key, value in out.items() if value}


def link(path: str, chosen: dict[str, str], **more: object) -> str:
    args = {**chosen, **{k: str(v) for k, v in more.items() if v not in (None, "")}}
    return f"{BASE}/{path}" + ("?" + urlencode(args) if args else "")


def queue(db: sqlite_utils.Database, chosen: dict[str, str]) -> list[dict]:
    """The whole review queue, most at stake first, with the filters applied."""
    from ..registry.review import review_queue

    items = review_queue(db, limit=sys.maxsize)
    if chosen.get("kind"):
        items = [i for i in items if i["kind"] == chosen["kind"]]
    if chosen.get("article"):
        items = [i for i in items if i["article_id"] == chosen["article"]]
    below = _number(chosen.get("below"))
    if below is not None:
        items = [i for i in items if (i["confidence"] or 0) < below]
    return items


def _number(text: str | None) -> float | None:
    try:
        return float(text) if text else None
    except ValueError:
        return None


def canonical_members(db: sqlite_utils.Database, record_id: str) -> dict | None:
    """For a link item, the other side: its canonical project (or company) and that one's other names."""
    from ..registry.review import COMPANY, LINK

    if record_id.startswith(LINK):
        row = db.execute(
            "select canonical_id from project_links where project_id = ?", [record_id[len(LINK) :]]
        ).fetchone()
        if row is None:
            return None
        members = db.execute(
            """select p.name, a.date, a.title, p.id from project_links l
            join projects p on p.id = l.project_id join articles a on a.id = p.article_id
            where l.canonical_id = ? and p.id != ?
            order by a.date limit 20""",
            [row[0], record_id[len(LINK) :]],
        ).fetchall()
        return {"id": row[0], "url": f"{BASE}/project/{row[0]}", "members": members}
    if record_id.startswith(COMPANY):
        row = db.execute(
            "select canonical_id from company_links where name = ?", [record_id[len(COMPANY) :]]
        ).fetchone()
        if row is None:
            return None
        members = db.execute(
            "select name, null, null, null from company_links where canonical_id = ? and name != ? limit 20",
            [row[0], record_id[len(COMPANY) :]],
        ).fetchall()
        return {"id": row[0], "url": None, "members": members}
    return None


async def queue_page(request, datasette, database: str, record_url) -> Response:
    chosen = filters(request.args)
    page = max(int(request.args["page"]), 1) if request.args.get("page", "").isdigit() else 1

    def read(conn):
        return queue(sqlite_utils.Database(conn), chosen)

    items = await datasette.get_database(database).execute_fn(read)
    total = len(items)
    pages = max(1, -(-total // QUEUE_PAGE))
    shown = items[(page - 1) * QUEUE_PAGE : page * QUEUE_PAGE]
    context = {
        "items": shown,
        "total": total,
        "page": page,
        "pages": pages,
        "first": (page - 1) * QUEUE_PAGE,
        "chosen": chosen,
        "kinds": KINDS,
        "record_url": record_url,
        "link": link,
        "done": request.args.get("done"),
        "can_undo": request.args.get("undo") == "1",
    }
    html = await datasette.render_template("projreg_review.html", context, request=request)
    return Response.html(html)


async def item_page(request, datasette, database: str, record_url, allowed: bool) -> Response:
    """One queue item with its evidence and the keys; a POST decides on it and shows the next."""
    from ..registry import review

    chosen = filters(request.args)
    at = int(request.args["at"]) if request.args.get("at", "").isdigit() else 0
    db = datasette.get_database(database)
    message = request.args.get("done")
    if request.method == "POST":
        if not allowed:
            return Response.html("Reviewing needs a signed-in reviewer.", status=403)
        form = await request.post_vars()
        action, record_id = form.get("action"), form.get("id", "")
        if action == "skip":
            return Response.redirect(link("review/item", chosen, at=at + 1))
        if action not in ("accept", "reject", "undo"):
            return Response.html(f"unknown action {action!r}", status=400)
        actor = request.actor["id"]

        def decide(conn) -> str:
            target = sqlite_utils.Database(conn)
            if action == "undo":
                return f"took back the last decision on {review.undo(target, actor)}"
            getattr(review, action)(target, record_id, actor=actor, note=form.get("note") or None)
            return f"{DONE[action]} {record_id}"

        try:
            done = await db.execute_write_fn(decide, block=True)
        except review.ReviewError as exc:
            done = f"not done: {exc}"
        return Response.redirect(link("review/item", chosen, at=at, done=done))

    def read(conn):
        target = sqlite_utils.Database(conn)
        items = queue(target, chosen)
        item = items[at] if at < len(items) else None
        other = canonical_members(target, item["id"]) if item else None
        return len(items), item, other

    total, item, other = await db.execute_fn(read)
    context = {
        "item": item,
        "other": other,
        "at": at,
        "total": total,
        "chosen": chosen,
        "allowed": allowed,
        "message": message,
        "keys": KEYS,
        "link": link,
        "record_url": record_url,
        "login_url": f"{BASE}/login?" + urlencode({"next": link("review/item", chosen, at=at)}),
    }
    html = await datasette.render_template("projreg_review_item.html", context, request=request)
    return Response.html(html)


async def undo_page(request, datasette, database: str, allowed: bool) -> Response:
    """POST: take back the signed-in reviewer's last decision, then go back where they were."""
    from ..registry import review

    if request.method != "POST" or not allowed:
        return Response.html("Taking a decision back needs a signed-in reviewer (POST).", status=403)
    form = await request.post_vars()
    actor = request.actor["id"]

    def run(conn) -> str:
        return review.undo(sqlite_utils.Database(conn), actor)

    try:
        done = "took back the last decision on " + await datasette.get_database(database).execute_write_fn(
            run, block=True
        )
    except review.ReviewError as exc:
        done = f"not done: {exc}"
    target = safe_next(form.get("next"), f"{BASE}/review")
    return Response.redirect(target + ("&" if "?" in target else "?") + urlencode({"done": done}))
