"""The search page (``/-/projreg/search?q=…&page=N``): every sentence holding the query, counted,
paged, the hit marked, each linked to its article and to the projects it names.

Two ways to find a sentence, because jieba cuts a short name inside longer words (a two-character
company short name is found in a third of the sentences holding it by its words alone):

- a query of at most SHORT_QUERY characters, or one in Latin letters and digits only (``tcl``,
  ``BASF``), matches as a substring of the sentence, case-insensitively: every sentence holding
  it, whatever jieba made of it;
- a longer query matches through the FTS index of jieba's words (:func:`.search.jieba_query`),
  and, written without spaces, must also stand verbatim in the sentence, so it works as a phrase.

``风电 OR 光伏`` finds either; each alternative is read by the rules above.
"""

from __future__ import annotations

import math
import sqlite3

import regex
from datasette.utils.asgi import Response
from markupsafe import Markup, escape

from .search import INDEX_TABLE, OR, jieba_query

#: Hits per page.
PAGE_SIZE = 50
#: Queries this short (in characters) are matched as substrings.
SHORT_QUERY = 2
LATIN = regex.compile(r"[A-Za-z0-9 .&\-]+")


def alternatives(query: str) -> list[str]:
    """The query's alternatives (``A OR B``), stripped, empty ones dropped."""
    return [part.strip() for part in OR.split(query.strip()) if part.strip()]


def is_substring_query(part: str) -> bool:
    return len(part) <= SHORT_QUERY or bool(LATIN.fullmatch(part))


def _where(part: str, params: list) -> str:
    """The SQL condition on ``s`` (a row of the index) for one alternative."""
    if is_substring_query(part):
        params.append(part.lower())
        return "instr(lower(s.sentence), ?) > 0"
    params += [jieba_query(part), part, part.lower()]
    return (
        f"s.rowid in (select rowid from [{INDEX_TABLE}] where [{INDEX_TABLE}] match ?)"
        " and (instr(?, ' ') > 0 or instr(lower(s.sentence), ?) > 0)"
    )


def find(conn: sqlite3.Connection, query: str, page: int) -> tuple[int, list[dict]]:
    """The number of sentences matching ``query`` and those of page ``page`` (1-based), in article
    date order, newest first, each with the projects whose names start in it."""
    parts = alternatives(query)
    if not parts:
        return 0, []
    params: list = []
    where = " or ".join(f"({_where(part, params)})" for part in parts)
    total = conn.execute(f"select count(*) from [{INDEX_TABLE}] s where {where}", params).fetchone()[0]
    rows = conn.execute(
        f"""select s.article_id, s.start, s.sentence, a.title, a.date from [{INDEX_TABLE}] s
        join articles a on a.id = s.article_id where {where}
        order by a.date desc, s.article_id, s.start limit ? offset ?""",
        [*params, PAGE_SIZE, (page - 1) * PAGE_SIZE],
    ).fetchall()
    hits = []
    for article_id, start, sentence, title, date in rows:
        projects = []
        if start is not None and start >= 0:
            projects = conn.execute(
                """select p.id, p.name, l.canonical_id from projects p
                left join project_links l on l.project_id = p.id
                where p.article_id = ? and p.start >= ? and p.start < ? order by p.start""",
                [article_id, start, start + len(sentence)],
            ).fetchall()
        hits.append(
            {
                "article_id": article_id,
                "title": title,
                "date": date,
                "sentence": mark_all(sentence, parts),
                "projects": [{"id": p[0], "name": p[1], "canonical_id": p[2]} for p in projects],
            }
        )
    return total, hits


def mark_all(sentence: str, parts: list[str]) -> Markup:
    """The sentence as HTML with every occurrence of each alternative (any case) in a <mark>; where
    an alternative is not verbatim in it (words found apart), each of its words is marked."""
    needles = []
    for part in parts:
        words = [part] if part.lower() in sentence.lower() else part.split()
        needles += [w for w in words if w]
    if not needles:
        return Markup(escape(sentence))
    longest_first = sorted(needles, key=len, reverse=True)
    pattern = regex.compile("|".join(regex.escape(n) for n in longest_first), regex.I)
    out, pos = [], 0
    for m in pattern.finditer(sentence):
        out += [str(escape(sentence[pos : m.start()])), f"<mark>{escape(m.group())}</mark>"]
        pos = m.end()
    out.append(str(escape(sentence[pos:])))
    return Markup("".join(out))


async def search_page(request, datasette, database: str, record_url) -> Response:
    query = (request.args.get("q") or "").strip()
    page = int(request.args["page"]) if request.args.get("page", "").isdigit() else 1
    page = max(page, 1)
    total, hits = await datasette.get_database(database).execute_fn(lambda conn: find(conn, query, page))
    pages = max(1, math.ceil(total / PAGE_SIZE))
    context = {
        "query": query,
        "total": total,
        "hits": hits,
        "page": page,
        "pages": pages,
        "first": (page - 1) * PAGE_SIZE + 1,
        "last": min(page * PAGE_SIZE, total),
        "substring": [p for p in alternatives(query) if is_substring_query(p)],
        "record_url": record_url,
    }
    html = await datasette.render_template("projreg_search.html", context, request=request)
    return Response.html(html)
