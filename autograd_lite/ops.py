"""Every scalar operation: its forward formula and its derivative rule, written once.

A derivative rule takes `fn` (the few functions a rule needs, for floats or for
Values), the inputs and the output, and returns d(output)/d(input) per input.
Called with floats in the forward pass it fills `Value.local_grads`; called
with Values by `gradients(..., create_graph=True)` it builds a graph that can
be differentiated again.

A number operand is folded into the node when the derivative does not depend
on it (`x * 3` has one parent and local derivative 3.0). Where it does,
`c / x` and `c ** x` make it a leaf; `x ** c` keeps it in the op name, `"**3"`,
as micrograd does.
"""

from __future__ import annotations

import builtins
import math
import numbers
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from operator import mul as _float_mul
from typing import Any, NamedTuple

from autograd_lite.engine import Operand, Value
from autograd_lite.grad_mode import _grad_enabled


class Functions(NamedTuple):
    """The functions derivative rules call, for one kind of argument."""

    log: Callable[[Any], Any]
    sin: Callable[[Any], Any]
    cos: Callable[[Any], Any]
    pow: Callable[[Any, Any], Any]


@dataclass(frozen=True)
class Op:
    """A named operation: `forward` on floats, `derivative` on floats or Values.

    `arity` is the number of inputs, None for n-ary ops (`sum`, `dot`).
    """

    name: str
    arity: int | None
    forward: Callable[..., float]
    derivative: Callable[..., tuple[Any, ...]]


# ---- IEEE-style float helpers: overflow gives inf, never an exception -------


def _float_exp(x: float) -> float:
    try:
        return math.exp(x)
    except OverflowError:
        return math.inf


def _float_sin(x: float) -> float:
    return math.sin(x) if math.isfinite(x) else math.nan


def _float_cos(x: float) -> float:
    return math.cos(x) if math.isfinite(x) else math.nan


def _is_odd_integer(x: float) -> bool:
    return math.isfinite(x) and x.is_integer() and x % 2 == 1


def _float_pow(base: float, exponent: float) -> float:
    try:
        result = base**exponent
    except ZeroDivisionError:
        return math.copysign(math.inf, base) if _is_odd_integer(exponent) else math.inf
    except OverflowError:
        return -math.inf if base < 0 and _is_odd_integer(exponent) else math.inf
    # A negative base with a fractional exponent gives a complex number.
    return result if isinstance(result, float) else math.nan


FLOATS = Functions(log=math.log, sin=_float_sin, cos=_float_cos, pow=_float_pow)


# ---- forward formulas that check their domain ---------------------------------


def _checked_div(a: float, b: float) -> float:
    if b == 0:
        raise ZeroDivisionError(f"division by zero: {a!r} / {b!r}")
    return a / b


def _checked_pow(base: float, exponent: float) -> float:
    if base == 0 and exponent < 0:
        raise ZeroDivisionError(f"**: 0.0 cannot be raised to the negative power {exponent!r}")
    if base < 0 and math.isfinite(exponent) and not exponent.is_integer():
        raise ValueError(
            f"**: negative base {base!r} with non-integer exponent {exponent!r} has no real value"
        )
    return _float_pow(base, exponent)


def _checked_log(x: float) -> float:
    if x <= 0:
        raise ValueError(f"log: expected a positive number, got {x!r}")
    return math.log(x)


def _checked_log1p(x: float) -> float:
    if x <= -1:
        raise ValueError(f"log1p: expected a number greater than -1, got {x!r}")
    return math.log1p(x)


def _checked_sqrt(x: float) -> float:
    if x < 0:
        raise ValueError(f"sqrt: expected a non-negative number, got {x!r}")
    return math.sqrt(x)


def _stable_sigmoid(x: float) -> float:
    # Only ever exponentiate a non-positive number, so nothing overflows.
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


def _relu(x: float) -> float:
    return 0.0 if x <= 0 else x


