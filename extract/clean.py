"""Layout repair for press text off e-paper and PDF dumps, with a map back to the original.

Extractors read the cleaned text; every span they find is mapped back through
:attr:`CleanText.offsets`, so a stored span always indexes the article as it
was read. The cleaner therefore never writes characters of its own: it folds
characters, deletes layout debris, and reorders whole lines. Each cleaned
character maps to the one original character it came from.

Three steps:

1. **Fold** each character (:func:`fold_char`): NFKC, so full-width digits
   and letters (``１２０亿``), ``％．（）～`` and compatibility ideographs
   (Kangxi radicals from PDF fonts) become what the rules match, and ``㎡``
   becomes ``m2`` (both characters map to the ``㎡``). Kept as written,
   because Chinese text needs them told apart from their ASCII folds: the
   clause and label marks ``，：；！？``, the ellipsis ``…`` and circled list
   numbers ``①`` (see ``fold.keep`` in ``rules/clean.yml``). Sentence
   punctuation ``。、“”《》`` is untouched by NFKC anyway. Every space
   (no-break, ideographic, tab) becomes ``" "``, every line break ``"\\n"``;
   control and format characters (zero-width space, BOM, soft hyphen) go.
2. **Delete** what ``rules/clean.yml`` lists: bylines and photo credits
   (``蔡威 摄``, ``本报记者 高鸿 王纪佳 王秀``, ``（记者于晓泉）``), caption arrows,
   bullets, portal junk, and spaces that are typesetting rather than meaning
   (``3 亿元``, ``液 晶 面 板``, indentation). A caption's own sentence stays.
3. **Rejoin** lines a column or page break cut (``有限公`` / ``司``,
   ``37.6`` / ``亿元``), also across a block of headlines and captions set
   between the two halves; those lines then follow the rejoined paragraph.
   Lines ending a sentence are never glued. Paragraphs are separated by one
   ``"\\n"``, mapped to a line break of the original. Hard-wrapped text (every
   line cut at the column width) is unwrapped.

The steps repeat until the text no longer changes, so cleaning cleaned text
changes nothing. Last, passages in traditional characters are read in
simplified ones, character for character (:mod:`extract.script`); the
cleaned text as written stays in :attr:`CleanText.shown` for display.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Annotated, Literal

import regex
from pydantic import BaseModel, Field, field_validator, model_validator

from .rules import load_rules
from .script import simplified

# ---------------------------------------------------------------- rules ----

DeletionKind = Literal["caption", "byline", "junk", "space"]
_FRAGMENT = re.compile(r"\$\{(\w+)\}")


class DeletionRule(BaseModel):
    """One pattern whose matches are removed from the text."""

    name: str
    kind: DeletionKind = Field(description="caption: the line it is on is a photo caption")
    why: str
    requires: list[Annotated[str, Field(min_length=1)]] = Field(
        default_factory=list, description="search only the lines that contain one of these"
    )
    pattern: str


class FoldRules(BaseModel):
    """Which characters NFKC must leave as written, and where it folds them after all."""

    keep: str = Field(description="character class NFKC must not fold")
    in_numbers: str = Field(description="kept characters NFKC-folded all the same, in number context")


class ParagraphRules(BaseModel):
    """What decides whether a line ends its paragraph or continues on a later line."""

    terminal: str
    closers: str
    pairs: list[str]
    clause_marks: str
    dangling: str
    sentence_end: str
    non_initial: str
    units: str
    split_words: list[str]
    headline_max: int = Field(gt=0)
    caption_max: int = Field(gt=0)
    max_skip: int = Field(ge=0)
    wrap_min_lines: int = Field(gt=0)
    wrap_full_ratio: float = Field(gt=0, le=1)
    row_number: str
    row_fields: int = Field(ge=2)
    row_block: int = Field(ge=2)

    @field_validator("pairs")
    @classmethod
    def _two_chars(cls, pairs: list[str]) -> list[str]:
        bad = [p for p in pairs if len(p) != 2]
        if bad:
            raise ValueError(f"each pair is an opening and a closing character, got {bad}")
        return pairs


class CleanRules(BaseModel):
    """``rules/clean.yml``: fragments are expanded and every pattern compiled at load."""

    fragments: dict[str, str]
    fold: FoldRules
    deletions: list[DeletionRule]
    paragraphs: ParagraphRules

    @model_validator(mode="after")
    def _expand_and_compile(self) -> CleanRules:
        errors = []
        for field in ("keep", "in_numbers"):
            try:
                setattr(self.fold, field, _expand(getattr(self.fold, field), self.fragments))
                regex.compile(getattr(self.fold, field))
            except (KeyError, regex.error) as exc:
                errors.append(f"fold.{field}: {exc!r}")
        try:
            regex.compile(self.paragraphs.row_number)
        except regex.error as exc:
            errors.append(f"paragraphs.row_number: {exc!r}")
        for rule in self.deletions:
            try:
                rule.pattern = _expand(rule.pattern, self.fragments)
                regex.compile(rule.pattern)
            except (KeyError, regex.error) as exc:
                errors.append(f"deletion {rule.name}: {exc!r}")
        if errors:
            raise ValueError("; ".join(errors))
        return self


def _expand(pattern: str, fragments: dict[str, str], depth: int = 0) -> str:
    """Replace ``${name}`` by its fragment, recursively (KeyError names an unknown one)."""
    if depth > 10:
        raise KeyError(f"fragments nest too deep in {pattern!r}")
    expanded = _FRAGMENT.sub(lambda m: fragments[m.group(1)], pattern)
    return expanded if expanded == pattern else _expand(expanded, fragments, depth + 1)


@dataclass(frozen=True)
class _Compiled:
    """The rules in the form the cleaner runs them."""

    keep: regex.Pattern[str]
    in_numbers: regex.Pattern[str]
    deletions: tuple[tuple[regex.Pattern[str], tuple[str, ...], bool], ...]
    needle_starts: re.Pattern[str]  # the first characters of the strings some rule requires
    needles: dict[str, tuple[str, ...]]  # those strings by their first character
    closed: regex.Pattern[str]
    inner_end: regex.Pattern[str]
    clause: regex.Pattern[str]
    pairs: tuple[tuple[str, str], ...]
    para: ParagraphRules
    splits: dict[str, tuple[str, ...]]
    row_number: regex.Pattern[str]


@cache
def _rules() -> _Compiled:
    """Load ``rules/clean.yml`` once and compile it."""
    rules = load_rules("clean", CleanRules)
    p = rules.paragraphs
    closers = regex.escape(p.closers)
    needles: dict[str, set[str]] = {}
    for rule in rules.deletions:
        for needle in rule.requires:
            needles.setdefault(needle[0], set()).add(needle)
    splits: dict[str, list[str]] = {}
    for word in p.split_words:
        for k in range(1, len(word)):
            splits.setdefault(word[:k], []).append(word[k:])
    return _Compiled(
        keep=regex.compile(rules.fold.keep),
        in_numbers=regex.compile(rules.fold.in_numbers),
        deletions=tuple(
            (regex.compile(r.pattern), tuple(r.requires), r.kind == "caption") for r in rules.deletions
        ),
        needle_starts=re.compile("[" + "".join(map(re.escape, needles)) + "]"),
        needles={first: tuple(sorted(group)) for first, group in needles.items()},
        closed=regex.compile(rf"(?:[{regex.escape(p.terminal)}]|(?<!\d)\.)[{closers}]*$"),
        inner_end=regex.compile(f"[{regex.escape(p.sentence_end)}][{closers}]*[^{closers}]"),
        clause=regex.compile(f"[{regex.escape(p.clause_marks)}]"),
        pairs=tuple((pair[0], pair[1]) for pair in p.pairs),
        para=p,
        splits={k: tuple(v) for k, v in splits.items()},
        row_number=regex.compile(p.row_number),
    )


# ---------------------------------------------------------------- result ----


@dataclass(frozen=True)
class CleanText:
    """Cleaned text and, per cleaned character, its index in the original."""

    text: str
    offsets: list[int]  # len(text) + 1 entries; offsets[-1] == len(original)
    shown: str | None = None
    """Where the article is written in traditional characters, the cleaned text in them (``text`` holds
    it in simplified ones, character for character, for extraction); None where they are the same."""

    def as_written(self, start: int, end: int, value: str) -> str:
        """``value`` read from ``text[start:end]`` (a mention's text or name), in the article's characters."""
        if self.shown is None:
            return value
        at = self.text.find(value, start, end)
        return value if at < 0 else self.shown[at : at + len(value)]

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a cleaned span ``[start, end)`` to the original span covering the same characters.

        Lines may have been reordered, so the span runs from the first to the
        last original character any of its characters came from; an empty
        span maps to the position of the character that follows it.
        """
        if not 0 <= start <= end <= len(self.text):
            raise IndexError(f"span {start}:{end} outside cleaned text of length {len(self.text)}")
        if start == end:
            return self.offsets[start], self.offsets[start]
        covered = self.offsets[start:end]
        return min(covered), max(covered) + 1


# ------------------------------------------------------------------ fold ----

_LINE_BREAKS = frozenset("\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029")
_folds: dict[str, str] = {}  # characters the fold changes, and what they become
_seen: set[str] = set()  # every character already looked at
#: Blocks that hold nearly all of Chinese press text: ASCII, general and CJK
#: punctuation, the CJK ideographs, full-width forms. Their characters that
#: the fold leaves alone are skipped at C speed; only the rest are looked up.
_COMMON_BLOCKS = (
    (0x20, 0x7E),
    (0x2010, 0x2027),
    (0x3001, 0x303F),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xFF01, 0xFF5E),
)


