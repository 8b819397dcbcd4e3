"""A training loop, `fit`, with `evaluate`, `predict` and `accuracy` around it."""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

# The ignore is for installs without types-tqdm; with it, tqdm is fully typed.
from tqdm.auto import tqdm  # type: ignore[import-untyped, unused-ignore]

import autograd_lite as ag
from autograd_lite import Value

from . import health as health_module
from . import losses
from .compiled_step import compile_step
from .data import batches
from .module import Module
from .optim import Adam, LRScheduler, Optimizer
from .plot import TrainingPlot, in_jupyter

LossFunction = Callable[[list[Any], list[Any]], Value]

LOSSES: dict[str, LossFunction] = {
    "mse": losses.mse,
    "binary_cross_entropy": losses.binary_cross_entropy,
    "binary_cross_entropy_with_logits": losses.binary_cross_entropy_with_logits,
    "cross_entropy": losses.cross_entropy,
    "hinge": losses.hinge,
}


@dataclass
class History:
    """Per-epoch records of a `fit` run: "loss", each metric, "val_" versions of them and,
    with `health=True`, "layers.{i}.{statistic}" (see `nn.health`)."""

    records: dict[str, list[float]] = field(default_factory=dict)
    seconds: list[float] = field(default_factory=list)
    """Wall-clock seconds of each epoch."""
    final: dict[str, float] = field(default_factory=dict)
    """Loss and metrics of the trained model on the training data, measured after the run."""

    def __getitem__(self, name: str) -> list[float]:
        return self.records[name]

    def add(self, name: str, value: float) -> None:
        """Append `value` to the list of `name`."""
        self.records.setdefault(name, []).append(value)

    @property
    def loss(self) -> list[float]:
        """The training loss of each epoch."""
        return self.records.get("loss", [])

    @property
    def epochs(self) -> int:
        """How many epochs were recorded."""
        return len(self.loss)


def _output_data(output: Any) -> float | list[float]:
    if isinstance(output, Value):
        return output.data
    if isinstance(output, Sequence) and not isinstance(output, str):
        return [item.data if isinstance(item, Value) else float(item) for item in output]
    return float(output)


def accuracy(outputs: Sequence[Any], targets: Sequence[Any], threshold: float = 0.0) -> float:
    """The fraction of correct predictions.

    Rows of outputs: the predicted class is the index of the largest. Single
    outputs: binary, positive when output > threshold (0 for scores and
    logits, 0.5 for probabilities); a target is positive when it is 1,
    negative when it is 0 or -1.
    """
    if not outputs or len(outputs) != len(targets):
        raise ValueError(
            f"accuracy: expected equally many outputs and targets (at least one), got "
            f"{len(outputs)} and {len(targets)}"
        )
    correct = 0
    for index, (output, target) in enumerate(zip(outputs, targets)):
        data = _output_data(output)
        if any(math.isnan(x) for x in (data if isinstance(data, list) else [data])):
            raise ValueError(
                f"accuracy: outputs[{index}] is nan, which is no prediction (did training diverge?)"
            )
        if isinstance(data, list):
            correct += max(range(len(data)), key=data.__getitem__) == target
        else:
            if target not in (-1, 0, 1):
                raise ValueError(
                    f"accuracy: binary targets[{index}] must be 0, 1 or -1, got {target!r}"
                )
            correct += (data > threshold) == (target == 1)
    return correct / len(outputs)


def decision_threshold(model: object) -> float:
    """0.5 for a model whose outputs are probabilities (sigmoid output), else 0.0."""
    return 0.5 if getattr(model, "output_activation", None) == "sigmoid" else 0.0


def predict(model: Module[Any], X: Sequence[Sequence[Any]]) -> list[Any]:
    """The model's outputs as floats (lists of floats for several outputs), recording no graph."""
    with ag.no_grad():
        return [_output_data(model(x)) for x in X]


def _loss_function(loss: str | LossFunction) -> LossFunction:
    if isinstance(loss, str):
        if loss not in LOSSES:
            raise ValueError(
                f"unknown loss {loss!r}; expected one of {', '.join(LOSSES)} or a "
                "callable(outputs, targets) -> Value"
            )
        return LOSSES[loss]
    if not callable(loss):
        raise TypeError(f"loss must be a name or a callable, got {loss!r}")
    return loss