def _leaky_relu(x: float, slope: float) -> float:
    return slope * x if x <= 0 else x


def _sign(x: float) -> float:
    # PyTorch's convention: abs'(0) = 0.
    return 1.0 if x > 0 else -1.0 if x < 0 else 0.0


# ---- derivative rules (floats or Values) -------------------------------------


def _power_constant_derivative(fn: Functions, base: Any, exponent: float, out: Any) -> Any:
    # PyTorch: x ** 0 has derivative 0 everywhere, even at x == 0.
    if exponent == 0:
        return 0.0
    return exponent * fn.pow(base, exponent - 1.0)


def _power_derivative(fn: Functions, base: Any, exponent: Any, out: Any) -> tuple[Any, Any]:
    base_data = float(base)
    # PyTorch: 0 where base == 0 (the limit for positive exponents), nan below.
    d_exponent = out * fn.log(base) if base_data > 0 else 0.0 if base_data == 0 else math.nan
    d_base = 0.0 if float(exponent) == 0 else exponent * fn.pow(base, exponent - 1.0)
    return d_base, d_exponent


def _dot_derivative(fn: Functions, *inputs_and_out: Any) -> tuple[Any, ...]:
    n = (len(inputs_and_out) - 1) // 2
    weights, inputs = inputs_and_out[:n], inputs_and_out[n : 2 * n]
    return inputs + weights