def fold_char(ch: str) -> str:
    """What one original character becomes in the cleaned text (before deletions).

    NFKC, except the characters ``fold.keep`` protects; any line break is
    ``"\\n"``, any other space ``" "``; control and format characters vanish.
    Cleaned character ``i`` is in ``fold_char(original[offsets[i]])``, or, for
    a kept character that ``fold.in_numbers`` folds in context (the comma of
    ``2，645``), in its NFKC form.
    """
    if ch not in _seen:
        _learn(ch)
    return _folds.get(ch, ch)


def _learn(ch: str) -> None:
    folded = _fold_uncached(ch)
    if folded != ch:
        _folds[ch] = folded
    _seen.add(ch)  # last: a thread that sees it seen also sees its fold


def _fold_uncached(ch: str) -> str:
    """The fold of :func:`fold_char`, computed (NFKC output is folded again, so it is final)."""
    if _rules().keep.fullmatch(ch):
        return ch
    if ch in _LINE_BREAKS:
        return "\n"
    if ch.isspace():
        return " "
    if unicodedata.category(ch) in ("Cc", "Cf"):
        return ""
    nfkc = unicodedata.normalize("NFKC", ch)
    if nfkc == ch:
        return ch
    return "".join(fold_char(c) for c in nfkc)


def _fold(text: str, rules: _Compiled) -> tuple[str, list[int] | None]:
    """Fold every character; offsets are None where no character changed length."""
    folded, offsets = _fold_chars(text)
    return rules.in_numbers.sub(_nfkc_same_length, folded), offsets


