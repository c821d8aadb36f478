"""The Datasette site through Datasette's own test client: pages, JSON, CJK search, review permissions.

The registry is written row by row from a seed article (no extraction run),
so these tests stay fast and test the site, not the extractors.
"""

from __future__ import annotations

import asyncio
import html
import json
import re
import shutil
from pathlib import Path

import pytest
import sqlite_utils
from click.testing import CliRunner
from conftest import CORPUS
from markupsafe import Markup

from extract.batch import ingest
from extract.cli import main
from extract.datasette import build_site, jieba_query, plugin, refresh_search_index
from extract.datasette.labels import STAGES, amount, label_cell
from extract.datasette.plugin import PASSWORD_ENV, record_url
from extract.datasette.signin import HOURS_ENV, SITE_FAILURES_PER_MINUTE, Throttle, safe_next
from extract.datasette.views import create_views
from extract.registry import open_registry
from extract.registry.linking import link_registry

SEED = "003_a2ea863acaabccfd"
PROJECT = "双辽市绿电产业示范园区15万千瓦风电项目"
AMOUNT = "7.52亿元"
TOTAL_OF_LIST = "吉成医药成品药及医疗器械仓库"
PASSWORD = "correct horse"
SECRET = "test-secret"


def _mention(text: str, needle: str, row_id_prefix: str = SEED) -> dict:
    """Evidence columns of ``needle``'s first occurrence in ``text``, with its sentence."""
    start = text.index(needle)
    end = start + len(needle)
    s_start = max(text.rfind(ch, 0, start) for ch in "。；\n") + 1
    s_end = min(i for i in (text.find(ch, end) for ch in "。；\n") if i >= 0) + 1
    return {
        "id": f"{row_id_prefix}:{start}-{end}",
        "article_id": SEED,
        "start": start,
        "end": end,
        "text": needle,
        "sentence": text[s_start:s_end].strip(),
    }


def build_seed_registry(path: Path) -> None:
    """One seed article, one project and its money mention, linked (test_browser uses it too)."""
    text = (CORPUS / f"{SEED}.txt").read_text(encoding="utf-8")
    db = open_registry(path)
    db["articles"].insert(
        {"id": SEED, "title": "四平市全面推进重点项目建设记事", "date": "2025-08-15", "text": text}
        | {"content_hash": "h1", "clean_text": text}
    )
    project = _mention(text, PROJECT)
    db["projects"].insert(
        project
        | {"name": PROJECT, "investment_yuan": 752_000_000, "stage": "under_construction", "place": "双辽市"}
        | {"name_score": 0.99, "investment_score": 0.97}
    )
    db["money"].insert(_mention(text, AMOUNT) | {"yuan": 752_000_000, "role": "total_investment"})
    link_registry(db)
    db.close()


