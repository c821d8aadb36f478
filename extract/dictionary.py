"""jieba's word segmentation: its dictionary loaded once per process, its algorithm run by jieba-rs.

Start-up time is a target of the batch tool (``benchmarks/throughput.py``).
jieba's own loading was the largest part of it: its cache is a ``marshal``
file that took 1.6 s to read here, ``jieba.posseg`` reads the dictionary
file again for the tags (0.6 s), and importing jieba costs 0.3 s (it
imports ``pkg_resources``). So the dictionary (frequencies and tags) is
kept as a pickle, built from jieba's dictionary file on first use, in the
user's private cache folder (:mod:`extract.cache`); jieba itself is only
imported to build that file.

Cutting words was the other large cost: jieba's pure-Python cut was a
quarter of the pipeline's CPU time. :class:`Words` gives jieba's words
from jieba-rs (``rjieba``: the same algorithm and dictionary in Rust, about
25 times faster). The test suite checks the words are jieba's, on random
text built from jieba's special cases and on the corpus.

The loaded data is shared by the extractors' segmenter (spaCy's tokens, the
organisation and project rules: :func:`shared_words`, with the rules' words
added by :mod:`extract.words`) and by one of jieba's dictionary alone, for
cross-article links and search (:func:`plain_words`).
"""

from __future__ import annotations

import hashlib
import importlib.util
import pickle
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

import rjieba

from .cache import cached

#: What jieba segments as one block (``jieba.re_han_default``); it splits text there first.
BLOCK = re.compile("([\u4e00-\u9fd5a-zA-Z0-9+#&\\._%\\-]+)")
#: Han characters as jieba's HMM step sees them (``jieba.finalseg.re_han``).
HAN = re.compile("([\u4e00-\u9fd5]+)")
#: How jieba's HMM step cuts a run without Han characters (``jieba.finalseg.re_skip``).
LATIN_RUN = re.compile(r"([a-zA-Z0-9]+(?:\.\d+)?%?)")
#: A run jieba's cut without HMM keeps together (``re_eng`` of ``jieba.__cut_DAG_NO_HMM``).
_ALNUM_RUN = re.compile("[a-zA-Z0-9]+")
#: A word of no text can hold it: pads jieba-rs's total to jieba's (see :meth:`Words.add_word`).
_PAD_WORD = "\U000f0000"


def _dictionary_file() -> Path:
    spec = importlib.util.find_spec("jieba")
    if spec is None or spec.origin is None:
        raise RuntimeError("jieba is not installed; its dictionary is projreg's. Hint: pip install -e .")
    return Path(spec.origin).parent / "dict.txt"


#: Low bits of a packed entry: the number of the word's tag (jieba has 55 tags); the rest is its frequency.
TAG_BITS = 8


class Dictionary(NamedTuple):
    """jieba's dictionary: per word (and prefix, see :func:`_build`) its frequency and tag, packed; the total.

    One table of ints rather than one of frequencies and one of tags: it loads
    in 0.25 s instead of 0.38 s (start-up), and takes 45 MB instead of 48 MB.
    """

    packed: dict[str, int]
    total: int
    #: Tag names by number; number 0 is no tag (a prefix that is no word).
    tag_names: tuple[str | None, ...]


def _build() -> bytes:
    """Read jieba's dictionary file (about 3 s), pickled.

    jieba's table also holds every prefix of a word, with frequency 0, for
    its own DAG; jieba-rs has its own. Kept are only the prefixes that can be
    a piece of jieba's cut (a single character, a run of Latin letters and
    digits), since jieba prices an added word by its pieces: 215 of 149,000,
    and the file loads 30 % faster.
    """
    import jieba

    path = _dictionary_file()
    with path.open("rb") as f:
        freq, total = jieba.Tokenizer().gen_pfdict(f)
    lines = path.read_text(encoding="utf-8")
    tags = dict(re.findall(r"^(\S+) \d+ (\S+)$", lines, re.MULTILINE))
    names = (None, *sorted(set(tags.values())))
    if len(names) > 1 << TAG_BITS:
        raise RuntimeError(f"jieba's dictionary has {len(names) - 1} tags; raise TAG_BITS ({TAG_BITS})")
    number = {name: i for i, name in enumerate(names)}
    packed = {
        word: f << TAG_BITS | number[tags.get(word)]
        for word, f in freq.items()
        if f or word in tags or len(word) == 1 or _ALNUM_RUN.fullmatch(word)
    }
    return pickle.dumps((packed, total, names), protocol=pickle.HIGHEST_PROTOCOL)


@cache
def _shipped() -> Dictionary:
    """The dictionary as shipped with jieba, from the cache (named by a digest of the dictionary file)."""
    digest = hashlib.sha256(_dictionary_file().read_bytes()).hexdigest()[:16]
    return cached(f"jieba-{digest}-v4.pickle", _build, lambda data: Dictionary(*pickle.loads(data)))


