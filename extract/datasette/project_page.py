"""A page per canonical project (``/-/projreg/project/<canonical id>``): every name it goes by, its
latest stage and investment with the reports they come from, companies, place, capacities, and the
dated timeline of every report with its title and evidence sentence."""

from __future__ import annotations

import json
import sqlite3

from datasette.utils.asgi import Response
from markupsafe import escape

from .labels import STAGES, amount

BASE = "/-/projreg"


def project_url(canonical_id: str) -> str:
    return f"{BASE}/project/{escape(canonical_id)}"


def load_project(conn: sqlite3.Connection, canonical_id: str) -> dict | None:
    """The canonical record and its reports (member records in date order), or None."""
    conn.row_factory = sqlite3.Row
    canonical = conn.execute("select * from canonical_projects where id = ?", [canonical_id]).fetchone()
    if canonical is None:
        return None
    reports = [
        dict(r)
        for r in conn.execute(
            """select p.id, p.name, p.stage, p.investment_yuan, p.place, p.companies, p.sentence,
                 p.article_id, a.title, a.date
               from project_links l join projects p on p.id = l.project_id
               join articles a on a.id = p.article_id
               where l.canonical_id = ? and coalesce(l.status, '') != 'rejected'
               order by a.date, p.article_id, p.start""",
            [canonical_id],
        )
    ]
    ids = [r["id"] for r in reports]
    marks = ",".join("?" * len(ids))
    capacities = conn.execute(
        f"select distinct value, unit from project_capacities where project_id in ({marks})", ids
    ).fetchall()
    companies: dict[str, None] = {}
    for r in reports:
        try:
            names = json.loads(r["companies"] or "[]")
        except ValueError:
            names = []
        companies.update(dict.fromkeys(n for n in names if isinstance(n, str)))
    return {
        "canonical": dict(canonical),
        "reports": reports,
        "aliases": list(dict.fromkeys(r["name"] for r in reports if r["name"] != canonical["name"])),
        "companies": list(companies),
        "capacities": [f"{v:g} {u}" for v, u in capacities],
    }


async def project_page(request, datasette, database: str, record_url) -> Response:
    canonical_id = request.url_vars["id"]
    db = datasette.get_database(database)
    project = await db.execute_fn(lambda conn: load_project(conn, canonical_id))
    if project is None:
        listed = f'<a href="/{escape(database)}/canonical_projects">canonical_projects</a>'
        return Response.html(f"No project {escape(canonical_id)}. Hint: the ids are in {listed}.", status=404)
    c = project["canonical"]
    context = {
        **project,
        "stage": STAGES.get(c["latest_stage"] or "", c["latest_stage"]),
        "investment": amount(c["latest_investment_yuan"]) if c["latest_investment_yuan"] else None,
        "source": {
            key: next((r for r in project["reports"] if r["article_id"] == c[key]), None)
            for key in ("latest_stage_article", "latest_investment_article")
        },
        "labels": STAGES,
        "amount": amount,
        "record_url": record_url,
        "database": database,
    }
    html = await datasette.render_template("projreg_project.html", context, request=request)
    return Response.html(html)
