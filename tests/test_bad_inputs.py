"""Bad inputs end to end: each is a clear message and a documented exit code, the rest of the batch
and the registry stay intact, and an input problem is a failure row.

Exit codes (README, CLI section): 0 success, even with failed inputs; 1 usage or
registry error (unwritable folder, full disk); 3 ``--strict`` with failed inputs.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import sqlite3
import tracemalloc
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import CORPUS

from extract import batch
from extract.cli import main
from extract.ingest import JSONL_HEAD_BYTES, MAX_ARTICLE_CHARS, count_inputs, iter_inputs
from extract.models import Article, IngestFailure

SENTENCE = "计划总投资3亿元的某某新材料项目今年开工。"


def table(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


def jsonl(*records: object) -> str:
    return "\n".join(r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records) + "\n"


@pytest.fixture(scope="module")
def bad_run(tmp_path_factory):
    """One CLI run over a folder of every kind of bad input next to good ones."""
    folder = tmp_path_factory.mktemp("bad")
    (folder / "gbk.txt").write_bytes(SENTENCE.encode("gbk"))
    (folder / "gb18030.txt").write_bytes(("𠀀" + SENTENCE).encode("gb18030"))
    (folder / "utf16.txt").write_bytes(SENTENCE.encode("utf-16"))
    (folder / "junk.txt").write_bytes(bytes(range(256)) * 16)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "blank.md").write_text(" \n\u3000\t\n", encoding="utf-8")
    block = (SENTENCE * 1000).encode()
    (folder / "huge.txt").write_bytes(block * (50 * 2**20 // len(block)))
    (folder / "nobody.html").write_text("<html><head><title>标题</title></head></html>", encoding="utf-8")
    (folder / "batch.jsonl").write_text(
        jsonl(
            {"id": "j1", "text": SENTENCE, "date": "2024-03-01"},
            '{"id": "broken", "text": "计划',
            {"id": "j2", "title": "没有正文"},
            {"id": "j1", "text": "重复的编号。"},
            {"id": 7, "text": SENTENCE},
            {"id": "j3", "text": SENTENCE, "title": ["不是", "字符串"]},
            {"id": "j4", "text": SENTENCE * (MAX_ARTICLE_CHARS // len(SENTENCE) + 1)},
            {"id": "j5", "text": SENTENCE},
        ),
        encoding="utf-8",
    )
    db = folder / "registry.db"
    result = CliRunner().invoke(main, ["ingest", str(folder), "--db", str(db), "--workers", "1"])
    return folder, db, result


def test_good_inputs_in_any_encoding_are_ingested(bad_run):
    _, db, result = bad_run
    assert result.exit_code == 0, result.output
    articles = dict(table(db, "select id, encoding from articles"))
    assert articles == {
        "gbk": "gb18030",
        "gb18030": "gb18030",
        "utf16": "utf-16",
        "j1": "utf-8",
        "j5": "utf-8",
    }
    texts = {r[0] for r in table(db, "select text from articles")}
    assert all(SENTENCE in text for text in texts)
    assert table(db, "select count(*) from money where yuan = 300000000")[0][0] == len(articles)


def test_every_bad_input_is_a_failure_row_with_its_reason(bad_run):
    _, db, result = bad_run
    reasons = {
        (Path(path).name, line): reason
        for path, line, reason in table(db, "select path, line, reason from failures")
    }
    assert "binary" in reasons[("junk.txt", None)] or "decode" in reasons[("junk.txt", None)]
    assert "empty" in reasons[("empty.txt", None)]
    assert "empty" in reasons[("blank.md", None)]
    assert "too long" in reasons[("huge.txt", None)]
    assert "empty" in reasons[("nobody.html", None)]
    assert "malformed JSON" in reasons[("batch.jsonl", 2)]
    assert "missing field 'text'" in reasons[("batch.jsonl", 3)]
    assert "duplicate article id" in reasons[("batch.jsonl", 4)]
    assert "'id' must be a string, not int" in reasons[("batch.jsonl", 5)]
    assert "'title' must be a string, not list" in reasons[("batch.jsonl", 6)]
    assert "too long" in reasons[("batch.jsonl", 7)]
    assert len(reasons) == 11
    for name, line in reasons:
        assert (f"{name}:{line}" if line else name) in result.output
    assert table(db, "select status, articles_failed from runs") == [("finished", 11)]


def test_strict_exits_3_on_failed_inputs(bad_run, tmp_path):
    folder, _, _ = bad_run
    result = CliRunner().invoke(
        main, ["ingest", str(folder / "empty.txt"), "--db", str(tmp_path / "r.db"), "--strict"]
    )
    assert result.exit_code == 3
    assert "empty article" in result.output


def test_a_file_deleted_between_listing_and_reading_is_a_failure(tmp_path, monkeypatch):
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("a", "b", "c"):
        (folder / f"{name}.txt").write_text(SENTENCE, encoding="utf-8")
    real = batch.iter_inputs

    def deleting(paths, stdin=None):
        for item in real(paths, stdin):
            (folder / "b.txt").unlink(missing_ok=True)
            yield item

    monkeypatch.setattr(batch, "iter_inputs", deleting)
    summary = batch.ingest([folder], tmp_path / "r.db", workers=1)
    assert (summary.new, summary.failed) == (2, 1)
    assert "cannot read file" in summary.failures[0].reason
    assert summary.failures[0].path.endswith("b.txt")


def test_an_unwritable_output_folder_is_one_line_naming_it_and_exit_1(tmp_path, monkeypatch):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    if os.access(locked, os.W_OK):  # root writes anywhere: make SQLite fail as it would
        real = sqlite3.connect

        def refusing(path, *args, **kwargs):
            if str(path).startswith(str(locked)):
                raise sqlite3.OperationalError("unable to open database file")
            return real(path, *args, **kwargs)

        monkeypatch.setattr(sqlite3, "connect", refusing)
    db = locked / "registry.db"
    result = CliRunner().invoke(main, ["ingest", str(CORPUS), "--db", str(db)])
    locked.chmod(0o755)
    assert result.exit_code == 1
    assert str(db) in result.output and "Hint" in result.output
    assert "Traceback" not in result.output


def test_a_full_disk_keeps_every_committed_batch_and_marks_the_run_failed(tmp_path, monkeypatch):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "batch.jsonl").write_text(
        jsonl(*({"id": f"a{i}", "text": SENTENCE} for i in range(4))), encoding="utf-8"
    )
    monkeypatch.setattr(batch, "BATCH_SIZE", 1)
    real = batch.write_extractions
    writes = []

    def filling(db, extractions, run_id, version):
        writes.extend(extraction.article.id for extraction in extractions)
        if len(writes) == 3:
            raise sqlite3.OperationalError("database or disk is full")
        real(db, extractions, run_id, version)

    monkeypatch.setattr(batch, "write_extractions", filling)
    db = tmp_path / "r.db"
    result = CliRunner().invoke(main, ["ingest", str(folder), "--db", str(db), "--workers", "1"])
    assert result.exit_code == 1
    assert "database or disk is full" in result.output and str(db) in result.output
    assert sorted(r[0] for r in table(db, "select id from articles")) == ["a0", "a1"]
    assert table(db, "select status from runs") == [("failed",)]
    monkeypatch.setattr(batch, "write_extractions", real)
    again = CliRunner().invoke(main, ["ingest", str(folder), "--db", str(db), "--workers", "1"])
    assert "2 new, 0 changed, 2 unchanged" in again.output


def test_a_large_jsonl_file_is_streamed_and_a_badly_encoded_line_is_its_own_failure(tmp_path):
    lines = [
        json.dumps({"id": f"a{i}", "text": SENTENCE * 40}, ensure_ascii=False).encode("gb18030")
        for i in range(2000)
    ]
    lines[1500] = b'{"id": "bad", "text": "\xff\xfe"}'
    path = tmp_path / "big.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    assert path.stat().st_size > 2 * JSONL_HEAD_BYTES
    items = list(iter_inputs([path]))
    articles = [i for i in items if isinstance(i, Article)]
    assert len(articles) == 1999 and {a.encoding for a in articles} == {"gb18030"}
    assert articles[-1].line == 2000 and articles[-1].text == SENTENCE * 40
    [failure] = [i for i in items if isinstance(i, IngestFailure)]
    assert (failure.line, failure.reason) == (1501, "line is not valid gb18030")


def _gzipped_batch(tmp_path: Path, count: int) -> Path:
    """A gzipped JSONL batch of ``count`` articles, in a folder of its own (an archive as shipped)."""
    folder = tmp_path / "archive"
    folder.mkdir()
    records = [{"id": f"g{i}", "text": f"第{i}篇。{SENTENCE * 5}"} for i in range(count)]
    (folder / "stories.jsonl.gz").write_bytes(gzip.compress(jsonl(*records).encode("utf-8")))
    return folder


def test_a_gzipped_jsonl_archive_is_read_like_its_plain_file(tmp_path):
    folder = _gzipped_batch(tmp_path, 300)
    plain = tmp_path / "stories.jsonl"
    plain.write_bytes(gzip.decompress((folder / "stories.jsonl.gz").read_bytes()))
    assert count_inputs([folder]) == count_inputs([plain]) == 300
    from_archive, from_plain = list(iter_inputs([folder])), list(iter_inputs([plain]))
    assert all(isinstance(i, Article) for i in from_archive)
    assert [(a.id, a.line, a.text) for a in from_archive] == [(a.id, a.line, a.text) for a in from_plain]


@pytest.mark.parametrize("count", [300, 10_000], ids=["within the encoding sample", "beyond it"])
def test_a_truncated_gzip_archive_keeps_the_articles_before_the_break(tmp_path, count):
    folder = _gzipped_batch(tmp_path, count)
    archive = folder / "stories.jsonl.gz"
    archive.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    *articles, failure = iter_inputs([folder])
    assert isinstance(failure, IngestFailure) and failure.path == str(archive)
    assert failure.reason.startswith(f"cannot read file after line {len(articles)}: ")
    assert "end-of-stream" in failure.reason
    assert count // 10 < len(articles) < count
    assert [a.id for a in articles] == [f"g{i}" for i in range(len(articles))]


def _bomb(path: Path, chars: int, first_line_bomb: bool = False) -> None:
    """Good articles around one line of ``chars`` characters, gzipped (a decompression bomb)."""
    good = [json.dumps({"id": f"good-{i}", "text": SENTENCE}, ensure_ascii=False) + "\n" for i in (1, 2)]
    with gzip.open(path, "wb") as out:
        if not first_line_bomb:
            out.write(good[0].encode())
        out.write(b'{"id": "bomb", "text": "')
        for _ in range(chars // (1 << 20)):
            out.write("啊".encode() * (1 << 20))
        out.write(b'"}\n' + good[1].encode())


@pytest.mark.parametrize("first_line_bomb", [False, True])
def test_a_decompression_bomb_is_one_failure_read_in_flat_memory(tmp_path, first_line_bomb):
    path = tmp_path / "bomb.jsonl.gz"
    _bomb(path, 40 << 20, first_line_bomb)  # 40 million characters, 120 MB decompressed, 0.1 MB on disk
    tracemalloc.start()
    try:
        assert count_inputs([path]) == (2 if first_line_bomb else 3)
        items = list(iter_inputs([path]))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [i.id for i in items if isinstance(i, Article)] == (
        ["good-2"] if first_line_bomb else ["good-1", "good-2"]
    )
    [failure] = [i for i in items if isinstance(i, IngestFailure)]
    assert failure.line == (1 if first_line_bomb else 2) and "too long" in failure.reason
    assert peak < 16 << 20, f"{peak / 2**20:.0f} MB held while reading a 120 MB line"


def test_a_line_too_long_on_stdin_is_a_failure_and_the_next_line_is_read():
    long_line = json.dumps({"id": "long", "text": "啊" * (MAX_ARTICLE_CHARS * 7)}, ensure_ascii=False)
    good = json.dumps({"id": "good", "text": SENTENCE}, ensure_ascii=False)
    items = list(iter_inputs(["-"], stdin=io.StringIO(f"{long_line}\n{good}\n")))
    assert isinstance(items[0], IngestFailure) and items[0].line == 1 and "too long" in items[0].reason
    assert isinstance(items[1], Article) and items[1].id == "good"
