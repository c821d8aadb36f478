"""Sentence boundaries of Chinese text, as character spans.

A sentence ends at 。！？!? and at ；; (with any closing quotes or brackets
that follow), and at every paragraph break: press reports chain independent
facts with semicolons, and attributes must not leak across them. Offsets, not
strings, so that every extractor can say which sentence a value came from.
"""

from __future__ import annotations

import regex

_SENTENCE = regex.compile(r"[^\n。！？!?；;]*(?:[。！？!?；;]+[”’」』）)\"']*|\n|$)")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Spans ``(start, end)`` of the non-blank sentences of ``text``, in order, trimmed of whitespace."""
    spans: list[tuple[int, int]] = []
    for match in _SENTENCE.finditer(text):
        start, end = match.span()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            spans.append((start, end))
    return spans


def sentence_at(spans: list[tuple[int, int]], offset: int) -> tuple[int, int] | None:
    """The sentence span containing ``offset`` (binary search over sorted spans)."""
    lo, hi = 0, len(spans)
    while lo < hi:
        mid = (lo + hi) // 2
        if spans[mid][1] <= offset:
            lo = mid + 1
        else:
            hi = mid
    if lo < len(spans) and spans[lo][0] <= offset < spans[lo][1]:
        return spans[lo]
    return None
