"""Arithmetic expressions typed by a user, parsed safely and evaluated into a graph of Values.

The text is parsed with `ast` and every node is checked against a short
whitelist (numbers, variables, + - * / **, unary signs and the engine's
functions); the tree is then evaluated by walking it. Nothing is ever handed
to eval, exec or compile, so no construct outside the whitelist can run.
"""

from __future__ import annotations

import ast
import difflib
import keyword
import math
import re
import unicodedata
import warnings
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from autograd_lite.engine import Operand, Value, apply1, apply2, data_of
from autograd_lite.op_functions import UNARY_FUNCTIONS
from autograd_lite.ops import ADD, DIV, MUL, NEG, POW, SUB, Op
from autograd_lite.scalars import as_value, is_number

MAX_LENGTH = 10_000
MAX_DEPTH = 200

ALLOWED_FUNCTIONS: Mapping[str, Callable[[Operand], Value]] = MappingProxyType(
    dict(UNARY_FUNCTIONS)
)
"""The functions an expression may call: every one-operand function of the op table."""

_BINARY: Mapping[type[ast.operator], Op] = {
    ast.Add: ADD,
    ast.Sub: SUB,
    ast.Mult: MUL,
    ast.Div: DIV,
    ast.Pow: POW,
}

# Names for the constructs a user is most likely to try, used in error messages.
_OPERATOR_NAMES: Mapping[type[ast.AST], str] = {
    ast.FloorDiv: "operator '//'",
    ast.Mod: "operator '%'",
    ast.MatMult: "operator '@'",
    ast.LShift: "operator '<<'",
    ast.RShift: "operator '>>'",
    ast.BitOr: "operator '|'",
    ast.BitXor: "operator '^' (use ** for powers)",
    ast.BitAnd: "operator '&'",
    ast.Invert: "operator '~'",
    ast.Not: "operator 'not'",
}

_CONSTRUCT_NAMES: Mapping[type[ast.AST], str] = {
    ast.Attribute: "attribute access",
    ast.Subscript: "subscript",
    ast.Slice: "slice",
    ast.Lambda: "lambda",
    ast.ListComp: "list comprehension",
    ast.SetComp: "set comprehension",
    ast.DictComp: "dict comprehension",
    ast.GeneratorExp: "generator expression",
    ast.List: "list",
    ast.Tuple: "tuple",
    ast.Set: "set",
    ast.Dict: "dict",
    ast.Compare: "comparison",
    ast.BoolOp: "boolean operator",
    ast.IfExp: "conditional expression",
    ast.NamedExpr: "assignment expression ':='",
    ast.JoinedStr: "f-string",
    ast.FormattedValue: "f-string",
    ast.Starred: "starred expression",
    ast.Await: "await",
    ast.Yield: "yield",
    ast.YieldFrom: "yield",
}


class ExpressionError(ValueError):
    """An expression that is malformed, disallowed or cannot be evaluated.

    `column` is the 1-based position of the offending construct, when known.
    """

    def __init__(self, message: str, column: int | None = None) -> None:
        super().__init__(message if column is None else f"{message} at column {column}")
        self.column = column


class EvaluationError(ExpressionError):
    """A well-formed expression without a value: domain error, division by zero or overflow."""


@dataclass(frozen=True)
class Expression:
    """A checked expression: `source` text and its `variables` in order of first use."""

    source: str
    variables: tuple[str, ...]
    _tree: ast.expr = field(repr=False)
    _column_shift: int = field(repr=False)

    def evaluate(self, values: Mapping[str, Value]) -> Value:
        """The expression's value as the root of a graph whose leaves include `values`.

        Raises ExpressionError if a variable has no value, EvaluationError if
        the mathematics fails (log of a non-positive number, division by zero,
        a finite computation that overflows).
        """
        return as_value(_Evaluator(values, self._column_shift).visit(self._tree))


def check_variable_name(name: str) -> None:
    """Raise ExpressionError unless `name` can name a variable in an expression."""
    if not (name.isascii() and name.isidentifier()):
        raise ExpressionError(f"variable name {name!r} is not a valid ASCII identifier")
    if keyword.iskeyword(name):
        raise ExpressionError(f"variable name {name!r} is a Python keyword")
    if name in ALLOWED_FUNCTIONS:
        raise ExpressionError(f"variable name {name!r} is the name of a function")


def parse(source: str) -> Expression:
    """Parse and check `source`; raise ExpressionError naming the first disallowed construct."""
    if not isinstance(source, str):
        raise TypeError(f"expected the expression as a str, got {type(source).__name__}")
    if len(source) > MAX_LENGTH:
        raise ExpressionError(
            f"expression is {len(source)} characters long; at most {MAX_LENGTH} are allowed"
        )
    _check_characters(source)
    _check_bracket_depth(source)
    # ast.parse refuses leading spaces ("unexpected indent"); strip them and
    # shift reported columns back.
    text = source.lstrip(" ")
    shift = len(source) - len(text)
    if not text.strip(" "):
        raise ExpressionError("empty expression")
    tree = _parse_tree(text, shift)
    _check_depth(tree, shift)
    variables: dict[str, None] = {}
    _Checker(variables, shift).visit(tree)
    return Expression(source, tuple(variables), tree, shift)


