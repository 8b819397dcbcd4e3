"""The expression parser and evaluator, against hand-derived values and the math module."""

import math
from collections.abc import Callable

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import autograd_lite as ag
from autograd_lite import Value
from autograd_lite.expression import (
    MAX_DEPTH,
    MAX_LENGTH,
    EvaluationError,
    ExpressionError,
    check_variable_name,
    parse,
)


def evaluate(source: str, **values: float) -> Value:
    return parse(source).evaluate({name: Value(x, label=name) for name, x in values.items()})


def test_value_and_gradients_of_a_neuron_match_the_closed_form() -> None:
    x, w, b = Value(0.5, "x"), Value(-1.5, "w"), Value(2.0, "b")
    out = parse("tanh(x*w + b)").evaluate({"x": x, "w": w, "b": b})
    out.backward()
    # tanh(1.25) and its derivative 1 - tanh(1.25)**2, worked out by hand.
    t = math.tanh(0.5 * -1.5 + 2.0)
    assert out.data == pytest.approx(t)
    assert x.grad == pytest.approx((1 - t**2) * -1.5)
    assert w.grad == pytest.approx((1 - t**2) * 0.5)
    assert b.grad == pytest.approx(1 - t**2)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("2*3 + 4", 10.0),
        ("2 + 3*4", 14.0),
        ("(2 + 3)*4", 20.0),
        ("-2**2", -4.0),  # ** binds tighter than unary minus
        ("2**3**2", 512.0),  # ** is right-associative
        ("2**-1", 0.5),
        ("7/2", 3.5),  # true division on floats, not integer division
        ("1 - 2 - 3", -4.0),  # left-associative
        ("+-+3", -3.0),
        ("abs(-2.5)", 2.5),
        ("relu(-1) + relu(2)", 2.0),
        ("sqrt(16)", 4.0),
        ("exp(0) + log(1) + sin(0) + cos(0) + tanh(0) + sigmoid(0)", 2.5),
        ("1e3 + 1_000 + 0.5", 2000.5),
        ("   x + 1", 3.0),
        ("x ", 2.0),
    ],
)
def test_arithmetic_follows_python_precedence(source: str, expected: float) -> None:
    assert evaluate(source, x=2.0).data == expected


def test_variables_are_listed_in_order_of_first_use() -> None:
    assert parse("b*a + a*c + b").variables == ("b", "a", "c")
    assert parse("2 + 3").variables == ()


EXPRESSIONS = [
    "x*y + sin(x)*exp(-y)",
    "tanh(x**2 - y) / (1 + sigmoid(x*y))",
    "sqrt(x**2 + y**2) + log(1 + x*x)",
    "abs(x - y)**3 + cos(x)*relu(y)",
    "x**y + 2**x + y**3",
]


@pytest.mark.parametrize("source", EXPRESSIONS)
def test_gradients_match_central_differences(source: str) -> None:
    expression = parse(source)

    def f(x: Value, y: Value) -> Value:
        return Value(0.0) + expression.evaluate({"x": x, "y": y})

    assert ag.gradcheck(f, [0.7, 1.3])
    leaves = {"x": Value(0.7, "x"), "y": Value(1.3, "y")}
    expression.evaluate(leaves).backward()
    assert (leaves["x"].grad, leaves["y"].grad) == ag.grad(f, argnums=(0, 1))(0.7, 1.3)


def test_a_variable_used_twice_accumulates_both_paths() -> None:
    x = Value(3.0, "x")
    parse("x*x + x").evaluate({"x": x}).backward()
    assert x.grad == 7.0  # d(x^2 + x)/dx = 2x + 1


# ---- rejected input -----------------------------------------------------------