@pytest.fixture(scope="module")
def registry(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("site") / "registry.db"
    build_seed_registry(path)
    return path


@pytest.fixture
def writable(registry: Path, tmp_path: Path) -> Path:
    """A private copy of the registry, for tests that write."""
    path = tmp_path / "registry.db"
    shutil.copy(registry, path)
    return path


def run(scenario):
    return asyncio.run(scenario())


def project_id(path: Path) -> str:
    return sqlite_utils.Database(path).execute("select id from projects").fetchone()[0]


def test_pages_and_metadata(registry: Path):
    async def scenario():
        ds = build_site(registry, secret=SECRET)
        index = await ds.client.get("/")
        table = await ds.client.get("/registry/project_overview")
        money = await ds.client.get("/registry/money.json?_shape=array")
        return index, table, money.json()

    index, table, money = run(scenario)
    assert index.status_code == 200 and "investment projects in Chinese press reports" in index.text
    assert table.status_code == 200 and "Investment (亿元, 100 million yuan)" in table.text
    assert f'<a href="{record_url(project_id(registry))}">'.replace("&", "&amp;") in table.text
    assert [m["yuan"] for m in money] == [752_000_000]


def test_project_overview_json(registry: Path):
    async def scenario():
        ds = build_site(registry, secret=SECRET)
        return (await ds.client.get("/registry/project_overview.json?_shape=array")).json()

    [row] = run(scenario)
    assert (row["name"], row["investment_yi"], row["year"], row["articles"]) == (PROJECT, 7.52, 2025, 1)


def test_year_filters_compare_numbers(registry: Path):
    async def scenario():
        ds = build_site(registry, secret=SECRET)
        urls = ["year__gte=2020&year__lte=2025", "year__gte=2026", "year__lte=2019"]
        return [
            len((await ds.client.get(f"/registry/project_overview.json?_shape=array&{q}")).json())
            for q in urls
        ]

    assert run(scenario) == [1, 0, 0]  # the one project of the seeds, reported in 2025


@pytest.mark.parametrize(
    ("query", "found"), [("风电", True), ("投资", True), ("风电项目", True), ("核电", False)]
)
def test_search_finds_two_character_words_and_phrases(registry: Path, query: str, found: bool):
    async def scenario():
        ds = build_site(registry, secret=SECRET)
        return (await ds.client.get("/registry/search.json", params={"q": query, "_shape": "array"})).json()

    rows = run(scenario)
    assert bool(rows) is found
    assert all(row["article_id"] == SEED and query in row["sentence"] for row in rows)


def test_jieba_query_quotes_user_input():
    assert jieba_query("风电项目") == '"风电" "项目"'
    assert jieba_query('风电" OR x') == '("风电") OR ("x")'
    assert jieba_query("风电 OR 光伏电站") == '("风电") OR ("光伏" "电站")'
    assert jieba_query("ORACLE") == '"ORACLE"'
    assert jieba_query("  ") == '""'


def test_search_index_follows_content_hash(writable: Path):
    db = sqlite_utils.Database(writable)
    heard = []
    assert refresh_search_index(db, lambda done, total: heard.append((done, total))) == 1
    assert heard == [(1, 1)], "a build reports its progress"
    assert refresh_search_index(db) == 0
    db["articles"].update(SEED, {"text": "新建光伏电站一座。", "content_hash": "h2"})
    assert refresh_search_index(db) == 1
    match = "select count(*) from search_sentences where search_sentences match ?"
    assert db.execute(match, [jieba_query("光伏")]).fetchone()[0] == 1
    assert db.execute(match, [jieba_query("风电")]).fetchone()[0] == 0


def test_canned_queries(registry: Path):
    async def scenario():
        ds = build_site(registry, secret=SECRET)
        above = [
            (
                await ds.client.get("/registry/projects_above.json", params={"yi": yi, "_shape": "array"})
            ).json()
            for yi in (5, 10)
        ]
        by_place = await ds.client.get("/registry/by_place_and_year.json?_shape=array&place=双辽&year=")
        signed = await ds.client.get("/registry/signed_not_started.json?_shape=array")
        return above, by_place.json(), signed.json()

    (five, ten), by_place, signed = run(scenario)
    assert [r["name"] for r in five] == [PROJECT] and ten == []
    assert by_place == [{"place": "双辽市", "year": 2025, "projects": 1, "investment_yi": 7.52}]
    assert signed == []  # the only project is under construction


def test_evidence_view_marks_the_span(registry: Path):
    async def scenario():
        ds = build_site(registry, secret=SECRET)
        return await ds.client.get("/registry/evidence?kind=money")

    page = run(scenario)
    assert f"<mark>{AMOUNT}</mark>" in page.text


def test_charts_are_inline_svg(registry: Path):
    async def scenario():
        ds = build_site(registry, secret=SECRET)
        return await ds.client.get("/-/projreg/charts")

    page = run(scenario)
    assert page.status_code == 200
    assert (
        page.text.count('class="projreg-chart"') == 3 and "双辽市" in page.text and "7.52 亿元" in page.text
    )
    assert '<script src="http' not in page.text


def test_charts_count_confident_records_and_each_bar_opens_its_records(writable: Path):
    db = sqlite_utils.Database(writable)
    text = db["articles"].get(SEED)["text"]
    # the last item of a list given the list's total: a record the model is unsure of
    db["projects"].insert(
        _mention(text, TOTAL_OF_LIST)
        | {"name": TOTAL_OF_LIST, "investment_yuan": 56_084_000_000, "stage": "signed"}
        | {"name_score": 0.62, "investment_score": 0.41}
    )
    db.close()

    async def scenario():
        ds = build_site(writable, secret=SECRET)
        confident, every = [(await ds.client.get("/-/projreg/charts" + q)).text for q in ("", "?all=1")]
        bar = re.search(r'<a href="([^"]+)" class="projreg-bar"><text[^>]*>2025<', confident).group(1)
        rows = (
            await ds.client.get(
                html.unescape(bar).replace("project_overview?", "project_overview.json?") + "&_shape=array"
            )
        ).json()
        return confident, every, rows

    confident, every, rows = run(scenario)
    assert "7.52 亿元" in confident and "568.36 亿元" not in confident, "the list's total is left out"
    assert "568.36 亿元" in every, "?all=1 counts every record"
    assert [r["name"] for r in rows] == [PROJECT], "the 2025 bar opens the records it counts"


def _cookie(response, name: str) -> str:
    header = "; ".join(response.headers.get_list("set-cookie"))
    return re.search(rf"{name}=([^;]+)", header).group(1)


async def sign_in_and_open(ds, record: str, login_form: dict) -> tuple:
    """Sign in, open the record page as that actor: (login response, page, cookie headers, CSRF token)."""
    login = await ds.client.post("/-/projreg/login", data={"password": PASSWORD, **login_form})
    actor = f"ds_actor={_cookie(login, 'ds_actor')}"
    page = await ds.client.get(record_url(record), headers={"cookie": actor})
    token = re.search(r'name="csrftoken" value="([^"]+)"', page.text).group(1)
    headers = {"cookie": f"{actor}; ds_csrftoken={_cookie(page, 'ds_csrftoken')}"}
    return login, page, headers, token


def test_anonymous_cannot_review(writable: Path):
    record = project_id(writable)

    async def scenario():
        ds = build_site(writable, secret=SECRET)
        page = await ds.client.get(record_url(record))
        post = await ds.client.post(record_url(record), data={"action": "accept"})
        return page, post

    page, post = run(scenario)
    assert page.status_code == 200 and "Sign in" in page.text and 'value="accept"' not in page.text
    assert post.status_code == 403
    assert sqlite_utils.Database(writable)["audit"].count == 0


def test_wrong_password_is_refused(writable: Path, monkeypatch):
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)

    async def scenario():
        ds = build_site(writable, secret=SECRET)
        return await ds.client.post("/-/projreg/login", data={"password": "guess"})

    response = run(scenario)
    assert response.status_code == 403 and "ds_actor" not in response.headers.get("set-cookie", "")


