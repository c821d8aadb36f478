"""Server time of every kind of page of the site on a registry of news stories.

    .venv/bin/python benchmarks/site_pages.py --stories 20000 [--db /tmp/projreg-site-20000.db]

Builds the registry from the first N stories of ../shared/bench/xwlb-stories.jsonl.gz (once:
an existing registry with N articles is reused), prepares the site (views, search index: the
first start's cost, printed), then asks each page in-process through Datasette's ASGI client
(server time only: no network, no browser) three times and prints the first and the best time,
with the status. Every page should answer under 1 s. The last line is the same as JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import itertools
import json
import sqlite3
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

from extract.batch import ingest
from extract.datasette.site import build_site

STORIES = Path(__file__).resolve().parents[2] / "shared" / "bench" / "xwlb-stories.jsonl.gz"
REPEAT = 3


def build_registry(db: Path, stories: int) -> None:
    """The registry of the first ``stories`` stories, unless ``db`` already holds that many."""
    if db.exists():
        with sqlite3.connect(db) as conn:
            if conn.execute("select count(*) from articles").fetchone()[0] == stories:
                return
        db.unlink()
    with tempfile.TemporaryDirectory() as tmp:
        part = Path(tmp) / "stories.jsonl"
        with gzip.open(STORIES, "rt", encoding="utf-8") as source, part.open("w", encoding="utf-8") as out:
            out.writelines(itertools.islice(source, stories))
        started = time.perf_counter()
        summary = ingest([part], db, workers=2)
        print(f"registry of {summary.new:,} stories built in {time.perf_counter() - started:.1f} s")


def pages(db: Path) -> list[tuple[str, str]]:
    """(what, path) of every kind of page, with ids taken from the registry."""
    name = db.stem
    with sqlite3.connect(db) as conn:
        canonical = conn.execute(
            "select canonical_id from project_links l join projects p on p.id = l.project_id"
            " order by p.investment_yuan desc nulls last limit 1"
        ).fetchone()[0]
        article = conn.execute("select article_id from projects order by id limit 1").fetchone()[0]
        record = conn.execute("select id from projects order by investment_yuan desc nulls last").fetchone()[
            0
        ]
        company = conn.execute("select name from organisations where kind = 'company' limit 1").fetchone()[0]
    return [
        ("home", "/"),
        ("project_overview", f"/{name}/project_overview"),
        (
            "overview 2020–2025, confident, largest first",
            f"/{name}/project_overview?year__gte=2020&year__lte=2025&confident=1&_sort_desc=investment_yuan",
        ),
        ("project_timeline", f"/{name}/project_timeline"),
        ("company_projects of one company", f"/{name}/company_projects?company={quote(company)}"),
        ("evidence, money", f"/{name}/evidence?kind=money"),
        ("search 风电 (two characters: substring)", "/-/projreg/search?q=" + quote("风电")),
        ("search 总投资 (FTS)", "/-/projreg/search?q=" + quote("总投资")),
        ("search 风电 OR 光伏, page 3", "/-/projreg/search?page=3&q=" + quote("风电 OR 光伏")),
        ("search tcl (Latin, any case)", "/-/projreg/search?q=tcl"),
        ("canned query search", f"/{name}/search?q=" + quote("风电项目")),
        ("charts (confident)", "/-/projreg/charts"),
        ("charts (every record)", "/-/projreg/charts?all=1"),
        ("review queue", "/-/projreg/review"),
        ("project page", f"/-/projreg/project/{quote(canonical)}"),
        ("article page", f"/-/projreg/article/{quote(article)}"),
        ("record page", "/-/projreg/record?id=" + quote(record)),
    ]


async def measure(db: Path) -> list[dict]:
    site = build_site(db)
    started = time.perf_counter()
    await site.invoke_startup()
    print(f"first start (views, search index): {time.perf_counter() - started:.1f} s")
    rows = []
    for what, path in pages(db):
        times, status = [], None
        for _ in range(REPEAT):
            t = time.perf_counter()
            response = await site.client.get(path)
            times.append(time.perf_counter() - t)
            status = response.status_code
        rows.append({"page": what, "path": path, "status": status, "first_s": times[0], "best_s": min(times)})
        print(f"{what:48} {status}  first {times[0]:6.3f} s  best {min(times):6.3f} s", flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--stories", type=int, default=20_000, help="Stories in the registry.")
    parser.add_argument(
        "--db", type=Path, default=None, help="Registry file (built if it lacks the stories)."
    )
    args = parser.parse_args()
    db = args.db or Path(tempfile.gettempdir()) / f"projreg-site-{args.stories}.db"
    build_registry(db, args.stories)
    rows = asyncio.run(measure(db))
    slowest = max(rows, key=lambda r: r["first_s"])
    every = all(r["status"] == 200 for r in rows)
    print(f"slowest: {slowest['page']} {slowest['first_s']:.3f} s; all 200: {every}")
    print(json.dumps({"stories": args.stories, "pages": rows}, ensure_ascii=False))


if __name__ == "__main__":
    main()