# (expression, words the message must contain, column it must name or None)
HOSTILE: list[tuple[str, str, int | None]] = [
    ("__import__('os').system('ls')", "attribute access", 1),
    ("__import__('os')", "call of '__import__'", 1),
    ("eval('1')", "call of 'eval'", 1),
    ("exec('x=1')", "call of 'exec'", 1),
    ("open('/etc/passwd')", "call of 'open'", 1),
    ("globals()", "call of 'globals'", 1),
    ("x.__class__", "attribute access", 1),
    ("().__class__.__bases__[0].__subclasses__()", "attribute access", 1),
    ("(1).__class__", "attribute access", 1),
    ("exp.__globals__", "attribute access", 1),
    ("x + exp.__code__", "attribute access", 5),
    ("x[0]", "subscript", 1),
    ("x[1:2]", "subscript", 1),
    ("lambda: 1", "lambda", 1),
    ("(lambda x: x)(2)", "lambda", 2),
    ("[x for x in (1, 2)]", "list comprehension", 1),
    ("{x for x in (1, 2)}", "set comprehension", 1),
    ("{x: 1 for x in (1, 2)}", "dict comprehension", 1),
    ("sum(x for x in (1, 2))", "call of 'sum'", 1),
    ("exp(x for x in (1, 2))", "generator expression", 4),
    ("[1, 2]", "list", 1),
    ("(1, 2)", "tuple", 1),
    ("1, 2", "tuple", 1),
    ("{1: 2}", "dict", 1),
    ("{1}", "set", 1),
    ("'hello'", "string literal", 1),
    ("x + 'a'", "string literal", 5),
    ("b'x'", "bytes literal", 1),
    ("f'{x}'", "f-string", 1),
    ("1j", "complex number literal", 1),
    ("True", "constant True", 1),
    ("None", "constant None", 1),
    ("...", "constant Ellipsis", 1),
    ("x if x else 1", "conditional expression", 1),
    ("x < 1", "comparison", 1),
    ("x == x", "comparison", 1),
    ("x and 1", "boolean operator", 1),
    ("not x", "operator 'not'", 1),
    ("~x", "operator '~'", 1),
    ("x // 2", "operator '//'", 1),
    ("x % 2", "operator '%'", 1),
    ("x @ x", "operator '@'", 1),
    ("x ^ 2", "use ** for powers", 1),
    ("x << 2", "operator '<<'", 1),
    ("x | 1", "operator '|'", 1),
    ("x & 1", "operator '&'", 1),
    ("(y := 2)", "assignment expression", 2),
    ("await x", "await", 1),
    ("exp(x=1)", "keyword argument 'x'", 5),
    ("exp(**{'x': 1})", "keyword argument '**'", 5),
    ("exp(*x)", "starred expression", 5),
    ("exp()", "takes exactly one argument, got 0", 1),
    ("exp(1, 2)", "takes exactly one argument, got 2", 1),
    ("exp", "function 'exp' must be called", 1),
    ("x + log", "function 'log' must be called", 5),
    ("x(2)", "call of 'x'", 1),
    ("exp(x)(2)", "calling the result of an expression", 1),
    ("import os", "syntax error", 1),
    ("x = 1", "syntax error", 3),
    ("x; y", "syntax error", 2),
    ("x +", "syntax error", None),
    ("(x", "'(' was never closed", 1),
    ("x)", "unmatched ')'", 2),
    ("", "empty expression", None),
    ("   ", "empty expression", None),
    ("\u0435xp(1)", "CYRILLIC SMALL LETTER IE", 1),  # Cyrillic ie looks like Latin e
    ("\uff45\uff58\uff50(1)", "FULLWIDTH LATIN SMALL LETTER E", 1),  # folds to 'exp' in Python
    ("x\u2212y", "MINUS SIGN", 2),
    ("x\u00a0+ 1", "NO-BREAK SPACE", 2),
    ("x\n+ 1", "'\\n'", 2),
    ("x\t+ 1", "'\\t'", 2),
    ("x\x00", "'\\x00'", 2),
    ("1e999", "too large for a float", 1),
    ("x + 1" + "0" * 400, "too large for a float", 5),
    ("1" * 5000, "syntax error", None),
    ("(" * (MAX_DEPTH + 1) + "x" + ")" * (MAX_DEPTH + 1), "nested more than 200", MAX_DEPTH + 1),
    ("[" * 5000, "nested more than 200", MAX_DEPTH + 1),
    ("-" * 9000 + "x", "nested", None),
    ("~" * 9000 + "x", "nested", None),
    ("2**" * 3000 + "2", "nested", None),
    ("1+" * 4000 + "1", "nested", None),
    ("x." * 4000 + "x", "nested", None),
    ("x" * (MAX_LENGTH + 1), "at most 10000", None),
]


