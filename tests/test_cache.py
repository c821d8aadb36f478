"""The cache folder: stale files removed (building, damage and rebuilding: test_dictionary, test_ner)."""

from __future__ import annotations

import os
import time

from extract import cache


def test_a_build_removes_week_old_files_of_its_kind_only(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    folder = tmp_path / "projreg"
    folder.mkdir()
    week_old = time.time() - cache.STALE_AFTER_S - 60
    files = {
        name: folder / name
        for name in (
            "jieba-0ld-v3.pickle",
            "jieba-1.pickle.99.part",
            "jieba-recent-v3.pickle",
            "lac-encoder-0.onnx",
        )
    }
    for name, path in files.items():
        path.write_bytes(b"x")
        if name != "jieba-recent-v3.pickle":
            os.utime(path, (week_old, week_old))

    assert cache.cached("jieba-new-v4.pickle", lambda: b"built", bytes.decode) == "built"

    left = sorted(p.name for p in folder.iterdir())
    assert left == ["jieba-new-v4.pickle", "jieba-recent-v3.pickle", "lac-encoder-0.onnx"]


def test_reading_a_cached_file_removes_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    cache.cached("jieba-a.pickle", lambda: b"a", bytes.decode)
    old = tmp_path / "projreg" / "jieba-b.pickle"
    old.write_bytes(b"b")
    os.utime(old, (0, 0))
    assert cache.cached("jieba-a.pickle", lambda: b"rebuilt", bytes.decode) == "a"
    assert old.exists()
