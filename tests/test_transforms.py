"""autograd_lite.transforms: gradients, grad, value_and_grad, jvp, vjp, jacobian, hessian, hvp
and gradcheck; list arguments, nesting, higher derivatives and the graphs they leave behind,
against closed forms (and torch.func when installed)."""

import math

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import autograd_lite as ag
from autograd_lite import Value
from tests.test_properties import BINARY, UNARY, evaluate, small, trees

DOT_BLOCK = BINARY[-1]  # ag.dot([a, b], [b, 2.0]): a tensor has no ag.dot


def f_closed(x: Value, y: Value) -> Value:
    """f(x, y) = x^2 y + sin(y): grad (2xy, x^2 + cos y), Hessian [[2y, 2x], [2x, -sin y]]."""
    return x * x * y + ag.sin(y)


def test_jvp_is_the_directional_derivative_in_one_forward_sweep() -> None:
    value, derivative = ag.jvp(f_closed, (1.5, -0.5), (2.0, 3.0))
    assert value == 1.5**2 * -0.5 + math.sin(-0.5)
    expected = 2.0 * (2 * 1.5 * -0.5) + 3.0 * (1.5**2 + math.cos(-0.5))
    assert derivative == pytest.approx(expected, rel=1e-15)
    assert isinstance(value, float) and isinstance(derivative, float)


def test_jvp_of_a_vector_output_gives_a_tangent_per_output() -> None:
    # g: R -> R^3, g(t) = (t, t^2, exp t): one forward sweep gives the whole derivative.
    value, derivative = ag.jvp(lambda t: [t, t * t, ag.exp(t)], (0.5,), (1.0,))
    assert value == [0.5, 0.25, math.exp(0.5)]
    assert derivative == [1.0, 1.0, math.exp(0.5)]


def test_jvp_touches_no_grad_and_runs_no_reverse_pass() -> None:
    x = Value(2.0)
    ag.jvp(lambda a: a * a * x, (3.0,), (1.0,))
    assert x.grad == 0.0


def test_vjp_gives_the_cotangent_times_the_jacobian() -> None:
    value, vjp_fn = ag.vjp(lambda a, b: [a * b, a + b, a / b], 2.0, 4.0)
    assert value == [8.0, 6.0, 0.5]
    # J = [[b, a], [1, 1], [1/b, -a/b^2]] = [[4, 2], [1, 1], [0.25, -0.125]]
    assert vjp_fn([1.0, 0.0, 0.0]) == (4.0, 2.0)
    assert vjp_fn([1.0, 2.0, 4.0]) == (4 + 2 + 1.0, 2 + 2 - 0.5)
    with pytest.raises(ValueError, match="3 number"):
        vjp_fn([1.0])


def test_jacobian_has_a_row_per_output() -> None:
    jacobian = ag.jacobian(lambda a, b: [a * b, a + b, a / b], argnums=(0, 1))(2.0, 4.0)
    assert jacobian == [(4.0, 2.0), (1.0, 1.0), (0.25, -0.125)]
    assert ag.jacobian(lambda a: a**3)(2.0) == 12.0


def test_hessian_of_a_function_of_a_list() -> None:
    x, y = 1.5, -0.5
    hessian = ag.hessian(lambda v: f_closed(v[0], v[1]))([x, y])
    assert hessian == [[2 * y, 2 * x], [2 * x, pytest.approx(-math.sin(y), rel=1e-15)]]
    assert ag.hessian(f_closed, argnums=(0, 1))(x, y)[0] == (2 * y, 2 * x)


def test_hvp_is_the_hessian_times_a_vector() -> None:
    x, y = 1.5, -0.5
    product = ag.hvp(lambda v: f_closed(v[0], v[1]))([x, y], [1.0, 2.0])
    assert product == [2 * y + 2 * 2 * x, pytest.approx(2 * x - 2 * math.sin(y), rel=1e-15)]


def test_list_and_tuple_arguments_keep_their_shape() -> None:
    def loss(params: list[Value], scale: float) -> Value:
        return ag.sum(p * p for p in params) * scale

    assert ag.grad(loss)([1.0, -2.0, 3.0], 0.5) == [1.0, -2.0, 3.0]
    assert ag.grad(loss)((1.0, 2.0), 1.0) == (2.0, 4.0)
    value, gradient = ag.value_and_grad(loss, argnums=(0, 1))([1.0, 2.0], 3.0)
    assert (value, gradient) == (15.0, ([6.0, 12.0], 5.0))
    with pytest.raises(TypeError, match="argument 0 must be a number, a Value, or a flat list"):
        ag.grad(loss)([[1.0]], 1.0)


