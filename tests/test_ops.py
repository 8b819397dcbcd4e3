"""The op table: each op's formulas are its templates, and every form comes from them."""

import math

import pytest

import autograd_lite as ag
from autograd_lite import Value
from autograd_lite.engine import apply, apply1
from autograd_lite.ops import OPS, Op

# A new op made of templates alone, as a contributor would add it: cube(x) = x**3.
CUBE = Op(
    "cube", "cube", "function", 1, "x ** 3.",
    forward_code="{0} * {0} * {0}", derivative_code=("3.0 * {0} * {0}",),
)


def test_an_op_is_its_templates_and_nothing_else() -> None:
    with pytest.raises(TypeError):
        Op(  # type: ignore[call-arg]
            "twice", "twice", "function", 1, "2x.", forward_code="2.0 * {0}",
            derivative_code=("2.0",), forward=lambda x: 2 * x,
        )
    assert CUBE.forward(2.0) == 8.0
    assert CUBE.derivative(2.0, 8.0) == (12.0,)


def test_a_new_op_works_in_the_interpreter_create_graph_and_compile() -> None:
    x = Value(2.0)
    y = apply1(CUBE, x)
    y.backward()
    assert (y.data, x.grad) == (8.0, 12.0)  # d(x^3)/dx = 3x^2
    # Higher derivatives come from the same template, compiled over Values.
    assert ag.grad(ag.grad(lambda v: apply1(CUBE, v)))(2.0) == 12.0  # 6x
    compiled = ag.compile(lambda v: apply1(CUBE, v) + 1.0)
    assert compiled(2.0) == (9.0, 12.0)


def test_a_reduction_is_written_as_one_term() -> None:
    # sum of squares: each term {0} * {0}, derivative 2 * {0}.
    squares = Op(
        "squares", "squares", "reduction", None, "sum of x_i ** 2.",
        forward_code="{0} * {0}", derivative_code=("2.0 * {0}",),
    )
    xs = [Value(1.0), Value(-2.0), Value(3.0)]
    y = apply(squares, [*xs, 0.5])
    y.backward()
    assert y.data == 1.0 + 4.0 + 9.0 + 0.25
    assert [x.grad for x in xs] == [2.0, -4.0, 6.0]


@pytest.mark.parametrize("name", sorted(OPS))
def test_every_ops_rule_over_values_equals_its_rule_over_floats(name: str) -> None:
    # gradients(create_graph=True) computes the local derivatives again as Values
    # (the templates compiled with Value helpers); backward uses the stored floats.
    op = OPS[name]
    arity = op.arity or 4
    points = {"log": [0.7], "log1p": [0.7], "sqrt": [0.7], "pow": [1.3, 2.5]}
    inputs = [Value(x) for x in points.get(name, [0.7, -0.4, 1.1, 0.3][:arity])]
    y = apply(op, inputs)
    as_values = ag.gradients(y, inputs, create_graph=True)
    y.backward()
    assert [ag.engine.data_of(g) for g in as_values] == [x.grad for x in inputs]


def test_pow_derivatives_at_the_edges_follow_pytorch_over_values_too() -> None:
    # The Values rule compares data: a Value's == is identity, so `{1} == 0` must
    # look at the number. PyTorch: d(x**0)/dx = 0 even at x = 0, d(0**y)/dy = 0.
    x, zero = Value(0.0), Value(0.0)
    grads = ag.gradients(x**zero, [x, zero], create_graph=True)
    assert [ag.engine.data_of(g) for g in grads] == [0.0, 0.0]
    # And d(x**2)/dx = 2x over Values, differentiated again: 2.
    assert ag.grad(ag.grad(lambda v: v**2))(0.0) == 2.0


def test_division_at_zero_in_a_higher_derivative_is_ieee() -> None:
    # sqrt'(0) = 0.5 / sqrt(0) = inf and sqrt''(0) = -inf (PyTorch): the rules use
    # total division, so the derivative of the derivative has a value, not an error.
    assert ag.grad(ag.grad(ag.sqrt))(0.0) == -math.inf
