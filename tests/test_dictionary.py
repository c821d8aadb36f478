"""jieba's dictionary, cached as a pickle in the user's cache folder and shared by the tokenizers."""

from __future__ import annotations

import itertools
import re
from functools import cache

import jieba
import jieba.posseg
import pytest
from conftest import corpus_articles
from hypothesis import given, settings
from hypothesis import strategies as st

from extract import dictionary
from extract.projects import grammar


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


#: A prefix that can be a piece of jieba's cut, besides a single character.
PIECE = re.compile("[a-zA-Z0-9]+")


def test_the_dictionary_is_jiebas_own(fresh_cache):
    shipped = dictionary._shipped()
    reference = jiebas_own()
    assert shipped.total == reference.total
    freq = {w: p >> dictionary.TAG_BITS for w, p in shipped.packed.items()}
    assert {w: f for w, f in freq.items() if f} == {w: f for w, f in reference.FREQ.items() if f}
    tags = jieba.posseg.dt.word_tag_tab
    kept = {w for w, f in reference.FREQ.items() if not f and (len(w) == 1 or PIECE.fullmatch(w))} | {
        w for w in tags if not reference.FREQ[w]
    }
    assert {w for w, f in freq.items() if not f} == kept
    assert {w: dictionary.Tags(shipped).get(w) for w in tags} == tags
    assert {w for w in freq if dictionary.Tags(shipped).get(w) is not None} == set(tags)


def test_a_broken_cache_is_rebuilt(fresh_cache, caplog):
    dictionary._shipped()
    [cached] = fresh_cache.glob("jieba-*.pickle")
    cached.write_bytes(b"not a pickle")
    dictionary._shipped.cache_clear()
    assert dictionary.Tags(dictionary._shipped()).get("吉林") == "ns"
    assert "rebuilding the unreadable cache file" in caplog.text


def test_an_unwritable_cache_folder_still_gives_the_dictionary(tmp_path, monkeypatch, caplog):
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache folder would go")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    dictionary._shipped.cache_clear()
    try:
        assert dictionary.tokenizer().cut("吉林世宝机械制造有限公司")[0] == "吉林"
        assert "cannot cache" in caplog.text
    finally:
        dictionary._shipped.cache_clear()


def test_tokenizers_with_words_do_not_change_each_other():
    plain = dictionary.tokenizer()
    with_word = dictionary.tokenizer(("绿电产业示范园区",))
    assert (
        dictionary.tokenizer(("绿电产业示范园区",)).FREQ._shipped is dictionary._shipped().packed
    )  # never copied
    assert with_word.cut("双辽市绿电产业示范园区") == ["双辽市", "绿电产业示范园区"]
    assert "绿电产业示范园区" not in plain.cut("双辽市绿电产业示范园区")
    assert dictionary.tokenizer().FREQ.get("绿电产业示范园区") is None


@cache
def jiebas_own() -> jieba.Tokenizer:
    """jieba as it loads itself (every prefix of every word in its table)."""
    tk = jieba.Tokenizer()
    tk.initialize()
    return tk


@cache
def _reference(words: tuple[str, ...] = ()) -> jieba.Tokenizer:
    """jieba itself (its pure-Python cut) over its own dictionary, with the added words."""
    tk = jieba.Tokenizer()
    tk.FREQ, tk.total, tk.initialized = dict(jiebas_own().FREQ), jiebas_own().total, True
    for word in words:
        tk.add_word(word)
    return tk


def test_the_patterns_are_jiebas():
    assert dictionary.BLOCK.pattern == jieba.re_han_default.pattern
    assert dictionary.HAN.pattern == jieba.finalseg.re_han.pattern
    assert dictionary.LATIN_RUN.pattern == jieba.finalseg.re_skip.pattern


def test_added_words_get_jiebas_frequencies_and_search_mode_is_jiebas():
    words, reference = _words(added()), _reference(added())
    assert words.total == reference.total
    assert all(words.FREQ.get(w) == f for w, f in reference.FREQ.items() if f)
    text = "计划总投资7.52亿元的双辽市绿电产业示范园区15万千瓦风电项目，中华人民共和国国家发展和改革委员会"
    assert list(words.cut_for_search(text)) == list(reference.cut_for_search(text))


#: Characters where jieba's cut has its special cases: Han, Latin runs, digits with dots and
#: percent signs, hyphens, whitespace and line ends, full-width forms, punctuation.
PIECES = [
    *"的一是在不了有和人中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工能下过子说产",
    *"abcXYZ0123456789.-%_+#& \n\r\t，。、；：“”（）％．－—１２ＡＢαé",
    "\r\n", "万千瓦", "有限公司", "TD-LTE", "www.gov.cn", "3.5%", "1.2.39", "绿电产业示范园区", "风电",
]  # fmt: skip


@cache
def added() -> tuple[str, ...]:
    """Words added as the project rules add them: most are already in jieba's dictionary (风电, 项目)."""
    rules = grammar().rules
    return (
        "绿电产业示范园区",
        *(w for w in (*rules.heads.strong, *rules.heads.weak, *rules.boundaries) if len(w) > 1),
    )


@settings(max_examples=300, deadline=None)
@given(pieces=st.lists(st.sampled_from(PIECES), max_size=30), hmm=st.booleans(), with_words=st.booleans())
def test_words_are_jiebas_words(pieces, hmm, with_words):
    """jieba-rs behind Words cuts as jieba does, with or without its HMM and added words.

    Where two routes tie exactly (the same words in another order: 一|一一 and
    一一|一 in 一一一), float rounding may pick the other one.
    """
    words = added() if with_words else ()
    text = "".join(pieces)
    ours, jiebas = _words(words).cut(text, HMM=hmm), _reference(words).lcut(text, HMM=hmm)
    assert ours == jiebas or sorted(ours) == sorted(jiebas)


@pytest.mark.shared
def test_words_are_jiebas_words_on_the_corpus():
    texts = [a["text"] for a in itertools.islice(corpus_articles().values(), 0, None, 10)]
    assert sum(map(len, texts)) > 100_000
    for words in ((), added()):
        for text in texts:
            assert _words(words).cut(text) == _reference(words).lcut(text)


@cache
def _words(words: tuple[str, ...]) -> dictionary.Words:
    return dictionary.tokenizer(words)
