"""The op table's formulas as words and as JavaScript (autograd_lite.formulas).

Expected texts are written out by hand from the derivative rules of calculus, with the
numbers worked out here; the JavaScript is checked against the Python engine in a real
browser by tests/test_stepper_browser.py.
"""

from __future__ import annotations

import re

import pytest

import autograd_lite as ag
from autograd_lite import Value, formulas
from autograd_lite.engine import apply
from autograd_lite.naming import node_names
from autograd_lite.ops import CODE_HELPERS, OPS


def rule(node: Value, operand: int) -> formulas.LocalRule:
    return formulas.explain_local(node, operand, node_names(ag.topological_order(node)))


def test_tanh_reads_one_minus_its_output_squared() -> None:
    n = Value(0.8813735870195432, label="n")
    o = n.tanh()
    o.label = "o"
    assert rule(o, 0).text() == "d tanh(n)/dn = 1 - o**2 = 1 - 0.7071**2 = 0.5000"
    assert rule(o, 0).uses == (-1,)


def test_a_product_takes_the_other_factor() -> None:
    x1, w1 = Value(2.0, label="x1"), Value(-3.0, label="w1")
    p = x1 * w1
    p.label = "p"
    assert rule(p, 0).text() == "d(x1*w1)/dx1 = w1 = -3.0000"
    assert rule(p, 1).text() == "d(x1*w1)/dw1 = x1 = 2.0000"
    # The operand that supplies the number is the one to highlight.
    assert rule(p, 0).uses == (1,)
    assert rule(p, 1).uses == (0,)


def test_relu_says_why_it_passes_or_blocks() -> None:
    z = Value(0.88, label="z")
    assert rule(z.relu(), 0).text() == "d relu(z)/dz = 1 because z = 0.8800 > 0"
    y = Value(-0.5, label="y")
    assert rule(y.relu(), 0).text() == "d relu(y)/dy = 0 because y = -0.5000 <= 0"
    zero = Value(0.0, label="z")
    assert rule(zero.relu(), 0).text() == "d relu(z)/dz = 0 because z = 0.0000 <= 0"


def test_sums_and_dots() -> None:
    a, b, c = Value(1.0, label="a"), Value(2.0, label="b"), Value(3.0, label="c")
    s = ag.sum([a, b, c])
    s.label = "s"
    assert rule(s, 1).text() == "d(a + b + c)/db = 1"
    w = [Value(0.5, label=f"w{i}") for i in range(3)]
    x = [Value(float(i + 1), label=f"x{i}") for i in range(3)]
    dot = ag.dot(w, x)
    dot.label = "z"
    # d(w·x)/dw_i = x_i and d(w·x)/dx_i = w_i.
    assert rule(dot, 1).text() == "d(w·x)/dw1 = x1 = 2.0000"
    assert rule(dot, 5).text() == "d(w·x)/dx2 = w2 = 0.5000"
    assert rule(dot, 5).uses == (2,)


def test_constants_are_written_as_typed_and_not_highlighted() -> None:
    x = Value(3.0, label="x")
    square = x**2
    square.label = "q"
    # d(x**2)/dx = 2 * x**1 = 6, and the exponent is a constant: no "because".
    r = rule(square, 0)
    assert r.text() == "d(x**2)/dx = 2 * x**(2 - 1) = 2 * 3.0000**(2 - 1) = 6.0000"
    assert r.uses == (0,)


def test_negative_numbers_are_parenthesised_where_they_would_misread() -> None:
    a, b = Value(1.0, label="a"), Value(-4.0, label="b")
    q = a / b
    q.label = "q"
    # d(a/b)/da = 1/b; d(a/b)/db = -(q / b) = -(-0.25 / -4) = -0.0625.
    assert rule(q, 0).text() == "d(a/b)/da = 1 / b = 1 / (-4.0000) = -0.2500"
    assert rule(q, 1).text() == "d(a/b)/db = -(q / b) = -(-0.2500 / (-4.0000)) = -0.0625"