def _check_metrics(metrics: Sequence[str]) -> None:
    for name in metrics:
        if name != "accuracy":
            raise ValueError(f"unknown metric {name!r}; the supported metric is 'accuracy'")


def _objective(
    loss_function: LossFunction,
    outputs: list[Any],
    targets: list[Any],
    model: Module[Any],
    l2: float,
) -> Value:
    total = loss_function(outputs, targets)
    if l2:
        total = total + losses.l2_penalty(model.parameters(), l2)
    return total


def evaluate(
    model: Module[Any],
    X: Sequence[Sequence[Any]],
    y: Sequence[Any],
    loss: str | LossFunction = "mse",
    metrics: Sequence[str] = ("accuracy",),
    l2: float = 0.0,
) -> dict[str, float]:
    """{"loss": ..., metric: ...} of `model` on (X, y), recording no graph."""
    loss_function = _loss_function(loss)
    _check_metrics(metrics)
    with ag.no_grad():
        outputs = [model(x) for x in X]
        results = {"loss": _objective(loss_function, outputs, list(y), model, l2).data}
    for name in metrics:
        results[name] = accuracy(outputs, y, decision_threshold(model))
    return results


Callback = Callable[["History"], None]


def _check_finite(name: str, value: object, minimum: float = 0.0) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or not math.isfinite(value)
        or value < minimum
    ):
        raise ValueError(f"{name} must be a finite number >= {minimum:g}, got {value!r}")
    return float(value)


def fit(
    model: Module[Any],
    X: Sequence[Sequence[Any]],
    y: Sequence[Any],
    loss: str | LossFunction = "mse",
    optimizer: Optimizer | None = None,
    epochs: int = 100,
    batch_size: int | None = None,
    metrics: Sequence[str] = ("accuracy",),
    validation: tuple[Sequence[Sequence[Any]], Sequence[Any]] | None = None,
    progress: bool = True,
    l2: float = 0.0,
    scheduler: LRScheduler | None = None,
    seed: int | None = None,
    callbacks: Sequence[Callback] = (),
    plot: bool = False,
    health: bool = False,
    compile: bool = True,
) -> History:
    """Train `model` on (X, y) and return the per-epoch History.

    `loss` is a name from `LOSSES` or a callable(outputs, targets) -> Value;
    `l2` adds l2 * sum(p * p) over the parameters. `optimizer` defaults to
    Adam(lr=0.01). `batch_size=None` is full-batch: one step per epoch; else
    the data is shuffled (seeded by `seed`) into mini-batches. Training loss and
    metrics of an epoch are averaged over its batches, from the forward passes
    before each step; "val_" entries are measured after the epoch. `scheduler`
    is stepped once per epoch. After the last epoch, `history.final` holds
    loss and metrics of the trained model on (X, y).

    `progress=False` prints nothing. Otherwise a tqdm bar (the notebook widget in
    Jupyter) shows the running figures, or, when stderr is not a terminal, one
    line per tenth of the epochs; the bar's last reading and the last line are
    `history.final`. `callbacks` are called with the History after each epoch;
    `plot=True` adds an `nn.plot.TrainingPlot` that redraws the loss curves (and,
    for 2-D inputs, the decision boundary) in place in Jupyter, and does nothing
    elsewhere. `health=True` records per-layer statistics (see `nn.health`) once
    per epoch as "layers.{i}.{statistic}" entries: activations on the first
    `nn.health.SAMPLES` training inputs (the same ones every epoch), gradients and
    update sizes of the epoch's last step.

    `compile=True` (the default) runs each step as code generated by
    `ag.compile` when the model and a named loss allow it (see
    `nn.compiled_step`), else it says why on stderr and interprets;
    `compile=False` always interprets.
    """
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 0:
        raise ValueError(f"epochs must be a non-negative int, got {epochs!r}")
    if len(X) != len(y) or not X:
        raise ValueError(
            f"fit: expected equally many inputs and targets (at least one), got "
            f"{len(X)} and {len(y)}"
        )
    if batch_size is not None and (
        isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1
    ):
        raise ValueError(f"batch_size must be a positive int or None, got {batch_size!r}")
    l2 = _check_finite("l2", l2)
    loss_function = _loss_function(loss)
    _check_metrics(metrics)
    if health:
        health_module.check_model(model)
    all_callbacks = list(callbacks)
    for index, callback in enumerate(all_callbacks):
        if not callable(callback):
            raise TypeError(f"callbacks[{index}] must be callable(history), got {callback!r}")
    if plot:
        all_callbacks.append(TrainingPlot(model, X, y, epochs=epochs))
    if optimizer is None:
        optimizer = Adam(model.parameters(), lr=0.01)
    threshold = decision_threshold(model)
    step = None
    if compile and epochs:
        step, why_not = compile_step(model, X, y, loss, loss_function, l2)
        if step is None and progress:
            print(f"fit: not compiled ({why_not}); interpreting", file=sys.stderr)
    history = History()
    reporter = _Progress(epochs, enabled=progress)
    try:
        for epoch in range(epochs):
            started = time.perf_counter()
            sums: dict[str, float] = {}
            if batch_size is None:
                epoch_batches: list[tuple[list[Any], list[Any]]] = [(list(X), list(y))]
            else:
                batch_seed = None if seed is None else seed + epoch
                epoch_batches = list(batches(X, y, batch_size, shuffle=True, seed=batch_seed))
            for number, (X_batch, y_batch) in enumerate(epoch_batches):
                if step is not None:
                    total, outputs = step(X_batch, y_batch)
                else:
                    outputs = [model(x) for x in X_batch]
                    total = _objective(loss_function, outputs, y_batch, model, l2)
                    optimizer.zero_grad()
                    total.backward()
                measure = health and number == len(epoch_batches) - 1
                if measure:
                    statistics = health_module.activation_statistics(
                        model, X[: health_module.SAMPLES]
                    )
                    statistics.update(health_module.gradient_statistics(model))
                    before = health_module.weight_snapshot(model)
                optimizer.step()
                if measure:
                    statistics.update(health_module.update_statistics(model, before))
                weight = len(X_batch) / len(X)
                sums["loss"] = sums.get("loss", 0.0) + weight * total.data
                for name in metrics:
                    sums[name] = sums.get(name, 0.0) + weight * accuracy(
                        outputs, y_batch, threshold
                    )
            for name, value in sums.items():
                history.add(name, value)
            if validation is not None:
                X_val, y_val = validation
                results = evaluate(model, X_val, y_val, loss_function, metrics, l2)
                for name, value in results.items():
                    history.add("val_" + name, value)
            if health:
                for name, value in statistics.items():
                    history.add(name, value)
            if scheduler is not None:
                scheduler.step()
            history.seconds.append(time.perf_counter() - started)
            reporter.epoch_done(epoch + 1, _reading(history))
            for callback in all_callbacks:
                callback(history)
        history.final = evaluate(model, X, y, loss_function, metrics, l2)
        reporter.finish(history.final)
    finally:
        reporter.close()
    return history


