"""The op table's formulas in two more forms: JavaScript for the stepper page, words for learners.

Each op's `forward_code` and `derivative_code` (`autograd_lite.ops`) are Python expression
templates that `ag.compile` pastes into generated code. This module parses the same
templates with `ast` and writes them out again:

- `javascript()`: one JavaScript object holding, per op, its forward and derivative
  functions and the functions that explain a derivative in words. The stepper page
  recomputes values and gradients with them, so a learner can change an input.
- `explain_local(node, operand, names, precision)`: the local derivative
  d(node)/d(operand) as a rule in the operands' names and with their numbers, e.g.
  `d tanh(n)/dn = 1 - o**2 = 1 - 0.7071**2 = 0.5000`. `trace_backward` and the command
  line print it; the page's generated functions write the same words.

Adding an op to the table adds its JavaScript and its explanation. Only `neg`, `sum` and
`dot` are named here, because they are written unlike their symbols (`-x`, `a + b + c`,
`w·x + b`).
"""

from __future__ import annotations

import ast
import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from autograd_lite.engine import Value
from autograd_lite.naming import d, format_constant, neuron_form, plain
from autograd_lite.ops import CODE_HELPERS, DOT, NEG, OPS, SUM, Op
from autograd_lite.render import format_number
from autograd_lite.scalars import is_number

# How the helpers that templates call read in a rule: `_power(a, b)` is `a**b`.
_SPOKEN = {
    "_abs": "abs", "_checked_divide": "/", "_divide": "/", "_checked_log": "log",
    "_log": "log", "_checked_log1p": "log1p", "_checked_power": "**", "_power": "**",
    "_checked_sqrt": "sqrt", "_cos": "cos", "_sin": "sin", "_exp": "exp",
    "_sigmoid": "sigmoid", "_sign": "sign", "_tanh": "tanh",
}
_CONSTANT_NAMES = {"_nan": "nan", "_inf": "inf"}
_NEGATED = {"<=": ">", "<": ">=", ">": "<=", ">=": "<", "==": "!=", "!=": "=="}
_COMPARISONS = {
    ast.LtE: "<=", ast.Lt: "<", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!=",
}
_OPERATORS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}
# Binding strength, to put parentheses only where they are needed.
_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2, "neg": 3, "**": 4, "atom": 5}
_FIELD = re.compile(r"\{(\d+|out)\}")


def _constant(tree: ast.Constant) -> float:
    """A number written in a template (templates hold no other constants)."""
    if not is_number(tree.value):
        raise ValueError(f"formulas: a template constant must be a number: {tree.value!r}")
    return float(tree.value)


def _parse(template: str) -> ast.expr:
    """A code template as an expression tree; field `{k}` becomes the name `_a<k>`."""
    source = _FIELD.sub(lambda m: "_out" if m.group(1) == "out" else f"_a{m.group(1)}", template)
    return ast.parse(source, mode="eval").body


# ---- the rule in words, evaluated in Python ---------------------------------------


@dataclass(frozen=True)
class _Field:
    """What a rule knows of one field: its name, its number, and whether it is a constant."""

    name: str
    value: float
    constant: bool


@dataclass(frozen=True)
class _Words:
    """Text in names and in numbers, each with how tightly it binds (`_PRECEDENCE`)."""

    symbols: str
    numbers: str
    symbols_strength: int
    numbers_strength: int


def _atom(text: str) -> _Words:
    return _Words(text, text, _PRECEDENCE["atom"], _PRECEDENCE["atom"])


def _combine(
    symbol: str, left: _Words, right: _Words, strength: int, left_needs: int, right_needs: int
) -> _Words:
    """`left symbol right` in both texts, parenthesising an operand that binds less."""
    return _Words(
        f"{_wrap(left.symbols, left.symbols_strength, left_needs)}{symbol}"
        f"{_wrap(right.symbols, right.symbols_strength, right_needs)}",
        f"{_wrap(left.numbers, left.numbers_strength, left_needs)}{symbol}"
        f"{_wrap(right.numbers, right.numbers_strength, right_needs)}",
        strength,
        strength,
    )


