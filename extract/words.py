"""The segmenter the extractors share: jieba's dictionary plus every word the rules keep whole.

One segmenter per process, not one per extractor: each jieba-rs segmenter
costs 0.15 s of start-up and 25 MB in every worker, and one set of words
makes the spaCy tokens, the organisation rules and the project rules agree.
The words come from ``rules/lexicon.yml``: its own list, and the word lists
of other rule files it names (the project grammar's heads, boundaries,
titles and zones), so that each list is written once.
"""

from __future__ import annotations

from functools import cache

from pydantic import BaseModel

from .dictionary import Words, shared_words
from .rules import RulesError, load_rules, raw_rules, rules_dir


class Lexicon(BaseModel):
    """``rules/lexicon.yml``: words the segmenter must keep whole (units, company suffixes, place names)."""

    words: list[str]
    #: Word lists of other rule files, by file name: dotted paths such as ``heads.strong``.
    from_rules: dict[str, list[str]] = {}


def _word_list(name: str, path: str) -> list[str]:
    """The list of words at the dotted ``path`` of rule file ``name``; a clear error if there is none."""
    value: object = raw_rules(name)
    for key in path.split("."):
        value = value.get(key) if isinstance(value, dict) else None
    if not (isinstance(value, list) and all(isinstance(word, str) for word in value)):
        where = rules_dir() / "lexicon.yml"
        raise RulesError(f"{where}: from_rules: {name}.yml has no list of words at {path}")
    return value


@cache
def kept_words() -> tuple[str, ...]:
    """The words to keep whole, each once, in file order.

    A word taken from another file is kept only if it has two characters or
    more: one character made a word would cut unknown names apart (金建铁路).
    """
    lexicon = load_rules("lexicon", Lexicon)
    borrowed = (
        word
        for name, paths in lexicon.from_rules.items()
        for path in paths
        for word in _word_list(name, path)
        if len(word) > 1
    )
    return tuple(dict.fromkeys([*lexicon.words, *borrowed]))


@cache
def extraction_words() -> Words:
    """The process's segmenter for extraction: jieba's words with :func:`kept_words` added, once."""
    words = shared_words()
    for word in kept_words():
        words.add_word(word)
    return words
