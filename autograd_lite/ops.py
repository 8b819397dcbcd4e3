"""The op table: every scalar operation, its forward formula and its derivative rule, once.

An `Op` is data. `forward` maps the operands' floats to the result's float;
`derivative(fn, *operands, out)` returns d(out)/d(operand) for every operand.
Rules are written once for two kinds of argument: called with floats in the
forward pass they fill `Value.local_grads`; called with Values (by
`gradients(..., create_graph=True)`) they build a graph that can be
differentiated again. `fn` supplies the few functions a rule needs for that kind.

The constant policy is the same for every op: any operand may be a plain number.
It is kept on the node, in its place in `Value.operands`, so drawings, traces
and generated code can show it; only Value operands become `parents`.

Adding an op is one entry here (and, at most, a one-line `Value` method):
`autograd_lite.functions` makes the public function, `expression` (the
command line's whitelist) and `nn` (activations) read their lists from `OPS`,
and `ag.compile` writes its straight-line code from the entry's code templates.
"""

from __future__ import annotations

import builtins
import math
from collections.abc import Callable
from dataclasses import dataclass
from operator import mul
from typing import Any, Literal, NamedTuple

from autograd_lite import floats


class Functions(NamedTuple):
    """What a derivative rule may call, for one kind of argument (floats or Values)."""

    data: Callable[[Any], float]
    log: Callable[[Any], Any]
    sin: Callable[[Any], Any]
    cos: Callable[[Any], Any]
    pow: Callable[[Any, Any], Any]
    div: Callable[[Any, Any], Any]


FLOATS = Functions(
    data=float,
    log=floats.log,
    sin=floats.sin,
    cos=floats.cos,
    pow=floats.power,
    div=floats.divide,
)

Kind = Literal["operator", "function", "reduction"]


@dataclass(frozen=True, eq=False)
class Op:
    """One operation.

    - `name`: its Python name (`add`, `exp`); `symbol`: how it is written (`+`, `exp`).
    - `kind`: "operator" (written between or before its operands), "function"
      (`exp(x)`) or "reduction" (`sum`, `dot`: any number of operands).
    - `arity`: number of operands; None for a reduction.
    - `activation`: usable as a neuron's nonlinearity in `nn`.
    - `forward_code`, `derivative_code`: the same formulas as Python source
      templates, for `ag.compile`. Fields `{0}`, `{1}`, ... are the operands
      (names or float literals) and `{out}` the result; the names they call
      are the `CODE_HELPERS`. `derivative_code` has one template per operand.
      A reduction's templates describe one term: its operands come in groups
      of `len(derivative_code)` (for `dot`, w_i with x_i: operands i and
      n + i), and the terms are added left to right from 0.0.
    - `zero_when`: a condition on the operands under which every derivative
      is exactly 0 (ReLU: `{0} <= 0`); compiled backward code skips what only
      such an op feeds.
    """

    name: str
    symbol: str
    kind: Kind
    arity: int | None
    forward: Callable[..., float]
    derivative: Callable[..., tuple[Any, ...]]
    doc: str
    activation: bool = False
    forward_code: str = ""
    derivative_code: tuple[str, ...] = ()
    zero_when: str = ""

    def __repr__(self) -> str:
        return f"<op {self.name} {self.symbol!r}>"

    def template_of(self, operand: int, count: int) -> tuple[int, list[int]]:
        """Which `derivative_code` template gives d(out)/d(operand) over `count` operands,
        and the operand indices that fill its fields `{0}`, `{1}`, ...

        An operator or function: template `operand`, every operand. A reduction: its
        operands come in groups of `len(derivative_code)`, one member from each part
        (for dot, w_i with x_i: operands i and n + i).
        """
        if self.kind != "reduction":
            return operand, list(range(count))
        size = len(self.derivative_code)
        terms = count // size
        term = operand % terms
        return operand // terms, [member * terms + term for member in range(size)]


