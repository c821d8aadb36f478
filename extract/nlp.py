"""The spaCy pipeline: a blank Chinese ``Language`` with a word segmenter and our components.

Extractors are spaCy components that read ``doc.text`` (the cleaned article)
and write their mentions to ``doc._.<name>``; spans are character offsets in
the cleaned text. Components declare what they assign so
``nlp.analyze_pipes()`` shows the flow; rule files are loaded when a component
is created, so a bad rule stops start-up rather than a batch half-way.

The segmenter (jieba by default, pkuseg where installed) makes the spaCy
tokens only: the extractors read characters, so it changes no span.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from functools import cache
from typing import Any, Literal, NamedTuple

import numpy
import spacy
from spacy.attrs import IDX, SENT_START
from spacy.language import Language
from spacy.tokens import Doc
from spacy.vocab import Vocab

from .capacity import find_capacities
from .dates import find_dates
from .dictionary import Words
from .learn.clusters import word_classes
from .learn.decide import decide
from .learn.models import shipped_models
from .learn.settings import settings
from .learn.view import Proposal, RuleOutput, View
from .money import find_money
from .ner import NerModel, Prefetched, lac_model
from .orgs import find_organisations, ner_input
from .projects import find_projects
from .sentences import split_sentences
from .words import extraction_words, kept_words

Doc.set_extension("published", default=None, force=True)
#: The text the Doc was made from: ``doc.text`` is rebuilt from the tokens at every access,
#: which cost 11 % of the pipeline when each component read it.
Doc.set_extension("source_text", default=None, force=True)
Doc.set_extension("lexicon", default=(), force=True)
#: jieba's words of the text, in order and covering it (the learned decisions read them; spaCy's
#: tokens are slower to read back).
Doc.set_extension("cut", default=None, force=True)
for _name in (
    "sentences",
    "money",
    "capacities",
    "dates",
    "organisations",
    "projects",
    "indicators",
    "contacts",
    "proposals",
):
    Doc.set_extension(_name, default=None, force=True)


def _text(doc: Doc) -> str:
    """The Doc's text, without rebuilding it from the tokens when :func:`run` made the Doc."""
    return doc._.source_text if doc._.source_text is not None else doc.text


Segmenter = Literal["jieba", "pkuseg"]
SEGMENTERS: tuple[Segmenter, ...] = ("jieba", "pkuseg")


class SegmenterError(RuntimeError):
    """A segmenter that cannot be used here: unknown, or its package is not installed."""


def _pkuseg() -> Any:
    """The pkuseg segmenter, or a clear error with the install step where the package is absent."""
    try:
        import pkuseg
    except ImportError:
        raise SegmenterError(
            "pkuseg is not installed. Hint: run 'make pkuseg' (builds pkuseg==0.0.25 into .venv)."
        ) from None
    return _load_pkuseg(pkuseg.pkuseg)


@cache
def _load_pkuseg(factory: Callable[..., Any]) -> Any:
    """Load pkuseg once per process (~3 s, ~700 MB).

    ``"default"`` is the model shipped inside the pkuseg package; every other
    model name downloads at run time, which we never do.
    """
    return factory(model_name="default")


class WordsTokenizer:
    """spaCy's tokenizer for jieba's words: what spaCy's jieba segmenter does, with our :class:`Words`."""

    def __init__(self, vocab: Vocab, words: Words) -> None:
        self.vocab, self.words = vocab, words

    def __call__(self, text: str) -> Doc:
        cut = [w for w in self.words.cut(text) if w]
        # jieba's words cover the text, white space included: they are the tokens as they are
        # (spaCy's get_words_and_spaces, which folds white space into the token before, cost 5 %
        # of the pipeline and changes no extraction: the extractors read characters).
        doc = Doc(self.vocab, words=cut, spaces=[False] * len(cut))
        doc._.cut = cut
        return doc


@Language.component("projreg_sentences", assigns=["doc._.sentences", "token.is_sent_start"])
def sentences_component(doc: Doc) -> Doc:
    """Sentence spans by Chinese punctuation and paragraph breaks (character offsets)."""
    spans = split_sentences(_text(doc))
    doc._.sentences = spans
    if len(doc):
        # Array reads and one array write: token.is_sent_start one token at a time is quadratic in spaCy.
        starts = numpy.isin(doc.to_array(IDX), [s for s, _ in spans])
        starts[0] = True
        flags = numpy.where(starts, 1, -1).astype("int64")
        doc.from_array([SENT_START], flags.astype("uint64")[:, None])
    return doc


@Language.component("projreg_money", assigns=["doc._.money"])
def money_component(doc: Doc) -> Doc:
    doc._.money = find_money(_text(doc))
    return doc


@Language.component("projreg_capacities", assigns=["doc._.capacities"])
def capacity_component(doc: Doc) -> Doc:
    doc._.capacities = find_capacities(_text(doc))
    return doc


@Language.component("projreg_dates", assigns=["doc._.dates"], requires=["doc._.published"])
def dates_component(doc: Doc) -> Doc:
    doc._.dates = find_dates(_text(doc), doc._.published)
    return doc


@Language.factory(
    "projreg_organisations",
    assigns=["doc._.organisations"],
    requires=["doc._.sentences", "doc._.lexicon"],
    default_config={"ner": True},
)
def make_organisations(nlp: Language, name: str, ner: bool) -> OrganisationsComponent:
    """Organisations by company-name rules, checked and extended by the NER model (LAC) when ``ner``."""
    return OrganisationsComponent(lac_model() if ner else None)


