"""A training loop, `fit`, with `evaluate`, `predict` and `accuracy` around it."""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

import autograd_lite as ag
from autograd_lite import Value
from autograd_lite.scalars import is_int, is_number

from . import losses
from .callbacks import Callback, History, Progress, Run
from .compiled_step import compile_step
from .data import batches
from .health import HealthMonitor
from .module import Module
from .optim import Adam, LRScheduler, Optimizer
from .plot import TrainingPlot

LossFunction = Callable[[list[Any], list[Any]], Value]
Step = Callable[[list[Any], list[Any]], tuple[Value, list[Any]]]

LOSSES: dict[str, LossFunction] = {
    "mse": losses.mse,
    "binary_cross_entropy": losses.binary_cross_entropy,
    "binary_cross_entropy_with_logits": losses.binary_cross_entropy_with_logits,
    "cross_entropy": losses.cross_entropy,
    "hinge": losses.hinge,
}

DEFAULT_LR = 0.01
"""The learning rate of fit's default optimizer, Adam(model.parameters(), lr=DEFAULT_LR)."""


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


def _check_finite(name: str, value: object, minimum: float = 0.0) -> float:
    if not is_number(value) or not math.isfinite(value) or value < minimum:
        raise ValueError(f"{name} must be a finite number >= {minimum:g}, got {value!r}")
    return float(value)


def _check_data(X: Sequence[Any], y: Sequence[Any], epochs: object, batch_size: object) -> None:
    if not is_int(epochs) or epochs < 0:
        raise ValueError(f"epochs must be a non-negative int, got {epochs!r}")
    if len(X) != len(y) or not X:
        raise ValueError(
            f"fit: expected equally many inputs and targets (at least one), got "
            f"{len(X)} and {len(y)}"
        )
    if batch_size is not None and (not is_int(batch_size) or batch_size < 1):
        raise ValueError(f"batch_size must be a positive int or None, got {batch_size!r}")


def _optimizer_for(
    model: Module[Any], optimizer: Optimizer | None, scheduler: LRScheduler | None
) -> Optimizer:
    """The given optimizer, checked against the model and the scheduler, or the default."""
    if optimizer is None:
        optimizer = Adam(model.parameters(), lr=DEFAULT_LR)
    if not isinstance(optimizer, Optimizer):
        raise TypeError(
            f"fit: optimizer must be an nn.optim optimizer (optim.SGD, optim.Adam), got "
            f"{optimizer!r}"
        )
    own = {id(p) for p in model.parameters()}
    foreign = sum(id(p) not in own for p in optimizer.params)
    if foreign:
        raise ValueError(
            f"fit: {foreign} of the optimizer's {len(optimizer.params)} parameters are not "
            "this model's (re-running a notebook cell makes a new model but keeps the old "
            "optimizer); make the optimizer from this model: "
            f"optim.{type(optimizer).__name__}(model.parameters(), lr=...)"
        )
    if scheduler is not None and scheduler.optimizer is not optimizer:
        raise ValueError(
            "fit: the scheduler sets the learning rate of another optimizer than the one fit "
            "steps; make it from fit's optimizer, e.g. "
            f"optim.{type(scheduler).__name__}(optimizer, ...)"
        )
    return optimizer


def _callbacks(
    callbacks: Sequence[Callback | Callable[[History], None]],
    run: Run,
    progress: bool,
    plot: bool,
    health: bool,
) -> list[Callback]:
    """The callbacks of a run: health, progress, the user's, then the plot."""
    chosen: list[Callback] = []
    if health:
        chosen.append(HealthMonitor(run.model))
    if progress:
        chosen.append(Progress())
    for index, callback in enumerate(callbacks):
        if isinstance(callback, Callback):
            chosen.append(callback)
        elif callable(callback):
            chosen.append(_EveryEpoch(callback))
        else:
            raise TypeError(
                f"callbacks[{index}] must be a Callback or callable(history), got {callback!r}"
            )
    if plot:
        chosen.append(TrainingPlot(run.model, run.X, run.y, epochs=run.epochs))
    return chosen


class _EveryEpoch(Callback):
    """A function f(history) as a callback: called after every epoch."""

    def __init__(self, function: Callable[[History], None]) -> None:
        self.function = function

    def on_epoch_end(self, run: Run) -> None:
        self.function(run.history)


def _interpreted_step(
    model: Module[Any], loss_function: LossFunction, l2: float, optimizer: Optimizer
) -> Step:
    def step(X_batch: list[Any], y_batch: list[Any]) -> tuple[Value, list[Any]]:
        outputs = [model(x) for x in X_batch]
        total = _objective(loss_function, outputs, y_batch, model, l2)
        optimizer.zero_grad()
        total.backward()
        return total, outputs

    return step


