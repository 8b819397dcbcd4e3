"""Loss functions: each returns one Value, the mean over the batch."""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence

import autograd_lite as ag
from autograd_lite import Value

from .functional import logsumexp, softplus

Output = Value | float


def _check_batch(where: str, outputs: Sequence[object], targets: Sequence[object]) -> int:
    if not outputs:
        raise ValueError(f"{where}: expected a non-empty batch, got 0 outputs")
    if len(outputs) != len(targets):
        raise ValueError(
            f"{where}: expected as many targets as outputs, got {len(outputs)} outputs and "
            f"{len(targets)} targets"
        )
    return len(outputs)


def _as_value(x: Output) -> Value:
    return x if isinstance(x, Value) else Value(float(x))


def _target(where: str, index: int, target: object, allowed: tuple[float, ...] | None) -> float:
    if isinstance(target, Value):
        target = target.data
    if isinstance(target, bool) or not isinstance(target, numbers.Real):
        raise TypeError(f"{where}: targets[{index}] must be a number, got {target!r}")
    if not math.isfinite(target):
        # A nan or infinite target makes the loss and every gradient nan, silently.
        raise ValueError(f"{where}: targets[{index}] must be a finite number, got {target!r}")
    if allowed is not None and target not in allowed:
        raise ValueError(f"{where}: targets[{index}] must be one of {allowed}, got {target!r}")
    return float(target)


def mse(outputs: Sequence[Output | Sequence[Output]], targets: Sequence[object]) -> Value:
    """Mean squared error over every element (rows of outputs are flattened, as in PyTorch)."""
    _check_batch("mse", outputs, targets)
    squares: list[Value] = []
    for index, (output, target) in enumerate(zip(outputs, targets)):
        if isinstance(output, Sequence):
            if not isinstance(target, Sequence) or len(target) != len(output):
                raise ValueError(
                    f"mse: targets[{index}] must be a row of {len(output)} numbers, got {target!r}"
                )
            pairs = list(zip(output, target))
        else:
            pairs = [(output, target)]
        for out, tgt in pairs:
            difference = _as_value(out) - _target("mse", index, tgt, None)
            squares.append(difference * difference)
    return ag.sum(squares) / len(squares)


def binary_cross_entropy(probabilities: Sequence[Output], targets: Sequence[object]) -> Value:
    """-mean(t log p + (1 - t) log(1 - p)) for probabilities p and targets t in [0, 1].

    A term whose weight is zero is left out, so p == 1 with t == 1 is fine; a
    needed log of 0 (a certain, wrong prediction) raises ValueError: use
    `binary_cross_entropy_with_logits` on logits instead.
    """
    n = _check_batch("binary_cross_entropy", probabilities, targets)
    terms: list[Value] = []
    for index, (p, t) in enumerate(zip(probabilities, targets)):
        target = _target("binary_cross_entropy", index, t, None)
        if not 0.0 <= target <= 1.0:
            raise ValueError(f"binary_cross_entropy: targets[{index}] must be in [0, 1], got {t!r}")
        probability = _as_value(p)
        if not 0.0 <= probability.data <= 1.0:
            raise ValueError(
                f"binary_cross_entropy: outputs[{index}] must be a probability in [0, 1], "
                f"got {probability.data!r}"
            )
        if (target > 0 and probability.data == 0.0) or (target < 1 and probability.data == 1.0):
            raise ValueError(
                f"binary_cross_entropy: outputs[{index}] = {probability.data!r} with target "
                f"{target!r} has infinite loss; use binary_cross_entropy_with_logits"
            )
        if target > 0:
            terms.append(target * ag.log(probability))
        if target < 1:
            terms.append((1.0 - target) * ag.log(1.0 - probability))
    return -ag.sum(terms) / n


def binary_cross_entropy_with_logits(logits: Sequence[Output], targets: Sequence[object]) -> Value:
    """binary_cross_entropy(sigmoid(z), t) computed from logits z, stable for any |z|."""
    n = _check_batch("binary_cross_entropy_with_logits", logits, targets)
    terms: list[Value] = []
    for index, (z, t) in enumerate(zip(logits, targets)):
        target = _target("binary_cross_entropy_with_logits", index, t, None)
        if not 0.0 <= target <= 1.0:
            raise ValueError(
                f"binary_cross_entropy_with_logits: targets[{index}] must be in [0, 1], got {t!r}"
            )
        logit = _as_value(z)
        # -[t log s(z) + (1 - t) log(1 - s(z))] = softplus(z) - t z.
        terms.append(softplus(logit) - target * logit if target else softplus(logit))
    return ag.sum(terms) / n


def cross_entropy(logits_rows: Sequence[Sequence[Output]], targets: Sequence[object]) -> Value:
    """mean(-log softmax(row)[class]) for rows of logits and integer class targets."""
    n = _check_batch("cross_entropy", logits_rows, targets)
    terms: list[Value] = []
    for index, (row, target) in enumerate(zip(logits_rows, targets)):
        if isinstance(row, Value) or not isinstance(row, Sequence):
            raise ValueError(
                f"cross_entropy: outputs[{index}] must be a row of logits (one per class), "
                f"got {row!r}"
            )
        if isinstance(target, bool) or not isinstance(target, numbers.Integral):
            raise TypeError(
                f"cross_entropy: targets[{index}] must be a class index, got {target!r}"
            )
        if not 0 <= int(target) < len(row):
            raise ValueError(
                f"cross_entropy: targets[{index}] = {target} is not a class index in "
                f"[0, {len(row)})"
            )
        # -log softmax(row)[target] = logsumexp(row) - row[target].
        terms.append(logsumexp(row) - _as_value(row[int(target)]))
    return ag.sum(terms) / n


def hinge(scores: Sequence[Output], labels: Sequence[object]) -> Value:
    """mean(relu(1 - y * score)) for labels y in {-1, +1}: the SVM max-margin loss."""
    n = _check_batch("hinge", scores, labels)
    terms = [
        ag.relu(1.0 - _target("hinge", index, y, (-1.0, 1.0)) * _as_value(score))
        for index, (score, y) in enumerate(zip(scores, labels))
    ]
    return ag.sum(terms) / n