@pytest.mark.parametrize(("source", "fragment", "column"), HOSTILE)
def test_hostile_or_malformed_input_is_rejected_with_its_construct_and_column(
    source: str, fragment: str, column: int | None
) -> None:
    with pytest.raises(ExpressionError) as raised:
        parse(source)
    assert not isinstance(raised.value, EvaluationError)
    assert fragment in str(raised.value)
    assert raised.value.column == column
    if column is not None:
        assert str(raised.value).endswith(f"at column {column}")


def test_the_corpus_is_large() -> None:
    assert len(HOSTILE) >= 50


def test_nesting_and_length_limits_are_exact() -> None:
    assert evaluate("(" * MAX_DEPTH + "x" + ")" * MAX_DEPTH, x=1.0).data == 1.0
    # A chain of unary minus signs is one tree level per sign, plus the leaf.
    assert evaluate("-" * (MAX_DEPTH - 1) + "x", x=1.0).data == -1.0
    with pytest.raises(ExpressionError, match="nested more than 200 levels"):
        parse("-" * MAX_DEPTH + "x")
    longest = "x" + " " * (MAX_LENGTH - 1)
    assert evaluate(longest, x=4.0).data == 4.0
    with pytest.raises(ExpressionError, match="10001 characters long"):
        parse(longest + " ")


def test_the_column_of_a_rejected_construct_counts_leading_spaces() -> None:
    with pytest.raises(ExpressionError) as raised:
        parse("   x + y.z")
    assert raised.value.column == 8


def test_an_undeclared_variable_is_named_with_its_column() -> None:
    expression = parse("x + y")
    with pytest.raises(ExpressionError, match="undeclared variable 'y'") as raised:
        expression.evaluate({"x": Value(1.0)})
    assert raised.value.column == 5
    assert not isinstance(raised.value, EvaluationError)


@pytest.mark.parametrize(
    ("source", "fragment", "column"),
    [
        ("10**10**10", "overflow", 1),
        ("exp(1000)", "overflow", 1),
        ("1 + x**1e6", "overflow", 5),
        ("exp(x)*exp(x)*1e300", "overflow", 1),
        ("log(x - 10)", "log: expected a positive number", 1),
        ("sqrt(-x)", "sqrt: expected a non-negative number", 1),
        ("1/(x - x)", "division by zero", 1),
        ("0**-1", "negative power", 1),
        ("(-8)**(1/3)", "no real value", 1),
    ],
)
def test_math_errors_are_evaluation_errors(source: str, fragment: str, column: int) -> None:
    expression = parse(source)
    with pytest.raises(EvaluationError) as raised:
        expression.evaluate({"x": Value(10.0)})
    assert fragment in str(raised.value)
    assert raised.value.column == column


def test_infinite_inputs_are_not_reported_as_overflow() -> None:
    assert parse("x + 1").evaluate({"x": Value(math.inf)}).data == math.inf


@pytest.mark.parametrize("name", ["x", "w1", "_hidden", "Theta", "x_2"])
def test_valid_variable_names(name: str) -> None:
    check_variable_name(name)


