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
import regex

from ..dictionary import word_tags
from ..models import Organisation
from ..orgs import CompanyForm, begins_place, company_form, group_member, same_form
from ..rules import rules_dir
from ..words import extraction_words
from .lists import enumerations
from .view import View

LEGAL_ENDINGS = ("有限公司", "有限责任公司", "股份公司", "公司", "集团", "控股", "股份")
#: Words in a list's tail saying its items are companies (``等国外品牌``, ``等7家企业``).
COMPANY_TAILS = (
    "企业",
    "公司",
    "品牌",
    "集团",
    "厂商",
    "厂家",
    "巨头",
    "车企",
    "房企",
    "药企",
    "银行",
    "大厂",
    "龙头",
)
#: Tags of words that do not open a company's name (the first item of a list starts at its clause).
NOT_IN_NAME = frozenset(("uj", "ul", "p", "c", "v", "d", "r", "m", "f", "vn", "ad", "q"))
#: The longest list item taken for a company's name.
LIST_NAME = 16
#: Words cut at most from the left of a rule's or LAC's span, to find the name inside a description
#: (央企|中国铁路通信信号集团公司, 澳大利亚|矿企|王朝金属公司): the model chooses between the spans.
TRIM_WORDS = 3
#: Words a short hit is extended by at most, to find the fuller name it opens (天润|曲轴, 万达|信息).
EXTEND_WORDS = 2
#: The share class letter of a securities code (matchina writes A601088 where adata writes 601088).
SHARE_CODE = regex.compile(r"^A(?=\d{6}$)")
#: A word of Chinese characters only (what a short hit may be extended by).
HAN_WORD = regex.compile(r"\p{Han}+")
#: Words joining two names in one span.
JOINT = regex.compile(r"与|和|及|、")
#: Latin names (IBM, DisplaySearch, Alix Partners): the grammar and the gazetteer miss most of them.
LATIN = regex.compile(r"(?<![A-Za-z0-9])[A-Z][A-Za-z0-9&]*(?:[ \-][A-Z][A-Za-z0-9&]*)*(?![A-Za-z0-9])")


class Gazetteer(NamedTuple):
    names: frozenset[str]
    automaton: ahocorasick_rs.AhoCorasick
    """Finds the names leftmost-longest; its matches index ``ordered``."""
    ordered: list[str]
    provenance: dict[str, str]
    """Each name's list and what the name is there (``curated|short name``): a hand-curated short
    name is a company more often than a securities short name that is also a word."""
    company: dict[str, str]
    """Each name's company: names with one key are one company's (中国石化, 中石化 and
    中国石油化工集团有限公司; 神华 and 中国神华, one securities code)."""


@cache
def gazetteer() -> Gazetteer:
    """The gazetteer's names, loaded once."""
    path = rules_dir() / "gazetteer" / "companies.tsv"
    provenance: dict[str, str] = {}
    company: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines()[1:]:
        if line:
            name, source, what = [*line.split("\t"), "", ""][:3]
            listed, _, key = source.partition(":")
            provenance.setdefault(name, f"{listed}|{what}")
            company.setdefault(name, SHARE_CODE.sub("", key))  # matchina's A601088 is adata's 601088
    names = sorted(provenance)
    automaton = ahocorasick_rs.AhoCorasick(names, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest)
    return Gazetteer(frozenset(names), automaton, names, provenance, company)


#: Earlier records a company name is compared with per key (:attr:`~extract.orgs.CompanyForm.keys`):
#: bounded, so an article naming thousands of companies is read in one linear pass.
SAME_WINDOW = 30


def one_company(organisations: list[Organisation]) -> list[Organisation]:
    """One record per company, as the gold and a reader count them: names of one company in the
    gazetteer refer to the first of them the article writes (中石化 after 中国石化, 农发行 after
    中国农业发展银行), and so does a name written again with other company forms
    (:func:`~extract.orgs.same_company`: 奇瑞汽车有限公司 after 奇瑞汽车股份公司), its short forms with it."""
    company = gazetteer().company
    first: dict[str, str] = {}
    out = []
    for o in organisations:
        key = company.get(o.name) if o.kind == "company" and o.refers_to is None else None
        if key:
            written = first.setdefault(key, o.name)
            if written != o.name:
                o = o.model_copy(update={"refers_to": written})
        out.append(o)
    again = _written_again(list(dict.fromkeys(o.refers_to or o.name for o in out if o.kind == "company")))
    return [
        o.model_copy(update={"refers_to": again[o.refers_to or o.name]})
        if o.kind == "company" and (o.refers_to or o.name) in again
        else o
        for o in out
    ]