@dataclass(frozen=True)
class LocalRule:
    """A local derivative d(node)/d(operand) spelled out.

    `wrt` is the derivative's name (`d tanh(n)/dn`), `symbols` the rule in the operands'
    names (`1 - o**2`), `numbers` the same with their values, `reason` why a branch of a
    rule applies (`z = 0.8800 > 0`, or ""), `value` the derivative, and `uses` the fields
    whose values the rule reads (operand indices, -1 for the node's own value).
    """

    wrt: str
    symbols: str
    numbers: str
    value: str
    reason: str
    uses: tuple[int, ...]

    def text(self) -> str:
        """One line: `d tanh(n)/dn = 1 - o**2 = 1 - 0.7071**2 = 0.5000`, repeats left out."""
        parts = [self.wrt]
        for part in (self.symbols, self.numbers, self.value):
            if part != parts[-1] and not _same_number(part, parts[-1]):
                parts.append(part)
        line = " = ".join(parts)
        return f"{line} because {self.reason}" if self.reason else line


class _Speaker:
    """Walks a template's tree with the fields' names and numbers, choosing branches."""

    def __init__(self, fields: Mapping[str, _Field], precision: int) -> None:
        self.fields = fields
        self.precision = precision
        self.reasons: list[str] = []
        self.uses: list[str] = []

    def number(self, x: float) -> str:
        return format_number(x, self.precision)

    def value(self, tree: ast.expr) -> Any:
        code = compile(ast.Expression(tree), "<template>", "eval")
        names = {key: field.value for key, field in self.fields.items()}
        return eval(code, {"__builtins__": {}, **CODE_HELPERS}, names)

    def words(self, tree: ast.expr) -> _Words:
        if isinstance(tree, ast.Constant):
            return _atom(format_constant(_constant(tree)))
        if isinstance(tree, ast.Name):
            if tree.id in _CONSTANT_NAMES:
                return _atom(_CONSTANT_NAMES[tree.id])
            field = self.fields[tree.id]
            if field.constant:
                return _atom(field.name)
            self.uses.append(tree.id)
            number = self.number(field.value)
            strength = _PRECEDENCE["neg"] if number.startswith("-") else _PRECEDENCE["atom"]
            # A name like `x1*w1` is one operand: parenthesised inside an operator.
            named = _PRECEDENCE["atom"] if plain(field.name) else 0
            return _Words(field.name, number, named, strength)
        if isinstance(tree, ast.UnaryOp) and isinstance(tree.op, ast.USub):
            return self.negate(self.words(tree.operand))
        if isinstance(tree, ast.BinOp):
            symbol = _OPERATORS[type(tree.op)]
            if symbol == "*" and ast.dump(tree.left) == ast.dump(tree.right):
                return self.power(self.words(tree.left), _atom("2"))
            return self.binary(symbol, self.words(tree.left), self.words(tree.right))
        if isinstance(tree, ast.Call) and isinstance(tree.func, ast.Name):
            spoken = _SPOKEN[tree.func.id]
            args = [self.words(arg) for arg in tree.args]
            if spoken == "**":
                return self.power(args[0], args[1])
            if spoken == "/":
                return self.binary("/", args[0], args[1])
            return _Words(
                f"{spoken}({', '.join(a.symbols for a in args)})",
                f"{spoken}({', '.join(a.numbers for a in args)})",
                _PRECEDENCE["atom"],
                _PRECEDENCE["atom"],
            )
        if isinstance(tree, ast.IfExp):
            chosen = bool(self.value(tree.test))
            self.reasons.append(self.reason(tree.test, chosen))
            return self.words(tree.body if chosen else tree.orelse)
        raise ValueError(f"formulas: cannot read {ast.dump(tree)} in a code template")

    def negate(self, inner: _Words) -> _Words:
        strength = _PRECEDENCE["neg"]
        return _Words(
            "-" + _wrap(inner.symbols, inner.symbols_strength, strength + 1),
            "-" + _wrap(inner.numbers, inner.numbers_strength, strength + 1),
            strength,
            strength,
        )

    def binary(self, symbol: str, left: _Words, right: _Words) -> _Words:
        strength = _PRECEDENCE[symbol]
        # a - (b - c) and a / (b * c) need their parentheses, a + (b + c) does not;
        # a negative right operand gets them too: 1 / (-3.0000), not 1 / -3.0000.
        right_needs = max(strength + 1 if symbol in "-/" else strength, _PRECEDENCE["neg"] + 1)
        return _combine(f" {symbol} ", left, right, strength, strength, right_needs)

    def power(self, base: _Words, exponent: _Words) -> _Words:
        strength = _PRECEDENCE["**"]
        # Python's ** binds right to left: (a**b)**c needs its parentheses, a**(b**c) not.
        return _combine("**", base, exponent, strength, strength + 1, strength)

    def reason(self, test: ast.expr, holds: bool) -> str:
        """`z = 0.8800 > 0` for the branch taken; "" when only constants decide it."""
        if not isinstance(test, ast.Compare) or len(test.ops) != 1:
            raise ValueError(f"formulas: a condition must be one comparison: {ast.dump(test)}")
        before = len(self.uses)
        left, right = self.words(test.left), self.words(test.comparators[0])
        if len(self.uses) == before:
            return ""
        symbol = _COMPARISONS[type(test.ops[0])]
        symbol = symbol if holds else _NEGATED[symbol]
        shown = left.symbols if left.symbols == left.numbers else f"{left.symbols} = {left.numbers}"
        return f"{shown} {symbol} {right.numbers}"