def _nfkc_same_length(match: regex.Match[str]) -> str:
    """NFKC of a match, where that keeps its length (the offsets stay valid)."""
    nfkc = unicodedata.normalize("NFKC", match.group())
    return nfkc if len(nfkc) == len(match.group()) else match.group()


@cache
def _maybe_folding() -> re.Pattern[str]:
    """Runs of characters outside the common ones the fold leaves unchanged.

    Built at the first article of a process, so it is start-up time: a
    character NFKC leaves alone that is no space or control character is
    unchanged whatever the rules keep, which is cheap to ask of the 28,000
    code points (the full fold, asked of the rest, took 0.15 s for all).
    """
    unchanged = [
        cp
        for a, b in _COMMON_BLOCKS
        for cp in range(a, b + 1)
        if _plain(chr(cp)) or fold_char(chr(cp)) == chr(cp)
    ]
    ranges: list[tuple[int, int]] = []
    for cp in unchanged:
        if ranges and ranges[-1][1] == cp - 1:
            ranges[-1] = (ranges[-1][0], cp)
        else:
            ranges.append((cp, cp))
    body = "".join(re.escape(chr(a)) + ("-" + re.escape(chr(b)) if b > a else "") for a, b in ranges)
    return re.compile(f"[^\\n{body}]+")


def _plain(ch: str) -> bool:
    """A character :func:`fold_char` surely returns as it is (the quick test of :func:`_maybe_folding`)."""
    return (
        unicodedata.is_normalized("NFKC", ch)
        and not ch.isspace()
        and unicodedata.category(ch) not in ("Cc", "Cf")
    )


