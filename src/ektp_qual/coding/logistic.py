"""TF-IDF weights and L2-regularised logistic regression, small enough to load at once.

The learned coder's model is scikit-learn's ``TfidfVectorizer`` (sublinear term
frequency, smoothed idf, rows of unit length) and ``LogisticRegression`` (liblinear:
the intercept is a feature of value 1, regularised like the others; classes balanced).
Loading scikit-learn took longer than all of ``suggest``'s own work, so both are
written here over ``scipy.sparse``: the same objective, minimised by Newton's method
with conjugate gradients (as liblinear's trust-region Newton does) to a tighter
tolerance, so the probabilities are scikit-learn's to the third decimal
(``tests/test_learned.py`` checks this against scikit-learn itself). Deterministic:
no random start, no random order.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable

import numpy as np
from scipy import sparse

#: The solver's stop: the gradient's norm relative to its norm at the start.
TOLERANCE = 1e-6
MAX_NEWTON = 50
MAX_CONJUGATE = 200


class TfidfWeights:
    """Bags of named features as TF-IDF rows: ``1 + log(count)`` times the smoothed
    inverse document frequency, each row scaled to unit length."""

    def __init__(self) -> None:
        self.vocabulary: dict[str, int] = {}
        self.idf = np.zeros(0)

    def fit_transform(self, docs: list[list[str]]) -> sparse.csr_matrix:
        counts = [Counter(doc) for doc in docs]
        names = sorted({name for bag in counts for name in bag})
        self.vocabulary = {name: n for n, name in enumerate(names)}
        df = np.zeros(len(names))
        for bag in counts:
            for name in bag:
                df[self.vocabulary[name]] += 1
        self.idf = np.log((1 + len(docs)) / (1 + df)) + 1
        return self._rows(counts)

    def transform(self, docs: Iterable[list[str]]) -> sparse.csr_matrix:
        return self._rows([Counter(doc) for doc in docs])

    def feature_names(self) -> np.ndarray:
        names = np.empty(len(self.vocabulary), dtype=object)
        for name, n in self.vocabulary.items():
            names[n] = name
        return names

    def _rows(self, counts: list[Counter]) -> sparse.csr_matrix:
        indptr, indices, data = [0], [], []
        vocabulary, idf = self.vocabulary, self.idf
        for bag in counts:
            row = sorted((vocabulary[w], count) for w, count in bag.items() if w in vocabulary)
            values = [(1 + math.log(count)) * idf[n] for n, count in row]
            norm = math.sqrt(sum(v * v for v in values)) or 1.0
            indices += [n for n, _ in row]
            data += [v / norm for v in values]
            indptr.append(len(indices))
        return sparse.csr_matrix(
            (np.asarray(data, dtype=float), np.asarray(indices, dtype=np.int64), indptr),
            shape=(len(counts), len(vocabulary)),
        )


class LogisticModel:
    """One code's logistic regression: ``coef_`` over the features and an ``intercept_``."""

    def __init__(self, coef: np.ndarray, intercept: float) -> None:
        self.coef_ = coef.reshape(1, -1)
        self.intercept_ = np.array([intercept])

    def probability(self, matrix: sparse.csr_matrix) -> np.ndarray:
        z = matrix @ self.coef_[0] + self.intercept_[0]
        return 1 / (1 + np.exp(-z))


def balanced_weights(y: np.ndarray, sample_weight: np.ndarray) -> np.ndarray:
    """Each sentence's class weight, as scikit-learn's "balanced" (1.6 and later): the
    total weight over twice its class's weight, so both classes weigh the same in all."""
    totals = np.bincount(y, weights=sample_weight, minlength=2)
    return (sample_weight.sum() / (2 * totals))[y]


def fit_logistic(
    matrix: sparse.csr_matrix,
    y: np.ndarray,
    sample_weight: np.ndarray,
    *,
    regularisation: float,
    balanced: bool = True,
) -> LogisticModel:
    """Minimise ``w.w / 2 + C * sum(c_i * log(1 + exp(-y_i (x_i.w + b))))`` over ``w`` and
    ``b`` (liblinear's L2-regularised logistic regression, ``b`` regularised as a weight)."""
    y = np.asarray(y, dtype=np.int64)
    sample_weight = np.asarray(sample_weight, dtype=float)
    cost = regularisation * sample_weight
    if balanced:
        cost = cost * balanced_weights(y, sample_weight)
    sign = 2.0 * y - 1
    x = sparse.hstack([matrix, np.ones((matrix.shape[0], 1))], format="csr")
    xt = x.T.tocsr()
    w = np.zeros(x.shape[1])

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        margin = sign * (x @ w)
        return 0.5 * w @ w + cost @ np.logaddexp(0, -margin), margin

    value, margin = loss(w)
    start = None
    for _ in range(MAX_NEWTON):
        sure = 1 / (1 + np.exp(-margin))  # the probability of the right class
        gradient = w + xt @ (cost * (sure - 1) * sign)
        size = np.linalg.norm(gradient)
        start = size if start is None else start
        if size <= TOLERANCE * start:
            break
        curvature = cost * sure * (1 - sure)
        step = _conjugate_gradient(x, xt, curvature, gradient, size)
        slope, t = gradient @ step, 1.0
        while True:  # backtrack until the loss falls enough (Armijo)
            new_value, new_margin = loss(w + t * step)
            if new_value <= value + 1e-4 * t * slope or t < 1e-10:
                break
            t /= 2
        w, value, margin = w + t * step, new_value, new_margin
    return LogisticModel(w[:-1].copy(), float(w[-1]))


def _conjugate_gradient(x, xt, curvature, gradient, size) -> np.ndarray:
    """An inexact Newton step: solve ``(I + X' D X) s = -g`` until the residual is small."""
    step = np.zeros_like(gradient)
    residual = -gradient
    direction = residual.copy()
    rr = residual @ residual
    wanted = min(0.5, math.sqrt(size)) * size
    for _ in range(MAX_CONJUGATE):
        if math.sqrt(rr) <= wanted:
            break
        product = direction + xt @ (curvature * (x @ direction))
        alpha = rr / (direction @ product)
        step += alpha * direction
        residual -= alpha * product
        new_rr = residual @ residual
        direction = residual + (new_rr / rr) * direction
        rr = new_rr
    return step
