"""End to end in a real headless Chromium: search, open a project, sign in, accept it.

Opt-in: marked ``browser`` and skipped where Debian's ``chromium`` or the
``playwright`` package is missing. Playwright drives the system Chromium
(``executable_path``); it never downloads a browser of its own.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlite_utils
from conftest import ROOT
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


@contextmanager
def serving(db: Path) -> Iterator[tuple[str, Path]]:
    """``projreg serve`` of ``db`` on a free localhost port, with review sign-in: (base URL, db)."""
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
def site(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """The site over a seed registry: (base URL, database path)."""
    db = tmp_path / "registry.db"
    build_seed_registry(db)
    with serving(db) as served:
        yield served


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


#: Generated articles (no third-party text): projects of 2019–2025 and one company under two names.
PLACES = ("长春新区", "白城经开区", "梅河口市", "双辽市", "四平市", "松原市", "延吉市")
KINDS = ("风电项目", "光伏电站项目", "物流园项目", "产业园项目", "热电联产项目", "污水处理厂工程")
FULL_NAME, SHORT_NAME = "吉林世宝机械制造有限公司", "吉林世宝"


def generated_articles() -> list[dict]:
    articles = []
    for i in range(14):
        year = 2019 + i % 7
        name = f"{PLACES[i % 7]}{i + 1}号{KINDS[i % 6]}"
        builder = FULL_NAME if i == 12 else f"{PLACES[(i + 2) % 7]}城建投资有限公司"
        text = (
            f"{year}年3月{i + 1}日，总投资{10 + 7 * i}亿元的{name}开工建设。该项目由{builder}投资建设，"
            f"建成后年产值{2 + i}亿元。"
        )
        articles.append(
            {"id": f"gen-{i}", "title": f"{name}开工", "date": f"{year}-03-{i + 1:02d}", "text": text}
        )
    text = "2024年6月5日，梅河口市智能转向系统产业园项目签约，总投资12亿元，由吉林世宝建设。"
    articles.append(
        {"id": "gen-short", "title": "智能转向系统产业园签约", "date": "2024-06-05", "text": text}
    )
    return articles


@pytest.fixture
def analyst_site(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """``projreg serve`` over a registry of the seeds and the generated articles."""
    from extract.batch import ingest

    batch = tmp_path / "generated.jsonl"
    batch.write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in generated_articles()), "utf-8")
    db = tmp_path / "registry.db"
    ingest([ROOT / "corpus", batch], db, workers=1)
    with serving(db) as served:
        yield served


def test_an_analyst_answers_the_usual_questions_in_a_few_clicks(analyst_site, page):
    base, db_path = analyst_site
    db = sqlite_utils.Database(db_path)
    expected = [
        r[0]
        for r in db.execute(
            "select name from project_overview where confident = 1 and investment_yuan is not null"
            " and year between 2020 and 2025 order by investment_yuan desc limit 10"
        ).fetchall()
    ]
    assert len(expected) == 10

    # the ten largest projects of 2020–2025: two clicks from the home page
    page.goto(base)
    with page.expect_navigation():
        page.click("#projreg-largest")  # click 1
    page.fill("input[name=from_year]", "2020")
    page.fill("input[name=to_year]", "2025")
    with page.expect_navigation():
        page.click("input[type=submit]")  # click 2
    shown = page.locator("table.rows-and-columns td.col-name").all_inner_texts()
    assert [s.strip() for s in shown] == expected

    # all projects of one company, under its full and its short name: one click more
    with page.expect_navigation():
        page.click(f"a:text-is('{FULL_NAME}')")  # click 3
    projects = {s.strip() for s in page.locator("td.col-project").all_inner_texts()}
    companies = {s.strip() for s in page.locator("td.col-company").all_inner_texts()}
    assert companies == {FULL_NAME, SHORT_NAME}
    assert "梅河口市智能转向系统产业园" in projects and len(projects) == 2

    # a project's timeline from a search hit
    page.goto(f"{base}/-/projreg/search")
    page.fill("input[name=q]", "光伏电站")
    with page.expect_navigation():
        page.click("input[type=submit]")
    with page.expect_navigation():
        page.locator(".projreg-hits a[href^='/-/projreg/project/']").first.click()
    assert "/-/projreg/project/cp_" in page.url
    assert "光伏电站项目" in page.inner_text("h1") and "开工" in page.content()


def test_a_review_session_by_keyboard(analyst_site, page):
    base, db_path = analyst_site
    page.goto(f"{base}/-/projreg/login?next=/-/projreg/review/item")
    page.fill("input[name=name]", "keys")
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit]")

    def decisions() -> list[tuple[str, str]]:
        db = sqlite_utils.Database(db_path)
        return [(r["action"], r["record"]) for r in db.query("select action, record from audit order by id")]

    first = page.get_attribute("#projreg-key-a input[name=id]", "value")
    with page.expect_navigation():
        page.keyboard.press("a")
    assert decisions() == [("accept", first)]
    second = page.get_attribute("#projreg-key-x input[name=id]", "value")
    assert second != first and "accepted" in page.inner_text("#projreg-done")
    with page.expect_navigation():
        page.keyboard.press("x")
    assert decisions()[-1] == ("reject", second)
    with page.expect_navigation():
        page.keyboard.press("u")
    assert decisions()[-1] == ("undo", second)
    assert page.get_attribute("#projreg-key-a input[name=id]", "value") == second, "the undone item is back"
