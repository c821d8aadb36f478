"""The projreg commands end to end: bad batches, idempotent re-ingest, export, eval, help."""

from __future__ import annotations

import json
import sqlite3

import pytest
import sqlite_utils
from click.testing import CliRunner
from conftest import CORPUS

from extract import batch
from extract.cli import main

SEED = "003_a2ea863acaabccfd"


@pytest.fixture
def runner():
    return CliRunner()


def table(db, sql):
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


def bad_batch(folder, seed_text):
    folder.mkdir()
    (folder / "good.txt").write_text(seed_text, encoding="utf-8")
    (folder / "gbk.txt").write_bytes(seed_text.encode("gbk", errors="ignore"))
    (folder / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    (folder / "empty.txt").write_bytes(b"")
    good = json.dumps(
        {"id": "j1", "text": "计划总投资3亿元的某某项目开工。", "date": "2024-03-01"}, ensure_ascii=False
    )
    (folder / "batch.jsonl").write_text(good + '\n{"id": "oops", \n', encoding="utf-8")


def test_bad_batch_ingests_the_good_and_reports_the_bad(tmp_path, runner, seed_texts):
    bad_batch(tmp_path / "in", seed_texts[SEED])
    db = tmp_path / "r.db"
    result = runner.invoke(main, ["ingest", str(tmp_path / "in"), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert sorted(r[0] for r in table(db, "select id from articles")) == ["gbk", "good", "j1"]
    failures = table(db, "select path, line, reason from failures")
    assert len(failures) == 3
    assert any(p.endswith("batch.jsonl") and line == 2 for p, line, _ in failures)
    for path in ("binary.txt", "empty.txt", "batch.jsonl"):
        assert path in result.output
    strict = runner.invoke(main, ["ingest", str(tmp_path / "in"), "--db", str(db), "--strict"])
    assert strict.exit_code == 3


def test_same_batch_twice_changes_nothing_and_a_changed_article_replaces_its_rows(
    tmp_path, runner, seed_texts
):
    db = tmp_path / "r.db"
    assert runner.invoke(main, ["ingest", str(CORPUS), "--db", str(db)]).exit_code == 0
    snapshot = table(db, "select * from money order by id")
    again = runner.invoke(main, ["ingest", str(CORPUS), "--db", str(db)])
    assert "0 new, 0 changed, 2 unchanged" in again.output
    assert table(db, "select * from money order by id") == snapshot
    changed = tmp_path / f"{SEED}.txt"
    changed.write_text(seed_texts[SEED].replace("，总投资7.52亿元", "，总投资8亿元"), encoding="utf-8")
    result = runner.invoke(main, ["ingest", str(changed), "--db", str(db)])
    assert "1 changed" in result.output
    yuan = [r[0] for r in table(db, f"select yuan from money where article_id = '{SEED}'")]
    assert 800_000_000 in yuan
    assert yuan.count(752_000_000) == 1  # only the 计划总投资 mention is left


def test_a_run_that_dies_half_way_loses_nothing(tmp_path, runner, monkeypatch, seed_texts):
    db = tmp_path / "r.db"
    assert runner.invoke(main, ["ingest", str(CORPUS), "--db", str(db)]).exit_code == 0
    before = table(db, "select * from money order by id")
    folder = tmp_path / "more"
    folder.mkdir()
    for i in range(3):
        (folder / f"a{i}.txt").write_text(seed_texts[SEED], encoding="utf-8")
    monkeypatch.setattr(batch, "BATCH_SIZE", 1)
    monkeypatch.setattr(batch, "CHUNK_SIZE", 1)
    real = batch.Extractor.pipe
    calls = []

    def dying(self, articles):
        calls.append(articles[0].id)
        if len(calls) == 3:
            raise MemoryError("simulated crash")
        return real(self, articles)

    monkeypatch.setattr(batch.Extractor, "pipe", dying)
    result = runner.invoke(main, ["ingest", str(folder), "--db", str(db), "--workers", "1"])
    assert result.exit_code != 0
    assert table(db, "select * from money where article_id not like 'a%' order by id") == before
    assert sorted(r[0] for r in table(db, "select id from articles where id like 'a%'")) == ["a0", "a1"]
    assert table(db, "select status from runs order by id desc limit 1") == [("failed",)]


def test_export_and_eval_on_the_seeds(tmp_path, runner):
    db = tmp_path / "r.db"
    runner.invoke(main, ["ingest", str(CORPUS), "--db", str(db)])
    out = tmp_path / "e.jsonl"
    assert runner.invoke(main, ["export", "--db", str(db), "--jsonl", str(out)]).exit_code == 0
    records = {r["article_id"]: r for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
    money = records[SEED]["money"]
    first = next(m for m in money if m["yuan"] == 752_000_000)
    original = (CORPUS / f"{SEED}.txt").read_text(encoding="utf-8")
    assert original[first["span"][0] : first["span"][1]] == first["text"]
    assert first["role"] == "planned_investment"


def test_every_command_has_help_with_an_example(runner):
    for command in main.commands:
        result = runner.invoke(main, [command, "--help"])
        assert result.exit_code == 0
        assert "Example:" in result.output, command


def test_missing_registry_is_one_clear_line(tmp_path, runner):
    result = runner.invoke(main, ["export", "--db", str(tmp_path / "none.db"), "--jsonl", "-"])
    assert result.exit_code == 1
    assert "Hint: run 'projreg ingest" in result.output


def test_summary_names_the_largest_projects(tmp_path, runner):
    from extract.summary import summary_lines

    db = tmp_path / "r.db"
    runner.invoke(main, ["ingest", str(CORPUS), "--db", str(db)])
    text = "\n".join(summary_lines(sqlite_utils.Database(db)))
    assert "registry: 2 articles" in text
    assert "双辽市绿电产业示范园区15万千瓦风电项目  7.52 亿元  under_construction" in text


# ----------------------------------------------------------------- inputs and outputs users get wrong


def test_ingest_of_a_missing_path_or_a_folder_with_nothing_to_read_says_so_and_fails(tmp_path, runner):
    db = str(tmp_path / "r.db")
    missing = runner.invoke(main, ["ingest", str(tmp_path / "nope"), "--db", db])
    assert missing.exit_code == 1
    assert "no such file or directory" in missing.output and "nothing could be read" in missing.output
    empty = tmp_path / "empty"
    empty.mkdir()
    result = runner.invoke(main, ["ingest", str(empty), "--db", db])
    assert result.exit_code == 1 and f"no file to read in {empty}" in result.output
    (empty / "report.pdf").write_bytes(b"%PDF-1.4")
    (empty / "notes.docx").write_bytes(b"PK")
    result = runner.invoke(main, ["ingest", str(empty), "--db", db])
    assert result.exit_code == 1
    assert "skipped 2 file(s) projreg does not read" in result.output
    assert "report.pdf" in result.output and "notes.docx" in result.output


def test_unsupported_files_beside_articles_are_named_and_the_articles_read(tmp_path, runner, seed_texts):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / f"{SEED}.txt").write_text(seed_texts[SEED], encoding="utf-8")
    (folder / "scan.pdf").write_bytes(b"%PDF-1.4")
    result = runner.invoke(main, ["ingest", str(folder), "--db", str(tmp_path / "r.db"), "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert "scan.pdf" in result.output and "1 new" in result.output


def test_export_to_a_missing_folder_is_one_line(tmp_path, runner):
    db = str(tmp_path / "r.db")
    assert runner.invoke(main, ["ingest", str(CORPUS), "--db", db, "--workers", "1"]).exit_code == 0
    result = runner.invoke(main, ["export", "--db", db, "--jsonl", str(tmp_path / "no" / "x.jsonl")])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        f"Error: cannot write {tmp_path / 'no' / 'x.jsonl'}: No such file or directory"
    ]
    decided = runner.invoke(main, ["review", "accept", "nonexistent:1-2", "--db", db])
    assert decided.exit_code == 1 and "nonexistent:1-2" in decided.output, "--db after the action is read"


def test_eval_on_a_missing_gold_folder_is_an_error(tmp_path, runner):
    for args in (["eval", str(tmp_path / "gold")], ["eval", "--cv", "5", str(tmp_path / "gold")]):
        result = runner.invoke(main, args)
        assert result.exit_code != 0 and "does not exist" in result.output


def test_serve_on_a_port_in_use_exits_4_without_announcing_it(tmp_path, runner):
    import socket

    db = str(tmp_path / "r.db")
    assert runner.invoke(main, ["ingest", str(CORPUS), "--db", db, "--workers", "1"]).exit_code == 0
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = runner.invoke(main, ["serve", "--db", db, "--port", str(port)])
    assert result.exit_code == 4
    assert "is in use" in result.output and "serving" not in result.output


def test_one_article_as_html_and_as_jsonl_passes_strict(tmp_path, runner):
    folder = tmp_path / "in"
    folder.mkdir()
    text = "计划总投资3亿元的某某新材料项目今年开工。"
    (folder / "a1.html").write_text(f"<html><body><p>{text}</p></body></html>", encoding="utf-8")
    line = json.dumps({"id": "a1", "text": text}, ensure_ascii=False)
    (folder / "a1.jsonl").write_text(line + "\n", encoding="utf-8")
    result = runner.invoke(main, ["ingest", str(folder), "--db", str(tmp_path / "r.db"), "--strict"])
    assert result.exit_code == 0, result.output
    assert "1 new, 0 changed, 1 unchanged, 0 failed" in result.output


def test_relink_is_a_command_that_leaves_the_links_of_an_ingest(tmp_path, runner):
    db = str(tmp_path / "r.db")
    assert runner.invoke(main, ["ingest", str(CORPUS), "--db", db, "--workers", "1"]).exit_code == 0
    links = "select project_id, canonical_id from project_links order by 1"
    before = table(db, links)
    with sqlite3.connect(db) as conn:
        conn.execute("delete from project_links")
    result = runner.invoke(main, ["relink", "--db", db])
    assert result.exit_code == 0 and "canonical projects" in result.output
    assert table(db, links) == before and before
    missing = runner.invoke(main, ["relink", "--db", str(tmp_path / "none.db")])
    assert missing.exit_code == 1 and "no registry" in missing.output
