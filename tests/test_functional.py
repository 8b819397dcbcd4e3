"""gradients, grad, value_and_grad and gradcheck: first and higher derivatives."""

import math

import pytest

import autograd_lite as ag
from autograd_lite import Value


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


def test_grad_and_create_graph_work_inside_no_grad() -> None:
    with ag.no_grad():
        assert ag.grad(lambda x: x**3)(2.0) == 12.0
    x = Value(2.0)
    y = x**3
    with ag.no_grad():
        (dy,) = ag.gradients(y, [x], create_graph=True)
        (d2y,) = ag.gradients(dy, [x])
    assert (dy.data, d2y) == (12.0, 12.0)
    assert ag.is_grad_enabled()


def test_enable_grad_inside_no_grad() -> None:
    with ag.no_grad(), ag.enable_grad():
        assert ag.is_grad_enabled()
        assert (Value(1.0) * 2).op is ag.OPS["mul"]
    assert ag.is_grad_enabled()