def _power_derivative(fn: Functions, base: Any, exponent: Any, out: Any) -> tuple[Any, Any]:
    base_data, exponent_data = fn.data(base), fn.data(exponent)
    # PyTorch: x ** 0 has derivative 0 everywhere, even at x == 0.
    d_base = 0.0 if exponent_data == 0 else exponent * fn.pow(base, exponent - 1.0)
    # PyTorch: 0 where base == 0 (the limit for positive exponents), nan below.
    d_exponent = (
        out * fn.log(base) if base_data > 0 else 0.0 if base_data == 0 else math.nan
    )
    return d_base, d_exponent


def _dot_forward(*operands: float) -> float:
    half = len(operands) // 2
    return builtins.sum(map(mul, operands[:half], operands[half:]), 0.0)


def _dot_derivative(fn: Functions, *operands_and_out: Any) -> tuple[Any, ...]:
    # d(w . x)/dw_i = x_i and d(w . x)/dx_i = w_i.
    half = (len(operands_and_out) - 1) // 2
    return operands_and_out[half : 2 * half] + operands_and_out[:half]


def _leaky_relu_derivative(fn: Functions, x: Any, slope: Any, out: Any) -> tuple[Any, Any]:
    if fn.data(x) <= 0:
        return slope, x
    return 1.0, 0.0


