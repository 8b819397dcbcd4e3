"""Property tests: every op and random expressions against central differences,
and second derivatives against closed forms."""

import math
from collections.abc import Callable

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import autograd_lite as ag
from autograd_lite import Value

small = st.floats(min_value=-3.0, max_value=3.0)
positive = st.floats(min_value=0.1, max_value=5.0)
away_from_zero = st.one_of(
    st.floats(min_value=-3.0, max_value=-0.1), st.floats(min_value=0.1, max_value=3.0)
)

# op name -> (function of Values, strategy per argument), each where it is smooth.
SMOOTH_OPS: dict[str, tuple[Callable[..., Value], list[st.SearchStrategy[float]]]] = {
    "add": (lambda a, b: a + b, [small, small]),
    "sub": (lambda a, b: a - b, [small, small]),
    "mul": (lambda a, b: a * b, [small, small]),
    "div": (lambda a, b: a / b, [small, away_from_zero]),
    "rdiv": (lambda a: 2.5 / a, [away_from_zero]),
    "pow_number": (lambda a: a**3, [small]),
    "pow_fraction": (lambda a: a**1.5, [positive]),
    "pow_negative": (lambda a: a**-2, [away_from_zero]),
    "pow_values": (lambda a, b: a**b, [positive, small]),
    "rpow": (lambda a: 1.7**a, [small]),
    "neg": (lambda a: -a, [small]),
    "abs": (lambda a: abs(a), [away_from_zero]),
    "exp": (lambda a: a.exp(), [small]),
    "log": (lambda a: a.log(), [positive]),
    "log1p": (lambda a: a.log1p(), [positive]),
    "sqrt": (lambda a: a.sqrt(), [positive]),
    "tanh": (lambda a: a.tanh(), [small]),
    "sigmoid": (lambda a: a.sigmoid(), [small]),
    "relu": (lambda a: a.relu(), [away_from_zero]),
    "leaky_relu": (lambda a: a.leaky_relu(0.1), [away_from_zero]),
    "sin": (lambda a: a.sin(), [small]),
    "cos": (lambda a: a.cos(), [small]),
    "sum": (lambda a, b, c: ag.sum([a, b, c, a]), [small, small, small]),
    "dot": (lambda a, b, c, d: ag.dot([a, b], [c, d]), [small, small, small, small]),
}


@pytest.mark.parametrize("name", sorted(SMOOTH_OPS))
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_every_op_matches_central_differences(name: str, data: st.DataObject) -> None:
    f, domains = SMOOTH_OPS[name]
    point = [data.draw(domain) for domain in domains]
    assert ag.gradcheck(f, point)


# Random expression trees over three variables, from smooth, total building blocks.
UNARY: list[Callable[[Value], Value]] = [
    lambda a: a.tanh(),
    lambda a: a.sigmoid(),
    lambda a: a.sin(),
    lambda a: a.cos(),
    lambda a: (a * 0.5).exp(),
    lambda a: (1 + a * a).log(),
    lambda a: (1 + a * a).sqrt(),
    lambda a: -a,
    lambda a: a**2,
]
BINARY: list[Callable[[Value, Value], Value]] = [
    lambda a, b: a + b,
    lambda a, b: a - b,
    lambda a, b: a * b,
    lambda a, b: a / (1 + b * b),
    lambda a, b: (1 + a * a) ** b.tanh(),
    lambda a, b: ag.dot([a, b], [b, 2.0]),
]

Tree = tuple[object, ...]
trees: st.SearchStrategy[object] = st.recursive(
    st.integers(min_value=0, max_value=2),
    lambda children: st.one_of(
        st.tuples(st.sampled_from(range(len(UNARY))), children),
        st.tuples(st.sampled_from(range(len(BINARY))), children, children),
    ),
    max_leaves=8,
)


def evaluate(tree: object, variables: list[Value]) -> Value:
    if isinstance(tree, int):
        return variables[tree]
    assert isinstance(tree, tuple)
    if len(tree) == 2:
        return UNARY[tree[0]](evaluate(tree[1], variables))  # type: ignore[index]
    return BINARY[tree[0]](evaluate(tree[1], variables), evaluate(tree[2], variables))  # type: ignore[index]


@settings(max_examples=150, deadline=None)
@given(tree=trees, point=st.lists(small, min_size=3, max_size=3))
def test_random_expression_trees_match_central_differences(
    tree: object, point: list[float]
) -> None:
    def f(x: Value, y: Value, z: Value) -> Value:
        return Value(0.0) + evaluate(tree, [x, y, z])

    assume(abs(f(*map(Value, point)).data) < 1e6)
    assert ag.gradcheck(f, point, atol=1e-4, rtol=1e-4)


# op -> (function, closed-form second derivative, domain)
SECOND_DERIVATIVES: dict[
    str, tuple[Callable[[Value], Value], Callable[[float], float], st.SearchStrategy[float]]
] = {
    "exp": (lambda x: x.exp(), math.exp, small),
    "log": (lambda x: x.log(), lambda x: -1 / x**2, positive),
    "log1p": (lambda x: x.log1p(), lambda x: -1 / (1 + x) ** 2, positive),
    "sqrt": (lambda x: x.sqrt(), lambda x: -0.25 * x**-1.5, positive),
    "tanh": (lambda x: x.tanh(), lambda x: -2 * math.tanh(x) * (1 - math.tanh(x) ** 2), small),
    "sigmoid": (
        lambda x: x.sigmoid(),
        lambda x: (s := 1 / (1 + math.exp(-x))) * (1 - s) * (1 - 2 * s),
        small,
    ),
    "sin": (lambda x: x.sin(), lambda x: -math.sin(x), small),
    "cos": (lambda x: x.cos(), lambda x: -math.cos(x), small),
    "pow_number": (lambda x: x**3.5, lambda x: 3.5 * 2.5 * x**1.5, positive),
    "pow_values": (lambda x: x**x, lambda x: x**x * ((1 + math.log(x)) ** 2 + 1 / x), positive),
    "rpow": (lambda x: 2.0**x, lambda x: 2.0**x * math.log(2.0) ** 2, small),
    "div": (lambda x: 3.0 / x, lambda x: 6.0 / x**3, away_from_zero),
    "mul": (lambda x: x * x * x, lambda x: 6 * x, small),
    "dot": (lambda x: ag.dot([x, x], [x, 1.0]), lambda x: 2.0, small),
    "relu": (lambda x: (x * x).relu(), lambda x: 2.0, away_from_zero),
}


@pytest.mark.parametrize("name", sorted(SECOND_DERIVATIVES))
@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_second_derivatives_match_closed_forms(name: str, data: st.DataObject) -> None:
    f, second, domain = SECOND_DERIVATIVES[name]
    x = data.draw(domain)
    assert ag.grad(ag.grad(f))(x) == pytest.approx(second(x), rel=1e-9, abs=1e-12)


def test_fourth_derivative_of_tanh_closed_form() -> None:
    x = 0.4
    t = math.tanh(x)
    # With s = 1 - t^2: t' = s, t'' = -2ts, t''' = s(6t^2 - 2), t'''' = 8ts(2 - 3t^2).
    expected = 8 * t * (1 - t**2) * (2 - 3 * t**2)
    d4 = ag.grad(ag.grad(ag.grad(ag.grad(lambda v: v.tanh()))))(x)
    assert d4 == pytest.approx(expected, rel=1e-9)