def test_signed_in_reviewer_accepts_with_csrf_token(writable: Path, monkeypatch):
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    record = project_id(writable)

    async def scenario():
        ds = build_site(writable, secret=SECRET)
        login, _, cookies, token = await sign_in_and_open(ds, record, {"name": "alice"})
        no_token = await ds.client.post(record_url(record), data={"action": "accept"}, headers=cookies)
        accepted = await ds.client.post(
            record_url(record),
            data={"action": "accept", "note": "checked", "csrftoken": token},
            headers=cookies,
        )
        return login, no_token, accepted

    login, no_token, accepted = run(scenario)
    assert login.status_code == 302
    assert no_token.status_code == 403  # asgi-csrf
    assert accepted.status_code == 302 and "done=accepted" in accepted.headers["location"]
    db = sqlite_utils.Database(writable)
    [audit] = list(db["audit"].rows)
    assert [audit[c] for c in ("actor", "action", "record", "note")] == ["alice", "accept", record, "checked"]
    assert db["projects"].get(record)["review_status"] == "accepted"


def test_views_are_replaced_when_their_sql_changed(writable: Path):
    db = sqlite_utils.Database(writable)
    db.execute("create view evidence as select 1 as stale")
    create_views(db)
    assert "span_at" in db["evidence"].columns_dict
    before = db.execute("select sql from sqlite_master where name = 'evidence'").fetchone()
    create_views(db)
    assert db.execute("select sql from sqlite_master where name = 'evidence'").fetchone() == before


