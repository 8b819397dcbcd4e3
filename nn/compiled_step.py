"""fit's compiled training step: the model's forward and backward over a batch as generated code.

The loss of each sample is `nn.losses.SAMPLE_LOSSES[loss]`, the function the named
loss averages, compiled by `ag.compile` with the targets as inputs.

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

from .losses import SAMPLE_LOSSES, l2_penalty, one_hot
from .module import Module


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
                total = total + l2_penalty(params, l2)
            return total, output

        self.compiled = ag.compile(objective, wrt=params, batch=(0, 1), has_aux=True)

    def targets(self, y: Sequence[Any]) -> Sequence[Any]:
        if not self.classes:
            return y
        return [one_hot(int(target), self.classes) for target in y]

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
