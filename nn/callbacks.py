"""What `fit`'s loop tells its callbacks: the `Callback` hooks, the `Run` they see, the
`History` it records, and `Progress`, the callback that reports on stderr.

A callback subclasses `Callback` and overrides the hooks it needs; `fit` calls each
hook on every callback in the order of its list. `fit`'s own options are callbacks
too: `health=True` adds `nn.health.HealthMonitor`, `progress=True` a `Progress`,
`plot=True` an `nn.plot.TrainingPlot`.
"""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

# The ignore is for installs without types-tqdm; with it, tqdm is fully typed.
from tqdm.auto import tqdm  # type: ignore[import-untyped, unused-ignore]


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


@dataclass
class Run:
    """A `fit` run as its callbacks see it; `fit` updates it as it goes."""

    model: Any
    optimizer: Any
    X: Sequence[Sequence[Any]]
    y: Sequence[Any]
    epochs: int
    """How many epochs the run trains."""
    history: History
    epoch: int = 0
    """The current epoch, counted from 1."""
    batch: int = 0
    """The current batch of the epoch, counted from 0."""
    batches: int = 0
    """How many batches (optimizer steps) the current epoch has."""
    loss: float = math.nan
    """The objective of the current batch (loss plus the l2 term)."""


class Callback:
    """Hooks `fit` calls during training; each does nothing unless overridden."""

    def on_fit_begin(self, run: Run) -> None:
        """Before the first epoch."""

    def on_step_begin(self, run: Run) -> None:
        """Before each optimizer step: the batch's gradients are in each parameter's .grad."""

    def on_step_end(self, run: Run) -> None:
        """After each optimizer step."""

    def on_epoch_end(self, run: Run) -> None:
        """After each epoch: its loss, metrics and timing are in `run.history`."""

    def on_fit_end(self, run: Run) -> None:
        """After the run, also one stopped by an exception (then `history.final` is empty)."""


def _reading(history: History) -> dict[str, float]:
    """The latest loss, metrics and their validation versions (not the health statistics)."""
    return {
        name: values[-1]
        for name, values in history.records.items()
        if not name.startswith("layers.") and values
    }


def _format(reading: dict[str, float]) -> str:
    return " ".join(f"{name}={value:.4f}" for name, value in reading.items())


class Progress(Callback):
    """fit's progress: a tqdm bar on a terminal or in Jupyter, else a line on stderr per
    tenth of the run; the last reading is `history.final`."""

    def __init__(self) -> None:
        self.bar: Any = None
        self.every = 0
        self.started = time.perf_counter()

    def on_fit_begin(self, run: Run) -> None:
        """Open the bar, or start the clock of the lines."""
        self.started = time.perf_counter()
        if in_jupyter() or _is_terminal(sys.stderr):
            self.bar = tqdm(total=run.epochs, desc="fit", unit="epoch")
        else:
            self.every = max(1, math.ceil(run.epochs / 10))

    def on_epoch_end(self, run: Run) -> None:
        """Show the epoch's loss and metrics."""
        reading = _reading(run.history)
        if self.bar is not None:
            self.bar.set_postfix({name: f"{value:.4f}" for name, value in reading.items()}, False)
            self.bar.update(1)
        elif run.epoch % self.every == 0 and run.epoch != run.epochs:
            self._line(f"epoch {run.epoch}/{run.epochs}", reading)

    def on_fit_end(self, run: Run) -> None:
        """Show the final reading and close the bar."""
        final = run.history.final
        if self.bar is not None:
            if final:
                self.bar.set_postfix({name: f"{value:.4f}" for name, value in final.items()})
            self.bar.close()
        elif final:
            self._line(f"done: {run.epochs} epochs", final)

    def _line(self, where: str, reading: dict[str, float]) -> None:
        elapsed = time.perf_counter() - self.started
        print(f"fit: {where} [{elapsed:.1f}s] {_format(reading)}", file=sys.stderr, flush=True)


def _is_terminal(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # no isatty, or a closed stream
        return False


def in_jupyter() -> bool:
    """Whether this runs in a Jupyter kernel (an IPython shell with a kernel)."""
    shell_module = sys.modules.get("IPython")
    if shell_module is None:
        return False
    return getattr(shell_module.get_ipython(), "kernel", None) is not None
