"""The op table: every scalar operation, its forward formula and its derivative rule, once.

An `Op` is data, and its formulas are written once, as Python expression templates:
`forward_code` computes the result from the operands, `derivative_code` holds one
template per operand for d(out)/d(operand). Every other form is derived from them:

- the interpreter's `op.forward(*floats)` and `op.derivative(*floats, out)`, compiled
  here with `exec` when the module is imported (the forward pass calls them);
- the same derivative rule over Values (`DerivativeRules`), which
  `gradients(..., create_graph=True)` uses to build a graph that can be
  differentiated again;
- the straight-line code of `ag.compile` (`codegen` pastes the templates) and the
  stepper page's JavaScript and words (`formulas` parses them).

The constant policy is the same for every op: any operand may be a plain number.
It is kept on the node, in its place in `Value.operands`, so drawings, traces
and generated code can show it; only Value operands become `parents`.

Adding an op is one entry here (and, at most, a one-line `Value` method):
`autograd_lite.op_functions` makes the public function, `expression` (the
command line's whitelist) and `nn` (activations) read their lists from `OPS`.
"""

from __future__ import annotations

import ast
import builtins
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from operator import add, mul, sub
from typing import Any, Literal

from autograd_lite import floats

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
"""The functions and constants that code templates use, by the names they use, on floats."""

Kind = Literal["operator", "function", "reduction"]

# Names the interpreter's generated functions use besides the templates' helpers.
_RULE_NAMES: dict[str, object] = {
    **CODE_HELPERS, "_sum": builtins.sum, "_zip": zip, "_map": map, "_len": len,
    "_add": add, "_sub": sub, "_mul": mul,
}
_FIELD_ONLY = re.compile(r"\{(\d+)\}")
_OPERATOR_TERM = re.compile(r"\{0\} ([-+*]) \{1\}")
_OPERATOR_NAMES = {"+": "_add", "-": "_sub", "*": "_mul"}