def test_serve_without_a_registry_gives_a_hint(tmp_path: Path):
    result = CliRunner().invoke(main, ["serve", "--db", str(tmp_path / "missing.db")])
    assert result.exit_code == 1 and "Hint: run 'projreg ingest" in result.output


def test_review_errors_are_shown_and_sign_in_never_redirects_off_site(writable: Path, monkeypatch):
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    money_id = sqlite_utils.Database(writable).execute("select id from money").fetchone()[0]

    async def scenario():
        ds = build_site(writable, secret=SECRET)
        login, _, headers, token = await sign_in_and_open(ds, money_id, {"next": "//evil.example"})
        form = {"action": "accept", "csrftoken": token}
        return login, await ds.client.post(record_url(money_id), data=form, headers=headers)

    login, refused = run(scenario)
    assert login.headers["location"] == "/-/projreg/review"
    assert refused.status_code == 400 and 'class="projreg-error"' in refused.text
    assert f"<mark>{AMOUNT}</mark>" in refused.text
    assert sqlite_utils.Database(writable)["audit"].count == 0


def test_a_project_record_shows_where_each_field_was_read(tmp_path: Path):
    path = tmp_path / "registry.db"
    ingest([CORPUS], path, workers=1)
    [project] = (
        sqlite_utils.Database(path).execute("select id from projects where name = ?", [PROJECT]).fetchall()
    )

    async def scenario():
        return await build_site(path, secret=SECRET).client.get(record_url(project[0]))

    page = run(scenario)
    assert page.status_code == 200
    section = page.text.split("Where each field was read", 1)[1].split("</table>", 1)[0]
    for field, text in [("investment_yuan", "7.52亿元"), ("contact", "林巍"), ("tax_yuan", "0.18亿元")]:
        assert f"<th>{field}</th><td>{text}</td>" in section
        assert f"<mark>{text}</mark>" in section
    assert "&#34;sentence&#34;" not in page.text  # the evidence JSON is not shown raw (escaped)
    assert 'All its reports: <a href="/-/projreg/project/cp_' in page.text


@pytest.mark.parametrize(
    "target",
    ["//evil.example", "/\\127.0.0.1:8766/x", "/\t/127.0.0.1:8766/x", "/\n/evil", "https://evil.example/"],
)
def test_sign_in_never_redirects_off_site(target):
    assert safe_next(target, "/home") == "/home"
    assert safe_next("/registry/projects?x=1", "/home") == "/registry/projects?x=1"


def test_wrong_passwords_lock_the_client_out_even_from_the_right_one(writable: Path, monkeypatch):
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    monkeypatch.setattr(plugin, "THROTTLE", Throttle())

    async def scenario():
        ds = build_site(writable, secret=SECRET)
        wrong = [await ds.client.post("/-/projreg/login", data={"password": "guess"}) for _ in range(6)]
        right = await ds.client.post("/-/projreg/login", data={"password": PASSWORD})
        return wrong, right

    wrong, right = run(scenario)
    assert [r.status_code for r in wrong[:5]] == [403] * 5 and wrong[5].status_code == 429
    assert right.status_code == 429 and int(right.headers["retry-after"]) >= 1
    throttle = Throttle()
    for i in range(SITE_FAILURES_PER_MINUTE):
        throttle.failed(f"client {i}", now=100.0)
    assert throttle.wait("a new client", now=101.0) > 0, "a guesser spread over many clients is slowed too"
    assert throttle.wait("a new client", now=161.0) == 0