@pytest.mark.parametrize(
    ("name", "fragment"),
    [
        ("1x", "not a valid ASCII identifier"),
        ("", "not a valid ASCII identifier"),
        ("x-y", "not a valid ASCII identifier"),
        ("\u0445", "not a valid ASCII identifier"),  # Cyrillic ha looks like Latin x
        ("lambda", "Python keyword"),
        ("None", "Python keyword"),
        ("exp", "name of a function"),
        ("abs", "name of a function"),
    ],
)
def test_invalid_variable_names(name: str, fragment: str) -> None:
    with pytest.raises(ExpressionError, match=fragment):
        check_variable_name(name)


# ---- fuzzing ------------------------------------------------------------------

EXPRESSION_CHARACTERS = "xyz0123456789.eE+-*/()_ ,[]{}:;'\"=<>!~%^&|@#\\\t\n" + "expsqrtlog"


def _parse_and_evaluate(source: str) -> None:
    try:
        expression = parse(source)
    except ExpressionError:
        return
    values = {name: Value(0.7, name) for name in expression.variables}
    try:
        out = expression.evaluate(values)
    except ExpressionError:
        return
    assert isinstance(out, Value)
    out.backward()


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_fuzz_any_text_gives_a_result_or_an_expression_error(source: str) -> None:
    _parse_and_evaluate(source)


@pytest.mark.slow
@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=EXPRESSION_CHARACTERS, max_size=60))
def test_fuzz_expression_like_text_gives_a_result_or_an_expression_error(source: str) -> None:
    _parse_and_evaluate(source)


# Generated expressions carry their value computed independently with `math`.
FUNCTIONS_BY_MATH: dict[str, Callable[[float], float]] = {
    "exp": math.exp,
    "log": math.log,
    "sqrt": math.sqrt,
    "tanh": math.tanh,
    # The numerically stable form, so cancellation downstream cannot amplify a rounding gap.
    "sigmoid": lambda v: 1 / (1 + math.exp(-v)) if v >= 0 else math.exp(v) / (1 + math.exp(v)),
    "relu": lambda v: max(v, 0.0),
    "sin": math.sin,
    "cos": math.cos,
    "abs": abs,
}
OPERATORS_BY_MATH: dict[str, Callable[[float, float], float]] = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": lambda a, b: a / b,
    "**": lambda a, b: a**b,
}
X = 0.7
Pair = tuple[str, float | None]


def _apply(function: Callable[..., float], *args: float | None) -> float | None:
    # None marks an expression outside the domain; it spreads to the whole.
    if any(a is None for a in args):
        return None
    try:
        result = function(*args)
    except (ValueError, ZeroDivisionError, OverflowError):
        return None
    if not isinstance(result, float) or not math.isfinite(result):
        return None
    return result


leaves: st.SearchStrategy[Pair] = st.one_of(
    st.just(("x", X)),
    st.floats(0, 100, allow_nan=False).map(lambda v: (repr(v), v)),
    st.integers(0, 100).map(lambda v: (str(v), float(v))),
)


def _extend(children: st.SearchStrategy[Pair]) -> st.SearchStrategy[Pair]:
    binary = st.tuples(children, st.sampled_from(sorted(OPERATORS_BY_MATH)), children).map(
        lambda t: (
            f"({t[0][0]}) {t[1]} ({t[2][0]})",
            _apply(OPERATORS_BY_MATH[t[1]], t[0][1], t[2][1]),
        )
    )
    call = st.tuples(st.sampled_from(sorted(FUNCTIONS_BY_MATH)), children).map(
        lambda t: (f"{t[0]}({t[1][0]})", _apply(FUNCTIONS_BY_MATH[t[0]], t[1][1]))
    )
    negation = children.map(lambda c: (f"-({c[0]})", _apply(lambda v: -v, c[1])))
    return st.one_of(binary, call, negation)


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(st.recursive(leaves, _extend, max_leaves=12))
def test_generated_expressions_evaluate_to_their_math_module_value(pair: Pair) -> None:
    source, expected = pair
    assume(expected is not None)
    assert evaluate(source, x=X).data == pytest.approx(expected, rel=1e-9, abs=1e-12)
