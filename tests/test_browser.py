"""End to end in a real headless Chromium: search, open a project, sign in, accept it.

Opt-in: marked ``browser`` and skipped where Debian's ``chromium`` or the
``playwright`` package is missing. Playwright drives the system Chromium
(``executable_path``); it never downloads a browser of its own.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlite_utils
from test_site import PROJECT, SEED, build_seed_registry

CHROMIUM = Path("/usr/bin/chromium")
PROJREG = Path(sys.executable).with_name("projreg")  # the console script of the venv running the tests
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "browser-test-password"
START_TIMEOUT = 90  # seconds: the first start loads jieba and indexes the articles

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium"),
]
sync_api = pytest.importorskip("playwright.sync_api", reason="needs the playwright package")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"projreg serve exited: {server.stderr.read()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"projreg serve did not listen on {port} within {START_TIMEOUT} s")


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """``projreg serve`` on a free localhost port over a seed registry: (base URL, database path)."""
    db = tmp_path / "registry.db"
    build_seed_registry(db)
    port = free_port()
    env = {**os.environ, "PROJREG_REVIEW_PASSWORD": PASSWORD, "DATASETTE_SECRET": "browser-test"}
    command = [str(PROJREG), "serve", "--db", str(db), "--port", str(port)]
    server = subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True)
    try:
        wait_for_port(port, server)
        yield f"http://127.0.0.1:{port}", db
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def page():
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.set_default_timeout(15_000)
            yield page
        finally:
            browser.close()


def test_search_open_sign_in_and_accept(site: tuple[str, Path], page):
    base, db_path = site
    page.goto(f"{base}/registry/search")
    page.fill("input[name=q]", "风电")
    page.click("input[type=submit]")
    assert "15万千瓦风电项目" in page.inner_text("table.rows-and-columns")

    page.goto(f"{base}/registry/project_overview")
    page.click(f"text={PROJECT}")
    assert page.inner_text("mark") == PROJECT
    page.click("#projreg-sign-in")
    page.fill("input[name=name]", "browser")
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit]")
    page.click("button[value=accept]")
    assert "accepted" in page.inner_text(".projreg-message")

    db = sqlite_utils.Database(db_path)
    [audit] = list(db["audit"].rows)
    assert (audit["actor"], audit["action"], audit["record"].split(":")[0]) == ("browser", "accept", SEED)
    assert db.execute("select review_status from projects").fetchone()[0] == "accepted"
