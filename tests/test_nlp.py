"""The spaCy frame: components fill the Doc, and token sentence starts agree with the character spans."""

from __future__ import annotations

import datetime as dt

import pytest

from extract.clean import clean
from extract.nlp import build_pipeline, run


@pytest.fixture(scope="module")
def nlp():
    return build_pipeline(ner=False)


def test_token_sentences_follow_the_character_sentences(nlp, seed_texts):
    text = clean(seed_texts["003_a2ea863acaabccfd"]).text
    doc = run(nlp, text, dt.date(2025, 8, 15))
    token_starts = [sent.start_char for sent in doc.sents]
    char_starts = [start for start, _ in doc._.sentences]
    assert set(char_starts) <= set(token_starts)
    assert all(text[s].isspace() or s in char_starts for s in token_starts)
    assert len(doc._.sentences) > 50


def test_components_fill_the_doc(nlp, seed_texts):
    doc = run(nlp, clean(seed_texts["003_a2ea863acaabccfd"]).text, dt.date(2025, 8, 15))
    assert any(m.yuan == 752_000_000 and m.role == "planned_investment" for m in doc._.money)
    assert any(c.value == 150_000 and c.unit == "kW" for c in doc._.capacities)
    assert any(p.contact == "林巍" for p in doc._.projects)
    assert nlp.pipe_names[0] == "projreg_sentences"