def test_a_session_ends_when_it_expires_or_the_password_changes(writable: Path, monkeypatch):
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    monkeypatch.setattr(plugin, "THROTTLE", Throttle())
    record = project_id(writable)

    async def can_review(hours: str | None, new_password: str | None) -> bool:
        if hours is not None:
            monkeypatch.setenv(HOURS_ENV, hours)
        ds = build_site(writable, secret=SECRET)
        login = await ds.client.post("/-/projreg/login", data={"password": PASSWORD})
        if new_password is not None:
            monkeypatch.setenv(PASSWORD_ENV, new_password)
        page = await ds.client.get(
            record_url(record), headers={"cookie": f"ds_actor={_cookie(login, 'ds_actor')}"}
        )
        monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
        return 'value="accept"' in page.text

    assert run(lambda: can_review(None, None))
    assert not run(lambda: can_review("-1", None)), "an expired session does not review"
    assert not run(lambda: can_review("8", "another long password")), "a password change signs everyone out"


def test_serve_refuses_a_short_review_password(registry: Path, monkeypatch):
    monkeypatch.setenv(PASSWORD_ENV, "short")
    result = CliRunner().invoke(main, ["serve", "--db", str(registry)])
    assert result.exit_code == 2 and "at least 12" in result.output


def test_anonymous_sql_is_off_unless_the_operator_opens_it(registry: Path):
    async def scenario(public: bool):
        ds = build_site(registry, secret=SECRET, public_sql=public)
        sql = await ds.client.get("/registry.json", params={"sql": "select count(*) from projects"})
        canned = await ds.client.get("/registry/search.json", params={"q": "风电", "_shape": "array"})
        table = await ds.client.get("/registry/projects.json?_shape=array")
        return sql.status_code, canned.status_code, table.status_code

    assert run(lambda: scenario(False)) == (403, 200, 200)
    assert run(lambda: scenario(True)) == (200, 200, 200)


def test_reviewer_tables_are_private_while_sign_in_is_on(registry: Path, monkeypatch):
    async def audit_status():
        return (await build_site(registry, secret=SECRET).client.get("/registry/audit.json")).status_code

    monkeypatch.delenv(PASSWORD_ENV, raising=False)
    assert run(audit_status) == 200
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    assert run(audit_status) == 403


def test_search_takes_alternatives_and_latin_in_any_case(writable: Path):
    db = sqlite_utils.Database(writable)
    db["articles"].update(SEED, {"text": "TCL新建光伏电站一座。某地风电场并网。", "content_hash": "h3"})

    async def scenario():
        ds = build_site(writable, secret=SECRET)
        found = {}
        for q in ("tcl", "光伏 OR 风电", "核电 OR 风电"):
            rows = (await ds.client.get("/registry/search.json", params={"q": q, "_shape": "array"})).json()
            found[q] = len(rows)
        return found

    assert run(scenario) == {"tcl": 1, "光伏 OR 风电": 2, "核电 OR 风电": 1}


def test_signed_not_started_reads_canonical_projects(writable: Path):
    db = sqlite_utils.Database(writable)
    [row] = db.execute("select * from projects").fetchall()
    columns = [d[0] for d in db.execute("select * from projects").description]
    project = dict(zip(columns, row, strict=True))
    canonical = db.execute("select canonical_id from project_links where project_id = ?", [project["id"]])
    canonical_id = canonical.fetchone()[0]

    def report(article_id: str, date: str, name: str, stage: str) -> None:
        db["articles"].insert({**db["articles"].get(project["article_id"]), "id": article_id, "date": date})
        pid = f"{article_id}-p"
        db["projects"].insert({**project, "id": pid, "article_id": article_id, "name": name, "stage": stage})
        db["project_links"].insert({"project_id": pid, "canonical_id": canonical_id, "confidence": 1.0})

    report("signed-2013", "2013-03-01", "绿电风电项目", "signed")  # signed under a short name
    report("started-2014", "2014-01-10", project["name"], "started")  # started under the long one
    report("signed-2012", "2012-03-01", "某某新材料项目", "signed")  # never reported again
    db["project_links"].delete_where("project_id = ?", ["signed-2012-p"])

    async def scenario():
        ds = build_site(writable, secret=SECRET)
        return (await ds.client.get("/registry/signed_not_started.json?_shape=array")).json()

    rows = run(scenario)
    assert [(r["name"], r["kind"]) for r in rows] == [("某某新材料项目", "never reported started")]