def _same_number(a: str, b: str) -> bool:
    """Whether two texts are both plain numbers of equal value (`1` and `1.0000`)."""
    try:
        return float(a) == float(b)
    except ValueError:
        return False


def _wrap(text: str, strength: int, needed: int) -> str:
    return f"({text})" if strength < needed else text


# ---- the expression a derivative is of ---------------------------------------------


def expression(node: Value, names: Sequence[str], terms: bool = False) -> str:
    """The op of interior `node` applied to operands named `names`, as `naming` writes it.

    `x1*w1`, `a + b`, `(x1*w1)*2`, `-x`, `tanh(n)`, `a + b + c`, `w·x + b` (a neuron's
    dot; with `terms`, a dot is written out as its sum of products).
    """
    op = node.op
    if op is None:
        raise ValueError(f"expression: {node!r} is a leaf: no op writes it")
    if op.kind == "operator" and len(names) == 2:
        if op.symbol in ("+", "-"):
            right = names[1] if plain(names[1]) or op.symbol == "+" else f"({names[1]})"
            return f"{names[0]} {op.symbol} {right}"
        return f"{d(names[0])}{op.symbol}{d(names[1])}"
    if op is NEG:
        return f"-{d(names[0])}"
    if op is SUM:
        return " + ".join(names)
    if op is DOT:
        half = len(names) // 2
        if half <= 2 or terms:
            return " + ".join(f"{d(w)}*{d(x)}" for w, x in zip(names[:half], names[half:]))
        return neuron_form(node)
    return f"{op.symbol}({', '.join(names)})"


def derivative_name(expression_text: str, operand_name: str) -> str:
    """`d tanh(n)/dn` for a function's expression, `d(x1*w1)/dx1` for others."""
    wrt = d(operand_name)
    if re.fullmatch(r"\w+\(.*\)", expression_text):
        return f"d {expression_text}/d{wrt}"
    return f"d({expression_text})/d{wrt}"


