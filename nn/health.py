"""Training-health statistics of an MLP, per layer, as in Karpathy's "activations and gradients".

For each layer of a model with a `layers` list (an `MLP`); `fit(..., health=True)`
adds a `HealthMonitor`, which measures the activations on the first `SAMPLES` training
inputs and the gradients and update of the epoch's last step:
- ``act_mean``, ``act_std``: mean and standard deviation of the layer's outputs
  (after its activation) over every sample and unit;
- ``dead`` (ReLU layers): the fraction of units that output 0 for every input;
  ``saturated`` (tanh and sigmoid layers): the fraction of outputs within 0.03
  of the activation's bounds, where its derivative nearly vanishes;
- ``grad_std``: standard deviation of the loss gradient over the layer's
  weights (biases left out, as in the lecture);
- ``update_ratio``: std(weight update) / std(weights) of one optimizer step;
  about 1e-3 is healthy, far below learns slowly, far above is unstable.

History names are ``layers.{i}.{statistic}``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from statistics import pstdev
from typing import Any

import autograd_lite as ag
from autograd_lite import Value

from .callbacks import Callback, Run

SAMPLES = 256
SATURATION_MARGIN = 0.03


def check_model(model: object) -> list[Any]:
    """The model's list of layers; TypeError if it has none of `Layer`s with neurons."""
    layers = getattr(model, "layers", None)
    if not isinstance(layers, list) or not all(hasattr(layer, "neurons") for layer in layers):
        raise TypeError(
            f"health statistics need a model with a `layers` list of Layers (an MLP), "
            f"got {type(model).__name__}"
        )
    return layers


def layer_weights(layer: Any) -> list[Value]:
    """The weights (not biases) of a Layer."""
    return [w for neuron in layer.neurons for w in neuron.w]


def activation_statistics(model: object, X: Sequence[Sequence[float]]) -> dict[str, float]:
    """act_mean, act_std and dead or saturated per layer on the inputs X, recording no graph."""
    layers = check_model(model)
    results: dict[str, float] = {}
    with ag.no_grad():
        rows: list[list[Value]] = [[Value(float(v)) for v in x] for x in X]
        for index, layer in enumerate(layers):
            rows = [layer(row) for row in rows]
            outputs = [value.data for row in rows for value in row]
            results[f"layers.{index}.act_mean"] = math.fsum(outputs) / len(outputs)
            results[f"layers.{index}.act_std"] = pstdev(outputs)
            if layer.activation == "relu":
                dead_units = sum(
                    all(row[unit].data <= 0.0 for row in rows) for unit in range(layer.nout)
                )
                results[f"layers.{index}.dead"] = dead_units / layer.nout
            elif layer.activation in ("tanh", "sigmoid"):
                low = -1.0 if layer.activation == "tanh" else 0.0
                saturated = sum(
                    v < low + SATURATION_MARGIN or v > 1.0 - SATURATION_MARGIN for v in outputs
                )
                results[f"layers.{index}.saturated"] = saturated / len(outputs)
    return results


def gradient_statistics(model: object) -> dict[str, float]:
    """grad_std per layer, from the grads of the last backward pass."""
    return {
        f"layers.{index}.grad_std": pstdev([w.grad for w in layer_weights(layer)])
        for index, layer in enumerate(check_model(model))
    }


def weight_snapshot(model: object) -> list[list[float]]:
    """The weights of each layer, as floats, to compare after a step."""
    return [[w.data for w in layer_weights(layer)] for layer in check_model(model)]


def update_statistics(model: object, before: list[list[float]]) -> dict[str, float]:
    """update_ratio per layer: std(after - before) / std(before)."""
    results: dict[str, float] = {}
    for index, (layer, old) in enumerate(zip(check_model(model), before)):
        new = [w.data for w in layer_weights(layer)]
        spread = pstdev(old)
        update = pstdev([n - o for n, o in zip(new, old)])
        # Weights that are all equal have no spread to compare with: nan, not a number
        # that would read as a huge or a tiny update.
        results[f"layers.{index}.update_ratio"] = update / spread if spread else math.nan
    return results


class HealthMonitor(Callback):
    """The `fit` callback of `health=True`: records the statistics once per epoch into the
    History, from the activations on the first `SAMPLES` training inputs (the same every
    epoch) and the gradients and update of the epoch's last step."""

    def __init__(self, model: object) -> None:
        check_model(model)
        self.statistics: dict[str, float] = {}
        self.before: list[list[float]] = []

    def on_step_begin(self, run: Run) -> None:
        """Before the epoch's last step: activations, gradients and the weights."""
        if run.batch == run.batches - 1:
            self.statistics = activation_statistics(run.model, run.X[:SAMPLES])
            self.statistics.update(gradient_statistics(run.model))
            self.before = weight_snapshot(run.model)

    def on_step_end(self, run: Run) -> None:
        """After the epoch's last step: the update."""
        if run.batch == run.batches - 1:
            self.statistics.update(update_statistics(run.model, self.before))

    def on_epoch_end(self, run: Run) -> None:
        """Record the epoch's statistics as "layers.{i}.{statistic}"."""
        for name, value in self.statistics.items():
            run.history.add(name, value)
