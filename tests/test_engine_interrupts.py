"""An interrupt anywhere in a reverse pass leaves every grad as it was (issue 18, finding 9).

A Ctrl-C becomes a KeyboardInterrupt at whatever point of the Python code the
interpreter has reached. Tracing (`sys.settrace`) raises one at the n-th event
of the engine's code, for every n in turn until the pass completes: at the
clearing of the grads, at each line of the sweep, at the putting back.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

import pytest

import autograd_lite as ag
from autograd_lite import Value, engine
from autograd_lite.engine import topological_order
from tests.tracing import traced


@contextmanager
def interrupt_at(n: int, where: Callable[[FrameType], bool]) -> Iterator[list[int]]:
    """Raise KeyboardInterrupt at the n-th call or line event of a frame `where` picks.

    The places where CPython lets a Ctrl-C in: as a function starts (a call event),
    on each turn of a loop and after each call (at the next line). Yields a list
    holding the number of events seen, to tell when n is past them all.
    """
    seen = [0]

    def count(frame: FrameType, event: str) -> None:
        if event in ("call", "line"):
            seen[0] += 1
            if seen[0] == n:
                raise KeyboardInterrupt(f"event {n}: {event} {frame.f_code.co_name}")

    with traced(where, count):
        yield seen


def in_engine(frame: FrameType) -> bool:
    """Every function of the engine module: Value.backward and all it calls there."""
    return frame.f_code.co_filename == engine.__file__


def graph() -> tuple[list[Value], Value]:
    """A small graph with shared nodes and constants, its grads set to numbers of their own."""
    x, y = Value(2.0, label="x"), Value(-3.0, label="y")
    z = x * y + x.tanh()
    w = z * z + 3 * y - ag.dot([x, z], [y, 0.5])
    nodes = engine.topological_order(w)
    return nodes, w


def grads(nodes: list[Value]) -> list[Any]:
    return [node.grad for node in nodes]


def run_until_complete(
    call: Callable[[list[Value], Value], None],
    expected: Callable[[list[Value]], list[Any]],
    dirty: bool,
    where: Callable[[FrameType], bool] = in_engine,
) -> int:
    """Interrupt `call` at event 1, 2, ... of `where` until it completes; check the grads.

    Each interrupted call must leave every grad as it was; the one that completes
    must leave `expected(nodes)`. Returns the number of interrupts tried.
    """
    n = 0
    while True:
        n += 1
        nodes, root = graph()
        if dirty:
            for i, node in enumerate(nodes):
                node.grad = 0.25 * (i + 1) * (-1) ** i
        before = grads(nodes)
        want = expected(nodes)
        assert grads(nodes) == before
        with interrupt_at(n, where) as seen:
            try:
                call(nodes, root)
            except KeyboardInterrupt as interrupt:
                interrupted: KeyboardInterrupt | None = interrupt
            else:
                interrupted = None
        # The sweeps of trace_backward and gradients pause the garbage collector.
        assert gc.isenabled(), f"the collector left paused by an interrupt at {interrupted}"
        if interrupted is None:
            assert seen[0] < n, "completed though interrupted"
            assert grads(nodes) == want
            return n - 1
        assert grads(nodes) == before, f"grads changed by an interrupt at {interrupted}"


def after_backward(nodes: list[Value]) -> list[Any]:
    """The grads backward leaves: each node's old grad plus d(root)/d(node), from a twin graph."""
    twin_nodes, twin_root = graph()
    twin_root.backward()
    return [node.grad + twin.grad for node, twin in zip(nodes, twin_nodes)]


@pytest.mark.parametrize("dirty", [True, False], ids=["grads set", "grads zero"])
def test_backward_interrupted_anywhere_leaves_every_grad_as_it_was(dirty: bool) -> None:
    tried = run_until_complete(lambda nodes, root: root.backward(), after_backward, dirty)
    # The clearing, the sweep over 9 nodes and the putting back were all interrupted.
    assert tried > 60


@pytest.mark.parametrize("dirty", [True, False], ids=["grads set", "grads zero"])
def test_backward_with_a_gradient_interrupted_anywhere(dirty: bool) -> None:
    def expected(nodes: list[Value]) -> list[Any]:
        twin_nodes, twin_root = graph()
        twin_root.backward(-2.0)
        return [node.grad + twin.grad for node, twin in zip(nodes, twin_nodes)]

    run_until_complete(lambda nodes, root: root.backward(-2.0), expected, dirty)


def test_a_second_backward_interrupted_anywhere_keeps_the_first() -> None:
    # Grads accumulated by a first pass are what the second one must not lose.
    def twice(nodes: list[Value], root: Value) -> None:
        root.backward()

    def expected(nodes: list[Value]) -> list[Any]:
        twin_nodes, twin_root = graph()
        twin_root.backward()
        return [node.grad + twin.grad for node, twin in zip(nodes, twin_nodes)]

    run_until_complete(twice, expected, dirty=True)


@pytest.mark.parametrize("create_graph", [False, True])
@pytest.mark.parametrize("dirty", [True, False], ids=["grads set", "grads zero"])
def test_gradients_interrupted_in_the_sweep_leave_every_grad_as_it_was(
    dirty: bool, create_graph: bool
) -> None:
    def call(nodes: list[Value], root: Value) -> None:
        ag.gradients(root, nodes[:2], create_graph=create_graph)

    run_until_complete(call, grads, dirty)


@pytest.mark.parametrize("dirty", [True, False], ids=["grads set", "grads zero"])
def test_trace_backward_interrupted_in_the_sweep_leaves_every_grad_as_it_was(
    dirty: bool,
) -> None:
    # trace_backward lends the grads as backward does, outside any `with`: every
    # line is guarded, the end of the giving back included.
    run_until_complete(lambda nodes, root: ag.trace_backward(root), after_backward, dirty)


class Interrupting:
    """A local derivative whose multiplication is interrupted, like Ctrl-C mid-sweep."""

    def __mul__(self, other: object) -> float:
        raise KeyboardInterrupt

    __rmul__ = __mul__


def test_an_interrupted_backward_leaves_every_grad_as_it_was() -> None:
    x, y = Value(2.0), Value(3.0)
    z = x * y
    out = (z + x).tanh() * y
    out.backward()
    before = [node.grad for node in topological_order(out)]
    z.local_grads = (Interrupting(), z.local_grads[1])  # type: ignore[assignment]
    with pytest.raises(KeyboardInterrupt):
        out.backward()
    assert [node.grad for node in topological_order(out)] == before


class InterruptingGrad(float):
    """An old grad whose update is interrupted half way through adding the pass's grads."""

    def __radd__(self, other: object) -> float:
        raise KeyboardInterrupt


def test_an_interrupt_while_grads_are_added_restores_all_of_them() -> None:
    x, y = Value(2.0), Value(3.0)
    out = x * y + y
    out.backward()
    y.grad = InterruptingGrad(y.grad)
    with pytest.raises(KeyboardInterrupt):
        out.backward()
    assert (out.grad, x.grad, y.grad) == (1.0, 3.0, 3.0)