def test_values_are_written_for_people_in_html_and_kept_in_json(registry: Path):
    async def scenario():
        ds = build_site(registry, secret=SECRET)
        page = await ds.client.get("/registry/project_overview")
        data = (await ds.client.get("/registry/project_overview.json?_shape=array")).json()
        return page.text, data

    html, [row] = run(scenario)
    assert "7.52 亿元" in html and "752000000" not in html.replace(",", "")
    assert f'{STAGES[row["stage"]]} <small class="projreg-code">{row["stage"]}</small>' in html
    assert row["investment_yuan"] == 752_000_000 and row["stage"] == "under_construction"


def test_companies_are_links_and_date_ranges_dates():
    cell = str(label_cell('["吉林世宝", "一汽解放"]', "companies"))
    assert cell.count('<a href="/-/projreg/company?name=') == 2 and "一汽解放</a>" in cell
    assert label_cell('{"start_date": "2025-03-01", "end_date": "2025-03-31"}', "started_on") == (
        "2025-03-01 – 2025-03-31"
    )
    assert label_cell("total_investment", "role") == Markup(
        '总投资 <small class="projreg-code">total_investment</small>'
    )


def test_amounts_take_the_unit_the_press_writes():
    assert [amount(y) for y in (752_000_000, 1_880_000_000_000, 5_000_000, 3_500, 100_000_000)] == [
        "7.52 亿元",
        "18,800 亿元",
        "500 万元",
        "3,500 元",
        "1 亿元",
    ]


def test_a_page_per_canonical_project_with_its_timeline(registry: Path):
    db = sqlite_utils.Database(registry)
    [(canonical_id, name)] = db.execute(
        "select c.id, c.name from canonical_projects c join project_links l on l.canonical_id = c.id "
        "join projects p on p.id = l.project_id where p.name = ?",
        [PROJECT],
    ).fetchall()

    async def scenario():
        ds = build_site(registry, secret=SECRET)
        page = await ds.client.get(f"/-/projreg/project/{canonical_id}")
        missing = await ds.client.get("/-/projreg/project/cp_nothing")
        overview = await ds.client.get("/registry/project_overview")
        return page, missing, overview

    page, missing, overview = run(scenario)
    assert page.status_code == 200 and f"<h1>{name}</h1>" in page.text
    assert "7.52 亿元" in page.text and "在建" in page.text and "四平市全面推进重点项目建设记事" in page.text
    assert f'href="{record_url(project_id(registry))}"'.replace("&", "&amp;") in page.text
    assert missing.status_code == 404 and "canonical_projects" in missing.text
    assert f'href="/-/projreg/project/{canonical_id}"' in overview.text, "the overview links to the page"


def test_a_reading_page_per_article_marks_every_span(registry: Path):
    async def scenario():
        ds = build_site(registry, secret=SECRET)
        page = await ds.client.get(f"/-/projreg/article/{SEED}")
        missing = await ds.client.get("/-/projreg/article/nothing")
        overview = await ds.client.get("/registry/project_overview")
        return page, missing, overview

    page, missing, overview = run(scenario)
    assert page.status_code == 200 and "<h1>四平市全面推进重点项目建设记事</h1>" in page.text
    assert f"<mark>{PROJECT}</mark><sup>项目</sup>" in page.text
    assert f"<mark>{AMOUNT}</mark><sup>金额</sup>" in page.text
    assert page.text.count('class="projreg-span') >= 2 and page.text.count("<p>") > 5
    assert missing.status_code == 404
    assert f'href="/-/projreg/article/{SEED}"' in overview.text


