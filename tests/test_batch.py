"""Batch runs at scale: the same registry whatever the number of workers, and a killed run resumed."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import CORPUS, ROOT, corpus_articles

from extract import batch, pipeline
from extract.batch import ingest
from extract.cli import main
from extract.models import Article, IngestFailure
from extract.registry import linking, open_registry
from extract.registry.changes import changed_articles

#: Columns that say by which run a row was written, not what it holds (so do ``*_at`` timestamps).
RUN_COLUMNS = {"run_id", "at"}
#: Tables compared between registries: every content table (``runs`` is the log of runs).
SKIPPED_TABLES = {"runs", "_sqlite_migrations"}
#: An FTS5 index's own tables: their pages depend on the order rows came in, not only on the rows.
FTS_SHADOWS = ("data", "idx", "docsize", "config", "content")


def write_batch(folder: Path, count: int, junk: bool = True) -> Path:
    """``count`` corpus articles as one JSONL file, with one broken line in the middle."""
    articles = list(corpus_articles().values())[:count]
    lines = [json.dumps(a, ensure_ascii=False) for a in articles]
    if junk:
        lines.insert(count // 2, '{"id": "broken", ')
    path = folder / "batch.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def content(db_path: Path) -> dict[str, list[tuple]]:
    """Every content table as sorted rows, without timestamps and run ids (failures also without ids)."""
    with sqlite3.connect(db_path) as conn:
        names = [r[0] for r in conn.execute("select name from sqlite_master where type = 'table'")]
        virtual = [r[0] for r in conn.execute("select name from sqlite_master where rootpage = 0")]
        shadows = {f"{v}_{part}" for v in virtual for part in FTS_SHADOWS}
        tables = [n for n in names if n not in SKIPPED_TABLES | shadows and not n.startswith("sqlite_")]
        out = {}
        for table in tables:
            cursor = conn.execute(f"select * from [{table}]")
            names = [d[0] for d in cursor.description]
            keep = [i for i, n in enumerate(names) if not volatile(table, n)]
            rows = {tuple(row[i] for i in keep) for row in cursor.fetchall()}
            out[table] = sorted(rows, key=repr)
        return out


def volatile(table: str, column: str) -> bool:
    """Timestamps, run ids, and the row ids of failures (one per run that met the input)."""
    return column in RUN_COLUMNS or column.endswith("_at") or (table, column) == ("failures", "id")


def runs(db_path: Path) -> list[tuple]:
    with sqlite3.connect(db_path) as conn:
        return conn.execute("select status, articles_new, articles_failed, workers from runs").fetchall()


@pytest.mark.shared
@pytest.mark.slow
def test_two_workers_write_the_same_registry_as_one(tmp_path, monkeypatch):
    monkeypatch.setattr(batch, "CHUNK_SIZE", 4)  # chunks for both workers
    source = write_batch(tmp_path, 24)
    one = ingest([source], tmp_path / "one.db", workers=1)
    two = ingest([source], tmp_path / "two.db", workers=2)
    assert (one.new, one.failed) == (two.new, two.failed) == (24, 1)
    assert one.records == two.records and one.records["money"] > 0
    assert two.workers == 2
    assert content(tmp_path / "one.db") == content(tmp_path / "two.db")
    stored = runs(tmp_path / "two.db")
    assert stored == [("finished", 24, 1, 2)]


@pytest.mark.shared
def test_articles_extracted_together_are_extracted_as_each_alone():
    """A chunk shares the NER model's calls; no article's extraction depends on its neighbours."""
    articles = [
        Article(id=key, text=item["text"])
        for key, item in list(corpus_articles().items())[:40]
        if item["text"]
    ]
    extractor = pipeline.Extractor()
    together = extractor.pipe(articles)
    assert sum(len(e.organisations) for e in together) > 20
    assert together == [extractor(article) for article in articles]


def test_an_article_the_pipeline_fails_on_is_a_failure_and_the_rest_is_ingested(tmp_path, monkeypatch):
    real = pipeline._extraction

    def failing(article, cleaned, doc):
        if article.id == "003_a2ea863acaabccfd":
            raise ValueError("simulated bug")
        return real(article, cleaned, doc)

    monkeypatch.setattr(pipeline, "_extraction", failing)
    summary = ingest([CORPUS], tmp_path / "r.db", workers=1)
    assert (summary.new, summary.failed) == (1, 1)
    [failure] = summary.failures
    assert failure.article_id == "003_a2ea863acaabccfd"
    assert failure.reason.startswith("extraction failed (ValueError: simulated bug)")
    with sqlite3.connect(tmp_path / "r.db") as conn:
        assert conn.execute("select article_id from failures").fetchall() == [("003_a2ea863acaabccfd",)]


def _rss_mb() -> float:
    return int(Path("/proc/self/status").read_text().split("VmRSS:")[1].split()[0]) / 1024


@pytest.mark.parametrize("workers", [1, 2])
def test_an_article_over_its_time_budget_is_a_failure_and_its_memory_goes_back(
    tmp_path, monkeypatch, workers
):
    real = pipeline._extraction
    slow = "003_a2ea863acaabccfd"

    def stuck(article, cleaned, doc):
        if article.id == slow:
            held = bytearray(400 << 20)  # what a runaway extraction holds
            held[::4096] = b"x" * len(held[::4096])
            time.sleep(30)
        return real(article, cleaned, doc)

    monkeypatch.setattr(pipeline, "_extraction", stuck)
    monkeypatch.setattr(batch, "_pool_size", lambda wanted, total: wanted)  # a pool even for 3 articles
    folder = tmp_path / "in"
    folder.mkdir()
    for source in sorted(CORPUS.iterdir()):
        (folder / source.name).write_bytes(source.read_bytes())
    (folder / "extra.txt").write_text("计划总投资3亿元的某某新材料项目今年开工。", encoding="utf-8")
    batch._init_worker("jieba", 60, in_process=True)
    batch._extract([Article(id="warm", text="某某项目今年开工。")])  # the pipeline is built before
    before = _rss_mb()
    started = time.perf_counter()
    summary = ingest([folder], tmp_path / "r.db", workers=workers, article_timeout=2)
    assert time.perf_counter() - started < 25, "the batch did not wait for the stuck article"
    assert (summary.new, summary.failed) == (2, 1)
    [failure] = summary.failures
    assert failure.article_id == slow and failure.reason.startswith("took longer than 2 s")
    assert _rss_mb() - before < 150, "the 400 MB the stopped extraction held went back"
    args = ["ingest", str(folder), "--db", str(tmp_path / "s.db"), "--strict", "--article-timeout", "2"]
    result = CliRunner().invoke(main, [*args, "--workers", "1"])
    assert result.exit_code == 3 and "took longer than 2 s" in result.output


def test_the_worker_that_ran_out_of_time_is_replaced_and_the_pool_goes_on(tmp_path, monkeypatch):
    real = pipeline._extraction
    marks = tmp_path / "pids"

    def stuck(article, cleaned, doc):
        if article.id == "slow":
            marks.write_text(str(os.getpid()))
            time.sleep(30)
        return real(article, cleaned, doc)

    monkeypatch.setattr(pipeline, "_extraction", stuck)
    monkeypatch.setattr(batch, "CHUNK_SIZE", 4)  # the slow article's chunk: a budget of 1 + 3 s
    quick = [Article(id=f"q{n}", text=f"计划总投资{n + 1}亿元的某某{n}号项目今年开工。") for n in range(40)]
    tasks = [quick[0], Article(id="slow", text="某某项目今年开工。"), *quick[1:]]
    with batch.extractions(iter(tasks), "jieba", 2, article_timeout=1) as results:
        seen = {}
        for result in results:
            seen[result.article_id if hasattr(result, "article_id") else result.article.id] = result
            if len(seen) == 2:
                slow_pid = int(marks.read_text())
                for _ in range(100):  # the worker exits once its results are sent; the pool reaps it
                    if not Path(f"/proc/{slow_pid}").exists():
                        break
                    time.sleep(0.1)
                assert not Path(f"/proc/{slow_pid}").exists(), "the worker that ran out of time still runs"
    assert isinstance(seen["slow"], IngestFailure) and seen["slow"].reason.startswith("took longer than 1 s")
    assert all(isinstance(seen[a.id], pipeline.Extraction) for a in quick), "the pool went on"


def test_a_small_batch_is_extracted_in_process():
    assert batch._pool_size(8, 3) == 1
    assert batch._pool_size(2, 1000) == 2
    assert batch._pool_size(4, None) == 4


def committed(db_path: Path) -> int:
    try:
        with sqlite3.connect(db_path, timeout=1) as conn:
            return conn.execute("select count(*) from articles").fetchone()[0]
    except sqlite3.Error:
        return 0


@pytest.mark.shared
@pytest.mark.slow
def test_a_killed_run_run_again_ends_as_an_uninterrupted_run(tmp_path):
    source = write_batch(tmp_path, 60)
    killed = tmp_path / "killed.db"
    code = (
        "from extract import batch; batch.BATCH_SIZE = 5; batch.CHUNK_SIZE = 4; "
        "from extract.cli import main; main()"
    )
    args = [sys.executable, "-c", code, "ingest", str(source), "--db", str(killed), "--workers", "2"]
    process = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 240
        while committed(killed) < 10 and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        assert process.poll() is None, "the run ended before it could be killed"
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait()
    done = committed(killed)
    assert 10 <= done < 60
    assert runs(killed)[0][0] == "running"
    again = CliRunner().invoke(main, args[3:])
    assert f"{60 - done} new, 0 changed, {done} unchanged" in again.output, again.output
    assert "1 earlier run(s) had been killed" in again.output
    assert [r[0] for r in runs(killed)] == ["interrupted", "finished"]
    ingest([source], tmp_path / "whole.db", workers=1)
    assert content(killed) == content(tmp_path / "whole.db")


def test_a_run_that_writes_nothing_links_what_a_run_that_did_not_finish_left(tmp_path, monkeypatch):
    real = batch.link_registry

    def full_disk(db, **options):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(batch, "link_registry", full_disk)
    db = tmp_path / "r.db"
    with pytest.raises(sqlite3.OperationalError):
        ingest([CORPUS], db, workers=1)  # every article written, nothing linked
    assert len(changed_articles(open_registry(db))) == 2  # the writes are noted as waiting for a link
    monkeypatch.setattr(batch, "link_registry", real)
    assert ingest([CORPUS], db, workers=1).unchanged == 2
    assert changed_articles(open_registry(db)) == set()  # linked now
    links, link_projects = [], linking.link_projects
    monkeypatch.setattr(linking, "link_projects", lambda db, changed=None: links.append(changed))
    ingest([CORPUS], db, workers=1)
    assert links == []  # nothing written since: nothing to link
    monkeypatch.setattr(linking, "link_projects", link_projects)
    ingest([CORPUS], tmp_path / "whole.db", workers=1)
    assert content(db) == content(tmp_path / "whole.db")
    assert [r[0] for r in runs(db)] == ["failed", "finished", "finished"]


def test_the_first_chunk_is_one_article_so_the_first_result_comes_at_once():
    total = 1 + 2 * batch.CHUNK_SIZE + 7
    assert [len(chunk) for chunk in batch._chunks(range(total))] == [1, batch.CHUNK_SIZE, batch.CHUNK_SIZE, 7]
    assert [x for chunk in batch._chunks(range(total)) for x in chunk] == list(range(total))
    assert [len(chunk) for chunk in batch._chunks(range(20), 8)] == [1, 8, 8, 3]