class OrganisationsComponent:
    """The organisation rules; over many Docs (``pipe``), the NER model reads all their sentences at once."""

    def __init__(self, model: NerModel | None) -> None:
        self.model = model

    def __call__(self, doc: Doc) -> Doc:
        return next(self.pipe([doc]))

    def pipe(self, docs: Iterable[Doc]) -> Iterator[Doc]:
        docs = list(docs)
        inputs = [ner_input(_text(d), d._.sentences) if self.model else None for d in docs]
        model = Prefetched(self.model, [s for i in inputs if i for s in i.sentences]) if self.model else None
        for doc, prepared in zip(docs, inputs, strict=True):
            doc._.organisations = find_organisations(
                _text(doc), doc._.sentences, model, doc._.lexicon, prepared=prepared
            )
            yield doc


@Language.component(
    "projreg_projects",
    assigns=["doc._.projects", "doc._.indicators", "doc._.contacts", "doc._.proposals"],
    requires=["doc._.sentences", "doc._.money", "doc._.capacities", "doc._.dates", "doc._.organisations"],
)
def projects_component(doc: Doc) -> Doc:
    """Project records with their own facts; aggregates become indicators; 项目负责人 become contacts."""
    found = find_projects(
        _text(doc), doc._.sentences, doc._.money, doc._.capacities, doc._.dates, doc._.organisations
    )
    doc._.projects, doc._.indicators, doc._.contacts = found.projects, found.indicators, found.contacts
    doc._.proposals = [Proposal(*p) for p in found.proposals]
    return doc


def rule_output(doc: Doc) -> RuleOutput:
    """What the rule components found in a Doc: the input of the learned decisions."""
    return RuleOutput(
        text=_text(doc),
        sentences=doc._.sentences,
        money=doc._.money,
        capacities=doc._.capacities,
        dates=doc._.dates,
        organisations=doc._.organisations,
        projects=doc._.projects,
        proposals=doc._.proposals,
        contacts=doc._.contacts,
        words=doc._.cut,
    )


@Language.factory(
    "projreg_decisions",
    assigns=["doc._.money", "doc._.organisations", "doc._.projects"],
    requires=["doc._.projects", "doc._.proposals"],
)
def make_decisions(nlp: Language, name: str) -> Callable[[Doc], Doc]:
    """The learned decisions (``models/``) over the rules' output: names, roles, attachments, stages."""
    models = shipped_models()
    s = settings()
    word_classes()  # read (and checked) at start-up, not at the first article

    def decisions(doc: Doc) -> Doc:
        doc._.money, doc._.organisations, doc._.projects = decide(View(rule_output(doc)), models, s)
        return doc

    return decisions


COMPONENTS = (
    "projreg_sentences",
    "projreg_money",
    "projreg_capacities",
    "projreg_dates",
    "projreg_organisations",
    "projreg_projects",
)


def build_pipeline(ner: bool = True, segmenter: Segmenter = "jieba", learned: bool = True) -> Language:
    """A fresh pipeline: blank ``zh`` segmented by ``segmenter`` plus the projreg components.

    ``learned`` adds the trained decisions after the rules (without it, the
    rules' own records: the "rules only" figure of cross-validation).

    jieba is always prepared: the organisation rules read its dictionary
    whichever segmenter makes the tokens. spaCy's own pkuseg loader needs
    ``spacy-pkuseg`` and a downloaded model, so the tokenizer is handed the
    pkuseg package's shipped model instead.
    """
    if segmenter not in SEGMENTERS:
        raise SegmenterError(f"unknown segmenter {segmenter!r}; choose one of {', '.join(SEGMENTERS)}")
    words = extraction_words()
    if segmenter == "jieba":
        # jieba's words, cut by jieba-rs (extract.dictionary); spaCy's own jieba segmenter would
        # import jieba (0.3 s of start-up) only to be replaced.
        nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "char"}}})
        nlp.tokenizer = WordsTokenizer(nlp.vocab, words)
    else:
        nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": segmenter}}})
    # No component reads lexical attributes (like_num, shape ...); computing them for every new
    # word was a fifth of the cost of making a Doc.
    nlp.vocab.lex_attr_getters = {}
    if segmenter == "pkuseg":
        nlp.tokenizer.pkuseg_seg = _pkuseg()
        nlp.tokenizer.pkuseg_update_user_dict(list(kept_words()))
    for name in COMPONENTS:
        nlp.add_pipe(name, config={"ner": ner} if name == "projreg_organisations" else {})
    if learned:
        nlp.add_pipe("projreg_decisions")
    return nlp


class Input(NamedTuple):
    """A cleaned text to process; ``published`` resolves relative dates, ``lexicon`` names known companies."""

    text: str
    published: dt.date | None = None
    lexicon: tuple[str, ...] = ()


def run(nlp: Language, text: str, published: dt.date | None, lexicon: Iterable[str] = ()) -> Doc:
    """Process one cleaned text."""
    return run_many(nlp, [Input(text, published, tuple(lexicon))])[0]


def run_many(nlp: Language, inputs: Iterable[Input]) -> list[Doc]:
    """Process many cleaned texts, each component over all of them (components with ``pipe`` batch)."""
    docs = []
    for item in inputs:
        doc = nlp.make_doc(item.text)
        doc._.source_text, doc._.published, doc._.lexicon = item.text, item.published, item.lexicon
        docs.append(doc)
    for _, component in nlp.pipeline:
        docs = list(component.pipe(docs)) if hasattr(component, "pipe") else [component(d) for d in docs]
    return docs
