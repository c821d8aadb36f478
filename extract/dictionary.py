"""jieba's word segmentation: its dictionary loaded once per process, its algorithm run by jieba-rs.

Start-up time is a target of the batch tool (``benchmarks/throughput.py``),
and jieba's own loading was the largest part of it: its cache is a
``marshal`` file that takes 1.6 s to read here, and ``jieba.posseg`` reads
the dictionary file again for the tags (0.6 s). The same data as a pickle
loads in 0.35 s, so this module keeps one, built from jieba's dictionary
file on first use, in the user's private cache folder (:mod:`extract.cache`).

Cutting words was the other large cost: jieba's pure-Python cut was a
quarter of the pipeline's CPU time. :class:`Words` gives jieba's words
from jieba-rs (``rjieba``, the same algorithm and dictionary in Rust, about
25 times faster); jieba's dictionary stays the reference for frequencies,
tags and added words, and the test suite checks the words are jieba's.

Three users share the loaded data: the shared segmenter (spaCy's tokens and
the organisation rules, with our lexicon added by :mod:`extract.nlp`), and
segmenters of their own for project names and cross-article links
(:func:`tokenizer`).
"""

from __future__ import annotations

import logging
import pickle
import re
from functools import cache
from pathlib import Path
from typing import NamedTuple

import jieba
import rjieba
from jieba import finalseg

from .cache import cached


class Dictionary(NamedTuple):
    """jieba's prefix dictionary (word → frequency, 0 for prefixes), its total, and word → POS tag."""

    freq: dict[str, int]
    total: int
    tags: dict[str, str]


def _dictionary_file() -> Path:
    return Path(jieba.__file__).parent / jieba.DEFAULT_DICT_NAME


def _build() -> bytes:
    """Read jieba's dictionary file (about 3 s), pickled."""
    path = _dictionary_file()
    with path.open("rb") as f:
        freq, total = jieba.Tokenizer().gen_pfdict(f)
    lines = path.read_text(encoding="utf-8")
    tags = dict(re.findall(r"^(\S+) \d+ (\S+)$", lines, re.MULTILINE))
    return pickle.dumps((freq, total, tags), protocol=pickle.HIGHEST_PROTOCOL)


@cache
def _shipped() -> Dictionary:
    """The dictionary as shipped with jieba, from the cache (named by jieba's version and dictionary file)."""
    stat = _dictionary_file().stat()
    name = f"jieba-{jieba.__version__}-{stat.st_size}-{int(stat.st_mtime)}.pickle"
    return cached(name, _build, lambda data: Dictionary(*pickle.loads(data)))


def prepare_shared_tokenizer() -> jieba.Tokenizer:
    """jieba's shared tokenizer (``jieba.cut``), loaded from the shipped dictionary unless it already is.

    Called on hot paths (every common-word test), so an initialised tokenizer returns at once.
    """
    if not jieba.dt.initialized:
        jieba.setLogLevel(logging.WARNING)
        shipped = _shipped()
        jieba.dt.FREQ, jieba.dt.total = dict(shipped.freq), shipped.total
        jieba.dt.initialized = True
    return jieba.dt


#: A character jieba's HMM step treats as Han (``finalseg.re_han``); words without one are Latin/digit runs.
_HAN = re.compile("[\u4e00-\u9fd5]")
#: A word of no text can hold it: pads jieba-rs's total to jieba's (see :meth:`Words.add_word`).
_PAD_WORD = "\U000f0000"


class Words:
    """jieba's segmentation of a jieba dictionary (plus added words), computed by jieba-rs.

    jieba-rs implements jieba's algorithm (a DAG of dictionary words, the best
    route by frequency, an HMM for runs of unknown characters) with jieba's
    own dictionary built in. Two differences are made good here, so the words
    are jieba's (a property test compares them on random text):

    - a run of Latin letters, digits and symbols that is no word (TD-LTE,
      www.gov.cn) is kept whole by jieba-rs; jieba cuts it at its symbols;
    - adding a word jieba already knows: jieba adds its frequency to the
      total again, jieba-rs replaces it; a padding word that no text can hold
      keeps the two totals equal, so every route scores the same.
    """

    def __init__(self, dictionary: jieba.Tokenizer, words: tuple[str, ...] = ()) -> None:
        #: The reference: frequencies (``FREQ``) and the frequency jieba gives an added word.
        self.dictionary = dictionary
        self._rust = rjieba.Jieba()
        self._padding = 0
        for word in words:
            self.add_word(word)

    @property
    def FREQ(self) -> dict[str, int]:
        return self.dictionary.FREQ

    def add_word(self, word: str) -> None:
        """Add ``word`` with the frequency jieba would give it (enough to keep it whole)."""
        self._padding += self.dictionary.FREQ.get(word, 0)
        self.dictionary.add_word(word)
        self._rust.add_word(word, self.dictionary.FREQ[word], None)
        if self._padding:
            self._rust.add_word(_PAD_WORD, self._padding, None)

    def cut(self, text: str, cut_all: bool = False, HMM: bool = True) -> list[str]:
        """jieba's words of ``text``, in order; ``HMM=False`` keeps unknown characters apart as jieba does."""
        if cut_all:
            raise ValueError("Words.cut gives jieba's accurate mode only (cut_all=False)")
        out: list[str] = []
        for word in self._rust.cut(text, HMM):
            if HMM and len(word) > 1 and not _HAN.search(word) and not self.FREQ.get(word):
                out.extend(piece for piece in finalseg.re_skip.split(word) if piece)
            else:
                out.append(word)
        return out

    lcut = cut


@cache
def shared_words() -> Words:
    """The process's shared segmenter, over jieba's shared dictionary (``jieba.dt``)."""
    return Words(prepare_shared_tokenizer())


def tokenizer(words: tuple[str, ...] = ()) -> Words:
    """A segmenter of the shipped dictionary plus ``words``, independent of every other one.

    Without words it shares the shipped table (read-only) instead of copying it.
    """
    shipped = _shipped()
    tk = jieba.Tokenizer()
    tk.FREQ = dict(shipped.freq) if words else shipped.freq
    tk.total, tk.initialized = shipped.total, True
    return Words(tk, words)


def word_tags() -> dict[str, str]:
    """jieba's dictionary part-of-speech tag per word (what ``jieba.posseg`` looks up, without its model)."""
    return _shipped().tags