def test_floats_in_floats_out_values_in_values_out() -> None:
    for transform in (
        lambda x: ag.grad(lambda a: a**3)(x),
        lambda x: ag.jvp(lambda a: a**3, (x,), (1.0,))[1],
        lambda x: ag.vjp(lambda a: a**3, x)[1](1.0)[0],
        lambda x: ag.jacobian(lambda a: [a**3])(x)[0],
        lambda x: ag.hessian(lambda a: a**4)(x),
    ):
        assert isinstance(transform(2.0), float)
        assert isinstance(transform(Value(2.0)), Value)


def test_every_transform_nests_with_grad() -> None:
    # d/dx of each first derivative of x^4 is 12 x^2 = 48 at x = 2.
    firsts = [
        lambda x: ag.grad(lambda a: a**4)(x),
        lambda x: ag.jvp(lambda a: a**4, (x,), (1.0,))[1],
        lambda x: ag.vjp(lambda a: a**4, x)[1](1.0)[0],
        lambda x: ag.jacobian(lambda a: [a**4])(x)[0],
    ]
    for first in firsts:
        assert ag.grad(first)(2.0) == 48.0
        assert ag.jvp(first, (2.0,), (1.0,))[1] == 48.0
    # The third derivative, 24 x, through a Hessian: forward, reverse and forward again.
    assert ag.jvp(lambda x: ag.hessian(lambda a: a**4)(x), (2.0,), (1.0,))[1] == 48.0


def test_a_closure_over_an_outer_variable_is_differentiated_by_the_outer_transform() -> None:
    # d/dw [ d/dx (x * w) at x = 3 ] = d/dw [w] = 1
    assert ag.grad(lambda w: ag.grad(lambda x: x * w)(3.0))(2.0) == 1.0
    # d/dx [ d/dy (x*y) at y = x ] = 1, not 2: the inner grad differentiates its own argument.
    assert ag.grad(lambda x: ag.grad(lambda y: x * y)(x))(3.0) == 1.0


def test_a_derivative_graph_holds_only_the_operations_of_the_derivative() -> None:
    x = Value(2.0, "x")
    first = ag.grad(lambda a: a**3)(x)  # 3 * x**2
    nodes = ag.topological_order(first)
    assert [node.op.name for node in nodes if node.op] == ["pow", "mul"]
    assert [node for node in nodes if not node.op] == [x]
    assert first.operands[0] == 3.0 and first.data == 12.0
    # The graph that f built around the stand-in is left as it was.
    second = ag.grad(lambda a: ag.grad(lambda b: b**3)(a))(x)
    assert isinstance(second, Value) and second.data == 12.0 and x.grad == 0.0


def test_a_value_argument_that_is_not_differentiated_keeps_the_float_path() -> None:
    w = Value(3.0)
    gradient = ag.grad(lambda x, weight: x * x * weight)(2.0, w)
    assert gradient == 12.0 and isinstance(gradient, float)


def test_transforms_reject_bad_arguments() -> None:
    with pytest.raises(ValueError, match="one tangent per primal"):
        ag.jvp(lambda a: a, (1.0,), (1.0, 2.0))
    with pytest.raises(ValueError, match="tangent 0 must have the shape"):
        ag.jvp(lambda a: ag.sum(a), ([1.0, 2.0],), ([1.0],))
    with pytest.raises(TypeError, match="tuples of arguments"):
        ag.jvp(lambda a: a, 1.0, 1.0)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="must return a Value or a list of Values"):
        ag.jacobian(lambda a: 3.0)(1.0)
    with pytest.raises(TypeError, match="argnums must be ints"):
        ag.grad(lambda a: a, argnums=(True,))(1.0)


def test_counting_sweeps_forward_for_wide_outputs_reverse_for_wide_inputs() -> None:
    # f: R^n -> R needs n forward sweeps (one jvp per basis vector) but one reverse sweep;
    # g: R -> R^n the other way round. Both give the same numbers.
    n = 5
    point = [0.1 * (i + 1) for i in range(n)]

    def f(v: list[Value]) -> Value:
        return ag.sum(ag.sin(a) * b for a, b in zip(v, v[1:] + v[:1]))

    reverse = ag.grad(f)(point)
    forward = [
        ag.jvp(f, (point,), ([1.0 if j == i else 0.0 for j in range(n)],))[1] for i in range(n)
    ]
    assert forward == pytest.approx(reverse, rel=1e-14)


torch = None
try:
    import torch
    import torch.func
except ImportError:
    pass
needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed")