def explain_local(
    node: Value, operand: int, names: Mapping[Value, str], precision: int = 4
) -> LocalRule:
    """The local derivative d(node)/d(node.operands[operand]) spelled out (see `LocalRule`).

    `names` names the graph's Values (`autograd_lite.naming.node_names`).
    """
    op = node.op
    if op is None:
        raise ValueError(f"explain_local: {names.get(node, node)!r} is a leaf: it has no operands")
    operands = node.operands
    if not 0 <= operand < len(operands) or not isinstance(operands[operand], Value):
        raise ValueError(f"explain_local: operand {operand!r} of {names[node]!r} is not a Value")
    template, fields = op.template_of(operand, len(operands))
    known = {"_out": _Field(names[node], node.data, False)}
    shown = [_operand_name(x, names) for x in operands]
    for slot, index in enumerate(fields):
        x = operands[index]
        known[f"_a{slot}"] = (
            _Field(shown[index], x.data, False)
            if isinstance(x, Value)
            else _Field(format_constant(x), x, True)
        )
    speaker = _Speaker(known, precision)
    tree = _parse(op.derivative_code[template])
    words = speaker.words(tree)
    value = float(speaker.value(tree))
    used = (-1 if key == "_out" else fields[int(key[2:])] for key in speaker.uses)
    uses = tuple(dict.fromkeys(used))
    return LocalRule(
        derivative_name(expression(node, shown), shown[operand]),
        words.symbols,
        words.numbers,
        format_number(value, precision),
        ", ".join(reason for reason in speaker.reasons if reason),
        uses,
    )


def _operand_name(x: Value | float, names: Mapping[Value, str]) -> str:
    if isinstance(x, Value):
        return names[x]
    return format_constant(x)


# ---- JavaScript ---------------------------------------------------------------------


class _Script:
    """Writes a template's tree as JavaScript: numbers, and the words of `_Speaker`."""

    def code(self, tree: ast.expr) -> str:
        """The expression as JavaScript computing the same float."""
        if isinstance(tree, ast.Constant):
            return _js_number(_constant(tree))
        if isinstance(tree, ast.Name):
            if tree.id in _CONSTANT_NAMES:
                return "NaN" if tree.id == "_nan" else "Infinity"
            return tree.id
        if isinstance(tree, ast.UnaryOp) and isinstance(tree.op, ast.USub):
            return f"(-{self.code(tree.operand)})"
        if isinstance(tree, ast.BinOp):
            return f"({self.code(tree.left)} {_OPERATORS[type(tree.op)]} {self.code(tree.right)})"
        if isinstance(tree, ast.Call) and isinstance(tree.func, ast.Name):
            return f"agHelpers.{tree.func.id}({', '.join(self.code(a) for a in tree.args)})"
        if isinstance(tree, ast.Compare) and len(tree.ops) == 1:
            symbol = _COMPARISONS[type(tree.ops[0])]
            symbol = {"==": "===", "!=": "!=="}.get(symbol, symbol)
            return f"({self.code(tree.left)} {symbol} {self.code(tree.comparators[0])})"
        if isinstance(tree, ast.IfExp):
            return f"({self.code(tree.test)} ? {self.code(tree.body)} : {self.code(tree.orelse)})"
        raise ValueError(f"formulas: cannot write {ast.dump(tree)} as JavaScript")

    def words(self, tree: ast.expr) -> str:
        """JavaScript that builds the words as `_Speaker.words` does.

        It runs inside a function whose `S` is the page's speaker (`S.field(k)`,
        `S.binary`, `S.power`, `S.call`, `S.choose`), mirroring `_Speaker`'s methods.
        """
        if isinstance(tree, ast.Constant):
            return f"S.constant({json.dumps(format_constant(_constant(tree)))})"
        if isinstance(tree, ast.Name):
            if tree.id in _CONSTANT_NAMES:
                return f"S.constant({json.dumps(_CONSTANT_NAMES[tree.id])})"
            return f"S.field({json.dumps(tree.id)})"
        if isinstance(tree, ast.UnaryOp) and isinstance(tree.op, ast.USub):
            return f"S.negate({self.words(tree.operand)})"
        if isinstance(tree, ast.BinOp):
            symbol = _OPERATORS[type(tree.op)]
            if symbol == "*" and ast.dump(tree.left) == ast.dump(tree.right):
                return f'S.power({self.words(tree.left)}, S.constant("2"))'
            left, right = self.words(tree.left), self.words(tree.right)
            return f"S.binary({json.dumps(symbol)}, {left}, {right})"
        if isinstance(tree, ast.Call) and isinstance(tree.func, ast.Name):
            spoken = _SPOKEN[tree.func.id]
            args = [self.words(a) for a in tree.args]
            if spoken == "**":
                return f"S.power({args[0]}, {args[1]})"
            if spoken == "/":
                return f'S.binary("/", {args[0]}, {args[1]})'
            return f"S.call({json.dumps(spoken)}, [{', '.join(args)}])"
        if isinstance(tree, ast.IfExp):
            test = tree.test
            if not isinstance(test, ast.Compare) or len(test.ops) != 1:
                raise ValueError(f"formulas: a condition must be one comparison: {ast.dump(test)}")
            symbol = _COMPARISONS[type(test.ops[0])]
            # The speaker evaluates the condition itself and keeps the reason; each branch
            # is a function so that only the chosen one is spoken (and adds its uses).
            return (
                f"S.choose({self.code(test)}, {json.dumps(symbol)}, "
                f"{json.dumps(_NEGATED[symbol])}, "
                f"function () {{ return {self.words(test.left)}; }}, "
                f"function () {{ return {self.words(test.comparators[0])}; }}, "
                f"function () {{ return {self.words(tree.body)}; }}, "
                f"function () {{ return {self.words(tree.orelse)}; }})"
            )
        raise ValueError(f"formulas: cannot write {ast.dump(tree)} as JavaScript")