def test_the_other_ops_by_hand() -> None:
    x = Value(0.5, label="x")
    cases = {
        "exp": (ag.exp(x), "d exp(x)/dx = y = 1.6487"),
        "log": (ag.log(x), "d log(x)/dx = 1 / x = 1 / 0.5000 = 2.0000"),
        "log1p": (ag.log1p(x), "d log1p(x)/dx = 1 / (1 + x) = 1 / (1 + 0.5000) = 0.6667"),
        "sqrt": (ag.sqrt(x), "d sqrt(x)/dx = 0.5 / y = 0.5 / 0.7071 = 0.7071"),
        "sigmoid": (
            ag.sigmoid(x), "d sigmoid(x)/dx = y * (1 - y) = 0.6225 * (1 - 0.6225) = 0.2350"
        ),
        "sin": (ag.sin(x), "d sin(x)/dx = cos(x) = cos(0.5000) = 0.8776"),
        "cos": (ag.cos(x), "d cos(x)/dx = -sin(x) = -sin(0.5000) = -0.4794"),
        "abs": (abs(x), "d abs(x)/dx = sign(x) = sign(0.5000) = 1.0000"),
        "neg": (-x, "d(-x)/dx = -1"),
        "sub": (1.0 - x, "d(1 - x)/dx = -1"),
        "leaky_relu": (
            ag.leaky_relu(x, 0.01), "d leaky_relu(x, 0.01)/dx = 1 because x = 0.5000 > 0"
        ),
    }
    for name, (node, expected) in cases.items():
        node.label = "y"
        operand = next(i for i, o in enumerate(node.operands) if isinstance(o, Value))
        assert rule(node, operand).text() == expected, name


def test_the_pow_rule_for_the_exponent_says_which_branch() -> None:
    base, exponent = Value(-3.0, label="a"), Value(2.0, label="k")
    p = base**exponent
    p.label = "p"
    # d(a**k)/dk = p * log(a) for a > 0, else nan (PyTorch) for a < 0.
    assert rule(p, 1).text() == "d(a**k)/dk = nan because a = -3.0000 <= 0, a = -3.0000 != 0"
    # d(a**k)/da = k * a**(k - 1) = 2 * -3 = -6, unless k == 0.
    assert rule(p, 0).text() == (
        "d(a**k)/da = k * a**(k - 1) = 2.0000 * (-3.0000)**(2.0000 - 1) = -6.0000 "
        "because k = 2.0000 != 0"
    )


def test_every_rule_value_is_the_engines_local_gradient() -> None:
    x, y = Value(0.7, label="x"), Value(1.3, label="y")
    for op in OPS.values():
        if op.kind == "reduction":
            node = apply(op, [x, y])
        elif op.arity == 1:
            node = apply(op, [x])
        else:
            node = apply(op, [x, y])
        names = node_names(ag.topological_order(node))
        for k, local in enumerate(node.local_grads):
            r = formulas.explain_local(node, k, names)
            assert float(r.value) == pytest.approx(local, abs=1e-4), op.name


def test_explaining_a_leaf_or_a_constant_is_refused() -> None:
    x = Value(1.0, label="x")
    with pytest.raises(ValueError, match="leaf"):
        formulas.explain_local(x, 0, {x: "x"})
    y = x * 3
    with pytest.raises(ValueError, match="not a Value"):
        formulas.explain_local(y, 1, node_names(ag.topological_order(y)))


def test_the_javascript_covers_every_op_and_helper() -> None:
    script = formulas.javascript()
    for name in OPS:
        assert re.search(rf"^  {name}: \{{", script, re.MULTILINE), name
    # Every helper a template calls exists in Python, and numbers.js defines it.
    assert formulas.helper_names() <= set(CODE_HELPERS)
    from importlib import resources

    numbers = (resources.files("autograd_lite") / "assets" / "numbers.js").read_text("utf-8")
    for helper in formulas.helper_names():
        assert re.search(rf"^\s+{helper}: ", numbers, re.MULTILINE), helper


def test_derivative_names() -> None:
    assert formulas.derivative_name("tanh(n)", "n") == "d tanh(n)/dn"
    assert formulas.derivative_name("x1*w1", "x1") == "d(x1*w1)/dx1"
    assert formulas.derivative_name("a + b", "x1*w1") == "d(a + b)/d(x1*w1)"