@dataclass(frozen=True, eq=False)
class Op:
    """One operation.

    - `name`: its Python name (`add`, `exp`); `symbol`: how it is written (`+`, `exp`).
    - `kind`: "operator" (written between or before its operands), "function"
      (`exp(x)`) or "reduction" (`sum`, `dot`: any number of operands).
    - `arity`: number of operands; None for a reduction.
    - `forward_code`, `derivative_code`: the formulas, as Python expression
      templates. Fields `{0}`, `{1}`, ... are the operands (names or float
      literals) and `{out}` the result; the names they call are the
      `CODE_HELPERS`. `derivative_code` has one template per operand.
      A reduction's templates describe one term: its operands come in groups
      of `len(derivative_code)` (for `dot`, w_i with x_i: operands i and
      n + i), and the terms are added left to right from 0.0.
    - `activation`: usable as a neuron's nonlinearity in `nn`.
    - `zero_when`: a condition on the operands under which every derivative
      is exactly 0 (ReLU: `{0} <= 0`); compiled backward code skips what only
      such an op feeds.
    - `forward(*operands)` and `derivative(*operands, out)`: the templates
      compiled for floats (derived, not given): the result, and the tuple of
      d(out)/d(operand) for every operand.
    """

    name: str
    symbol: str
    kind: Kind
    arity: int | None
    doc: str
    forward_code: str
    derivative_code: tuple[str, ...]
    activation: bool = False
    zero_when: str = ""
    forward: Callable[..., float] = field(init=False, repr=False)
    derivative: Callable[..., tuple[Any, ...]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        names: dict[str, Any] = dict(_RULE_NAMES)
        exec(_forward_source(self) + _derivative_source(self), names)
        object.__setattr__(self, "forward", names["forward"])
        object.__setattr__(self, "derivative", names["derivative"])

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


# ---- the templates as Python functions ---------------------------------------------
# An op of arity k gets `def forward(_0, ..., _k-1)` and `def derivative(_0, ..., _out)`.
# A reduction gets `(*_a)`: group j of its operands is `_a[j * _n:(j + 1) * _n]`; a
# template that is one field is that group as it is, one without fields is repeated,
# and any other is written out term by term.


def _fields(count: int) -> list[str]:
    return [f"_{k}" for k in range(count)]


def _groups(size: int) -> list[str]:
    return [f"_a[{k} * _n:{k + 1} * _n]" for k in range(size)]


def _terms(template: str, size: int) -> str:
    """A list of `template` over the terms of a reduction, the groups zipped."""
    fields = _fields(size)
    expression = template.format(*fields, out="_out")
    return f"[{expression} for {', '.join(fields)}, in _zip({', '.join(_groups(size))})]"


def _forward_source(op: Op) -> str:
    if op.kind != "reduction":
        fields = _fields(op.arity or 0)
        return f"def forward({', '.join(fields)}):\n    return {op.forward_code.format(*fields)}\n"
    size = len(op.derivative_code)
    single = _FIELD_ONLY.fullmatch(op.forward_code)
    operator = _OPERATOR_TERM.fullmatch(op.forward_code)
    if single:
        terms = _groups(size)[int(single.group(1))]
    elif operator and size == 2:
        terms = f"_map({_OPERATOR_NAMES[operator.group(1)]}, {', '.join(_groups(size))})"
    else:
        terms = _terms(op.forward_code, size)
    return f"def forward(*_a):\n    _n = _len(_a) // {size}\n    return _sum({terms}, 0.0)\n"


def _derivative_source(op: Op) -> str:
    if op.kind != "reduction":
        fields = _fields(op.arity or 0)
        rules = "".join(f"{t.format(*fields, out='_out')}, " for t in op.derivative_code)
        return f"def derivative({', '.join([*fields, '_out'])}):\n    return ({rules})\n"
    size = len(op.derivative_code)
    parts = []
    for template in op.derivative_code:
        single = _FIELD_ONLY.fullmatch(template)
        if single:
            parts.append(_groups(size)[int(single.group(1))])
        elif "{" not in template:
            parts.append(f"({template},) * _n")
        else:
            parts.append(f"tuple({_terms(template, size)})")
    return (
        f"def derivative(*_a):\n    _out = _a[-1]\n    _n = (_len(_a) - 1) // {size}\n"
        f"    return {' + '.join(parts)}\n"
    )


class DerivativeRules:
    """Every op's derivative rule compiled for operands of another kind than floats.

    `helpers` gives the template names (`_log`, `_divide` ...) their meaning for
    that kind, and `_data` the float a comparison in a template looks at (a
    Value's `==` is identity, so `{1} == 0` compares `_data({1})`). Each op's rule
    is compiled the first time it is asked for, from the same templates as the
    interpreter's; `rule(op)(*operands, out)` gives d(out)/d(operand) for each.
    """

    def __init__(self, helpers: Mapping[str, object]) -> None:
        self.names = {**_RULE_NAMES, **helpers}
        self.rules: dict[str, Callable[..., tuple[Any, ...]]] = {}

    def rule(self, op: Op) -> Callable[..., tuple[Any, ...]]:
        """`op`'s derivative rule for this kind: `(*operands, out) -> derivatives`."""
        found = self.rules.get(op.name)
        if found is None:
            tree = ast.parse(_derivative_source(op))
            for node in ast.walk(tree):
                if isinstance(node, ast.Compare):
                    node.left = _data(node.left)
                    node.comparators = [_data(c) for c in node.comparators]
            names: dict[str, Any] = dict(self.names)
            code = compile(ast.fix_missing_locations(tree), f"<{op.name} derivative>", "exec")
            exec(code, names)
            found = self.rules[op.name] = names["derivative"]
        return found


def _data(tree: ast.expr) -> ast.expr:
    return ast.Call(ast.Name("_data", ast.Load()), [tree], [])


ADD = Op(
    "add", "+", "operator", 2, "a + b.",
    forward_code="{0} + {1}", derivative_code=("1.0", "1.0"),
)
SUB = Op(
    "sub", "-", "operator", 2, "a - b.",
    forward_code="{0} - {1}", derivative_code=("1.0", "-1.0"),
)
MUL = Op(
    "mul", "*", "operator", 2, "a * b.",
    forward_code="{0} * {1}", derivative_code=("{1}", "{0}"),
)
DIV = Op(
    "div", "/", "operator", 2, "a / b; ZeroDivisionError if b == 0.",
    forward_code="_checked_divide({0}, {1})",
    # Total division: a derivative at a singular point is a value (1/0 is inf).
    derivative_code=("_divide(1.0, {1})", "-_divide({out}, {1})"),
)
POW = Op(
    "pow", "**", "operator", 2,
    "base ** exponent; ZeroDivisionError or ValueError where it has no real value.",
    forward_code="_checked_power({0}, {1})",
    derivative_code=(
        # PyTorch: x ** 0 has derivative 0 everywhere, even at x == 0.
        "(0.0 if {1} == 0 else {1} * _power({0}, {1} - 1.0))",
        # PyTorch: 0 where base == 0 (the limit for positive exponents), nan below.
        "({out} * _log({0}) if {0} > 0 else 0.0 if {0} == 0 else _nan)",
    ),
)
NEG = Op(
    "neg", "neg", "operator", 1, "-x.",
    forward_code="-{0}", derivative_code=("-1.0",),
)
ABS = Op(
    "abs", "abs", "function", 1, "|x|, with derivative 0 at 0.",
    forward_code="_abs({0})", derivative_code=("_sign({0})",),
)
EXP = Op(
    "exp", "exp", "function", 1, "e ** x (inf past about 709.78, as IEEE floats do).",
    forward_code="_exp({0})", derivative_code=("{out}",),
)
LOG = Op(
    "log", "log", "function", 1, "Natural logarithm; ValueError unless x > 0.",
    forward_code="_checked_log({0})", derivative_code=("1.0 / {0}",),
)
LOG1P = Op(
    "log1p", "log1p", "function", 1,
    "log(1 + x), accurate for tiny x; ValueError unless x > -1.",
    forward_code="_checked_log1p({0})", derivative_code=("1.0 / (1.0 + {0})",),
)
SQRT = Op(
    "sqrt", "sqrt", "function", 1, "Square root; ValueError if x < 0.",
    forward_code="_checked_sqrt({0})",
    # sqrt'(0) is inf, as in PyTorch, and so are the higher derivatives' signs.
    derivative_code=("_divide(0.5, {out})",),
)
TANH = Op(
    "tanh", "tanh", "function", 1, "Hyperbolic tangent.", activation=True,
    forward_code="_tanh({0})", derivative_code=("1.0 - {out} * {out}",),
)
SIGMOID = Op(
    "sigmoid", "sigmoid", "function", 1,
    "Logistic function 1 / (1 + e ** -x), stable for any magnitude.", activation=True,
    forward_code="_sigmoid({0})", derivative_code=("{out} * (1.0 - {out})",),
)
RELU = Op(
    "relu", "relu", "function", 1, "max(x, 0), with derivative 0 at 0.", activation=True,
    forward_code="(0.0 if {0} <= 0.0 else {0})",
    derivative_code=("(0.0 if {0} <= 0.0 else 1.0)",), zero_when="{0} <= 0.0",
)
LEAKY_RELU = Op(
    "leaky_relu", "leaky_relu", "function", 2,
    "x if x > 0 else slope * x, with derivative slope at 0 (`slope` may be a Value).",
    activation=True,
    forward_code="({1} * {0} if {0} <= 0.0 else {0})",
    derivative_code=("({1} if {0} <= 0.0 else 1.0)", "({0} if {0} <= 0.0 else 0.0)"),
)
SIN = Op(
    "sin", "sin", "function", 1, "Sine.",
    forward_code="_sin({0})", derivative_code=("_cos({0})",),
)
COS = Op(
    "cos", "cos", "function", 1, "Cosine.",
    forward_code="_cos({0})", derivative_code=("-_sin({0})",),
)
SUM = Op(
    "sum", "sum", "reduction", None, "The sum of `values` as ONE node, added left to right.",
    forward_code="{0}", derivative_code=("1.0",),
)
DOT = Op(
    "dot", "dot", "reduction", None,
    "sum(w * x for w, x in zip(weights, inputs)) as ONE node.",
    # d(w . x)/dw_i = x_i and d(w . x)/dx_i = w_i.
    forward_code="{0} * {1}", derivative_code=("{1}", "{0}"),
)

OPS: dict[str, Op] = {
    op.name: op
    for op in (
        ADD, SUB, MUL, DIV, POW, NEG, ABS, EXP, LOG, LOG1P, SQRT,
        TANH, SIGMOID, RELU, LEAKY_RELU, SIN, COS, SUM, DOT,
    )
}
"""Every op by name."""
