"""Reading inputs: ids, metadata, encodings, and every bad input reported with its reason."""

from __future__ import annotations

import io
import json

from conftest import CORPUS

from extract.ingest import iter_inputs
from extract.models import Article, IngestFailure

SEED = "003_a2ea863acaabccfd"


def split(items):
    arts = [i for i in items if isinstance(i, Article)]
    fails = [i for i in items if isinstance(i, IngestFailure)]
    return arts, fails


def test_seed_folder_gives_ids_and_metadata_from_the_sidecar():
    arts, fails = split(list(iter_inputs([CORPUS])))
    assert not fails
    by_id = {a.id: a for a in arts}
    assert set(by_id) == {"000_8737681036cd964a", SEED}
    assert str(by_id[SEED].date) == "2025-08-15"
    assert by_id[SEED].title.startswith("下好“先手棋”")
    assert "林巍" in by_id[SEED].text


def test_gbk_file_is_detected_not_guessed(tmp_path, seed_texts):
    text = seed_texts[SEED]
    (tmp_path / "a.txt").write_bytes(text.encode("gbk", errors="ignore"))
    (tmp_path / "b.md").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    arts, fails = split(list(iter_inputs([tmp_path])))
    assert not fails
    assert {a.encoding for a in arts} >= {"gb18030"}
    assert all("计划总投资7.52亿元" in a.text for a in arts)


def test_bad_inputs_are_failures_with_path_and_reason(tmp_path, seed_texts):
    (tmp_path / "good.txt").write_text(seed_texts[SEED], encoding="utf-8")
    (tmp_path / "junk.txt").write_bytes(bytes(range(256)) * 20)
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.md").write_text(" \n\t\n", encoding="utf-8")
    lines = [
        json.dumps(
            {"id": "j1", "text": "计划总投资3亿元的某项目开工。", "date": "2024-03-01"}, ensure_ascii=False
        ),
        '{"id": "broken", "text": ',
        json.dumps({"id": "j2"}),
        json.dumps({"id": "j3", "text": 42}),
        json.dumps({"id": "j1", "text": "重复的编号。"}, ensure_ascii=False),
    ]
    (tmp_path / "batch.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    arts, fails = split(list(iter_inputs([tmp_path])))
    assert sorted(a.id for a in arts) == ["good", "j1"]
    reasons = {(f.path.rsplit("/", 1)[-1], f.line): f.reason for f in fails}
    assert "malformed JSON" in reasons[("batch.jsonl", 2)]
    assert "missing field 'text'" in reasons[("batch.jsonl", 3)]
    assert "must be a string" in reasons[("batch.jsonl", 4)]
    assert "duplicate article id" in reasons[("batch.jsonl", 5)]
    assert "empty" in reasons[("empty.txt", None)]
    assert "empty" in reasons[("blank.md", None)]
    assert reasons[("junk.txt", None)]


def test_stdin_jsonl_and_missing_path(tmp_path):
    stdin = io.StringIO(json.dumps({"id": "s1", "text": "总投资5亿元。"}, ensure_ascii=False) + "\n")
    arts, fails = split(list(iter_inputs(["-", tmp_path / "nope.txt"], stdin=stdin)))
    assert [a.id for a in arts] == ["s1"]
    assert fails[0].reason == "no such file or directory"


def test_one_article_given_as_html_and_as_a_jsonl_line_is_unchanged_not_a_failure(tmp_path):
    text = "计划总投资3亿元的某某新材料项目今年开工。\n项目建成后年产值5亿元。"
    body = "".join(f"<p>{line}</p>" for line in text.splitlines())
    (tmp_path / "a1.html").write_text(
        f"<html><head><title>新材料项目开工</title></head><body>{body}</body></html>", encoding="utf-8"
    )
    lines = [{"id": "a1", "text": text.replace("\n", "\n\n")}, {"id": "a1", "text": "另一篇文章。"}]
    (tmp_path / "more.jsonl").write_text(
        "\n".join(json.dumps(line, ensure_ascii=False) for line in lines) + "\n", encoding="utf-8"
    )
    items = list(iter_inputs([tmp_path]))
    arts, fails = split(items)
    assert [a.id for a in arts] == ["a1"]
    assert [type(i).__name__ for i in items].count("Unchanged") == 1, "the same text again is unchanged"
    [failure] = fails
    assert failure.line == 2 and "duplicate article id" in failure.reason, "another text stays a failure"
