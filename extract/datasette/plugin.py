"""The projreg Datasette plugin: CJK search, views, evidence highlighting, charts and review.

Everything is wired through Datasette's own hooks (0.65 line), so the site is
stock Datasette plus this module. Reads are open to everyone; the review
actions need an actor with the ``reviewer`` role, which only the sign-in
route hands out, against the operator's ``PROJREG_REVIEW_PASSWORD``.
"""

from __future__ import annotations

import hmac
import math
import os
from urllib.parse import urlencode

import sqlite_utils
from datasette import hookimpl
from datasette.utils import tilde_encode
from datasette.utils.asgi import Response
from markupsafe import Markup, escape

from ..registry.schema import EDITABLE_PROJECT_FIELDS
from . import review_pages
from .article_page import article_page
from .charts import CHARTS, bar_chart_svg
from .labels import STAGES, label_cell
from .project_page import project_page, project_url
from .search import jieba_query, refresh_search_index
from .search_page import search_page
from .signin import PASSWORD_ENV, Throttle, is_reviewer, safe_next, session_cookie
from .views import EVIDENCE_TABLES, create_views, field_evidence_sql

PLUGIN = "projreg"
REVIEW_PERMISSION = "projreg-review"
DONE = {"accept": "accepted", "reject": "rejected", "edit": "edited", "unreject": "unrejected"}
BASE = "/-/projreg"


def registry_database(datasette):
    """The Datasette database that holds the registry (named in the plugin configuration)."""
    name = (datasette.plugin_config(PLUGIN) or {}).get("database")
    return datasette.get_database(name)


def record_url(record_id: str) -> str:
    return f"{BASE}/record?" + urlencode({"id": record_id})


def mark_span(sentence: str, start: int | None, length: int) -> Markup:
    """``sentence`` as HTML with the ``length`` characters at ``start`` in a <mark>."""
    if start is None or start < 0 or start + length > len(sentence):
        return Markup(escape(sentence))
    before, span, after = sentence[:start], sentence[start : start + length], sentence[start + length :]
    return Markup(f"{escape(before)}<mark>{escape(span)}</mark>{escape(after)}")


def _prepare_registry(conn) -> None:
    """Create the views and bring the search index up to date (runs on the write connection)."""
    db = sqlite_utils.Database(conn)
    create_views(db)
    refresh_search_index(db)


@hookimpl
def prepare_connection(conn):
    conn.create_function("jieba_query", 1, jieba_query, deterministic=True)


@hookimpl
def startup(datasette):
    async def prepare():
        await registry_database(datasette).execute_write_fn(_prepare_registry, block=True)

    return prepare


@hookimpl
def render_cell(row, value, column, table, database):
    if table == "evidence" and column == "sentence" and value:
        return mark_span(value, row["span_at"], len(row["text"] or ""))
    if table in ("project_overview", "projects") and column == "name" and value:
        return Markup(f'<a href="{escape(record_url(row["id"]))}">{escape(value)}</a>')
    if column == "canonical_id" and isinstance(value, str) and value:
        return Markup(f'<a href="{project_url(value)}">{escape(value)}</a>')
    if column == "article_id" and isinstance(value, str) and value:
        return Markup(f'<a href="{BASE}/article/{escape(value)}">{escape(value)}</a>')
    return label_cell(value, column)


#: Tables that name reviewers and hold their notes: for reviewers only while sign-in is on.
PRIVATE_TABLES = frozenset({"audit", "decisions"})


@hookimpl
def permission_allowed(datasette, actor, action, resource):
    if action == REVIEW_PERMISSION:
        return is_reviewer(actor)
    if action == "execute-sql" and not is_reviewer(actor):  # runaway anonymous SQL starved the site
        return None if (datasette.plugin_config(PLUGIN) or {}).get("public_sql") else False
    if action == "view-table" and resource and resource[1] in PRIVATE_TABLES and os.environ.get(PASSWORD_ENV):
        return is_reviewer(actor)
    return None


@hookimpl
def menu_links(datasette, actor):
    links = [
        {"href": f"{BASE}/search", "label": "Search"},
        {"href": f"{BASE}/charts", "label": "Charts"},
        {"href": f"{BASE}/review", "label": "Review queue"},
    ]
    if not actor:
        links.append({"href": f"{BASE}/login", "label": "Sign in to review"})
    return links


@hookimpl
def table_actions(table):
    if table in EVIDENCE_TABLES or table in ("project_overview", "evidence"):
        return [
            {"href": f"{BASE}/review", "label": "Review queue"},
            {"href": f"{BASE}/charts", "label": "Charts"},
        ]
    return None


