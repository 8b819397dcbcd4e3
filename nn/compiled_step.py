"""fit's compiled training step: the model's forward and backward over a batch as generated code.

`compile_step` returns a `CompiledStep` for a model and a named loss, or None
(with the reason) when they cannot be compiled: a loss given as a function
(it may read labels as numbers, which compiled code would freeze),
binary_cross_entropy (it leaves out zero-weight log terms per sample), or a
model whose forward branches on Values. Targets enter the generated code as
inputs: class indices as one-hot rows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import autograd_lite as ag
from autograd_lite import Value

from .functional import logsumexp, softplus
from .module import Module


def _mse(output: Any, target: Any) -> Value:
    outputs = output if isinstance(output, list) else [output]
    targets = target if isinstance(target, (list, tuple)) else [target]
    squares = [(o - t) * (o - t) for o, t in zip(outputs, targets)]
    return ag.sum(squares) / len(squares)


def _hinge(score: Any, label: Any) -> Value:
    return ag.relu(1.0 - label * score)


def _logistic(logit: Any, target: Value) -> Value:
    product: Value = target * logit
    return softplus(logit) - product


def _cross_entropy(logits: Any, one_hot: Any) -> Value:
    return logsumexp(logits) - ag.dot(one_hot, logits)


SAMPLE_LOSSES: dict[str, Callable[[Any, Any], Value]] = {
    "mse": _mse,
    "hinge": _hinge,
    "binary_cross_entropy_with_logits": _logistic,
    "cross_entropy": _cross_entropy,
}
"""Per-sample versions of fit's named losses, with the target as a Value."""


class CompiledStep:
    """Loss, outputs and gradients (into each parameter's `.grad`) of a batch, compiled."""

    def __init__(self, model: Module[Any], loss: str, l2: float, classes: int) -> None:
        self.params = model.parameters()
        self.classes = classes
        sample_loss = SAMPLE_LOSSES[loss]
        params = self.params

        def objective(x: list[Value], target: Any) -> tuple[Value, Any]:
            output = model(x)
            total = sample_loss(output, target)
            if l2:
                # The same for every sample: computed once, outside the generated loop.
                total = total + l2 * ag.sum([p * p for p in params])
            return total, output

        self.compiled = ag.compile(objective, wrt=params, batch=(0, 1), has_aux=True)

    def targets(self, y: Sequence[Any]) -> Sequence[Any]:
        if not self.classes:
            return y
        rows = []
        for target in y:
            row = [0.0] * self.classes
            row[int(target)] = 1.0
            rows.append(row)
        return rows

    def __call__(self, X: Sequence[Sequence[Any]], y: Sequence[Any]) -> tuple[Value, list[Any]]:
        """(the batch's objective as a leaf, the model's outputs); sets every `.grad`."""
        (loss, outputs), grads = self.compiled(list(X), self.targets(y))
        for param, grad in zip(self.params, grads):
            param.grad = grad
        return Value(loss), outputs


def compile_step(
    model: Module[Any],
    X: Sequence[Sequence[Any]],
    y: Sequence[Any],
    loss: object,
    loss_function: Callable[[list[Any], list[Any]], Value],
    l2: float,
) -> tuple[CompiledStep | None, str]:
    """A compiled step for fit, or (None, why not); traces the model on X[:1].

    The targets are checked once, up front, by the interpreted loss: compiled
    code takes them as numbers.
    """
    if not isinstance(loss, str) or loss not in SAMPLE_LOSSES:
        name = repr(loss) if isinstance(loss, str) else "a loss function"
        return None, f"the loss is {name}, not one of {', '.join(SAMPLE_LOSSES)}"
    with ag.no_grad():
        output = model(X[0])
        loss_function([output] * len(y), list(y))
    classes = len(output) if loss == "cross_entropy" and isinstance(output, list) else 0
    step = CompiledStep(model, loss, l2, classes)
    try:
        step.compiled(list(X[:1]), step.targets(y[:1]))
    except TypeError as error:
        if "compares Values" not in str(error):
            raise
        return None, f"{type(model).__name__} branches on Values"
    return step, ""
