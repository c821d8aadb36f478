"""Organisation names in Chinese press text, each with a kind (company, government, park ...).

Users query the registry by company, so a name must come out whole and as
the article writes it. Four sources propose names, one kind table decides
what each one is, and one pass finds every mention of every name:

1. the rule grammar: a legal or organisational ending (有限公司, 集团, 银行,
   人民政府, 商会 ...) with the start of the name found by walking back over
   jieba words to a boundary (与, 邀请, 对接, a common verb, punctuation).
   Where the NER model read the sentence, a company name must overlap one of
   its ORG spans (the rules alone take 现行商业银行 for a name);
2. the NER model (LAC), whose ORG spans are trimmed, carried over an industry
   word that follows (天茂|水泥), and checked against places, generic and
   common words. LAC tags government bodies ORG too: the kind table decides;
3. lists: the items of ``A、B和C等N家企业`` are companies, and so is the owner
   heading a project named ``X年产…`` in a clause about projects;
4. short forms: ``（以下简称“X”）``, ``X（Y）`` where Y abbreviates X, the cores
   of full names seen in the article (吉林世宝机械制造有限公司 → 吉林世宝, 世宝)
   and the caller's ``lexicon``.

A short form points at the full name it stands for (``refers_to``), so the
article's company list (:func:`company_names`) names each company once. The
model runs only on sentences passing a cheap trigger test (:func:`worth_ner`),
a long one (over 50 characters) only in its clauses that pass it; on the
seed articles that finds the same companies as running it everywhere (a
test checks it), on the dev gold all but two (华锐 and 金风 of a list whose
trigger word stands in the next clause).
Rules and word lists are data in ``rules/companies.yml``.

The package reads one way: :mod:`.grammar` (the rules, and what they say of a
name alone), :mod:`.view` (the text as the finders and the NER model read it),
:mod:`.names` (the four sources), :mod:`.links` (short forms), and here every
mention of every name found.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..models import Organisation
from ..ner import NerModel
from .grammar import CompanyRules, Grammar, begins_place, classify, company_rules
from .links import (
    CompanyForm,
    company_form,
    group_member,
    link_names,
    root_of,
    same_company,
    same_form,
    short_forms,
)
from .names import Context, Name, aliases, anchored, listed, ner_names, project_heads
from .view import NerInput, TextView, entities_of, ner_input, text_view, worth_ner

__all__ = [
    "CompanyForm",
    "CompanyRules",
    "NerInput",
    "begins_place",
    "classify",
    "company_form",
    "company_names",
    "find_organisations",
    "group_member",
    "leftmost_longest",
    "ner_input",
    "same_company",
    "same_form",
    "short_forms",
    "worth_ner",
]


def find_organisations(
    text: str,
    sentences: list[tuple[int, int]],
    model: NerModel | None,
    lexicon: Iterable[str] = (),
    *,
    only_triggered: bool = True,
    prepared: NerInput | None = None,
) -> list[Organisation]:
    """Organisation mentions with kind (company, government, association, park, institution, media, other).

    ``sentences`` are the (start, end) spans of ``text``'s sentences; the NER
    ``model`` runs on those that pass :func:`worth_ner`, a long one only in
    its clauses that do (all of every sentence with ``only_triggered=False``).
    ``lexicon`` holds names known from earlier articles. Every mention of
    every name found is returned, in text order; a short form carries the
    full name it stands for in ``refers_to``.
    ``prepared`` is :func:`ner_input` of the text, where the caller made it.
    """
    g = company_rules()
    if model is None:
        prepared = NerInput(text_view(text), [])
    elif prepared is None:
        prepared = ner_input(text, sentences, only_triggered=only_triggered)
    view = prepared.view
    entities = entities_of(prepared, model) if model else []
    ctx = Context(view.text, g, entities, prepared.units)
    found = [*anchored(ctx), *ner_names(ctx), *listed(ctx), *project_heads(ctx)]
    found += aliases(ctx, found)
    found += [Name(0, 0, n, "lexicon", classify(n, g) or "company") for n in lexicon if n]
    found += [
        Name(0, 0, core, "alias", "company", n.name)
        for n in found
        if n.kind == "company" and n.source != "alias"
        for core in short_forms(n.name, g)
    ]
    companies = {n.name for n in found if n.kind == "company"}
    found = [n for n in found if n.source != "ner" or not _overruns(n.name, companies, g)]
    return _mentions(text, view, found, g)


def _overruns(name: str, known: set[str], g: Grammar) -> bool:
    """An NER name that is a known name plus words of the sentence (中钢|从一, 中钢|下属)? Its
    prefixes are looked up, not every known name (an article may know thousands)."""
    for cut in range(1, len(name)):
        if name[:cut] in known:
            rest = name[cut:]
            if classify(rest, g) is None and not g.industry_re.fullmatch(rest):
                return True
    return False


def _mentions(text: str, view: TextView, found: list[Name], g: Grammar) -> list[Organisation]:
    """Every occurrence of every name, longest first where names overlap."""
    best: dict[str, Name] = {}
    for n in found:  # the first proposal of a name decides its source, kind and link
        best.setdefault(n.name, n)
    links = link_names(list(best.values()), g)
    out = []
    for found_start, found_end, name in leftmost_longest(view.text, best):
        n = best[name]
        start, end = view.to_original(found_start, found_end)
        root = root_of(n.name, links)
        out.append(
            Organisation(
                start=start,
                end=end,
                text=text[start:end],
                name=n.name,
                kind=n.kind or "other",
                source=n.source,
                refers_to=root if root != n.name else None,
            )
        )
    return out


def leftmost_longest(text: str, words: Iterable[str]) -> list[tuple[int, int, str]]:
    """Non-overlapping occurrences of ``words``, scanning left to right, the longest word where several start.

    What ``finditer`` of the words' alternation (longest first) finds, without
    compiling a pattern for every article's names (that was 6 % of the pipeline).
    """
    hits = []
    for word in set(words):
        at = text.find(word)
        while at >= 0 and word:
            hits.append((at, -len(word), word))
            at = text.find(word, at + 1)
    out: list[tuple[int, int, str]] = []
    for start, negative_length, word in sorted(hits):
        if not out or start >= out[-1][1]:
            out.append((start, start - negative_length, word))
    return out


def company_names(organisations: Iterable[Organisation]) -> list[str]:
    """The article's distinct companies, each by its fullest name, in order of first mention."""
    return list(dict.fromkeys(o.refers_to or o.name for o in organisations if o.kind == "company"))
