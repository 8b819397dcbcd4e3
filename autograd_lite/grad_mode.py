"""Switching graph recording off and on: `no_grad`, `enable_grad`, `is_grad_enabled`."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Generator
from contextvars import ContextVar, Token
from types import TracebackType
from typing import Any, TypeVar

# A ContextVar, not a global flag: each thread and each asyncio task sees its
# own setting, so one thread's `no_grad` never leaks into another's graph.
_grad_enabled: ContextVar[bool] = ContextVar("autograd_lite_grad_enabled", default=True)

F = TypeVar("F", bound=Callable[..., Any])


def is_grad_enabled() -> bool:
    """Return True when new operations record their parents (the default)."""
    return _grad_enabled.get()


class _GradMode:
    """A context manager and decorator that sets whether operations record parents."""

    enabled: bool

    def __init__(self) -> None:
        self._tokens: list[Token[bool]] = []

    def __enter__(self) -> None:
        self._tokens.append(_grad_enabled.set(self.enabled))

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        _grad_enabled.reset(self._tokens.pop())

    def __call__(self, function: F) -> F:
        """Decorate `function` so that it runs in this mode (a generator: each time it resumes)."""
        mode = type(self)
        if inspect.isgeneratorfunction(function):

            @functools.wraps(function)
            def generator(*args: Any, **kwargs: Any) -> Generator[Any, Any, Any]:
                # A generator runs in its caller's context between resumptions, so
                # the mode is set around each step, never across a yield.
                steps = function(*args, **kwargs)
                try:
                    with mode():
                        response = steps.send(None)
                    while True:
                        try:
                            request = yield response
                        except GeneratorExit:
                            with mode():
                                steps.close()
                            raise
                        except BaseException as error:
                            with mode():
                                response = steps.throw(error)
                        else:
                            with mode():
                                response = steps.send(request)
                except StopIteration as finished:
                    return finished.value

            return generator  # type: ignore[return-value]

        @functools.wraps(function)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with mode():
                return function(*args, **kwargs)

        return wrapper  # type: ignore[return-value]


class no_grad(_GradMode):
    """Context manager (and decorator) inside which operations record no parents.

    Results computed inside are leaves: cheap to build, nothing to backpropagate.
    Nestable and thread-safe. As a decorator (`@no_grad()`) it also covers a
    generator function, each time the generator resumes. A `with no_grad():`
    block written *inside* a generator cannot: while the generator is paused
    at a `yield` in the block, its caller runs with recording off too (Python
    generators share their caller's context).
    """

    enabled = False


class enable_grad(_GradMode):
    """Context manager (and decorator) that records graphs again inside a `no_grad` block.

    `grad` and `gradients(..., create_graph=True)` use it: a derivative asked
    for explicitly is computed even where recording is otherwise off.
    """

    enabled = True
