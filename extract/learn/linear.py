"""A multinomial logistic regression over named features, with its weights as a readable data file.

Why not spaCy's ``textcat``/``spancat`` or scikit-learn: the decisions here
(is this span a project, which project owns this amount, what role has this
amount) are made over a few dozen named features a rule already computes;
a linear model over them trains on all the gold in seconds on one core,
loads from JSON in milliseconds, needs nothing beyond numpy (already
installed with spaCy), and its weights can be read (``money_role.json``
says that ``prev:投资`` pushes towards ``total_investment``).

Training is full-batch gradient descent (Adam) on the L2-regularised
log-loss: no sampling, so the same data gives the same weights bit for bit.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Hashable, Mapping, Sequence
from itertools import repeat
from operator import mul
from pathlib import Path

Features = Mapping[str, float]


class LinearModel:
    """Weights per feature and class; ``predict`` gives each class's probability."""

    def __init__(
        self, classes: Sequence[Hashable], weights: dict[str, list[float]], bias: list[float]
    ) -> None:
        self.classes = list(classes)
        self.weights = weights
        self.bias = bias
        #: For a yes/no model, each feature's pull towards the second class: one sum and one
        #: exponential per example instead of two (the span models score every candidate).
        self._delta = {k: w[1] - w[0] for k, w in weights.items()} if len(self.classes) == 2 else None

    def scores(self, features: Features) -> list[float]:
        """Class probabilities of one example (softmax of the summed weights)."""
        logits = list(self.bias)
        for name, value in features.items():
            row = self.weights.get(name)
            if row is not None:
                for c, w in enumerate(row):
                    logits[c] += w * value
        top = max(logits)
        exps = [math.exp(x - top) for x in logits]
        total = sum(exps)
        return [e / total for e in exps]

    def predict(self, features: Features) -> tuple[Hashable, float]:
        """The likeliest class and its probability."""
        best, probs = self.predict_with_scores(features)
        return best, probs[self.classes.index(best)]

    def predict_with_scores(self, features: Features) -> tuple[Hashable, list[float]]:
        """The likeliest class, and every class's probability (for a caller that needs one more)."""
        probs = self.scores(features)
        return self.classes[max(range(len(probs)), key=probs.__getitem__)], probs

    def probability(self, features: Features, cls: Hashable = True) -> float:
        """The probability of one class (by default ``True`` of a yes/no model)."""
        index = self.classes.index(cls)
        if self._delta is None:
            return self.scores(features)[index]
        # map over the dict's keys and values (the same order): half the cost of a generator, the
        # same sum bit for bit
        pulls = map(self._delta.get, features, repeat(0.0))
        z = self.bias[1] - self.bias[0] + sum(map(mul, pulls, features.values()))
        second = 1.0 / (1.0 + math.exp(-z)) if z > -700 else 0.0
        return second if index == 1 else 1.0 - second

    def to_json(self) -> dict:
        weights = {k: [round(w, 5) for w in v] for k, v in sorted(self.weights.items())}
        return {"classes": self.classes, "bias": [round(b, 5) for b in self.bias], "weights": weights}

    @classmethod
    def from_json(cls, data: dict) -> LinearModel:
        return cls(data["classes"], data["weights"], data["bias"])

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_json(), ensure_ascii=False, indent=0) + "\n", encoding="utf-8")


def train(
    examples: Sequence[tuple[Features, Hashable, float]],
    classes: Sequence[Hashable] | None = None,
    l2: float = 1.0,
    iterations: int = 300,
    min_count: int = 2,
    rate: float = 0.1,
) -> LinearModel:
    """Fit a model to ``(features, label, weight)`` examples.

    ``l2`` is the penalty on the summed squared weights (the loss is summed,
    not averaged, over examples, so it weighs less as data grows);
    features seen in fewer than ``min_count`` examples are dropped, which
    keeps the model file small and the weights of one-off words at zero.
    """
    import numpy  # only training needs it; extraction reads the weights as a dict

    labels = [label for _, label, _ in examples]
    classes = list(classes) if classes is not None else sorted(set(labels), key=str)
    counts = Counter(name for features, _, _ in examples for name in features)
    names = sorted(name for name, n in counts.items() if n >= min_count)
    if not examples or len(classes) < 2:
        return LinearModel(classes, {}, [0.0] * len(classes))
    index = {name: i for i, name in enumerate(names)}
    rows, cols, vals = [], [], []
    for r, (features, _, _) in enumerate(examples):
        for name, value in features.items():
            i = index.get(name)
            if i is not None:
                rows.append(r)
                cols.append(i)
                vals.append(value)
    row_a, col_a, val_a = numpy.array(rows), numpy.array(cols), numpy.array(vals, dtype=float)
    n, f, k = len(examples), len(names), len(classes)
    target = numpy.zeros((n, k))
    target[numpy.arange(n), [classes.index(label) for label in labels]] = 1.0
    weight = numpy.array([w for _, _, w in examples], dtype=float)[:, None]
    params = numpy.zeros((f + 1, k))  # the last row is the bias
    moment, second = numpy.zeros_like(params), numpy.zeros_like(params)
    for step in range(1, iterations + 1):
        weights, bias = params[:-1], params[-1]
        logits = numpy.tile(bias, (n, 1))
        for c in range(k):
            logits[:, c] += numpy.bincount(row_a, weights=val_a * weights[col_a, c], minlength=n)
        logits -= logits.max(axis=1, keepdims=True)
        probs = numpy.exp(logits)
        probs /= probs.sum(axis=1, keepdims=True)
        error = (probs - target) * weight
        grad = numpy.empty_like(params)
        for c in range(k):
            grad[:-1, c] = numpy.bincount(col_a, weights=val_a * error[row_a, c], minlength=f)
        grad[:-1] += l2 * weights
        grad[-1] = error.sum(axis=0)
        moment = 0.9 * moment + 0.1 * grad
        second = 0.999 * second + 0.001 * grad * grad
        corrected = moment / (1 - 0.9**step) / (numpy.sqrt(second / (1 - 0.999**step)) + 1e-8)
        params -= rate * corrected
    kept = {
        name: [float(w) for w in params[i]] for name, i in index.items() if numpy.abs(params[i]).max() >= 1e-4
    }
    return LinearModel(classes, kept, [float(b) for b in params[-1]])