def _fold_chars(text: str) -> tuple[str, list[int] | None]:
    """Fold the runs of characters that may change; most text has few."""
    runs = [(m.start(), m.end()) for m in _maybe_folding().finditer(text)]
    folds = [[fold_char(ch) for ch in text[s:e]] for s, e in runs]
    if all(folded == list(text[s:e]) for (s, e), folded in zip(runs, folds, strict=True)):
        return text, None
    parts: list[str] = []
    pos = 0
    for (s, e), folded in zip(runs, folds, strict=True):
        parts.append(text[pos:s])
        parts.extend(folded)
        pos = e
    parts.append(text[pos:])
    if all(len(f) == 1 for folded in folds for f in folded):
        return "".join(parts), None
    offsets: list[int] = []
    pos = 0
    for (s, e), folded in zip(runs, folds, strict=True):
        offsets.extend(range(pos, s))
        for i, f in enumerate(folded, s):
            offsets.extend([i] * len(f))
        pos = e
    offsets.extend(range(pos, len(text)))
    return "".join(parts), offsets


# ------------------------------------------------------------- deletions ----


def _deletions(text: str, rules: _Compiled) -> tuple[list[tuple[int, int]], list[int]]:
    """Merged spans to delete, and where caption credits or arrows were found.

    Every rule runs on the same folded text, so their spans are in one
    coordinate system and simply unite; no span crosses a line break. A rule
    with ``requires`` only searches the lines that contain one of them.
    """
    found: dict[str, list[int]] = {}
    for m in rules.needle_starts.finditer(text):
        i = m.start()
        for needle in rules.needles[m.group()]:
            if text.startswith(needle, i):
                found.setdefault(needle, []).append(i)
    spans: list[tuple[int, int]] = []
    captions: list[int] = []
    for pattern, requires, is_caption in rules.deletions:
        if requires:
            if found.keys().isdisjoint(requires):
                continue
            regions = _lines_at(text, [i for needle in requires for i in found.get(needle, ())])
        else:
            regions = [(0, len(text))]
        for start, end in regions:
            for m in pattern.finditer(text, start, end):
                s, e = m.span()
                if s < e and "\n" not in m.group():
                    spans.append((s, e))
                    if is_caption:
                        captions.append(s)
    spans.sort()
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            if e > merged[-1][1]:
                merged[-1] = (merged[-1][0], e)
        else:
            merged.append((s, e))
    captions.sort()
    return merged, captions


def _lines_at(text: str, positions: list[int]) -> list[tuple[int, int]]:
    """Spans of the lines of ``text`` holding the given positions, in order, each once."""
    lines: list[tuple[int, int]] = []
    for i in sorted(positions):
        if lines and i < lines[-1][1]:
            continue
        end = text.find("\n", i)
        lines.append((text.rfind("\n", 0, i) + 1, len(text) if end < 0 else end))
    return lines


# ----------------------------------------------------------------- lines ----


@dataclass(slots=True)
class _Line:
    """A non-empty line of the folded text after deletions."""

    pieces: list[tuple[int, int]]  # kept spans of the folded text
    text: str
    brk: int  # index of the line break ending it, -1 for the last line
    caption: bool  # a photo credit or caption arrow was removed from it
    width: int  # length as typeset, indentation included
    indented: bool  # starts with two spaces or more: a paragraph start in print
    gap_after: bool = False  # a blank line follows
    row: bool = False  # shaped as a row of a list or table (before deletions): see _mark_rows
    number_end: int = -1  # where the row number opening the line ends (folded text), -1 for none


def _lines(text: str, dels: list[tuple[int, int]], captions: list[int], rules: _Compiled) -> list[_Line]:
    """Split into lines, keep what the deletions leave, drop the empty lines."""
    lines: list[_Line] = []
    k = c = 0
    pos = 0
    while True:
        nl = text.find("\n", pos)
        end = len(text) if nl < 0 else nl
        pieces: list[tuple[int, int]] = []
        cur = pos
        while k < len(dels) and dels[k][0] < end:
            s, e = dels[k]
            if s > cur:
                pieces.append((cur, s))
            cur = max(cur, e)
            k += 1
        if cur < end:
            pieces.append((cur, end))
        caption = False
        while c < len(captions) and captions[c] < end:
            caption = True
            c += 1
        pieces = _tidy_spaces(text, pieces)
        if pieces:
            kept = "".join(text[a:b] for a, b in pieces)
            indented = text.startswith("  ", pos)
            line = _Line(pieces, kept, nl, caption, len(text[pos:end].rstrip()), indented)
            number = rules.row_number.match(text[pos:end])
            line.number_end = pos + number.end() if number else -1
            line.row = number is not None or _row_shaped(text[pos:end], rules)
            lines.append(line)
        elif lines and not text[pos:end].strip():
            lines[-1].gap_after = True
        if nl < 0:
            return lines
        pos = nl + 1