def _written_again(records: list[str]) -> dict[str, str]:
    """Each company name the article wrote before in other forms → that first name (records in order
    of first mention), compared only with the recent names sharing a key."""
    forms: dict[int, CompanyForm] = {}
    again: dict[str, str] = {}
    by_key: dict[str, list[int]] = {}
    for i, name in enumerate(records):
        if (form := company_form(name)) is None:
            continue
        forms[i] = form
        nearby = sorted({j for k in form.keys for j in by_key.get(k, [])[-SAME_WINDOW:]})
        earlier = next((j for j in nearby if records[j] not in again and same_form(form, forms[j])), None)
        if earlier is not None:
            again[records[i]] = records[earlier]
        for k in form.keys:
            by_key.setdefault(k, []).append(i)
    return again


def separate_members(organisations: list[Organisation]) -> list[Organisation]:
    """A group's short name is no short form of its local company or its arm (青岛啤酒 and 青岛啤酒揭阳公司,
    格力 and 格力地产): the link stays a feature of the mention (:func:`company_features`), the record
    counts two companies."""
    return [
        o.model_copy(update={"refers_to": None}) if o.refers_to and group_member(o.name, o.refers_to) else o
        for o in organisations
    ]


def company_candidates(view: View) -> tuple[list[Organisation], dict[tuple[int, int], tuple[str, float]]]:
    """The rules' company mentions, gazetteer hits that no organisation mention holds, and the items of
    lists of companies, in order; and each list item's (tail word, share of items known as companies)."""
    g = gazetteer()
    found = [o for o in view.rules.organisations if o.kind == "company"]
    taken = sorted((o.start, o.end) for o in view.rules.organisations)
    starts = [s for s, _ in taken]
    for index, start, end in g.automaton.find_matches_as_indexes(view.text):
        i = bisect.bisect_left(starts, start)
        if any(s <= start and end <= e for s, e in taken[max(i - 1, 0) : i + 2]):
            continue  # a name the rules found, or part of one; a longer known name competes with them
        if begins_place(view.text, end):
            continue
        name = g.ordered[index]
        found.append(Organisation(start=start, end=end, text=name, name=name, source="gazetteer"))
    listed = _list_items(view, found, taken)
    known = {(o.start, o.end) for o in found}
    for start, end in listed:
        if (start, end) not in known and not _overlaps(taken, start, end):
            name = view.text[start:end]
            found.append(Organisation(start=start, end=end, text=name, name=name, source="list"))
            known.add((start, end))
    for m in LATIN.finditer(view.text):
        if (m.start(), m.end()) not in known and not _overlaps(taken, m.start(), m.end()):
            found.append(Organisation(start=m.start(), end=m.end(), text=m[0], name=m[0], source="latin"))
            known.add((m.start(), m.end()))
    for o in list(found):
        for variant in _variants(view, o):
            if (variant.start, variant.end) not in known:
                found.append(variant)
                known.add((variant.start, variant.end))
    return sorted(found, key=lambda o: (o.start, o.end)), listed


def _variants(view: View, o: Organisation) -> list[Organisation]:
    """Other boundaries of a candidate: its last words (a description cut off its left), the name after a
    conjunction, the name without a one-character word at its end, and, for a short hit, the hit with the
    next words (the fuller name it opens); ``source`` says which (``trim:rule``, ``split:ner``)."""
    text, starts, ends = view.text, view.token_starts, view.token_ends
    out = []
    i = view.token_at(o.start)
    if o.source != "gazetteer":
        for j in range(i + 1, min(i + 1 + TRIM_WORDS, len(starts))):
            if o.end - starts[j] < 2 or starts[j] >= o.end:
                break
            out.append((starts[j], o.end, f"trim:{o.source}"))
        # two names run together (江西省国资委与赣商联合股份有限公司): the one after the last conjunction
        joints = [m.end() for m in JOINT.finditer(text, o.start, o.end) if o.end - m.end() >= 2]
        if joints:
            out.append((joints[-1], o.end, f"split:{o.source}"))
        # a word the name took in after it (恒大地产|近, 亚投行|将)
        k = view.token_at(o.end - 1)
        if ends[k] == o.end and ends[k] - starts[k] == 1 and starts[k] - o.start >= 2:
            out.append((o.start, starts[k], f"cut:{o.source}"))
    j = view.token_at(o.end)
    if o.end - o.start <= 4 and j < len(starts) and starts[j] == o.end:
        for k in range(j, min(j + EXTEND_WORDS, len(starts))):
            if not HAN_WORD.fullmatch(text[starts[k] : ends[k]]) or ends[k] - o.start > LIST_NAME:
                break
            out.append((o.start, ends[k], f"extend:{o.source}"))
    return [
        Organisation(start=s, end=e, text=text[s:e], name=text[s:e], source=source) for s, e, source in out
    ]