ADD = Op("+", 2, lambda a, b: a + b, lambda fn, a, b, out: (1.0, 1.0))
SUB = Op("-", 2, lambda a, b: a - b, lambda fn, a, b, out: (1.0, -1.0))
MUL = Op("*", 2, _float_mul, lambda fn, a, b, out: (b, a))
DIV = Op("/", 2, _checked_div, lambda fn, a, b, out: (1.0 / b, -out / b))
POW = Op("**", 2, _checked_pow, _power_derivative)
NEG = Op("neg", 1, lambda x: -x, lambda fn, x, out: (-1.0,))
ABS = Op("abs", 1, builtins.abs, lambda fn, x, out: (_sign(float(x)),))
EXP = Op("exp", 1, _float_exp, lambda fn, x, out: (out,))
LOG = Op("log", 1, _checked_log, lambda fn, x, out: (1.0 / x,))
LOG1P = Op("log1p", 1, _checked_log1p, lambda fn, x, out: (1.0 / (1.0 + x),))
# sqrt'(0) is inf, as in PyTorch, rather than a ZeroDivisionError.
SQRT = Op("sqrt", 1, _checked_sqrt, lambda fn, x, out: (0.5 / out if float(out) else math.inf,))
TANH = Op("tanh", 1, math.tanh, lambda fn, x, out: (1.0 - out * out,))
SIGMOID = Op("sigmoid", 1, _stable_sigmoid, lambda fn, x, out: (out * (1.0 - out),))
RELU = Op("relu", 1, _relu, lambda fn, x, out: (0.0 if x <= 0 else 1.0,))
LEAKY_RELU = Op(
    "leaky_relu",
    2,
    _leaky_relu,
    lambda fn, x, slope, out: (slope if x <= 0 else 1.0, x if x <= 0 else 0.0),
)
SIN = Op("sin", 1, _float_sin, lambda fn, x, out: (fn.cos(x),))
COS = Op("cos", 1, _float_cos, lambda fn, x, out: (-fn.sin(x),))
DOT = Op(
    "dot",
    None,
    lambda *args: builtins.sum(
        map(_float_mul, args[: len(args) // 2], args[len(args) // 2 :]), 0.0
    ),
    _dot_derivative,
)
SUM = Op(
    "sum", None, lambda *args: builtins.sum(args, 0.0), lambda fn, *args: (1.0,) * (len(args) - 1)
)

OPS: dict[str, Op] = {
    op.name: op
    for op in (
        ADD,
        SUB,
        MUL,
        DIV,
        POW,
        NEG,
        ABS,
        EXP,
        LOG,
        LOG1P,
        SQRT,
        TANH,
        SIGMOID,
        RELU,
        LEAKY_RELU,
        SIN,
        COS,
        DOT,
        SUM,
    )
}
POWER_PREFIX = "**"


# ---- recording nodes ---------------------------------------------------------


def _number(x: object, op_name: str) -> float:
    if type(x) is float:
        return x
    if isinstance(x, numbers.Real):
        return float(x)
    raise TypeError(f"{op_name}: expected a Value or a real number, got {type(x).__name__}: {x!r}")


def as_value(x: Operand, op_name: str = "Value") -> Value:
    """Return `x` if it is a Value, else a new leaf holding the number `x`."""
    return x if isinstance(x, Value) else Value(_number(x, op_name))


_node = Value.node

# The recorders below are the hot path of every graph: each is specialised to
# its arity so that it builds no argument list it does not need.


def _record1(op: Op, x: Value) -> Value:
    data = op.forward(x.data)
    if not _grad_enabled.get():
        return _node(data, "", (), ())
    return _node(data, op.name, (x,), op.derivative(FLOATS, x.data, data))


def _record2(op: Op, a: Value, b: Value) -> Value:
    data = op.forward(a.data, b.data)
    if not _grad_enabled.get():
        return _node(data, "", (), ())
    return _node(data, op.name, (a, b), op.derivative(FLOATS, a.data, b.data, data))


def _record_n(op: Op, parents: tuple[Value, ...]) -> Value:
    args = [parent.data for parent in parents]
    data = op.forward(*args)
    if not _grad_enabled.get():
        return _node(data, "", (), ())
    return _node(data, op.name, parents, op.derivative(FLOATS, *args, data))


def _binary(op: Op, a: Operand, b: Operand) -> Value:
    """Record `op(a, b)`; a number on either side is folded in, not made a parent."""
    if isinstance(a, Value):
        if isinstance(b, Value):
            return _record2(op, a, b)
        parent, a_data, b_data = a, a.data, b if type(b) is float else _number(b, op.name)
    elif isinstance(b, Value):
        parent, a_data, b_data = b, a if type(a) is float else _number(a, op.name), b.data
    else:
        return _record2(op, as_value(a, op.name), as_value(b, op.name))
    data = op.forward(a_data, b_data)
    if not _grad_enabled.get():
        return _node(data, "", (), ())
    d_a, d_b = op.derivative(FLOATS, a_data, b_data, data)
    return _node(data, op.name, (parent,), (d_a if parent is a else d_b,))


# ---- public operations ---------------------------------------------------------


def add(a: Operand, b: Operand) -> Value:
    """a + b."""
    return _binary(ADD, a, b)


def sub(a: Operand, b: Operand) -> Value:
    """a - b."""
    return _binary(SUB, a, b)


def mul(a: Operand, b: Operand) -> Value:
    """a * b."""
    return _binary(MUL, a, b)


def div(a: Operand, b: Operand) -> Value:
    """a / b; ZeroDivisionError if b == 0."""
    if not isinstance(a, Value):
        # d(c / x)/dx depends on c, so the number becomes a leaf.
        return _record2(DIV, as_value(a, "/"), as_value(b, "/"))
    return _binary(DIV, a, b)


def _format_exponent(exponent: float) -> str:
    exact_integer = exponent.is_integer() and abs(exponent) < 2**53
    return repr(int(exponent)) if exact_integer else repr(exponent)


def power(base: Operand, exponent: Operand) -> Value:
    """base ** exponent, for Values or numbers on either side."""
    if isinstance(exponent, Value) or not isinstance(base, Value):
        return _record2(POW, as_value(base, "**"), as_value(exponent, "**"))
    constant = _number(exponent, "**")
    data = _checked_pow(base.data, constant)
    if not _grad_enabled.get():
        return _node(data, "", (), ())
    local = _power_constant_derivative(FLOATS, base.data, constant, data)
    return _node(data, POWER_PREFIX + _format_exponent(constant), (base,), (local,))


def neg(x: Operand) -> Value:
    """-x."""
    return _record1(NEG, as_value(x, "neg"))


def absolute(x: Operand) -> Value:
    """|x|, with derivative 0 at 0."""
    return _record1(ABS, as_value(x, "abs"))


def exp(x: Operand) -> Value:
    """e ** x (inf past about 709.78, as IEEE floats do)."""
    return _record1(EXP, as_value(x, "exp"))


def log(x: Operand) -> Value:
    """Natural logarithm; ValueError unless x > 0."""
    return _record1(LOG, as_value(x, "log"))


def log1p(x: Operand) -> Value:
    """log(1 + x), accurate for tiny x; ValueError unless x > -1."""
    return _record1(LOG1P, as_value(x, "log1p"))


def sqrt(x: Operand) -> Value:
    """Square root; ValueError if x < 0."""
    return _record1(SQRT, as_value(x, "sqrt"))


def tanh(x: Operand) -> Value:
    """Hyperbolic tangent."""
    return _record1(TANH, as_value(x, "tanh"))


def sigmoid(x: Operand) -> Value:
    """Logistic function 1 / (1 + e ** -x), stable for any magnitude."""
    return _record1(SIGMOID, as_value(x, "sigmoid"))


def relu(x: Operand) -> Value:
    """max(x, 0), with derivative 0 at 0."""
    return _record1(RELU, as_value(x, "relu"))


def leaky_relu(x: Operand, slope: Operand = 0.01) -> Value:
    """x if x > 0 else slope * x, with derivative slope at 0 (`slope` may be a Value)."""
    return _binary(LEAKY_RELU, as_value(x, "leaky_relu"), slope)


def sin(x: Operand) -> Value:
    """Sine."""
    return _record1(SIN, as_value(x, "sin"))


def cos(x: Operand) -> Value:
    """Cosine."""
    return _record1(COS, as_value(x, "cos"))


def sum(values: Iterable[Operand]) -> Value:
    """The sum of `values` as ONE node with a parent per Value (numbers are folded in)."""
    parents = []
    constant = 0.0
    for x in values:
        if isinstance(x, Value):
            parents.append(x)
        else:
            constant += _number(x, "sum")
    if not parents:
        return Value(constant)
    node = _record_n(SUM, tuple(parents))
    node.data += constant
    return node


def dot(weights: Iterable[Operand], inputs: Iterable[Operand]) -> Value:
    """sum(w * x for w, x in zip(weights, inputs)) as ONE node (numbers become leaves)."""
    ws = tuple(as_value(w, "dot") for w in weights)
    xs = tuple(as_value(x, "dot") for x in inputs)
    if len(ws) != len(xs):
        raise ValueError(
            f"dot: expected sequences of equal length, got {len(ws)} weights and {len(xs)} inputs"
        )
    return _record_n(DOT, ws + xs)


VALUES = Functions(log=log, sin=sin, cos=cos, pow=power)


def differentiable_local_grads(node: Value) -> tuple[Value | float, ...]:
    """The local derivatives of `node` computed again from its parents as Values.

    Where a derivative does not depend on the parents (sums, ReLU, products
    with a number) the stored float is exact and is returned as it is.
    """
    if node.op.startswith(POWER_PREFIX) and node.op != POW.name:
        exponent = float(node.op[len(POWER_PREFIX) :])
        return (_power_constant_derivative(VALUES, node.parents[0], exponent, node),)
    op = OPS[node.op]
    if op.arity is not None and len(node.parents) < op.arity:
        # A number operand was folded in: the derivative is that constant.
        return node.local_grads
    return op.derivative(VALUES, *node.parents, node)
