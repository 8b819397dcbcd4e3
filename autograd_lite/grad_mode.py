"""Switching graph recording off and on: `no_grad`, `enable_grad`, `is_grad_enabled`."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

# A ContextVar, not a global flag: each thread and each asyncio task sees its
# own setting, so one thread's `no_grad` never leaks into another's graph.
_grad_enabled: ContextVar[bool] = ContextVar("autograd_lite_grad_enabled", default=True)


def is_grad_enabled() -> bool:
    """Return True when new operations record their parents (the default)."""
    return _grad_enabled.get()


@contextmanager
def no_grad() -> Iterator[None]:
    """Context manager (and decorator) inside which operations record no parents.

    Results computed inside are leaves: cheap to build, nothing to backpropagate.
    Nestable and thread-safe.
    """
    token = _grad_enabled.set(False)
    try:
        yield
    finally:
        _grad_enabled.reset(token)


@contextmanager
def enable_grad() -> Iterator[None]:
    """Context manager (and decorator) that records graphs again inside a `no_grad` block.

    `grad` and `gradients(..., create_graph=True)` use it: a derivative asked
    for explicitly is computed even where recording is otherwise off.
    """
    token = _grad_enabled.set(True)
    try:
        yield
    finally:
        _grad_enabled.reset(token)
