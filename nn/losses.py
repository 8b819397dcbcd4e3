"""Loss functions: each returns one Value, the mean over the batch of a per-sample loss.

A loss takes a batch, a sequence of outputs and one of as many targets, or a single
sample: one output and one target are a batch of one, as PyTorch's losses take a
tensor without a batch dimension. `SAMPLE_LOSSES` holds the per-sample loss each named
loss averages; `fit`'s compiled step compiles those same functions.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Sequence
from typing import Any

import autograd_lite as ag
from autograd_lite import Value
from autograd_lite.scalars import as_value, is_number

from .functional import logsumexp, softplus

Output = Value | float


def _is_scalar(x: object) -> bool:
    return isinstance(x, Value) or is_number(x)


def _is_sequence(x: object) -> bool:
    return isinstance(x, Sequence) and not isinstance(x, str)


def _batch(
    where: str, outputs: Any, targets: Any, single: bool, takes: str
) -> tuple[Sequence[Any], Sequence[Any]]:
    """(outputs, targets) as a non-empty batch of equal length; `single` makes a batch of one."""
    if single:
        return [outputs], [targets]
    if not _is_sequence(outputs) or not _is_sequence(targets):
        raise TypeError(
            f"{where} takes {takes}, got {type(outputs).__name__} outputs and "
            f"{type(targets).__name__} targets"
        )
    if not outputs:
        raise ValueError(f"{where}: expected a non-empty batch, got 0 outputs")
    if len(outputs) != len(targets):
        raise ValueError(
            f"{where}: expected as many targets as outputs, got {len(outputs)} outputs and "
            f"{len(targets)} targets"
        )
    return outputs, targets


def _scalar_batch(where: str, outputs: Any, targets: Any) -> tuple[Sequence[Any], Sequence[Any]]:
    takes = (
        "a list of outputs and a list of as many targets, or one output (a Value or a "
        "number) and one target"
    )
    single = _is_scalar(outputs) and _is_scalar(targets)
    return _batch(where, outputs, targets, single, takes)


def _mean(terms: list[Value]) -> Value:
    return ag.sum(terms) / len(terms)




def _target(where: str, index: int, target: object) -> float:
    if isinstance(target, Value):
        target = target.data
    if not is_number(target):
        raise TypeError(f"{where}: targets[{index}] must be a number, got {target!r}")
    if not math.isfinite(target):
        # A nan or infinite target makes the loss and every gradient nan, silently.
        raise ValueError(f"{where}: targets[{index}] must be a finite number, got {target!r}")
    return float(target)


def one_hot(index: int, classes: int) -> list[float]:
    """The row of `classes` numbers that is 1.0 at `index` and 0.0 elsewhere."""
    row = [0.0] * classes
    row[index] = 1.0
    return row


def l2_penalty(parameters: Sequence[Value], weight: float) -> Value:
    """weight * sum(p * p) over the parameters: fit's `l2` term."""
    return weight * ag.sum([p * p for p in parameters])


# The per-sample losses. Targets are numbers or Values (compiled code passes Values) and
# are not checked here: the batch functions below check them first.


def _squared_error(output: Any, target: Any) -> Value:
    if _is_sequence(output):
        return _mean([_squared_error(o, t) for o, t in zip(output, target)])
    difference: Value = as_value(output) - target
    return difference * difference


def _logistic(logit: Any, target: Any) -> Value:
    # -[t log s(z) + (1 - t) log(1 - s(z))] = softplus(z) - t z.
    product: Value = target * as_value(logit)
    return softplus(logit) - product


def _cross_entropy(logits: Any, one_hot_row: Any) -> Value:
    # -log softmax(z)[class] = logsumexp(z) - z[class], the class given as a one-hot row.
    return logsumexp(logits) - ag.dot(one_hot_row, [as_value(z) for z in logits])


def _hinge(score: Any, label: Any) -> Value:
    return ag.relu(1.0 - label * as_value(score))


SAMPLE_LOSSES: dict[str, Callable[[Any, Any], Value]] = {
    "mse": _squared_error,
    "hinge": _hinge,
    "binary_cross_entropy_with_logits": _logistic,
    "cross_entropy": _cross_entropy,
}
"""The loss of one sample, (output, target) -> Value, that each named loss averages.

The target is a number or a Value (for cross_entropy, the class as a `one_hot` row)
and is not checked. binary_cross_entropy has none: it leaves out a zero-weight log term
by the target's value, which compiled code could not follow.
"""


