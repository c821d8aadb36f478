"""One article in, its extraction out: clean → spaCy components → mentions mapped to the original.

This is the only place that knows the order of the stages; everything it
returns has spans in the *original* article text and the sentence each value
came from, ready for the registry.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel
from spacy.tokens import Doc

from .clean import CleanText, clean
from .learn.models import model_files
from .learn.view import RuleOutput
from .models import Article, Capacity, DateRange, Indicator, Mention, Money, Organisation, Project
from .nlp import Input, Segmenter, build_pipeline, rule_output, run_many
from .rules import rules_dir
from .sentences import sentence_at

M = TypeVar("M", bound=Mention)


class Extraction(BaseModel):
    """Everything extracted from one article; spans index ``article.text``."""

    article: Article
    content_hash: str
    clean_text: str
    money: list[Money]
    capacities: list[Capacity]
    dates: list[DateRange]
    organisations: list[Organisation]
    projects: list[Project]
    indicators: list[Indicator]
    contacts: list[Mention]


def content_hash(article: Article) -> str:
    """What decides whether an article must be extracted again: its text and metadata."""
    payload = article.model_dump(mode="json", include={"id", "text", "title", "date", "source", "url"})
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


@cache
def pipeline_version() -> str:
    """A digest of the code, rules and models: a registry built by others is re-extracted."""
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parent
    data = [*rules_dir().rglob("*.yml"), *rules_dir().rglob("*.tsv")]  # the gazetteer too
    for path in [*sorted([*package.rglob("*.py"), *data]), *model_files()]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


class Extractor:
    """Holds the loaded pipeline (jieba dictionary, rules) for many articles."""

    def __init__(
        self,
        lexicon: Iterable[str] = (),
        ner: bool = True,
        segmenter: Segmenter = "jieba",
        learned: bool = True,
    ) -> None:
        self.nlp = build_pipeline(ner=ner, segmenter=segmenter, learned=learned)
        self.lexicon = tuple(lexicon)

    def __call__(self, article: Article) -> Extraction:
        return self.pipe([article])[0]

    def pipe(self, articles: Sequence[Article]) -> list[Extraction]:
        """Extract many articles, each stage over all (the NER model reads their sentences at once)."""
        cleaned = [clean(article.text) for article in articles]
        docs = run_many(
            self.nlp, [Input(c.text, a.date, self.lexicon) for c, a in zip(cleaned, articles, strict=True)]
        )
        return [_extraction(a, c, d) for a, c, d in zip(articles, cleaned, docs, strict=True)]

    def rule_outputs(self, articles: Sequence[Article]) -> list[RuleOutput]:
        """What the rule components find in each article (cleaned text): the learned decisions' input."""
        docs = run_many(self.nlp, [Input(clean(a.text).text, a.date, self.lexicon) for a in articles])
        return [rule_output(doc) for doc in docs]


def _extraction(article: Article, cleaned: CleanText, doc: Doc) -> Extraction:
    """An article's mentions, moved from the cleaned text to the original, each with its sentence."""
    sentences = doc._.sentences

    def mapped(mentions: Sequence[M]) -> list[M]:
        return [_to_original(m, cleaned, sentences) for m in mentions]

    return Extraction(
        article=article,
        content_hash=content_hash(article),
        clean_text=cleaned.shown or cleaned.text,
        money=mapped(doc._.money),
        capacities=mapped(doc._.capacities),
        dates=mapped(doc._.dates),
        organisations=mapped(doc._.organisations),
        projects=mapped(doc._.projects),
        indicators=mapped(doc._.indicators),
        contacts=mapped(doc._.contacts),
    )


def _to_original(mention: M, cleaned: CleanText, sentences: list[tuple[int, int]]) -> M:
    """Move a mention and those nested in it from cleaned to original coordinates, with its sentence."""
    span = sentence_at(sentences, mention.start)
    sentence = cleaned.as_written(*span, cleaned.text[span[0] : span[1]]) if span else None
    start, end = cleaned.to_original(mention.start, mention.end)
    update: dict[str, object] = {"start": start, "end": end, "sentence": sentence}
    for name in ("text", "name"):
        value = getattr(mention, name, None)
        if isinstance(value, str):
            update[name] = cleaned.as_written(mention.start, mention.end, value)
    for name in type(mention).model_fields:
        value = getattr(mention, name)
        if isinstance(value, Mention):
            update[name] = _to_original(value, cleaned, sentences)
        elif isinstance(value, list) and value and isinstance(value[0], Mention):
            update[name] = [_to_original(v, cleaned, sentences) for v in value]
        elif isinstance(value, dict) and value and isinstance(next(iter(value.values())), Mention):
            update[name] = {k: _to_original(v, cleaned, sentences) for k, v in value.items()}
    return mention.model_copy(update=update)
