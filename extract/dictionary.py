"""jieba's dictionary (word frequencies and part-of-speech tags), loaded once per process and shared.

Start-up time is a target of the batch tool (``benchmarks/throughput.py``),
and jieba's own loading was the largest part of it: its cache is a
``marshal`` file that takes 1.6 s to read here, and ``jieba.posseg`` reads
the dictionary file again for the tags (0.6 s). The same data as a pickle
loads in 0.35 s, so this module keeps one, built from jieba's dictionary
file on first use, in the user's cache folder (``$XDG_CACHE_HOME/projreg``,
private to the user, since a pickle must never come from a shared folder).
If the folder cannot be written, the data is built in memory each time.

Three users share the loaded data: jieba's shared tokenizer (spaCy's
tokens, with our lexicon added by :mod:`extract.nlp`), and tokenizers of
their own for project names and cross-article links (:func:`tokenizer`).
"""

from __future__ import annotations

import logging
import os
import pickle
import re
from functools import cache
from pathlib import Path
from typing import NamedTuple

import jieba

logger = logging.getLogger(__name__)


class Dictionary(NamedTuple):
    """jieba's prefix dictionary (word → frequency, 0 for prefixes), its total, and word → POS tag."""

    freq: dict[str, int]
    total: int
    tags: dict[str, str]


def cache_folder() -> Path:
    """Where projreg keeps data derived from installed packages (never anything downloaded)."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "projreg"


def _dictionary_file() -> Path:
    return Path(jieba.__file__).parent / jieba.DEFAULT_DICT_NAME


def _cache_file() -> Path:
    """The pickle's name changes with jieba's version and its dictionary file."""
    stat = _dictionary_file().stat()
    return cache_folder() / f"jieba-{jieba.__version__}-{stat.st_size}-{int(stat.st_mtime)}.pickle"


def _build() -> Dictionary:
    """Read jieba's dictionary file (about 3 s)."""
    path = _dictionary_file()
    with path.open("rb") as f:
        freq, total = jieba.Tokenizer().gen_pfdict(f)
    lines = path.read_text(encoding="utf-8")
    tags = dict(re.findall(r"^(\S+) \d+ (\S+)$", lines, re.MULTILINE))
    return Dictionary(freq, total, tags)


@cache
def _shipped() -> Dictionary:
    """The dictionary as shipped with jieba: from the cache, or built and then cached."""
    path = _cache_file()
    try:
        with path.open("rb") as f:
            return Dictionary(*pickle.load(f))
    except FileNotFoundError:
        pass
    except (OSError, pickle.UnpicklingError, EOFError, TypeError, ValueError) as err:
        logger.warning("rebuilding the unreadable jieba cache %s: %s", path, err)
    data = _build()
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        partial = path.with_name(f"{path.name}.{os.getpid()}.part")
        with partial.open("wb") as f:
            pickle.dump(tuple(data), f, protocol=pickle.HIGHEST_PROTOCOL)
        partial.replace(path)  # atomic: a parallel process reads the old file or the new one
    except OSError as err:
        logger.warning("cannot cache jieba's dictionary in %s (%s); it is read afresh each time", path, err)
    return data


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


def tokenizer(words: tuple[str, ...] = ()) -> jieba.Tokenizer:
    """A jieba tokenizer of the shipped dictionary plus ``words``, independent of every other one.

    Without words it shares the shipped table (read-only) instead of copying it.
    """
    shipped = _shipped()
    tk = jieba.Tokenizer()
    tk.FREQ = dict(shipped.freq) if words else shipped.freq
    tk.total, tk.initialized = shipped.total, True
    for word in words:
        tk.add_word(word)
    return tk


def word_tags() -> dict[str, str]:
    """jieba's dictionary part-of-speech tag per word (what ``jieba.posseg`` looks up, without its model)."""
    return _shipped().tags
