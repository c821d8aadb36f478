"""Which names are companies: the rules' and LAC's company mentions and gazetteer hits, judged by a model.

The gazetteer (``rules/gazetteer/companies.tsv``, built by
``tools/build_gazetteer.py``) knows the names no grammar can derive
(中石化, 三一重工, 西门子) but also holds ordinary words (联合, 统一, 民生);
the rules find names the gazetteer lacks but also descriptions (LED照明公司).
A yes/no model over the name and its context decides for both.
"""

from __future__ import annotations

import bisect
import math
from functools import cache
from typing import NamedTuple

import ahocorasick_rs

from ..dictionary import word_tags
from ..models import Organisation
from ..rules import rules_dir
from ..words import extraction_words
from .view import View

LEGAL_ENDINGS = ("有限公司", "有限责任公司", "股份公司", "公司", "集团", "控股", "股份")


class Gazetteer(NamedTuple):
    names: frozenset[str]
    automaton: ahocorasick_rs.AhoCorasick
    """Finds the names leftmost-longest; its matches index ``ordered``."""
    ordered: list[str]


@cache
def gazetteer() -> Gazetteer:
    """The gazetteer's names, loaded once."""
    path = rules_dir() / "gazetteer" / "companies.tsv"
    lines = path.read_text(encoding="utf-8").splitlines()[1:]
    names = sorted({line.split("\t", 1)[0] for line in lines if line})
    automaton = ahocorasick_rs.AhoCorasick(names, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest)
    return Gazetteer(frozenset(names), automaton, names)


def company_candidates(view: View) -> list[Organisation]:
    """The rules' company mentions, and gazetteer hits that no organisation mention overlaps, in order."""
    g = gazetteer()
    found = [o for o in view.rules.organisations if o.kind == "company"]
    taken = sorted((o.start, o.end) for o in view.rules.organisations)
    starts = [s for s, _ in taken]
    for index, start, end in g.automaton.find_matches_as_indexes(view.text):
        i = bisect.bisect_left(starts, start)
        if any(s < end and start < e for s, e in taken[max(i - 1, 0) : i + 2]):
            continue
        name = g.ordered[index]
        found.append(Organisation(start=start, end=end, text=name, name=name, source="gazetteer"))
    return sorted(found, key=lambda o: (o.start, o.end))


def company_features(view: View, o: Organisation, counts: dict[str, int]) -> dict[str, float]:
    """Is this mention a company? Its source, whether the gazetteer or jieba know it, its edges."""
    known = gazetteer().names
    text, name = view.text, o.name
    freq = extraction_words().FREQ.get(name) or 0
    tag = word_tags().get(name)
    nxt = text[o.end] if o.end < len(text) else "</s>"
    prev = text[o.start - 1] if o.start else "<s>"
    f = {
        "bias": 1.0,
        f"source:{o.source}": 1.0,
        f"gazetteer:{name in known or (o.refers_to or '') in known}": 1.0,
        f"source+gazetteer:{o.source}|{name in known}": 1.0,
        f"length:{min(len(name), 8)}": 1.0,
        f"word:{tag or ('none' if not freq else 'x')}": 1.0,
        f"freq:{min(int(math.log10(freq + 1)), 5)}": 1.0,
        f"next:{view.word_after(o.end)}": 1.0,
        f"prev:{view.word_before(o.start)}": 1.0,
        f"nextc:{nxt}": 1.0,
        f"prevc:{prev}": 1.0,
        f"end:{name[-2:]}": 1.0,
        f"short_form:{o.refers_to is not None}": 1.0,
        f"repeated:{min(counts.get(name, 0), 3)}": 1.0,
    }
    if "\u4e00" <= nxt <= "\u9fff":
        f["han_after"] = 1.0
        f[f"han_after+source:{o.source}"] = 1.0
    if name.endswith(LEGAL_ENDINGS):
        f["legal_ending"] = 1.0
    if name.isascii():
        f["latin"] = 1.0
    return f


def judged_companies(view: View) -> list[tuple[Organisation, dict[str, float]]]:
    """Every company candidate of the article with its features."""
    found = company_candidates(view)
    counts: dict[str, int] = {}
    for o in found:
        counts[o.name] = counts.get(o.name, 0) + 1
    return [(o, company_features(view, o, counts)) for o in found]