@hookimpl
def register_routes():
    return [
        (rf"^{BASE}/login$", login),
        (rf"^{BASE}/charts$", charts),
        (rf"^{BASE}/review$", review_queue_page),
        (rf"^{BASE}/review/item$", review_item_page),
        (rf"^{BASE}/review/undo$", review_undo),
        (rf"^{BASE}/record$", record_page),
        (rf"^{BASE}/project/(?P<id>[^/]+)$", canonical_project_page),
        (rf"^{BASE}/article/(?P<id>[^/]+)$", reading_page),
        (rf"^{BASE}/search$", sentence_search),
        (rf"^{BASE}/company$", company_projects),
    ]


async def company_projects(request, datasette):
    """All projects of the company named ``?name=``, under every name it goes by (its canonical
    record: 一汽 and 中国第一汽车集团有限公司 together), newest first."""
    db = registry_database(datasette)
    name = request.args.get("name") or ""
    found = (await db.execute("select canonical_id from company_links where name = ?", [name])).first()
    chosen = {"canonical_company": found[0]} if found else {"company": name}
    return Response.redirect(f"/{db.name}/company_projects?" + urlencode({**chosen, "_sort_desc": "date"}))


async def sentence_search(request, datasette):
    return await search_page(request, datasette, registry_database(datasette).name, record_url)


async def canonical_project_page(request, datasette):
    return await project_page(request, datasette, registry_database(datasette).name, record_url)


async def reading_page(request, datasette):
    return await article_page(request, datasette, registry_database(datasette).name, record_url)


#: Failed sign-ins of this site's process (one process serves a registry).
THROTTLE = Throttle()


async def login(request, datasette):
    """Sign in as a reviewer with the operator's password; sets a signed, expiring ``ds_actor`` cookie."""
    error = None
    form = await request.post_vars() if request.method == "POST" else {}
    if request.method == "POST":
        expected = os.environ.get(PASSWORD_ENV)
        client = (request.scope.get("client") or ("?",))[0]
        wait = THROTTLE.wait(client)
        if wait > 0:
            message = f"Too many wrong passwords: try again in {math.ceil(wait)} s."
            return Response.text(message, status=429, headers={"Retry-After": str(math.ceil(wait))})
        if not expected:
            error = f"Sign-in is disabled. Hint: the operator sets {PASSWORD_ENV} before 'projreg serve'."
        elif hmac.compare_digest(form.get("password", "").encode(), expected.encode()):
            THROTTLE.succeeded(client)
            response = Response.redirect(safe_next(form.get("next"), f"{BASE}/review"))
            cookie = session_cookie(datasette, form.get("name") or "reviewer")
            response.set_cookie("ds_actor", cookie, httponly=True, samesite="lax")
            return response
        else:
            THROTTLE.failed(client)
            error = "Wrong password."
    context = {
        "error": error,
        "next": form.get("next") or request.args.get("next") or "",
        "name": form.get("name") or "reviewer",  # a failed sign-in keeps what the reviewer typed
    }
    html = await datasette.render_template("projreg_login.html", context, request=request)
    return Response.html(html, status=403 if error else 200)


async def charts(request, datasette):
    """The charts, of confident records unless ``?all=1``; each bar links to its records."""
    db = registry_database(datasette)
    confident_only = request.args.get("all") != "1"
    drawn = []
    for chart in CHARTS:
        rows = [
            (f"{STAGES[key]} {key}" if chart.column == "stage" and key in STAGES else label, value, key)
            for label, value, key in (await db.execute(chart.query(confident_only))).rows
        ]
        links = [chart.records(db.name, key, confident_only) for _, _, key in rows]
        drawn.append({"chart": chart, "svg": bar_chart_svg(chart, rows, links)})
    context = {"charts": drawn, "confident_only": confident_only}
    html = await datasette.render_template("projreg_charts.html", context, request=request)
    return Response.html(html)


def _review():
    """The review module (issue 5), imported late so the rest of the site works without it."""
    from ..registry import review

    return review


async def review_queue_page(request, datasette):
    return await review_pages.queue_page(request, datasette, registry_database(datasette).name, record_url)


async def review_item_page(request, datasette):
    allowed = await datasette.permission_allowed(request.actor, REVIEW_PERMISSION, default=False)
    name = registry_database(datasette).name
    return await review_pages.item_page(request, datasette, name, record_url, allowed)


async def review_undo(request, datasette):
    allowed = await datasette.permission_allowed(request.actor, REVIEW_PERMISSION, default=False)
    return await review_pages.undo_page(request, datasette, registry_database(datasette).name, allowed)


def _evidence_id(db: sqlite_utils.Database, record_id: str) -> str:
    """The mention whose evidence shows a review id: a link shows its project, a company link a mention."""
    review = _review()
    if record_id.startswith(review.LINK):
        return record_id[len(review.LINK) :]
    if record_id.startswith(review.COMPANY):
        name = record_id[len(review.COMPANY) :]
        # a name may be known only as what a short mention refers to (中车百色新能源 ← 中车百色)
        sql = "select id from organisations where name = ? or refers_to = ? order by name != ?, id limit 1"
        found = db.execute(sql, [name, name, name]).fetchone()
        return found[0] if found else record_id
    return record_id


