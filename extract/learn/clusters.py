"""Word classes learnt from unlabelled news (``rules/clusters/words.tsv``; ``tools/build_clusters.py``).

A model that learnt ``prev:致电`` from the gold knows nothing of a word the
gold never showed before a name; it does know the word's class if the
features name it, and words used alike (营业收入 and 销售额, 铁路 and 公路)
share a class. Each word has a coarse and a fine class; words outside the
list have none.
"""

from __future__ import annotations

from functools import cache

from ..rules import RulesError, rules_dir


@cache
def word_classes() -> dict[str, tuple[str, str]]:
    """Each listed word's (coarse, fine) class, read once; a clear error for a missing or broken file."""
    path = rules_dir() / "clusters" / "words.tsv"
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise RulesError(f"rule file {path} is missing. Hint: tools/build_clusters.py rebuilds it") from exc
    out = {}
    for number, line in enumerate(lines[1:], start=2):
        fields = line.split("\t")
        if len(fields) != 3 or not all(f.isdigit() for f in fields[1:]):
            raise RulesError(f"{path}:{number}: expected a word and two class numbers, got {line!r}")
        out[fields[0]] = (fields[1], fields[2])
    return out


def class_features(prefix: str, word: str, out: dict[str, float]) -> None:
    """Add the word's classes to ``out`` as ``prefix~N`` (coarse) and ``prefix~~N`` (fine)."""
    classes = word_classes().get(word)
    if classes is not None:
        out[f"{prefix}~{classes[0]}"] = 1.0
        out[f"{prefix}~~{classes[1]}"] = 1.0