def test_search_page_counts_pages_marks_and_links_every_hit(registry: Path, monkeypatch):
    from extract.datasette import search_page

    text = (CORPUS / f"{SEED}.txt").read_text(encoding="utf-8")
    monkeypatch.setattr(search_page, "PAGE_SIZE", 1)

    async def scenario():
        ds = build_site(registry, secret=SECRET)
        get = ds.client.get
        pages = [(await get("/-/projreg/search", params={"q": "风电", "page": n})).text for n in (1, 2)]
        latin = (await get("/-/projreg/search", params={"q": "kv"})).text
        either = (await get("/-/projreg/search", params={"q": "风电 OR 升压站"})).text
        project = (await get("/-/projreg/search", params={"q": "新建单机容量"})).text
        return pages, latin, either, project

    (first, second), latin, either, project = run(scenario)
    holding = [s for s in re.split(r"(?<=[。！？；])", text) if "风电" in s]
    assert f"{len(holding)} sentences hold" in first, "a two-character word is found wherever it stands"
    assert len(holding) == 2 and "1–1 shown" in first and "page 1 of 2" in first and "next →" in first
    assert "2–2 shown" in second and "← previous" in second
    assert "<mark>风电</mark>" in first
    assert "<mark>kV</mark>" in latin, "Latin letters in any case"
    alternatives = [s for s in re.split(r"(?<=[。！？；])", text) if "风电" in s or "升压站" in s]
    assert len(alternatives) > len(holding) and f"{len(alternatives)} sentences hold" in either
    assert f"/-/projreg/article/{SEED}" in project and "/-/projreg/project/cp_" in project
    assert PROJECT in project


def test_home_page_opens_on_the_analysts_pages_without_a_data_license(registry: Path):
    async def scenario():
        return (await build_site(registry, secret=SECRET).client.get("/")).text

    home = run(scenario)
    for link in ("/registry/project_overview?confident=1", "/-/projreg/search", "/-/projreg/charts"):
        assert f'href="{link}' in home, link
    assert "/-/projreg/review" in home and "Data license" not in home and "Apache" not in home


