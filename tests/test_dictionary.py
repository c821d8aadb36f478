"""jieba's dictionary, cached as a pickle in the user's cache folder and shared by the tokenizers."""

from __future__ import annotations

import jieba
import jieba.posseg
import pytest

from extract import dictionary


@pytest.fixture
def fresh_cache(tmp_path, monkeypatch):
    """An empty cache folder, and no dictionary loaded yet in this process."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    dictionary._shipped.cache_clear()
    yield tmp_path / "projreg"
    dictionary._shipped.cache_clear()


def test_first_load_writes_the_cache_the_second_reads_it(fresh_cache):
    built = dictionary._shipped()
    [cached] = fresh_cache.glob("jieba-*.pickle")
    assert oct(fresh_cache.stat().st_mode & 0o777) == "0o700"
    dictionary._shipped.cache_clear()
    assert dictionary._shipped() == built
    assert cached.stat().st_mtime_ns == next(fresh_cache.glob("jieba-*.pickle")).stat().st_mtime_ns


def test_the_dictionary_is_jiebas_own(fresh_cache):
    shipped = dictionary._shipped()
    reference = jieba.Tokenizer()
    reference.initialize()
    assert shipped.freq == reference.FREQ and shipped.total == reference.total
    tags = jieba.posseg.dt.word_tag_tab
    assert shipped.tags == tags
    assert shipped.tags["吉林"] == "ns"


def test_a_broken_cache_is_rebuilt(fresh_cache, caplog):
    dictionary._shipped()
    [cached] = fresh_cache.glob("jieba-*.pickle")
    cached.write_bytes(b"not a pickle")
    dictionary._shipped.cache_clear()
    assert dictionary._shipped().tags["吉林"] == "ns"
    assert "rebuilding the unreadable cache file" in caplog.text


def test_an_unwritable_cache_folder_still_gives_the_dictionary(tmp_path, monkeypatch, caplog):
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache folder would go")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    dictionary._shipped.cache_clear()
    try:
        assert dictionary.tokenizer().lcut("吉林世宝机械制造有限公司")[0] == "吉林"
        assert "cannot cache" in caplog.text
    finally:
        dictionary._shipped.cache_clear()


def test_tokenizers_with_words_do_not_change_each_other():
    plain = dictionary.tokenizer()
    with_word = dictionary.tokenizer(("绿电产业示范园区",))
    assert with_word.lcut("双辽市绿电产业示范园区") == ["双辽市", "绿电产业示范园区"]
    assert "绿电产业示范园区" not in plain.lcut("双辽市绿电产业示范园区")
    assert "绿电产业示范园区" not in dictionary.tokenizer().FREQ