def _load_record(conn, record_id: str) -> dict | None:
    """The record with its evidence (from the evidence view), its full row, and its audit trail."""
    db = sqlite_utils.Database(conn)
    found = next(db.query("select * from evidence where id = ?", [_evidence_id(db, record_id)]), None)
    if found is None:
        return None
    row = next(db.query(f"select * from [{found['kind']}] where id = ?", [found["id"]]))
    audit = list(db.query("select * from audit where record = ? order by id desc", [record_id]))
    link = "select canonical_id from project_links where project_id = ?"
    linked = db.execute(link, [found["id"]]).fetchone()
    fields = list(db.query(field_evidence_sql(), {"id": found["id"]})) if found["kind"] == "projects" else []
    canonical = linked[0] if linked else None
    return {"evidence": found, "row": row, "audit": audit, "field_evidence": fields, "canonical": canonical}


def _rejection(conn, record_id: str) -> dict | None:
    """The last rejection of a record that left the registry (who, when, why, its name), or None."""
    db = sqlite_utils.Database(conn)
    return next(
        db.query(
            "select actor, at, note, old_value from audit where record = ? and action = 'reject'"
            " order by id desc limit 1",
            [record_id],
        ),
        None,
    )


#: Columns of a record row the record page leaves out of its fields (shown above, or per field below).
NOT_SHOWN = ("id", "article_id", "start", "end", "sentence", "evidence")


async def record_page(request, datasette):
    """One record, its sentence with the span marked, and accept / reject / edit for reviewers."""
    db = registry_database(datasette)
    record_id = request.args.get("id", "")
    allowed = await datasette.permission_allowed(request.actor, REVIEW_PERMISSION, default=False)
    message, status = request.args.get("done"), 200
    if request.method == "POST":
        if not allowed:
            return Response.html("Reviewing needs a signed-in reviewer.", status=403)
        form = await request.post_vars()
        message, status = await _apply_action(db, record_id, form, request.actor)
        if status == 200 and form.get("action") == "reject":  # the record is gone: back to the queue
            done = {"done": f"{message} {record_id}", "undo": "1"}
            return Response.redirect(f"{BASE}/review?" + urlencode(done))
        if status == 200:
            return Response.redirect(record_url(record_id) + "&" + urlencode({"done": message}))
    record = await db.execute_fn(lambda conn: _load_record(conn, record_id))
    company = _review().COMPANY
    if record is None and record_id.startswith(company):  # a name no mention spells so: its projects
        return Response.redirect(f"{BASE}/company?" + urlencode({"name": record_id[len(company) :]}))
    if record is None:
        rejected = await db.execute_fn(lambda conn: _rejection(conn, record_id))
        if rejected is None:
            return Response.html(f"No record {escape(record_id)}", status=404)
        context = {"record_id": record_id, "rejection": rejected, "allowed": allowed, "message": message}
        html = await datasette.render_template("projreg_rejected.html", context, request=request)
        return Response.html(html, status=status)
    evidence = record["evidence"]
    context = {
        "record_id": record_id,
        "record": record,
        "canonical": record["canonical"],
        "sentence": mark_span(evidence["sentence"] or "", evidence["span_at"], len(evidence["text"] or "")),
        "allowed": allowed,
        "message": message,
        "failed": status != 200,
        "fields": [c for c in record["row"] if c not in NOT_SHOWN],
        "field_evidence": [
            (f["field"], f["text"], mark_span(f["sentence"] or "", f["span_at"], len(f["text"] or "")))
            for f in record["field_evidence"]
        ],
        "editable": [f for f in EDITABLE_PROJECT_FIELDS if f != "stage"],
        "stages": STAGES,
        "article_url": datasette.urls.row(db.name, "articles", tilde_encode(evidence["article_id"])),
        "login_url": f"{BASE}/login?" + urlencode({"next": record_url(record_id)}),
    }
    html = await datasette.render_template("projreg_record.html", context, request=request)
    return Response.html(html, status=status)


async def _apply_action(db, record_id: str, form: dict, actor: dict) -> tuple[str, int]:
    """Run one review action on the write connection; (message, HTTP status)."""
    action = form.get("action")
    if action not in DONE:
        return f"unknown action {action!r}", 400
    review = _review()
    note = form.get("note") or None
    args = (record_id, form.get("field", ""), form.get("value", "")) if action == "edit" else (record_id,)

    def run(conn) -> None:
        getattr(review, action)(sqlite_utils.Database(conn), *args, actor=actor["id"], note=note)

    try:
        await db.execute_write_fn(run, block=True)
    except review.ReviewError as exc:
        return str(exc), 400
    return DONE[action], 200
