"""Optimizers (`SGD`, `Adam`) and learning-rate schedules (`StepLR`, `LinearLR`).

The update formulas are PyTorch's (torch.optim, single parameter group), so a
run here can be checked step by step against one there.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import autograd_lite as ag
from autograd_lite import Value
from autograd_lite.scalars import is_int, is_number


def _check_non_negative(name: str, value: float) -> float:
    # inf and nan are refused too: one step would turn every parameter into nan.
    if not is_number(value) or not 0 <= value < math.inf:
        raise ValueError(f"{name} must be a finite non-negative number, got {value!r}")
    return float(value)


class Optimizer:
    """Holds the parameters and the learning rate `lr`; subclasses define `step`."""

    def __init__(self, params: Iterable[Value], lr: float) -> None:
        self.params = list(params)
        if not self.params:
            raise ValueError("optimizer got an empty parameter list")
        for index, param in enumerate(self.params):
            if not isinstance(param, Value):
                raise TypeError(f"params[{index}] must be a Value, got {type(param).__name__}")
        if len({id(param) for param in self.params}) != len(self.params):
            raise ValueError("optimizer got the same parameter more than once")
        self.lr = _check_non_negative("lr", lr)

    def zero_grad(self) -> None:
        """Set the grad of every parameter to 0.0."""
        ag.zero_grad(self.params)

    def step(self) -> None:
        """Update every parameter from its grad."""
        raise NotImplementedError


class SGD(Optimizer):
    """Stochastic gradient descent with optional momentum, Nesterov momentum and L2 decay.

    g = grad + weight_decay * p; with momentum, b = g on the first step and
    b = momentum * b + g after; the step uses g + momentum * b (Nesterov) or b.
    p -= lr * step.
    """

    def __init__(
        self,
        params: Iterable[Value],
        lr: float,
        momentum: float = 0.0,
        weight_decay: float = 0.0,
        nesterov: bool = False,
    ) -> None:
        super().__init__(params, lr)
        self.momentum = _check_non_negative("momentum", momentum)
        self.weight_decay = _check_non_negative("weight_decay", weight_decay)
        if nesterov and self.momentum == 0:
            raise ValueError("nesterov=True needs a momentum > 0")
        self.nesterov = nesterov
        self._buffers: list[float] | None = None

    def step(self) -> None:
        """Update every parameter from its grad."""
        grads = [
            p.grad + self.weight_decay * p.data if self.weight_decay else p.grad
            for p in self.params
        ]
        if self.momentum:
            if self._buffers is None:
                self._buffers = list(grads)
            else:
                self._buffers = [self.momentum * b + g for b, g in zip(self._buffers, grads)]
            if self.nesterov:
                grads = [g + self.momentum * b for g, b in zip(grads, self._buffers)]
            else:
                grads = self._buffers
        for p, g in zip(self.params, grads):
            p.data -= self.lr * g


class Adam(Optimizer):
    """Adam with bias correction, and L2 `weight_decay` added to the gradient (not AdamW)."""

    def __init__(
        self,
        params: Iterable[Value],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr)
        beta1, beta2 = betas
        for name, beta in (("betas[0]", beta1), ("betas[1]", beta2)):
            if not 0.0 <= beta < 1.0:
                raise ValueError(f"{name} must be in [0, 1), got {beta!r}")
        self.betas = (float(beta1), float(beta2))
        self.eps = _check_non_negative("eps", eps)
        self.weight_decay = _check_non_negative("weight_decay", weight_decay)
        self.steps = 0
        self._first_moments = [0.0] * len(self.params)
        self._second_moments = [0.0] * len(self.params)

    def step(self) -> None:
        """Update every parameter from its grad."""
        beta1, beta2 = self.betas
        self.steps += 1
        step_size = self.lr / (1.0 - beta1**self.steps)
        correction2_root = math.sqrt(1.0 - beta2**self.steps)
        first, second = self._first_moments, self._second_moments
        for i, p in enumerate(self.params):
            g = p.grad + self.weight_decay * p.data if self.weight_decay else p.grad
            first[i] = beta1 * first[i] + (1.0 - beta1) * g
            second[i] = beta2 * second[i] + (1.0 - beta2) * g * g
            p.data -= step_size * first[i] / (math.sqrt(second[i]) / correction2_root + self.eps)


class LRScheduler:
    """Sets `optimizer.lr` to base_lr * factor(epoch); call `step()` once per epoch."""

    def __init__(self, optimizer: Optimizer) -> None:
        self.optimizer = optimizer
        self.base_lr = optimizer.lr
        self.epoch = 0
        optimizer.lr = self.base_lr * self.factor(0)

    def factor(self, epoch: int) -> float:
        """The multiplier of the base learning rate at `epoch`."""
        raise NotImplementedError

    def step(self) -> None:
        """Move to the next epoch and update the optimizer's learning rate."""
        self.epoch += 1
        self.optimizer.lr = self.base_lr * self.factor(self.epoch)

    def get_last_lr(self) -> float:
        """The learning rate currently set on the optimizer."""
        return self.optimizer.lr


class StepLR(LRScheduler):
    """Multiply the learning rate by `gamma` every `step_size` epochs."""

    def __init__(self, optimizer: Optimizer, step_size: int, gamma: float = 0.1) -> None:
        if not is_int(step_size) or step_size < 1:
            raise ValueError(f"step_size must be a positive int, got {step_size!r}")
        self.step_size = step_size
        self.gamma = _check_non_negative("gamma", gamma)
        super().__init__(optimizer)

    def factor(self, epoch: int) -> float:
        """gamma ** (epoch // step_size)."""
        return self.gamma ** (epoch // self.step_size)


class LinearLR(LRScheduler):
    """Scale the learning rate linearly from start_factor to end_factor over total_iters epochs.

    micrograd's demo schedule lr = 1.0 - 0.9 * k / 100 is
    LinearLR(SGD(params, lr=1.0), start_factor=1.0, end_factor=0.1, total_iters=100).
    """

    def __init__(
        self,
        optimizer: Optimizer,
        start_factor: float = 1.0 / 3,
        end_factor: float = 1.0,
        total_iters: int = 5,
    ) -> None:
        if not 0 < start_factor <= 1:
            raise ValueError(f"start_factor must be in (0, 1], got {start_factor!r}")
        if not 0 <= end_factor <= 1:
            raise ValueError(f"end_factor must be in [0, 1], got {end_factor!r}")
        if not is_int(total_iters) or total_iters < 1:
            raise ValueError(f"total_iters must be a positive int, got {total_iters!r}")
        self.start_factor = float(start_factor)
        self.end_factor = float(end_factor)
        self.total_iters = total_iters
        super().__init__(optimizer)

    def factor(self, epoch: int) -> float:
        """start + (end - start) * min(epoch, total_iters) / total_iters."""
        progress = min(epoch, self.total_iters) / self.total_iters
        return self.start_factor + (self.end_factor - self.start_factor) * progress