def _check_characters(source: str) -> None:
    # Only printable ASCII: Python folds Unicode lookalikes such as fullwidth
    # letters into ASCII names (NFKC), and control characters have no use here.
    for index, char in enumerate(source):
        if not " " <= char <= "~":
            name = unicodedata.name(char, f"U+{ord(char):04X}")
            raise ExpressionError(
                f"character {char!r} ({name}) is not allowed, only printable ASCII",
                index + 1,
            )


def _check_bracket_depth(source: str) -> None:
    # Checked on the raw text because the Python parser itself gives up on
    # deep nesting with RecursionError or MemoryError.
    depth = 0
    for index, char in enumerate(source):
        if char in "([{":
            depth += 1
            if depth > MAX_DEPTH:
                raise ExpressionError(
                    f"brackets are nested more than {MAX_DEPTH} levels deep", index + 1
                )
        elif char in ")]}":
            depth -= 1


def _parse_tree(text: str, shift: int) -> ast.expr:
    try:
        with warnings.catch_warnings():
            # Python warns about oddities such as "1if" on stderr; the user gets
            # one line from us, not a warning from the parser as well.
            warnings.simplefilter("ignore", SyntaxWarning)
            return ast.parse(text, mode="eval").body
    except SyntaxError as error:
        column = error.offset + shift if error.offset else None
        message = (error.msg or "invalid syntax").split(";")[0]
        raise _implicit_product(text, shift) or ExpressionError(
            f"syntax error: {message}", column
        ) from None
    except (RecursionError, MemoryError):
        # CPython's parser reports running out of its nesting budget this way.
        raise ExpressionError(
            f"expression is nested too deeply; at most {MAX_DEPTH} levels are allowed"
        ) from None


def _check_depth(tree: ast.expr, shift: int) -> None:
    # Iterative, so a tree of any depth is measured without recursion.
    stack: list[tuple[ast.expr, int]] = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise ExpressionError(
                f"expression is nested more than {MAX_DEPTH} levels deep",
                _column(node, shift),
            )
        # Operator and context nodes are not levels of nesting a user can see.
        stack.extend(
            (child, depth + 1)
            for child in ast.iter_child_nodes(node)
            if isinstance(child, ast.expr)
        )


def _column(node: ast.AST, shift: int) -> int | None:
    offset = getattr(node, "col_offset", None)
    return None if offset is None else offset + 1 + shift


def _describe(node: ast.AST) -> str:
    if isinstance(node, ast.Constant):
        return _describe_constant(node.value)
    for kind, name in _CONSTRUCT_NAMES.items():
        if isinstance(node, kind):
            return name
    return f"construct {type(node).__name__}"


def _describe_constant(value: object) -> str:
    if isinstance(value, bool) or value is None or value is Ellipsis:
        return f"constant {value!r}"
    if isinstance(value, str):
        return "string literal"
    if isinstance(value, bytes):
        return "bytes literal"
    if isinstance(value, complex):
        return "complex number literal"
    return f"constant {type(value).__name__}"


class _Checker(ast.NodeVisitor):
    """Accepts only whitelisted nodes; records variable names in order of first use."""

    def __init__(self, variables: dict[str, None], shift: int) -> None:
        self.variables = variables
        self.shift = shift

    def reject(self, what: str, node: ast.AST) -> ExpressionError:
        return ExpressionError(f"{what} is not allowed", _column(node, self.shift))

    def generic_visit(self, node: ast.AST) -> None:
        raise self.reject(_describe(node), node)

    def visit_Constant(self, node: ast.Constant) -> None:
        value = node.value
        if not is_number(value):
            raise self.reject(_describe(node), node)
        try:
            as_float = float(value)
        except OverflowError:
            as_float = math.inf
        if not math.isfinite(as_float):
            raise ExpressionError("number is too large for a float", _column(node, self.shift))

    def visit_Name(self, node: ast.Name) -> None:
        if node.id in ALLOWED_FUNCTIONS:
            raise ExpressionError(
                f"function {node.id!r} must be called, as in {node.id}(x)",
                _column(node, self.shift),
            )
        self.variables.setdefault(node.id, None)

    def visit_UnaryOp(self, node: ast.UnaryOp) -> None:
        if not isinstance(node.op, ast.USub | ast.UAdd):
            raise self.reject(_OPERATOR_NAMES[type(node.op)], node)
        self.visit(node.operand)

    def visit_BinOp(self, node: ast.BinOp) -> None:
        if type(node.op) not in _BINARY:
            raise self.reject(_OPERATOR_NAMES[type(node.op)], node)
        self.visit(node.left)
        self.visit(node.right)

    def visit_Call(self, node: ast.Call) -> None:
        if isinstance(node.func, ast.Constant) and is_number(node.func.value):
            number = ast.unparse(node.func)
            raise ExpressionError(
                f"a number before '(' multiplies nothing: write {number}*(...) for a product",
                _column(node, self.shift),
            )
        if not isinstance(node.func, ast.Name):
            # Name the disallowed construct inside first (attribute access, lambda, ...).
            self.visit(node.func)
            raise self.reject("calling the result of an expression", node)
        name = node.func.id
        if name not in ALLOWED_FUNCTIONS:
            allowed = ", ".join(ALLOWED_FUNCTIONS)
            raise self.reject(
                f"call of {name!r} ({_did_you_mean(name, ALLOWED_FUNCTIONS)}only {allowed} can "
                "be called)",
                node,
            )
        if node.keywords:
            keyword_arg = node.keywords[0]
            raise self.reject(
                f"keyword argument {keyword_arg.arg or '**'!r} to {name}()", keyword_arg
            )
        if len(node.args) != 1:
            raise ExpressionError(
                f"{name}() takes exactly one argument, got {len(node.args)}",
                _column(node, self.shift),
            )
        self.visit(node.args[0])