def _row_shaped(line: str, rules: _Compiled) -> bool:
    """A line without a row number shaped as a row: ``row_fields`` fields of two characters or more
    set apart by spaces, none ending a sentence."""
    fields = line.split()
    return (
        len(fields) >= rules.para.row_fields
        and all(len(f) >= 2 for f in fields)
        and not rules.closed.search(line.rstrip())
        and "。" not in line
    )


def _mark_rows(lines: list[_Line], rules: _Compiled) -> None:
    """Rows are lines shaped so, in a block of ``row_block`` such lines at least (a numbered point
    alone in prose stays a paragraph's line); a row is never the rest of the line before it, and
    its row number is left out."""
    run: list[int] = []
    for i, line in enumerate([*lines, None]):
        if line is not None and line.row:
            run.append(i)
            continue
        for k in run:
            if len(run) < rules.para.row_block:
                lines[k].row = False
            elif lines[k].number_end >= 0:
                _drop_number(lines[k])
        run = []


def _drop_number(line: _Line) -> None:
    """Leave a row's number out of its kept pieces (as a bullet is)."""
    cut = line.number_end
    pieces = [(max(a, cut), b) for a, b in line.pieces if b > cut]
    if pieces:
        dropped = sum(b - a for a, b in line.pieces) - sum(b - a for a, b in pieces)
        line.pieces, line.text = pieces, line.text[dropped:]


