"""The node of a computation graph, `Value`, and the backward pass over it."""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TypeAlias

Number: TypeAlias = int | float


class Value:
    """One scalar in a computation graph.

    `local_grads[i]` is d(self)/d(parents[i]), computed in the forward pass and
    stored as plain data: a graph holds no closures and no reference cycles,
    so CPython frees it by reference counting alone.
    """

    __slots__ = ("data", "grad", "label", "local_grads", "op", "parents")

    data: float
    grad: float
    label: str
    op: str
    parents: tuple[Value, ...]
    local_grads: tuple[float, ...]

    def __init__(self, data: Number, label: str = "") -> None:
        if type(data) is not float and not isinstance(data, numbers.Real):
            raise TypeError(f"Value() expects a real number, got {type(data).__name__}: {data!r}")
        if not isinstance(label, str):
            raise TypeError(f"Value() label must be a str, got {type(label).__name__}: {label!r}")
        try:
            self.data = float(data)
        except OverflowError:
            raise ValueError(
                f"Value() expects a number within the float range (about 1.8e308), got "
                f"{type(data).__name__}: a number of {int(data).bit_length()} bits"
            ) from None
        self.grad = 0.0
        self.label = label
        self.op = ""
        self.parents = ()
        self.local_grads = ()

    @classmethod
    def node(
        cls, data: float, op: str, parents: tuple[Value, ...], local_grads: tuple[float, ...]
    ) -> Value:
        """Make a node from already-checked parts (the fast path of every op)."""
        node = cls.__new__(cls)
        node.data = data
        node.grad = 0.0
        node.label = ""
        node.op = op
        node.parents = parents
        node.local_grads = local_grads
        return node

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data!r}, grad={self.grad!r}{label})"

    def __float__(self) -> float:
        return self.data

    # Ordering compares data; equality stays identity so Values work as dict keys.
    def __lt__(self, other: Operand) -> bool:
        return self.data < _data(other)

    def __le__(self, other: Operand) -> bool:
        return self.data <= _data(other)

    def __gt__(self, other: Operand) -> bool:
        return self.data > _data(other)

    def __ge__(self, other: Operand) -> bool:
        return self.data >= _data(other)

    __hash__ = object.__hash__

    def __add__(self, other: Operand) -> Value:
        return ops.add(self, other)

    def __radd__(self, other: Operand) -> Value:
        return ops.add(other, self)

    def __sub__(self, other: Operand) -> Value:
        return ops.sub(self, other)

    def __rsub__(self, other: Operand) -> Value:
        return ops.sub(other, self)

    def __mul__(self, other: Operand) -> Value:
        return ops.mul(self, other)

    def __rmul__(self, other: Operand) -> Value:
        return ops.mul(other, self)

    def __truediv__(self, other: Operand) -> Value:
        return ops.div(self, other)

    def __rtruediv__(self, other: Operand) -> Value:
        return ops.div(other, self)

    def __pow__(self, other: Operand) -> Value:
        return ops.power(self, other)

    def __rpow__(self, other: Operand) -> Value:
        return ops.power(other, self)

    def __neg__(self) -> Value:
        return ops.neg(self)

    def __abs__(self) -> Value:
        return ops.absolute(self)

    def exp(self) -> Value:
        """e ** self."""
        return ops.exp(self)

    def log(self) -> Value:
        """Natural logarithm; ValueError unless self > 0."""
        return ops.log(self)

    def log1p(self) -> Value:
        """log(1 + self), accurate for tiny self; ValueError unless self > -1."""
        return ops.log1p(self)

    def sqrt(self) -> Value:
        """Square root; ValueError if self < 0."""
        return ops.sqrt(self)

    def tanh(self) -> Value:
        """Hyperbolic tangent."""
        return ops.tanh(self)

    def sigmoid(self) -> Value:
        """Logistic function 1 / (1 + e ** -self), stable for any magnitude."""
        return ops.sigmoid(self)

    def relu(self) -> Value:
        """max(self, 0), with derivative 0 at 0."""
        return ops.relu(self)

    def leaky_relu(self, slope: Operand = 0.01) -> Value:
        """self if self > 0 else slope * self."""
        return ops.leaky_relu(self, slope)

    def sin(self) -> Value:
        """Sine."""
        return ops.sin(self)

    def cos(self) -> Value:
        """Cosine."""
        return ops.cos(self)

    def detach(self) -> Value:
        """A new leaf with the same data and label, cut off from this graph."""
        return Value(self.data, self.label)

    def backward(self, gradient: float = 1.0) -> None:
        """Add gradient * d(self)/d(node) to the `grad` of every node of the graph.

        Each call adds its own contribution, so grads accumulate across calls as
        in PyTorch; reset them with `zero_grad`.
        """
        order = topological_order(self)
        with separate_pass(order):
            self.grad = float(gradient)
            for node in reversed(order):
                upstream = node.grad
                for parent, local in zip(node.parents, node.local_grads):
                    parent.grad += local * upstream

    def zero_grad(self) -> None:
        """Set `grad` to 0.0 on every node of the graph that ends at self."""
        zero_grad(topological_order(self))


Operand: TypeAlias = Value | int | float
"""What an operator accepts on either side: a Value or a plain number."""


def _data(x: Operand) -> float:
    return x.data if isinstance(x, Value) else x


def topological_order(root: Value) -> list[Value]:
    """Every node that `root` depends on, each after all of its parents; `root` last.

    Iterative, so graph depth is limited by memory only, and deterministic:
    the order depends on the graph alone, never on ids or set order.
    """
    # Kahn's algorithm from the root: count each node's consumers inside the
    # graph, then place a node once all of its consumers are placed. It keeps
    # no per-node tuples or iterators alive, which keeps the garbage collector
    # quiet on big graphs.
    consumers = {root: 0}
    stack = [root]
    while stack:
        for parent in stack.pop().parents:
            count = consumers.get(parent, 0)
            consumers[parent] = count + 1
            if not count:
                stack.append(parent)
    order = []
    ready = [root]
    while ready:
        node = ready.pop()
        order.append(node)
        for parent in node.parents:
            count = consumers[parent] - 1
            consumers[parent] = count
            if not count:
                ready.append(parent)
    order.reverse()
    return order


@contextmanager
def separate_pass(order: list[Value]) -> Iterator[bool]:
    """Run a backward pass over `order` on zeroed grads, then add the old grads back.

    Otherwise an interior node's grad from an earlier pass would be propagated
    again. Yields whether any node had a grad already (the pass accumulates).
    """
    previous = [node.grad for node in order]
    accumulating = any(previous)
    if accumulating:
        zero_grad(order)
    yield accumulating
    if accumulating:
        for node, old in zip(order, previous):
            node.grad += old


def zero_grad(values: Iterable[Value]) -> None:
    """Set `grad` to 0.0 on each of `values`."""
    for value in values:
        value.grad = 0.0


# ops builds on Value, so it is imported once Value exists.
from autograd_lite import ops  # noqa: E402