def _overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    i = bisect.bisect_left(spans, (start,))
    return any(s < end and start < e for s, e in spans[max(i - 1, 0) : i + 2])


def _list_items(
    view: View, found: list[Organisation], taken: list[tuple[int, int]]
) -> dict[tuple[int, int], tuple[str, float]]:
    """The items of lists whose tail names companies or half of whose items are known companies."""
    ends: dict[int, int] = {}
    for o in found:
        ends[o.end] = min(o.start, ends.get(o.end, o.start))
    out = {}
    for pieces, tail in enumerations(view):
        word = next((w for w in COMPANY_TAILS if w in tail), "")
        share = sum(e in ends and ends[e] >= s for s, e in pieces) / len(pieces)
        if not word and share < 0.5:
            continue
        for s, e in pieces:
            start = _name_start(view, s, e)
            if start is not None and 2 <= e - start <= LIST_NAME:
                out[(start, e)] = (word, share)
    return out


def _name_start(view: View, start: int, end: int) -> int | None:
    """Where a company's name in a list's item starts: its last words, up to one that cannot be in a name
    (the first item starts at its clause, others may open with 与, 了)."""
    at = None
    for word in reversed(view.words_in(start, end)):
        if word_tags().get(word) in NOT_IN_NAME or not word.isalnum():
            break
        at = end - len(word) if at is None else at - len(word)
        if end - at > LIST_NAME:
            return None
    return at


def company_features(
    view: View, o: Organisation, counts: dict[str, int], listed: dict[tuple[int, int], tuple[str, float]]
) -> dict[str, float]:
    """Is this mention a company? Its source, whether the gazetteer or jieba know it, its edges."""
    known = gazetteer().names
    text, name = view.text, o.name
    freq = extraction_words().FREQ.get(name) or 0
    tag = word_tags().get(name)
    nxt = text[o.end] if o.end < len(text) else "</s>"
    prev = text[o.start - 1] if o.start else "<s>"
    variant, _, parent = o.source.rpartition(":")
    f = {
        "bias": 1.0,
        f"source:{o.source}": 1.0,
        f"parent:{parent}": 1.0,
        f"variant:{variant}": 1.0,
        f"listed:{gazetteer().provenance.get(name, 'no')}": 1.0,
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
    f[f"proper:{_proper_part(view, o)}"] = 1.0
    for w in view.words_in(o.start, o.end)[:-1]:
        f[f"in:{w}"] = 1.0
    if name.isascii():
        f["latin"] = 1.0
    if (o.start, o.end) in listed:
        word, share = listed[(o.start, o.end)]
        f[f"list_tail:{word or '<none>'}"] = 1.0
        f[f"list_known:{round(share * 4)}"] = 1.0
    return f


#: jieba's tags of words that are names: persons, places, organisations, other proper nouns, abbreviations.
PROPER_TAGS = frozenset(("nr", "nrt", "nrfg", "ns", "nt", "nz", "j"))


def _proper_part(view: View, o: Organisation) -> str:
    """What in the name is no ordinary word: a proper noun, a word jieba does not know (whole, or cut into
    single characters), Latin letters; or nothing (经常出现同一时点, 花卉苗木, 海量数据: descriptions,
    whatever found them)."""
    tags = word_tags()
    kinds = set()
    run = 0  # single characters in a row: a word jieba does not know, cut apart
    for w in view.words_in(o.start, o.end):
        tag = tags.get(w)
        run = run + 1 if len(w) == 1 and HAN_WORD.fullmatch(w) else 0
        if run == 2:
            kinds.add("chars")
        if tag in PROPER_TAGS:
            kinds.add("tag")
        elif tag is None and len(w) >= 2:
            kinds.add("unknown")
        elif w.isascii() and w.isalnum():
            kinds.add("latin")
    return "+".join(sorted(kinds)) or "none"


def judged_companies(view: View) -> list[tuple[Organisation, dict[str, float]]]:
    """Every company candidate of the article with its features."""
    found, listed = company_candidates(view)
    counts: dict[str, int] = {}
    for o in found:
        counts[o.name] = counts.get(o.name, 0) + 1
    return [(o, company_features(view, o, counts, listed)) for o in found]