class _Evaluator:
    """Walks a checked tree, building the graph of Values it describes."""

    def __init__(self, values: Mapping[str, Value], shift: int) -> None:
        self.values = values
        self.shift = shift

    def visit(self, node: ast.expr) -> Operand:
        if isinstance(node, ast.Constant):
            assert isinstance(node.value, int | float)  # guaranteed by _Checker
            return float(node.value)
        if isinstance(node, ast.Name):
            return self.variable(node)
        if isinstance(node, ast.UnaryOp):
            operand = self.visit(node.operand)
            if isinstance(node.op, ast.UAdd):
                return operand
            if not isinstance(operand, Value):
                # A negative literal such as -2 stays a number, folded into its use.
                return -operand
            return self.checked("unary '-'", node, (operand,), lambda: apply1(NEG, operand))
        if isinstance(node, ast.BinOp):
            left = self.visit(node.left)
            right = self.visit(node.right)
            op = _BINARY[type(node.op)]
            return self.checked(
                f"'{op.symbol}'", node, (left, right), lambda: apply2(op, left, right)
            )
        assert isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
        function = ALLOWED_FUNCTIONS[node.func.id]
        argument = self.visit(node.args[0])
        return self.checked(f"{node.func.id}()", node, (argument,), lambda: function(argument))

    def variable(self, node: ast.Name) -> Value:
        try:
            return self.values[node.id]
        except KeyError:
            known = [*self.values, *(f"{name}(...)" for name in ALLOWED_FUNCTIONS)]
            raise ExpressionError(
                f"undeclared variable {node.id!r} ({_did_you_mean(node.id, known)}give it a "
                f"value, as in {node.id}=1.0)",
                _column(node, self.shift),
            ) from None

    def checked(
        self,
        what: str,
        node: ast.expr,
        operands: tuple[Operand, ...],
        compute: Callable[[], Operand],
    ) -> Operand:
        column = _column(node, self.shift)
        try:
            result = compute()
        except (ZeroDivisionError, ValueError, OverflowError) as error:
            raise EvaluationError(f"{error} in {what}", column) from None
        result_data = data_of(result)
        if not math.isfinite(result_data) and all(math.isfinite(data_of(x)) for x in operands):
            raise EvaluationError(
                f"overflow: {what} gives {result_data} from finite operands", column
            )
        return result


def _did_you_mean(name: str, known: Iterable[str]) -> str:
    """"did you mean tanh? " when `name` is a near miss of one of `known` (a typo), else ""."""
    by_bare_name = {text.removesuffix("(...)"): text for text in known}
    close = difflib.get_close_matches(name, by_bare_name, n=1, cutoff=0.6)
    return f"did you mean {by_bare_name[close[0]]}? " if close else ""


# A number written against a name, as in algebra (2x, 3sin(x), 1.5e3y): Python reads no product.
_NUMBER_THEN_NAME = re.compile(r"(?<![\w.])((?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)([A-Za-z_]\w*)")
# Two terms side by side with only spaces between (x y, 2 x, (x+1) y).
_TERMS_SIDE_BY_SIDE = re.compile(r"([\w.]+|\))( +)([A-Za-z_(]\w*|\d[\w.]*)")


def _implicit_product(text: str, shift: int) -> ExpressionError | None:
    """The error for a product written without `*` (`2x`, `x y`), if the text has one."""
    written = _NUMBER_THEN_NAME.search(text)
    if written:
        number, name = written.groups()
        return ExpressionError(
            f"syntax error: {number}{name} needs a '*': write {number}*{name}",
            written.start() + 1 + shift,
        )
    side_by_side = _TERMS_SIDE_BY_SIDE.search(text)
    if side_by_side and not keyword.iskeyword(side_by_side.group(1)) and not keyword.iskeyword(
        side_by_side.group(3)
    ):
        left, _, right = side_by_side.groups()
        left = "(...)" if left == ")" else left
        return ExpressionError(
            f"syntax error: two terms side by side need a '*': write {left}*{right}",
            side_by_side.start(3) + 1 + shift,
        )
    return None
