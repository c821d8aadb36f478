"""The word segmenter of the spaCy pipeline: jieba by default, pkuseg where ``make pkuseg`` installed it."""

from __future__ import annotations

import sys

import pytest
from click.testing import CliRunner
from conftest import CORPUS
from hypothesis import given, settings
from hypothesis import strategies as st

from extract.cli import main
from extract.nlp import SEGMENTERS, SegmenterError, build_pipeline

SEED = "003_a2ea863acaabccfd"
#: Sentences of the seed article ``SEED``.
COMPANY = "四平市顺邦农机制造有限公司智慧农机生产制造基地项目建设现场。"
INVESTMENT = "截至目前，共谋划储备重点项目739个，计划总投资1415.5亿元。"
#: Characters of press text, with the white space pkuseg splits on and spaCy must keep.
PRESS_CHARS = st.sampled_from(list("四平市有限公司计划总投资亿元万吨兆瓦，。、（）《》1.5 \n\t\u3000\xa0ABc"))


@pytest.fixture(scope="module")
def jieba_nlp():
    return build_pipeline(ner=False)


@pytest.fixture(scope="module")
def pkuseg_nlp():
    pytest.importorskip("pkuseg")
    return build_pipeline(ner=False, segmenter="pkuseg")


def words(nlp, text: str) -> list[str]:
    return [token.text for token in nlp.make_doc(text)]


def test_sentences_come_from_the_seed(seed_texts):
    assert COMPANY in seed_texts[SEED]
    assert INVESTMENT in seed_texts[SEED]


def test_jieba_keeps_lexicon_words_whole(jieba_nlp):
    assert "有限公司" in words(jieba_nlp, COMPANY)
    assert "计划总投资" in words(jieba_nlp, INVESTMENT)


def test_pkuseg_segments_a_seed_article_losslessly(pkuseg_nlp, seed_texts):
    text = seed_texts[SEED]
    doc = pkuseg_nlp.make_doc(text)
    assert len(doc) > 100
    assert all(token.text for token in doc)
    assert "".join(token.text_with_ws for token in doc) == text


def test_pkuseg_keeps_lexicon_words_whole(pkuseg_nlp):
    assert "有限公司" in words(pkuseg_nlp, COMPANY)
    assert "计划总投资" in words(pkuseg_nlp, INVESTMENT)


@pytest.mark.parametrize("pipeline", ["jieba_nlp", "pkuseg_nlp"])
@settings(max_examples=150, deadline=None)
@given(text=st.text(PRESS_CHARS, max_size=40))
def test_tokens_rejoin_to_any_text(request, pipeline, text):
    doc = request.getfixturevalue(pipeline).make_doc(text)
    assert doc.text == text
    assert all(token.text for token in doc)


def test_missing_pkuseg_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "pkuseg", None)  # makes ``import pkuseg`` fail, installed or not
    with pytest.raises(SegmenterError, match="make pkuseg"):
        build_pipeline(ner=False, segmenter="pkuseg")


def test_ingest_without_pkuseg_fails_in_one_line(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "pkuseg", None)
    result = CliRunner().invoke(
        main, ["ingest", str(CORPUS), "--db", str(tmp_path / "r.db"), "--segmenter", "pkuseg"]
    )
    assert result.exit_code == 1
    assert "Hint: run 'make pkuseg'" in result.output
    assert "Traceback" not in result.output


def test_unknown_segmenter_is_refused():
    with pytest.raises(SegmenterError, match="jieba, pkuseg"):
        build_pipeline(ner=False, segmenter="thulac")  # type: ignore[arg-type]


def test_cli_offers_the_library_segmenters():
    option = next(p for p in main.commands["ingest"].params if p.name == "segmenter")
    assert tuple(option.type.choices) == SEGMENTERS