def torch_evaluate(tree: object, variables: list[object]) -> object:
    """The same random tree as `tests.test_properties.evaluate`, on tensors."""
    if isinstance(tree, int):
        return variables[tree]
    assert isinstance(tree, tuple)
    if len(tree) == 2:
        # The unary building blocks call only methods that tensors have too.
        return UNARY[tree[0]](torch_evaluate(tree[1], variables))  # type: ignore[arg-type, index]
    a, b = torch_evaluate(tree[1], variables), torch_evaluate(tree[2], variables)
    if BINARY[tree[0]] is DOT_BLOCK:  # type: ignore[index]
        return a * b + b * 2.0  # type: ignore[operator]
    return BINARY[tree[0]](a, b)  # type: ignore[arg-type, index]


@pytest.mark.slow
@needs_torch
@settings(max_examples=60, deadline=None)
@given(tree=trees, point=st.lists(small, min_size=3, max_size=3),
       direction=st.lists(small, min_size=3, max_size=3))  # fmt: skip
def test_the_family_matches_torch_func_on_random_expressions(
    tree: object, point: list[float], direction: list[float]
) -> None:
    def ours(v: list[Value]) -> Value:
        return Value(0.0) + evaluate(tree, list(v))

    def theirs(t: object) -> object:
        return torch_evaluate(tree, [t[0], t[1], t[2]]) + 0.0  # type: ignore[index]

    assume(abs(ours([Value(p) for p in point]).data) < 1e6)
    t = torch.tensor(point, dtype=torch.float64)
    d = torch.tensor(direction, dtype=torch.float64)

    def close(a: object, b: object) -> None:
        expected = b.tolist() if hasattr(b, "tolist") else b
        assert a == pytest.approx(expected, rel=1e-12, abs=1e-12)

    value, tangent = ag.jvp(ours, (point,), (direction,))
    their_value, their_tangent = torch.func.jvp(theirs, (t,), (d,))
    close(value, their_value.item())
    close(tangent, their_tangent.item())
    _, vjp_fn = ag.vjp(ours, point)
    _, their_vjp = torch.func.vjp(theirs, t)
    close(vjp_fn(1.5)[0], their_vjp(torch.tensor(1.5, dtype=torch.float64))[0])
    close(ag.jacobian(ours)(point), torch.func.jacrev(theirs)(t))
    hessian = ag.hessian(ours)(point)
    their_hessian = torch.func.hessian(theirs)(t).tolist()
    for row, their_row in zip(hessian, their_hessian):
        close(row, their_row)
    their_hvp = torch.func.jvp(torch.func.grad(theirs), (t,), (d,))[1]
    close(ag.hvp(ours)(point, direction), their_hvp)


@needs_torch
def test_second_derivatives_at_singular_points_follow_pytorch() -> None:
    for ours, theirs in [(ag.sqrt, torch.sqrt), (lambda v: v**0.5, lambda t: t**0.5)]:
        t = torch.tensor(0.0, dtype=torch.float64, requires_grad=True)
        (first,) = torch.autograd.grad(theirs(t), t, create_graph=True)
        (second,) = torch.autograd.grad(first, t)
        assert ag.grad(ag.grad(ours))(0.0) == second.item() == -math.inf


def test_second_derivatives_at_singular_points_by_hand() -> None:
    # sqrt'(x) = 1 / (2 sqrt x) -> inf at 0; sqrt''(x) = -1 / (4 x^1.5) -> -inf from above.
    assert ag.grad(ag.sqrt)(0.0) == math.inf
    assert ag.grad(ag.grad(ag.sqrt))(0.0) == -math.inf
    assert ag.grad(ag.grad(lambda x: x**0.5))(0.0) == -math.inf


def test_gradients_accept_any_iterable_of_inputs() -> None:
    a = Value(3.0)
    assert ag.gradients(a * a, (x for x in [a])) == (6.0,)
    assert ag.gradients(a * a, {a: 1}) == (6.0,)
    with pytest.raises(TypeError, match="inputs must be a list of Values"):
        ag.gradients(a * a, a)  # type: ignore[arg-type]


def test_gradients_touch_no_grad_fields() -> None:
    x, y = Value(2.0), Value(5.0)
    z = x * y + x
    assert ag.gradients(z, [x, y]) == (6.0, 2.0)
    assert (x.grad, y.grad, z.grad) == (0.0, 0.0, 0.0)


def test_gradients_of_an_unrelated_input_is_zero() -> None:
    x, unrelated = Value(2.0), Value(1.0)
    assert ag.gradients(x * x, [unrelated]) == (0.0,)