def _reading(history: History) -> dict[str, float]:
    """The latest loss, metrics and their validation versions (not the health statistics)."""
    return {
        name: values[-1]
        for name, values in history.records.items()
        if not name.startswith("layers.") and values
    }


def _format(reading: dict[str, float]) -> str:
    return " ".join(f"{name}={value:.4f}" for name, value in reading.items())


class _Progress:
    """fit's progress: a tqdm bar on a terminal or in Jupyter, else a line per tenth of the run."""

    def __init__(self, epochs: int, enabled: bool) -> None:
        self.epochs = epochs
        self.bar: Any = None
        self.lines = False
        if not enabled:
            return
        if in_jupyter() or _is_terminal(sys.stderr):
            self.bar = tqdm(total=epochs, desc="fit", unit="epoch")
        else:
            self.lines = True
            self.every = max(1, math.ceil(epochs / 10))
            self.started = time.perf_counter()

    def epoch_done(self, epoch: int, reading: dict[str, float]) -> None:
        if self.bar is not None:
            self.bar.set_postfix({name: f"{value:.4f}" for name, value in reading.items()}, False)
            self.bar.update(1)
        elif self.lines and epoch % self.every == 0 and epoch != self.epochs:
            self._line(f"epoch {epoch}/{self.epochs}", reading)

    def finish(self, final: dict[str, float]) -> None:
        if self.bar is not None:
            self.bar.set_postfix({name: f"{value:.4f}" for name, value in final.items()})
        elif self.lines:
            self._line(f"done: {self.epochs} epochs", final)

    def _line(self, where: str, reading: dict[str, float]) -> None:
        elapsed = time.perf_counter() - self.started
        print(f"fit: {where} [{elapsed:.1f}s] {_format(reading)}", file=sys.stderr, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _is_terminal(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # no isatty, or a closed stream
        return False
