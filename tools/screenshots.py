"""Screenshots of the site for docs/, from a registry of the seed articles alone (no third-party text).

    .venv/bin/python tools/screenshots.py [--out docs]

Ingests corpus/ into a temporary registry, serves it with ``projreg serve``, signs in as a
reviewer, and saves full-page PNGs of the project page, the article page, the review item, the
queue and the charts, drawn by Debian's Chromium (``/usr/bin/chromium``, with ``fonts-wqy-zenhei`` for the
Chinese) through Playwright. Look at them before saying the site is done.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

import sqlite_utils

ROOT = Path(__file__).resolve().parents[1]
PROJREG = Path(sys.executable).with_name("projreg")
PASSWORD = "screenshots-only-password"
WIDTH = 1280


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(db: Path, port: int) -> subprocess.Popen:
    env = {**os.environ, "PROJREG_REVIEW_PASSWORD": PASSWORD, "DATASETTE_SECRET": "screenshots"}
    server = subprocess.Popen([str(PROJREG), "serve", "--db", str(db), "--port", str(port)], env=env)
    for _ in range(300):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    raise SystemExit(f"projreg serve did not listen on {port}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, default=ROOT / "docs", help="Folder of the PNG files.")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    from extract.batch import ingest

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "registry.db"
        ingest([ROOT / "corpus"], db, workers=1)
        registry = sqlite_utils.Database(db)
        canonical, article = registry.execute(
            "select l.canonical_id, p.article_id from projects p join project_links l on l.project_id = p.id"
            " order by p.investment_yuan desc nulls last limit 1"
        ).fetchone()
        port = free_port()
        server = serve(db, port)
        base = f"http://127.0.0.1:{port}"
        pages = {
            "project.png": f"{base}/-/projreg/project/{quote(canonical)}",
            "article.png": f"{base}/-/projreg/article/{quote(article)}",
            "review-item.png": f"{base}/-/projreg/review/item",
            "review-queue.png": f"{base}/-/projreg/review",
            "charts.png": f"{base}/-/projreg/charts",
        }
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path="/usr/bin/chromium", args=["--headless", "--no-sandbox", "--disable-gpu"]
                )
                page = browser.new_page(viewport={"width": WIDTH, "height": 900})
                page.goto(f"{base}/-/projreg/login?next=/-/projreg/review")
                page.fill("input[name=name]", "analyst")
                page.fill("input[name=password]", PASSWORD)
                with page.expect_navigation():
                    page.click("input[type=submit]")
                args.out.mkdir(parents=True, exist_ok=True)
                for name, url in pages.items():
                    page.goto(url)
                    page.screenshot(path=str(args.out / name), full_page=True)
                    print(f"{url} -> {args.out / name}")
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