def test_gradients_reject_non_values() -> None:
    with pytest.raises(TypeError, match="inputs\\[0\\]"):
        ag.gradients(Value(1.0), [1.0])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="output"):
        ag.gradients(1.0, [Value(1.0)])  # type: ignore[arg-type]


def test_create_graph_gives_differentiable_values() -> None:
    x = Value(3.0)
    (dy,) = ag.gradients(x**3, [x], create_graph=True)
    assert isinstance(dy, Value) and dy.data == 27.0
    (d2y,) = ag.gradients(dy, [x], create_graph=True)
    assert d2y.data == 18.0
    (d3y,) = ag.gradients(d2y, [x])
    assert d3y == 6.0


def test_nested_grad_examples_are_exact() -> None:
    assert ag.grad(ag.grad(ag.grad(lambda x: x**4)))(2.0) == 48.0
    for x in (-2.0, 0.3, 1.0, 2.5):
        assert ag.grad(ag.grad(lambda v: ag.sin(v)))(x) == -math.sin(x)


def test_grad_returns_floats_for_numbers_and_values_for_values() -> None:
    df = ag.grad(lambda x: x * x)
    assert df(3.0) == 6.0 and isinstance(df(3.0), float)
    assert isinstance(df(Value(3.0)), Value)


def test_argnums_and_value_and_grad() -> None:
    def f(x: Value, y: Value, scale: float) -> Value:
        return x * x * y * scale

    assert ag.grad(f, argnums=1)(3.0, 2.0, 10.0) == 90.0
    assert ag.grad(f, argnums=(0, 1))(3.0, 2.0, 10.0) == (120.0, 90.0)
    value, gradient = ag.value_and_grad(f)(3.0, 2.0, 10.0)
    assert (value, gradient) == (180.0, 120.0)
    assert ag.grad(f, argnums=-1)(3.0, 2.0, 10.0) == 18.0
    with pytest.raises(ValueError, match="argnums 3"):
        ag.grad(f, argnums=3)(3.0, 2.0, 10.0)


def test_grad_of_a_function_returning_a_number_is_an_error() -> None:
    with pytest.raises(TypeError, match="must return a Value"):
        ag.grad(lambda x: 3.0)(1.0)  # type: ignore[arg-type, return-value]


def test_mixed_partials_of_a_two_argument_function() -> None:
    # f = x^2 y^3: d2f/dxdy = 6 x y^2
    def dfdx(x: Value, y: Value) -> Value:
        return ag.grad(lambda a, b: a**2 * b**3)(x, y)  # type: ignore[no-any-return]

    assert ag.grad(dfdx, argnums=1)(2.0, 3.0) == 6 * 2.0 * 9.0


def test_gradcheck_passes_and_reports_failures() -> None:
    assert ag.gradcheck(lambda x, y: (x * y).tanh() + y.exp(), [0.3, -0.7])
    with pytest.raises(AssertionError) as caught:
        ag.gradcheck(lambda x: x.detach() * x, [3.0])  # analytic 3, numeric 6
    message = str(caught.value)
    assert "analytic 3.0" in message and "numeric 6.0" in message and "mismatch" in message
    with pytest.raises(ValueError, match="eps"):
        ag.gradcheck(lambda x: x, [1.0], eps=0.0)
    with pytest.raises(TypeError, match=r"inputs\[0\] must be a number or a Value"):
        ag.gradcheck(lambda x: x, ["1.0"])  # type: ignore[list-item]


def test_gradcheck_of_values_nudges_them_in_place_and_puts_them_back() -> None:
    w, b = Value(0.5, "w"), Value(-0.2, "b")

    def loss() -> Value:
        return (w * 3.0 + b).tanh() ** 2

    assert ag.gradcheck(lambda *parameters: loss(), [w, b])
    assert (w.data, b.data) == (0.5, -0.2)
    with pytest.raises(AssertionError, match=r"input 0 \(w\) = 0\.5: analytic"):
        ag.gradcheck(lambda *parameters: w.detach() * w, [w])


def test_nested_grad_takes_the_partial_derivative_of_its_own_argument() -> None:
    # d/dx [ d/dy (x*y) at y = x ] = d/dx [x] = 1 (not 2: the inner grad must not
    # differentiate through the x its function closed over).
    assert ag.grad(lambda x: ag.grad(lambda y: x * y)(x))(3.0) == 1.0
    x = Value(3.0)
    da, db = ag.grad(lambda a, b: a * b, argnums=(0, 1))(x, x)
    assert (da.data, db.data) == (3.0, 3.0)
