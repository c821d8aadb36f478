"""A reading page per article (``/-/projreg/article/<article id>``): title, date, source, and the
text in paragraphs with every extracted span marked and labelled (its kind; hover for the value),
each mark linking to its record."""

from __future__ import annotations

import sqlite3
from collections import Counter

from datasette.utils.asgi import Response
from markupsafe import Markup, escape

from .views import EVIDENCE_TABLES

#: The label each kind of span carries on the page.
KINDS = {
    "projects": "项目",
    "project_mentions": "项目",
    "project_capacities": "产能",
    "money": "金额",
    "capacities": "产能",
    "dates": "日期",
    "organisations": "机构",
    "contacts": "联系人",
    "indicators": "指标",
}


def load_article(conn: sqlite3.Connection, article_id: str) -> tuple[dict, list[tuple]] | None:
    """The article row and its spans (start, end, kind, id, text), or None."""
    conn.row_factory = sqlite3.Row
    article = conn.execute("select * from articles where id = ?", [article_id]).fetchone()
    if article is None:
        return None
    parts = " union all ".join(
        f"select start, \"end\", '{t}' as kind, id, text from [{t}] where article_id = :a"
        for t in EVIDENCE_TABLES
    )
    spans = [
        tuple(r)
        for r in conn.execute(f'select * from ({parts}) order by start, "end" desc', {"a": article_id})
    ]
    return dict(article), spans


def marked_paragraphs(text: str, spans: list[tuple], record_url) -> list[Markup]:
    """The text cut into paragraphs, each span marked once (a span inside one already marked is left
    to its record page: 15万千瓦 inside the project's name)."""
    out, pos, taken_end = [], 0, -1
    pieces: list[str] = []
    for start, end, kind, record_id, value in spans:
        if start < taken_end or start < pos or end > len(text) or end <= start:
            continue
        pieces.append(str(escape(text[pos:start])))
        label = KINDS.get(kind, kind)
        pieces.append(
            f'<a class="projreg-span projreg-{escape(kind)}" href="{escape(record_url(record_id))}" '
            f'title="{escape(label)}: {escape(value or "")}"><mark>{escape(text[start:end])}</mark>'
            f"<sup>{escape(label)}</sup></a>"
        )
        pos = taken_end = end
    pieces.append(str(escape(text[pos:])))
    for paragraph in "".join(pieces).split("\n"):
        if paragraph.strip():
            out.append(Markup(paragraph))
    return out


async def article_page(request, datasette, database: str, record_url) -> Response:
    article_id = request.url_vars["id"]
    found = await datasette.get_database(database).execute_fn(lambda conn: load_article(conn, article_id))
    if found is None:
        listed = f'<a href="/{escape(database)}/articles">articles</a>'
        return Response.html(f"No article {escape(article_id)}. Hint: the ids are in {listed}.", status=404)
    article, spans = found
    context = {
        "article": article,
        "paragraphs": marked_paragraphs(article["text"] or "", spans, record_url),
        "counts": Counter(KINDS.get(s[2], s[2]) for s in spans),
    }
    html = await datasette.render_template("projreg_article.html", context, request=request)
    return Response.html(html)