def test_review_one_item_at_a_time_reject_to_the_queue_undo_and_unreject(tmp_path: Path, monkeypatch):
    from extract.registry.review import review_queue

    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    path = tmp_path / "registry.db"
    ingest([CORPUS], path, workers=1)
    total = len(review_queue(open_registry(path), limit=10_000))
    queued = lambda: len(review_queue(open_registry(path), limit=10_000))  # noqa: E731

    async def scenario():
        ds = build_site(path, secret=SECRET)
        wrong = await ds.client.post("/-/projreg/login", data={"password": "wrong", "name": "bo"})
        login = await ds.client.post("/-/projreg/login", data={"password": PASSWORD, "name": "ana"})
        actor = f"ds_actor={_cookie(login, 'ds_actor')}"
        first = await ds.client.get("/-/projreg/review/item", headers={"cookie": actor})
        token = re.search(r'name="csrftoken" value="([^"]+)"', first.text).group(1)
        headers = {"cookie": f"{actor}; ds_csrftoken={_cookie(first, 'ds_csrftoken')}"}
        item = re.search(r'name="id" value="([^"]+)"', first.text).group(1)

        async def post(url, **form):
            return await ds.client.post(url, data={"csrftoken": token, **form}, headers=headers)

        steps = {"wrong": wrong, "first": first, "item": item}
        accepted = await post("/-/projreg/review/item?at=0", action="accept", id=item)
        steps["after_accept"] = await ds.client.get(accepted.headers["location"], headers=headers)
        steps["queued_after_accept"] = queued()
        skipped = await post("/-/projreg/review/item?at=0", action="skip", id="x")
        steps["skip_location"] = skipped.headers["location"]
        undone = await post("/-/projreg/review/item?at=0", action="undo", id="")
        steps["after_undo"] = await ds.client.get(undone.headers["location"], headers=headers)
        steps["queued_after_undo"] = queued()
        project = next(i["id"] for i in review_queue(open_registry(path), 10_000) if i["kind"] == "project")
        rejected = await post(record_url(project), action="reject")
        steps["reject_location"] = rejected.headers["location"]
        steps["queue_after_reject"] = await ds.client.get(rejected.headers["location"], headers=headers)
        steps["rejected_page"] = await ds.client.get(record_url(project), headers=headers)
        steps["unrejected"] = await post(record_url(project), action="unreject")
        steps["record_page"] = await ds.client.get(record_url(project), headers=headers)
        steps["project"] = project
        return steps

    steps = run(scenario)
    assert 'value="bo"' in steps["wrong"].text, "a failed sign-in keeps the reviewer's name"
    assert f"1 of {total:,}" in steps["first"].text and "Accept [a]" in steps["first"].text
    assert "keydown" in steps["first"].text
    assert steps["queued_after_accept"] == total - 1
    assert (
        f"1 of {total - 1:,}" in steps["after_accept"].text
        and f"accepted {steps['item']}" in steps["after_accept"].text
    )
    assert "at=1" in steps["skip_location"]
    assert steps["queued_after_undo"] == total and "took back the last decision" in steps["after_undo"].text
    assert steps["reject_location"].startswith("/-/projreg/review?done=rejected")
    assert 'id="projreg-undo"' in steps["queue_after_reject"].text
    assert steps["rejected_page"].status_code == 200 and "was rejected by" in steps["rejected_page"].text
    assert steps["unrejected"].status_code == 302
    assert 'id="projreg-edit-stage"' in steps["record_page"].text, "the stage is picked from a list"
    assert "在建 under_construction" in steps["record_page"].text
    db = open_registry(path)
    assert db.execute("select count(*) from projects where id = ?", [steps["project"]]).fetchone()[0] == 1
    actions = [a["action"] for a in db.query("select action from audit order by id")]
    assert actions == ["accept", "undo", "reject", "unreject"]


def test_a_company_link_opens_all_its_projects_under_every_name(writable: Path):
    db = sqlite_utils.Database(writable)
    text = db["articles"].get(SEED)["text"]
    full, short = "吉林世宝机械制造有限公司", "吉林世宝"
    db["articles"].insert({"id": "a2", "title": "二", "date": "2024-05-01", "text": full + "新建项目"})
    for article, name, at in ((SEED, short, text.index(short)), ("a2", full, 0)):
        db["organisations"].insert(
            {"id": f"{article}:{at}", "article_id": article, "start": at, "end": at + len(name)}
            | {"text": name, "name": name, "kind": "company"}
        )
    db["projects"].insert(
        {"id": "a2:0-4", "article_id": "a2", "start": 0, "end": 4, "text": "新建项目", "name": "世宝新建项目"}
        | {"companies": json.dumps([full], ensure_ascii=False)}
    )
    db["projects"].update(
        f"{SEED}:{text.index(PROJECT)}-{text.index(PROJECT) + len(PROJECT)}",
        {"companies": json.dumps([short], ensure_ascii=False)},
    )
    link_registry(db)
    db.close()

    async def scenario():
        ds = build_site(writable, secret=SECRET)
        found = await ds.client.get("/-/projreg/company", params={"name": short})
        rows = await ds.client.get(
            found.headers["location"].replace("company_projects?", "company_projects.json?") + "&_shape=array"
        )
        return found, rows.json()

    found, rows = run(scenario)
    assert "canonical_company=cc_" in found.headers["location"]
    assert sorted(r["project"] for r in rows) == sorted([PROJECT, "世宝新建项目"])