def _train_epoch(
    run: Run,
    step: Step,
    epoch_batches: list[tuple[list[Any], list[Any]]],
    hooks: list[Callback],
    metrics: Sequence[str],
) -> dict[str, float]:
    """One optimizer step per batch; the loss and metrics averaged over the batches."""
    threshold = decision_threshold(run.model)
    run.batches = len(epoch_batches)
    sums = dict.fromkeys(["loss", *metrics], 0.0)
    for number, (X_batch, y_batch) in enumerate(epoch_batches):
        run.batch = number
        total, outputs = step(X_batch, y_batch)
        run.loss = total.data
        for hook in hooks:
            hook.on_step_begin(run)
        run.optimizer.step()
        for hook in hooks:
            hook.on_step_end(run)
        weight = len(X_batch) / len(run.X)
        sums["loss"] += weight * total.data
        for name in metrics:
            sums[name] += weight * accuracy(outputs, y_batch, threshold)
    return sums


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
    callbacks: Sequence[Callback | Callable[[History], None]] = (),
    plot: bool = False,
    health: bool = False,
    compile: bool = True,
) -> History:
    """Train `model` on (X, y) and return the per-epoch History.

    `loss` is a name from `LOSSES` or a callable(outputs, targets) -> Value;
    `l2` adds l2 * sum(p * p) over the parameters. `optimizer` defaults to
    Adam(model.parameters(), lr=0.01); a given one must update this model's
    parameters (ValueError otherwise, as when a re-run notebook cell made a new
    model but kept the old optimizer). `batch_size=None` is full-batch: one
    step per epoch; else the data is shuffled (seeded by `seed`) into
    mini-batches. Training loss and metrics of an epoch are averaged over its
    batches, from the forward passes before each step; "val_" entries are
    measured after the epoch. `scheduler` is stepped once per epoch. After the
    last epoch, `history.final` holds loss and metrics of the trained model on
    (X, y).

    `callbacks` are `nn.callbacks.Callback`s, or functions f(history) called
    after every epoch. The options below add built-in callbacks: `health=True`
    an `nn.health.HealthMonitor` (per-layer statistics as "layers.{i}.{statistic}"
    entries), `progress=True` an `nn.callbacks.Progress` (a tqdm bar, or a line
    per tenth of the epochs when stderr is not a terminal; `progress=False`
    prints nothing), `plot=True` an `nn.plot.TrainingPlot` (live loss curves
    and decision boundary in Jupyter, nothing elsewhere).

    `compile=True` (the default) runs each step as code generated by
    `ag.compile` when the model and a named loss allow it (see
    `nn.compiled_step`), else it says why on stderr and interprets;
    `compile=False` always interprets.

    While it trains, Python's cyclic garbage collector is paused (`ag.gc_paused`): the
    graphs hold no cycles, and the collector would only walk them. It is back as the
    process had it when `fit` returns or raises.
    """
    _check_data(X, y, epochs, batch_size)
    l2 = _check_finite("l2", l2)
    loss_function = _loss_function(loss)
    _check_metrics(metrics)
    optimizer = _optimizer_for(model, optimizer, scheduler)
    run = Run(model, optimizer, X, y, epochs, History())
    hooks = _callbacks(callbacks, run, progress, plot, health)
    step = _interpreted_step(model, loss_function, l2, optimizer)
    if compile and epochs:
        compiled, why_not = compile_step(model, X, y, loss, loss_function, l2)
        if compiled is not None:
            step = compiled
        elif progress:
            print(f"fit: not compiled ({why_not}); interpreting", file=sys.stderr)
    # A training step's graphs hold no cycles: the cyclic collector would only walk them
    # (autograd_lite.collector). It runs again, as the process had it, when fit ends.
    with ag.gc_paused():
        try:
            for hook in hooks:
                hook.on_fit_begin(run)
            for epoch in range(1, epochs + 1):
                started = time.perf_counter()
                run.epoch = epoch
                if batch_size is None:
                    epoch_batches: list[tuple[list[Any], list[Any]]] = [(list(X), list(y))]
                else:
                    batch_seed = None if seed is None else seed + epoch - 1
                    epoch_batches = list(batches(X, y, batch_size, shuffle=True, seed=batch_seed))
                for name, value in _train_epoch(run, step, epoch_batches, hooks, metrics).items():
                    run.history.add(name, value)
                if validation is not None:
                    results = evaluate(model, *validation, loss_function, metrics, l2)
                    for name, value in results.items():
                        run.history.add("val_" + name, value)
                if scheduler is not None:
                    scheduler.step()
                run.history.seconds.append(time.perf_counter() - started)
                for hook in hooks:
                    hook.on_epoch_end(run)
            run.history.final = evaluate(model, X, y, loss_function, metrics, l2)
        finally:
            for hook in hooks:
                hook.on_fit_end(run)
    return run.history
