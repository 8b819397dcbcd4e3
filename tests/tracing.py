"""Code run under `sys.settrace`, seen only in the frames a test picks."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any


@contextmanager
def traced(
    where: Callable[[FrameType], bool], on_event: Callable[[FrameType, str], None]
) -> Iterator[None]:
    """Call `on_event(frame, event)` for every event ("call", "line", "return", ...) of
    the frames `where` picks while the block runs; the tracer before is restored after."""

    def local(frame: FrameType, event: str, arg: Any) -> Any:
        on_event(frame, event)
        return local

    def calls(frame: FrameType, event: str, arg: Any) -> Any:
        return local(frame, event, arg) if where(frame) else None

    previous = sys.gettrace()
    sys.settrace(calls)
    try:
        yield
    finally:
        sys.settrace(previous)