def _js_number(x: float) -> str:
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    return repr(x)


def _function(arguments: Sequence[str], body: str) -> str:
    return f"function ({', '.join(arguments)}) {{ return {body}; }}"


def _op_script(op: Op) -> str:
    script = _Script()
    size = len(op.derivative_code) if op.kind == "reduction" else op.arity or 0
    fields = [f"_a{k}" for k in range(size)]
    forward = _function(fields, script.code(_parse(op.forward_code)))
    trees = [_parse(code) for code in op.derivative_code]
    derivatives = ", ".join(_function([*fields, "_out"], script.code(t)) for t in trees)
    words = ", ".join(_function(["S", *fields, "_out"], script.words(t)) for t in trees)
    entry = {
        "kind": json.dumps(op.kind),
        "symbol": json.dumps(op.symbol),
        "size": str(size),
        "forward": forward,
        "derivative": f"[{derivatives}]",
        "words": f"[{words}]",
    }
    return "{" + ", ".join(f"{key}: {value}" for key, value in entry.items()) + "}"


@cache
def javascript() -> str:
    """The op table as a JavaScript object literal, `{add: {...}, ...}`, for the stepper page.

    Per op: `kind`, `symbol`, `size` (fields per template: the arity, or a reduction's
    group size), `forward(a0, ...)`, `derivative[k](a0, ..., out)` for each template and
    `words[k](S, a0, ..., out)`, which spells derivative k out through a speaker `S`.
    Templates call helpers as `agHelpers._name(...)`: numbers.js defines them (`CODE_HELPERS` in
    JavaScript) beside it.
    """
    return "{\n" + ",\n".join(f"  {name}: {_op_script(op)}" for name, op in OPS.items()) + "\n}"


def helper_names() -> frozenset[str]:
    """The helpers the templates call, which numbers.js's `agHelpers` must define."""
    called: set[str] = set()
    for op in OPS.values():
        for code in (op.forward_code, *op.derivative_code):
            for node in ast.walk(_parse(code)):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                    called.add(node.func.id)
    return frozenset(called)