def _tidy_spaces(text: str, pieces: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """No space at either end of a line, and one at most where a deletion joined two."""
    out: list[tuple[int, int]] = []
    for a, b in pieces:
        if not out or text[out[-1][1] - 1] == " ":
            while a < b and text[a] == " ":
                a += 1
        if a < b:
            out.append((a, b))
    while out:
        a, b = out[-1]
        while b > a and text[b - 1] == " ":
            b -= 1
        if b > a:
            out[-1] = (a, b)
            break
        out.pop()
    return out


# ------------------------------------------------------------ paragraphs ----


@dataclass(slots=True)
class _Shape:
    """How a line ends, which decides whether it continues on a later line."""

    closed: bool  # ends a sentence
    cut: bool  # stops mid-sentence for sure: takes the next line that is not an insert
    number_cut: bool  # body text ending in a digit: takes the next line that starts with a unit
    insert: bool  # a headline, caption or credit line a cut paragraph may jump over
    wraps: bool = False  # a full line of hard-wrapped text: the next line continues it


def _shape(line: _Line, rules: _Compiled) -> _Shape:
    """Read how a line ends; see ``paragraphs`` in ``rules/clean.yml`` for why each sign counts."""
    s = line.text
    p = rules.para
    body = rules.clause.search(s, 0, len(s) - 1) is not None
    if rules.closed.search(s):
        caption_like = len(s) <= p.caption_max and not body
        insert = caption_like or (line.caption and len(s) <= 2 * p.caption_max)
        return _Shape(True, False, False, insert)
    cut = (
        any(s.count(o) > s.count(c) for o, c in rules.pairs)
        or (body and s[-1] in p.dangling)
        or (line.gap_after and rules.inner_end.search(s) is not None)
    )
    number_cut = body and s[-1].isdigit()
    insert = (not cut and not number_cut and len(s) <= p.headline_max) or line.caption
    return _Shape(False, cut, number_cut, insert)


def _mark_hard_wrap(lines: list[_Line], shapes: list[_Shape], rules: _Compiled) -> None:
    """Mark the full lines of text hard-wrapped at a fixed width (PDF dumps).

    There no line runs much past the usual width, most lines reach it and
    stop mid-sentence, and each such line continues on the next unless a
    blank line or an indented one (a new paragraph) follows.
    """
    p = rules.para
    if len(lines) < p.wrap_min_lines:
        return
    widths = sorted(line.width for line in lines)
    usual = widths[int(len(widths) * 0.8)]
    if widths[-1] > usual / p.wrap_full_ratio:
        return
    full = [i for i, line in enumerate(lines) if line.width >= usual * p.wrap_full_ratio]
    open_full = [i for i in full if not shapes[i].closed]
    if len(full) * 2 < len(lines) or len(open_full) * 2 < len(full):
        return
    for i in open_full:
        if i + 1 < len(lines) and not lines[i].gap_after and not lines[i + 1].indented:
            shapes[i].wraps = True


def _continues(before: str, after: str, rules: _Compiled) -> bool:
    """Whether ``after`` is plainly the rest of ``before`` (a break inside a word or amount)."""
    p = rules.para
    if after[0] in p.non_initial or (before[-1].isdigit() and after[0] in p.units):
        return True
    return any(after.startswith(rest) for k in range(1, 4) for rest in rules.splits.get(before[-k:], ()))


def _continuation(
    i: int, lines: list[_Line], shapes: list[_Shape], claimed: list[bool], rules: _Compiled
) -> int:
    """The line that continues line ``i``, or -1.

    The next line, where it plainly continues ``i``. A line surely cut goes on
    past headlines, captions and credits (at most ``max_skip`` of them) to the
    first line that continues it or, when cut mid-sentence rather than after
    a number, to the first line that is none of those.
    """
    shape = shapes[i]
    for j in range(i + 1, min(len(lines), i + 2 + rules.para.max_skip)):
        if claimed[j] or lines[j].row:
            return -1
        if shape.wraps or _continues(lines[i].text, lines[j].text, rules):
            return j
        if not shapes[j].insert:
            return j if shape.cut else -1
        if not (shape.cut or shape.number_cut):
            return -1
    return -1


def _chains(lines: list[_Line], rules: _Compiled) -> Iterator[list[int]]:
    """Group lines into paragraphs, each a chain of lines that continue one another.

    Chains come out in the order of their first line, so the lines a chain
    jumped over follow the rejoined paragraph.
    """
    shapes = [_shape(line, rules) for line in lines]
    _mark_hard_wrap(lines, shapes, rules)
    nxt = [-1] * len(lines)
    claimed = [False] * len(lines)
    for i, shape in enumerate(shapes):
        if not shape.closed:
            j = _continuation(i, lines, shapes, claimed, rules)
            if j >= 0:
                nxt[i], claimed[j] = j, True
    for head, is_claimed in enumerate(claimed):
        if not is_claimed:
            chain = [head]
            while nxt[chain[-1]] >= 0:
                chain.append(nxt[chain[-1]])
            yield chain


# ------------------------------------------------------------------ clean ----

_MAX_ROUNDS = 4


def clean(original: str) -> CleanText:
    """Clean one article's text; see the module docstring for what is done and why.

    Removing a deletion can expose another (a credit left bare by its note) and
    a rejoined paragraph meets new neighbours, so the steps repeat until the
    text no longer changes. Text that only needed folding is done in one round.
    """
    text, offsets, settled, rows = _clean_once(original, frozenset())
    for _ in range(_MAX_ROUNDS - 1):
        if settled:
            break
        again, again_offsets, settled, rows = _clean_once(text, rows)
        if again == text:
            break
        text, offsets = again, [offsets[i] for i in again_offsets]
    offsets.append(len(original))
    simple = simplified(text)
    return CleanText(simple, offsets, None if simple == text else text)


def _clean_once(original: str, rows: frozenset[int]) -> tuple[str, list[int], bool, frozenset[int]]:
    """One round of fold, delete, rejoin.

    Returns the text, its offsets (without the end sentinel), whether nothing
    but folding changed it, in which case another round would be idle, and
    where its rows start. ``rows`` are where the rows of ``original`` start:
    without their numbers they may no longer look like rows, and stay rows.
    """
    rules = _rules()
    folded, fold_offsets = _fold(original, rules)
    dels, captions = _deletions(folded, rules)
    lines = _lines(folded, dels, captions, rules)
    _mark_rows(lines, rules)
    for line in lines:
        line.row = line.row or line.pieces[0][0] in rows
    parts: list[str] = []
    offsets: list[int] = []
    previous: list[int] = []
    row_starts = []
    for chain in _chains(lines, rules):
        if previous:
            brk = lines[previous[-1]].brk
            parts.append("\n")
            offsets.append(brk if brk >= 0 else lines[previous[0]].brk)
        if lines[chain[0]].row:
            row_starts.append(len(offsets))
        for index in chain:
            for a, b in lines[index].pieces:
                parts.append(folded[a:b])
                offsets.extend(range(a, b))
        previous = chain
    text = "".join(parts)
    if fold_offsets is not None:
        offsets = [fold_offsets[i] for i in offsets]
    return text, offsets, text == folded, frozenset(row_starts)