class Frequencies:
    """jieba's word frequencies (shared, never changed) with the words one segmenter added on top.

    Each segmenter with words of its own used to copy the whole table (20 MB a
    copy, in every worker); the added words are a few hundred.
    """

    def __init__(self, packed: dict[str, int]) -> None:
        self._shipped, self._added = packed, {}

    def get(self, word: str, default: int | None = None) -> int | None:
        found = self._added.get(word)
        if found is not None:
            return found
        packed = self._shipped.get(word)
        return default if packed is None else packed >> TAG_BITS

    def __setitem__(self, word: str, freq: int) -> None:
        self._added[word] = freq

    def setdefault(self, word: str, freq: int) -> int:
        found = self.get(word)
        if found is None:
            self._added[word] = found = freq
        return found


class Tags:
    """jieba's part-of-speech tag per word (what ``jieba.posseg`` looks up, without its model)."""

    def __init__(self, dictionary: Dictionary) -> None:
        self._packed, self._names = dictionary.packed, dictionary.tag_names

    def get(self, word: str, default: str | None = None) -> str | None:
        packed = self._packed.get(word)
        name = None if packed is None else self._names[packed & ((1 << TAG_BITS) - 1)]
        return default if name is None else name


class Words:
    """jieba's segmentation of jieba's dictionary plus added words, computed by jieba-rs.

    jieba-rs implements jieba's algorithm (a DAG of dictionary words, the best
    route by frequency, an HMM for runs of unknown characters) with jieba's
    dictionary built in. Its differences from jieba are made good here:

    - a run of Latin letters, digits and symbols that is no word (TD-LTE,
      www.gov.cn) is kept whole by jieba-rs; jieba cuts it at its symbols;
    - adding a word jieba already knows: jieba adds its frequency to the
      total again, jieba-rs replaces it; a padding word that no text can hold
      keeps the two totals equal, so every route scores the same.

    One difference remains: where two routes tie exactly (the same words in
    another order, 一|一一 and 一一|一 in 一一一可), float rounding may pick the
    other one. No text of the corpus meets it; random text does.
    """

    def __init__(
        self, packed: dict[str, int], total: int, words: tuple[str, ...] = (), engine: Any = None
    ) -> None:
        #: jieba's frequencies (0 for prefixes; from :attr:`Dictionary.packed`) and total, with
        #: the added words: the reference.
        self.FREQ, self.total = Frequencies(packed), total
        #: A jieba-rs segmenter of jieba's dictionary (anything with its ``cut`` and ``add_word``).
        self._rust = engine or rjieba.Jieba()
        self._padding = 0
        for word in words:
            self.add_word(word)

    def add_word(self, word: str) -> None:
        """Add ``word`` as ``jieba.add_word`` does: with a frequency just enough to keep it whole."""
        freq = self.suggest_freq(word)
        self._padding += self.FREQ.get(word, 0)
        self.FREQ[word] = freq
        self.total += freq
        for end in range(1, len(word)):
            self.FREQ.setdefault(word[:end], 0)
        self._rust.add_word(word, freq, None)
        if self._padding:
            self._rust.add_word(_PAD_WORD, self._padding, None)

    def suggest_freq(self, word: str) -> int:
        """jieba's ``suggest_freq(word)``: the frequency at which ``word`` beats its own pieces."""
        freq = 1.0
        for piece in self.cut(word, HMM=False):
            freq *= self.FREQ.get(piece, 1) / float(self.total)
        return max(int(freq * self.total) + 1, self.FREQ.get(word, 1))

    def cut(self, text: str, HMM: bool = True) -> list[str]:
        """jieba's words of ``text`` (accurate mode), in order; ``HMM=False``: unknown characters apart."""
        out: list[str] = []
        for word in self._rust.cut(text, HMM):
            if HMM and len(word) > 1 and not HAN.search(word) and not self.FREQ.get(word):
                out.extend(piece for piece in LATIN_RUN.split(word) if piece)
            else:
                out.append(word)
        return out

    def cut_for_search(self, text: str) -> Iterator[str]:
        """jieba's search mode: each word, after the dictionary words of two, then three characters in it."""
        for word in self.cut(text):
            for size in (2, 3):
                if len(word) > size:
                    grams = (word[i : i + size] for i in range(len(word) - size + 1))
                    yield from (gram for gram in grams if self.FREQ.get(gram))
            yield word


def tokenizer(words: tuple[str, ...] = ()) -> Words:
    """A segmenter of the shipped dictionary plus ``words``, independent of every other one.

    The shipped table is shared by all, never copied (see :class:`Frequencies`).
    """
    shipped = _shipped()
    return Words(shipped.packed, shipped.total, words)


@cache
def shared_words() -> Words:
    """The process's shared segmenter; :mod:`extract.words` adds the rules' words to it.

    It runs on rjieba's module-level segmenter, which ``import rjieba``
    builds anyway (0.17 s, 25 MB): another one would only cost start-up.
    """
    shipped = _shipped()
    return Words(shipped.packed, shipped.total, engine=rjieba)


@cache
def plain_words() -> Words:
    """jieba's own dictionary, no word added: cross-article links and search never change with the rules."""
    return tokenizer()


@cache
def word_tags() -> Tags:
    """jieba's dictionary part-of-speech tag per word (what ``jieba.posseg`` looks up, without its model)."""
    return Tags(_shipped())
