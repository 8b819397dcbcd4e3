"""The garbage-collector policy: `gc_paused`, for loops that build big graphs.

A graph holds no reference cycles (local derivatives are stored as numbers, not
closures), so CPython frees it by reference counting alone and the cyclic garbage
collector never finds anything to free in it. It still walks every live node
each time it runs, and building a graph makes it run often: a chain of a million
steps spends about two thirds of its forward pass in the collector.

The policy: importing `autograd_lite` changes no collector setting. The library
pauses the collector only inside its own loops where that measurably helps (the
reverse sweeps that build objects: `gradients` and `trace_backward`), and puts
it back as it found it; a user pauses it around their own loop with
`with ag.gc_paused():`.
"""

from __future__ import annotations

import functools
import gc
import threading
from collections.abc import Callable
from types import TracebackType
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

_lock = threading.Lock()
_pauses = 0
_was_enabled = False


class gc_paused:
    """Context manager (and decorator) inside which Python's cyclic garbage collector
    does not run.

    On leaving the outermost block the collector is enabled again if it was
    enabled on entering it, and left off if it was off: the setting a process
    chose is kept. Nestable and thread-safe: the collector is process-wide, so
    it runs again when the last block, in any thread, has ended.

    Reference counting still frees everything that has no cycle, graphs
    included; only cyclic garbage made inside the block waits for the next
    collection after it. Pause around a loop that builds and drops graphs (a
    training loop, a long chain), not around a whole program.
    """

    def __enter__(self) -> None:
        global _pauses, _was_enabled
        with _lock:
            if not _pauses:
                _was_enabled = gc.isenabled()
                gc.disable()
            _pauses += 1

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        global _pauses
        with _lock:
            _pauses -= 1
            if not _pauses and _was_enabled:
                gc.enable()

    def __call__(self, function: F) -> F:
        """Decorate `function` so that each call runs with the collector paused."""

        @functools.wraps(function)
        def paused(*args: Any, **kwargs: Any) -> Any:
            with gc_paused():
                return function(*args, **kwargs)

        return paused  # type: ignore[return-value]
