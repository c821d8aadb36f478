"""The article as the name finders and the NER model read it: layout breaks inside prose removed (with
the way back to the given offsets), and the units the NER model is given."""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from dataclasses import dataclass

import regex

from ..ner import Entity, NerModel
from .grammar import NAME_CHAR_RE, Grammar, company_rules

# --------------------------------------------------------------------------- text view


@dataclass(frozen=True)
class TextView:
    """The text with layout breaks inside a line of prose removed, and the way back.

    E-paper dumps cut ``有限公\\n\\n司`` across columns; the cleaner joins most of
    these, and this view joins the rest so a name is matched whole. ``origin[i]``
    is the offset in the given text of view character ``i``.
    """

    text: str
    origin: list[int]

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        return self.origin[start], self.origin[end - 1] + 1

    def to_view(self, offset: int) -> int:
        return bisect.bisect_left(self.origin, offset)


_LAYOUT_BREAK = regex.compile(r"(?<=[\p{Han}A-Za-z0-9])[ \t\u3000]*\n\s*(?=\p{Han})")
MIN_PROSE_LINE = 20
"""A line shorter than this before a break is a heading or caption, not prose cut by a column."""


def text_view(text: str) -> TextView:
    """Drop each line break (and the space around it) that ends a line of prose mid-sentence.

    A line with fields set apart by a space is a row of a table (项目名称 总投资 建设单位): its
    break is real, and the name ending it is not continued by the next row's first words.
    """
    keep = [True] * len(text)
    for match in _LAYOUT_BREAK.finditer(text):
        line_start = text.rfind("\n", 0, match.start()) + 1
        row = " " in text[line_start : match.start()]
        if match.start() - line_start >= MIN_PROSE_LINE and not row:
            for i in range(*match.span()):
                keep[i] = False
    origin = [i for i, k in enumerate(keep) if k]
    return TextView("".join(text[i] for i in origin), origin)


def _ner_units(view: TextView, sentences: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Caller's sentences in view coordinates, merged where a layout break was removed."""
    units: list[tuple[int, int]] = []
    for s, e in sentences:
        vs, ve = view.to_view(s), view.to_view(e)
        if ve <= vs:
            continue
        if units and units[-1][1] == vs and NAME_CHAR_RE.match(view.text[vs - 1]):
            units[-1] = (units[-1][0], ve)
        else:
            units.append((vs, ve))
    return units


def worth_ner(sentence: str, grammar: Grammar | None = None) -> bool:
    """The cheap test deciding whether the NER model runs on a sentence."""
    return bool((grammar or company_rules()).trigger_re.search(sentence))


def _model_units(
    view: TextView, sentences: list[tuple[int, int]], g: Grammar, only_triggered: bool
) -> list[tuple[int, int]]:
    """The units the NER model reads, in view coordinates."""
    units = [piece for unit in _ner_units(view, sentences) for piece in _pieces(view.text, *unit)]
    if not only_triggered:
        return units
    return [run for unit in units for run in _triggered(view.text, *unit, g)]


#: A sentence up to this long is read whole when a trigger is in it; a longer one only in its clauses
#: with a trigger (runs of them read together). In a long sentence the other clauses seldom name a
#: company (``……，加快培育龙头企业，……``), and the model's cost grows with what it reads: the newest
#: news stories send a quarter of their text to the model by whole sentences, a sixth by
#: clauses. Cross-validated company F1 did not move (0.808 / 0.806 → 0.809 / 0.804 on two deals of
#: the folds); a short sentence keeps its whole context (CLUENER's sentences, up to 50 characters).
NER_WHOLE = 50
_CLAUSE_RE = regex.compile(r"[^，,；;：:]+[，,；;：:]?")


def _triggered(text: str, start: int, end: int, g: Grammar) -> list[tuple[int, int]]:
    """What the NER model reads of the unit ``[start, end)``: see :data:`NER_WHOLE`."""
    if end - start <= NER_WHOLE:
        return [(start, end)] if worth_ner(text[start:end], g) else []
    runs: list[tuple[int, int]] = []
    for clause in _CLAUSE_RE.finditer(text, start, end):
        if worth_ner(clause.group(), g):
            if runs and runs[-1][1] == clause.start():
                runs[-1] = (runs[-1][0], clause.end())
            else:
                runs.append(clause.span())
    return runs


#: The longest unit the NER model reads: a longer sentence (a list of rows read as one, a page pasted
#: without punctuation) is cut, at a break where there is one. The network reads a unit alone, step
#: by step; cut, the pieces share its calls with the other sentences (88k characters: 10 s → 1 s).
NER_UNIT = 400
NER_CUTS = frozenset("，,；;。！？!?：: \n、")


def _pieces(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """``[start, end)`` cut into units of at most :data:`NER_UNIT`, after a break in the last half."""
    while end - start > NER_UNIT:
        limit = start + NER_UNIT
        cut = next((i + 1 for i in range(limit - 1, start + NER_UNIT // 2, -1) if text[i] in NER_CUTS), limit)
        yield start, cut
        start = cut
    yield start, end


@dataclass(frozen=True)
class NerInput:
    """An article as the NER model reads it: the view, and the units (view spans) given to the model.

    Made once per article: the pipeline gathers many articles' units to run
    the model over all of them at once, then extracts each from the same input.
    """

    view: TextView
    units: list[tuple[int, int]]

    @property
    def sentences(self) -> list[str]:
        return [self.view.text[s:e] for s, e in self.units]


def ner_input(text: str, sentences: list[tuple[int, int]], *, only_triggered: bool = True) -> NerInput:
    """The units of ``text`` the NER model reads: its sentences that pass :func:`worth_ner`, a long one
    only in its clauses that pass it (:data:`NER_WHOLE`)."""
    view = text_view(text)
    return NerInput(view, _model_units(view, sentences, company_rules(), only_triggered))


def entities_of(prepared: NerInput, model: NerModel) -> list[Entity]:
    """NER entities in view coordinates."""
    found = model.entities(prepared.sentences)
    spans = sorted(
        (s + us, e + us, label)
        for (us, _), ents in zip(prepared.units, found, strict=True)
        for s, e, label in ents
    )
    return _merge_touching(spans)


def _merge_touching(entities: list[Entity]) -> list[Entity]:
    """An ORG written right after a place or an ORG is one name (LAC splits 英国|电信)."""
    out: list[Entity] = []
    for s, e, label in entities:
        if out and out[-1][1] == s and label == "ORG" and out[-1][2] in ("ORG", "LOC"):
            out[-1] = (out[-1][0], e, "ORG")
        else:
            out.append((s, e, label))
    return out