def mse(outputs: Any, targets: Any) -> Value:
    """Mean squared error over every element (rows of outputs are flattened, as in PyTorch).

    Outputs are numbers or Values, or equally long rows of them with rows of targets.
    """
    outputs, targets = _scalar_batch("mse", outputs, targets)
    width = len(outputs[0]) if _is_sequence(outputs[0]) else None
    checked: list[Any] = []
    for index, (output, target) in enumerate(zip(outputs, targets)):
        if width is None:
            if _is_sequence(output):
                raise ValueError(f"mse: outputs[{index}] is a row, but outputs[0] is not")
            checked.append(_target("mse", index, target))
            continue
        if not _is_sequence(output) or len(output) != width:
            raise ValueError(
                f"mse: outputs[{index}] must be a row of {width} like outputs[0], got {output!r}"
            )
        if not _is_sequence(target) or len(target) != width:
            raise ValueError(
                f"mse: targets[{index}] must be a row of {width} numbers, got {target!r}"
            )
        checked.append([_target("mse", index, t) for t in target])
    return _mean([_squared_error(o, t) for o, t in zip(outputs, checked)])


def _probability_target(where: str, index: int, target: object) -> float:
    value = _target(where, index, target)
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{where}: targets[{index}] must be in [0, 1], got {target!r}")
    return value


def binary_cross_entropy(probabilities: Any, targets: Any) -> Value:
    """-mean(t log p + (1 - t) log(1 - p)) for probabilities p and targets t in [0, 1].

    A term whose weight is zero is left out, so p == 1 with t == 1 is fine; a
    needed log of 0 (a certain, wrong prediction) raises ValueError: use
    `binary_cross_entropy_with_logits` on logits instead.
    """
    where = "binary_cross_entropy"
    probabilities, targets = _scalar_batch(where, probabilities, targets)
    terms: list[Value] = []
    for index, (p, t) in enumerate(zip(probabilities, targets)):
        target = _probability_target(where, index, t)
        probability = as_value(p)
        if not 0.0 <= probability.data <= 1.0:
            raise ValueError(
                f"{where}: outputs[{index}] must be a probability in [0, 1], "
                f"got {probability.data!r}"
            )
        if (target > 0 and probability.data == 0.0) or (target < 1 and probability.data == 1.0):
            raise ValueError(
                f"{where}: outputs[{index}] = {probability.data!r} with target "
                f"{target!r} has infinite loss; use binary_cross_entropy_with_logits"
            )
        if target > 0:
            terms.append(target * ag.log(probability))
        if target < 1:
            terms.append((1.0 - target) * ag.log(1.0 - probability))
    return -ag.sum(terms) / len(probabilities)


def binary_cross_entropy_with_logits(logits: Any, targets: Any) -> Value:
    """binary_cross_entropy(sigmoid(z), t) computed from logits z, stable for any |z|."""
    where = "binary_cross_entropy_with_logits"
    logits, targets = _scalar_batch(where, logits, targets)
    checked = [_probability_target(where, index, t) for index, t in enumerate(targets)]
    return _mean([_logistic(z, t) for z, t in zip(logits, checked)])


def cross_entropy(logits_rows: Any, targets: Any) -> Value:
    """mean(-log softmax(row)[class]) for rows of logits and integer class targets.

    One row with one class index (an int) is a batch of one.
    """
    where = "cross_entropy"
    single = _is_sequence(logits_rows) and _is_class(targets)
    if not single and _is_sequence(logits_rows) and logits_rows and _is_scalar(logits_rows[0]):
        raise TypeError(
            f"{where}: outputs is one row of logits, so its target is one class index "
            f"(cross_entropy(row, 2)), got {targets!r}; a batch is a list of rows"
        )
    takes = "a list of rows of logits and a list of as many class indices, or one row and one"
    logits_rows, targets = _batch(where, logits_rows, targets, single, takes)
    terms: list[Value] = []
    for index, (row, target) in enumerate(zip(logits_rows, targets)):
        if not _is_sequence(row):
            raise ValueError(
                f"{where}: outputs[{index}] must be a row of logits (one per class), got {row!r}"
            )
        if not _is_class(target):
            raise TypeError(f"{where}: targets[{index}] must be a class index, got {target!r}")
        if not 0 <= int(target) < len(row):
            raise ValueError(
                f"{where}: targets[{index}] = {target} is not a class index in [0, {len(row)})"
            )
        terms.append(_cross_entropy(row, one_hot(int(target), len(row))))
    return _mean(terms)


def _is_class(x: object) -> bool:
    return isinstance(x, numbers.Integral) and not isinstance(x, bool)


def hinge(scores: Any, labels: Any) -> Value:
    """mean(relu(1 - y * score)) for labels y in {-1, +1}: the SVM max-margin loss."""
    scores, labels = _scalar_batch("hinge", scores, labels)
    checked = []
    for index, label in enumerate(labels):
        value = _target("hinge", index, label)
        if value not in (-1.0, 1.0):
            raise ValueError(
                f"hinge: targets[{index}] must be -1 or +1, got {label!r}; 0/1 labels become "
                "-1/+1 with nn.data.signed_labels(y) (or signed=True when making a data set)"
            )
        checked.append(value)
    return _mean([_hinge(score, y) for score, y in zip(scores, checked)])