ADD = Op(
    "add", "+", "operator", 2, lambda a, b: a + b, lambda fn, a, b, out: (1.0, 1.0), "a + b.",
    forward_code="{0} + {1}", derivative_code=("1.0", "1.0"),
)
SUB = Op(
    "sub", "-", "operator", 2, lambda a, b: a - b, lambda fn, a, b, out: (1.0, -1.0), "a - b.",
    forward_code="{0} - {1}", derivative_code=("1.0", "-1.0"),
)
MUL = Op(
    "mul", "*", "operator", 2, mul, lambda fn, a, b, out: (b, a), "a * b.",
    forward_code="{0} * {1}", derivative_code=("{1}", "{0}"),
)
DIV = Op(
    "div", "/", "operator", 2, floats.checked_divide,
    lambda fn, a, b, out: (fn.div(1.0, b), -fn.div(out, b)),
    "a / b; ZeroDivisionError if b == 0.",
    forward_code="_checked_divide({0}, {1})",
    derivative_code=("1.0 / {1}", "-({out} / {1})"),
)
POW = Op(
    "pow", "**", "operator", 2, floats.checked_power, _power_derivative,
    "base ** exponent; ZeroDivisionError or ValueError where it has no real value.",
    forward_code="_checked_power({0}, {1})",
    derivative_code=(
        "(0.0 if {1} == 0 else {1} * _power({0}, {1} - 1.0))",
        "({out} * _log({0}) if {0} > 0 else 0.0 if {0} == 0 else _nan)",
    ),
)
NEG = Op(
    "neg", "neg", "operator", 1, lambda x: -x, lambda fn, x, out: (-1.0,), "-x.",
    forward_code="-{0}", derivative_code=("-1.0",),
)
ABS = Op(
    "abs", "abs", "function", 1, builtins.abs,
    lambda fn, x, out: (floats.sign(fn.data(x)),),
    "|x|, with derivative 0 at 0.",
    forward_code="_abs({0})", derivative_code=("_sign({0})",),
)
EXP = Op(
    "exp", "exp", "function", 1, floats.exp, lambda fn, x, out: (out,),
    "e ** x (inf past about 709.78, as IEEE floats do).",
    forward_code="_exp({0})", derivative_code=("{out}",),
)
LOG = Op(
    "log", "log", "function", 1, floats.checked_log, lambda fn, x, out: (1.0 / x,),
    "Natural logarithm; ValueError unless x > 0.",
    forward_code="_checked_log({0})", derivative_code=("1.0 / {0}",),
)
LOG1P = Op(
    "log1p", "log1p", "function", 1, floats.checked_log1p,
    lambda fn, x, out: (1.0 / (1.0 + x),),
    "log(1 + x), accurate for tiny x; ValueError unless x > -1.",
    forward_code="_checked_log1p({0})", derivative_code=("1.0 / (1.0 + {0})",),
)
SQRT = Op(
    "sqrt", "sqrt", "function", 1, floats.checked_sqrt,
    # sqrt'(0) is inf, as in PyTorch, and so are the higher derivatives' signs.
    lambda fn, x, out: (fn.div(0.5, out),),
    "Square root; ValueError if x < 0.",
    forward_code="_checked_sqrt({0})", derivative_code=("_divide(0.5, {out})",),
)
TANH = Op(
    "tanh", "tanh", "function", 1, math.tanh, lambda fn, x, out: (1.0 - out * out,),
    "Hyperbolic tangent.", activation=True,
    forward_code="_tanh({0})", derivative_code=("1.0 - {out} * {out}",),
)
SIGMOID = Op(
    "sigmoid", "sigmoid", "function", 1, floats.sigmoid,
    lambda fn, x, out: (out * (1.0 - out),),
    "Logistic function 1 / (1 + e ** -x), stable for any magnitude.", activation=True,
    forward_code="_sigmoid({0})", derivative_code=("{out} * (1.0 - {out})",),
)
RELU = Op(
    "relu", "relu", "function", 1, lambda x: 0.0 if x <= 0 else x,
    lambda fn, x, out: (0.0 if fn.data(x) <= 0 else 1.0,),
    "max(x, 0), with derivative 0 at 0.", activation=True,
    forward_code="(0.0 if {0} <= 0.0 else {0})",
    derivative_code=("(0.0 if {0} <= 0.0 else 1.0)",), zero_when="{0} <= 0.0",
)
LEAKY_RELU = Op(
    "leaky_relu", "leaky_relu", "function", 2,
    lambda x, slope: slope * x if x <= 0 else x, _leaky_relu_derivative,
    "x if x > 0 else slope * x, with derivative slope at 0 (`slope` may be a Value).",
    activation=True,
    forward_code="({1} * {0} if {0} <= 0.0 else {0})",
    derivative_code=("({1} if {0} <= 0.0 else 1.0)", "({0} if {0} <= 0.0 else 0.0)"),
)
SIN = Op(
    "sin", "sin", "function", 1, floats.sin, lambda fn, x, out: (fn.cos(x),), "Sine.",
    forward_code="_sin({0})", derivative_code=("_cos({0})",),
)
COS = Op(
    "cos", "cos", "function", 1, floats.cos, lambda fn, x, out: (-fn.sin(x),), "Cosine.",
    forward_code="_cos({0})", derivative_code=("-_sin({0})",),
)
SUM = Op(
    "sum", "sum", "reduction", None, lambda *xs: builtins.sum(xs, 0.0),
    lambda fn, *operands_and_out: (1.0,) * (len(operands_and_out) - 1),
    "The sum of `values` as ONE node, added left to right.",
    forward_code="{0}", derivative_code=("1.0",),
)
DOT = Op(
    "dot", "dot", "reduction", None, _dot_forward, _dot_derivative,
    "sum(w * x for w, x in zip(weights, inputs)) as ONE node.",
    forward_code="{0} * {1}", derivative_code=("{1}", "{0}"),
)

CODE_HELPERS: dict[str, object] = {
    "_abs": builtins.abs,
    "_checked_divide": floats.checked_divide,
    "_checked_log": floats.checked_log,
    "_checked_log1p": floats.checked_log1p,
    "_checked_power": floats.checked_power,
    "_checked_sqrt": floats.checked_sqrt,
    "_cos": floats.cos,
    "_divide": floats.divide,
    "_exp": floats.exp,
    "_log": floats.log,
    "_power": floats.power,
    "_sigmoid": floats.sigmoid,
    "_sign": floats.sign,
    "_sin": floats.sin,
    "_tanh": math.tanh,
    "_inf": math.inf,
    "_nan": math.nan,
}
"""The functions and constants that code templates use, by the names they use."""

OPS: dict[str, Op] = {
    op.name: op
    for op in (
        ADD, SUB, MUL, DIV, POW, NEG, ABS, EXP, LOG, LOG1P, SQRT,
        TANH, SIGMOID, RELU, LEAKY_RELU, SIN, COS, SUM, DOT,
    )
}
"""Every op by name."""
