"""The ops as functions (`ag.exp(x)`, `ag.dot(w, x)` ...), made from the op table.

Also the derivative rules for Values (`VALUES`), with which
`local_grads_as_values` turns a node's local derivatives into differentiable Values.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable

from autograd_lite import floats
from autograd_lite.engine import Operand, Value, apply, apply1, apply2, data_of
from autograd_lite.ops import DIV, DOT, LEAKY_RELU, OPS, POW, SUM, DerivativeRules, Op


def _function(op: Op) -> Callable[[Operand], Value]:
    """The public function of a one-operand op."""

    def function(x: Operand) -> Value:
        return apply1(op, x)

    function.__name__ = function.__qualname__ = op.name
    function.__doc__ = op.doc
    return function


UNARY_FUNCTIONS: dict[str, Callable[[Operand], Value]] = {
    op.symbol: _function(op)
    for op in OPS.values()
    if op.kind == "function" and op.arity == 1
}
"""Every one-operand op written as a function call, by the name it is called with."""

exp = UNARY_FUNCTIONS["exp"]
log = UNARY_FUNCTIONS["log"]
log1p = UNARY_FUNCTIONS["log1p"]
sqrt = UNARY_FUNCTIONS["sqrt"]
tanh = UNARY_FUNCTIONS["tanh"]
sigmoid = UNARY_FUNCTIONS["sigmoid"]
relu = UNARY_FUNCTIONS["relu"]
sin = UNARY_FUNCTIONS["sin"]
cos = UNARY_FUNCTIONS["cos"]


def leaky_relu(x: Operand, slope: Operand = 0.01) -> Value:
    """x if x > 0 else slope * x, with derivative slope at 0 (`slope` may be a Value)."""
    return apply2(LEAKY_RELU, x, slope)


def sum(values: Iterable[Operand]) -> Value:
    """The sum of `values` as ONE node, added left to right (numbers kept as constants)."""
    return apply(SUM, values)


def dot(weights: Iterable[Operand], inputs: Iterable[Operand]) -> Value:
    """sum(w * x for w, x in zip(weights, inputs)) as ONE node (numbers kept as constants)."""
    ws = tuple(weights)
    xs = tuple(inputs)
    if len(ws) != len(xs):
        raise ValueError(
            f"dot: expected sequences of equal length, got {len(ws)} weights and {len(xs)} inputs"
        )
    return apply(DOT, ws + xs)


def _total(op: Op, ieee: Callable[[float, float], float]) -> Callable[[Operand, Operand], Value]:
    # A derivative at a singular point is a value (PyTorch: sqrt'(0) = inf), not an
    # error: the node is the op's own, its data the IEEE result.
    def total(a: Operand, b: Operand) -> Value:
        return apply(op, (a, b), ieee(data_of(a), data_of(b)))

    return total


VALUES = DerivativeRules({
    "_data": data_of, "_log": log, "_sin": sin, "_cos": cos,
    "_power": _total(POW, floats.power), "_divide": _total(DIV, floats.divide),
    "_sign": lambda x: floats.sign(data_of(x)), "_nan": math.nan,
})


def local_grads_as_values(node: Value) -> tuple[Value | float, ...]:
    """The local derivatives of `node` computed again from its operands, as Values.

    A derivative that does not depend on a Value (sums, ReLU, products with a
    constant) stays the exact float that was stored.
    """
    op = node.op
    if op is None:
        return ()
    operands = node.operands
    derivatives = VALUES.rule(op)(*operands, node)
    if not node.constants:
        return tuple(derivatives)
    return tuple(d for x, d in zip(operands, derivatives) if isinstance(x, Value))

