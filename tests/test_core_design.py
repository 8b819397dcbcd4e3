"""The core's design promises: one op table, one interrupt-safe sweep,
no silent float conversion, and grad modes that do not leak out of generators."""

import math
from pathlib import Path

import pytest

import autograd_lite as ag
from autograd_lite import Value, nn
from autograd_lite.engine import backpropagate, borrowed_grads, topological_order
from autograd_lite.expression import ALLOWED_FUNCTIONS

PACKAGES = Path(__file__).resolve().parent.parent


def test_every_op_of_the_table_is_reachable_by_its_name() -> None:
    from autograd_lite.op_functions import UNARY_FUNCTIONS

    for op in ag.OPS.values():
        if op.kind == "function":
            function = UNARY_FUNCTIONS.get(op.symbol) or getattr(ag, op.name)
            assert function(Value(0.5)).op is op
    assert ag.sum([Value(0.5), 2.0]).op is ag.OPS["sum"]
    assert ag.dot([Value(0.5)], [2.0]).op is ag.OPS["dot"]
    assert ag.leaky_relu(Value(0.5)).op is ag.OPS["leaky_relu"]


def test_the_property_tests_cover_every_op_of_the_table() -> None:
    from tests.test_properties import SMOOTH_OPS

    covered = {name.split("_")[0] for name in SMOOTH_OPS} | set(SMOOTH_OPS)
    assert {op.name for op in ag.OPS.values()} <= covered | {"leaky_relu"}
    assert "leaky_relu" in SMOOTH_OPS


def test_the_command_line_and_nn_read_their_lists_from_the_table() -> None:
    unary_functions = {
        op.symbol for op in ag.OPS.values() if op.kind == "function" and op.arity == 1
    }
    assert set(ALLOWED_FUNCTIONS) == unary_functions
    assert {"exp", "log", "log1p", "sqrt", "tanh", "sigmoid", "relu", "sin", "cos", "abs"} == (
        unary_functions
    )
    activations = {op.name for op in ag.OPS.values() if op.activation}
    assert set(nn.module.ACTIVATIONS) == activations | {"linear"}


class Interrupting:
    """A local derivative whose multiplication is interrupted, like Ctrl-C mid-sweep."""

    def __mul__(self, other: object) -> float:
        raise KeyboardInterrupt

    __rmul__ = __mul__


def test_an_interrupted_backward_leaves_every_grad_as_it_was() -> None:
    x, y = Value(2.0), Value(3.0)
    z = x * y
    out = (z + x).tanh() * y
    out.backward()
    before = [node.grad for node in topological_order(out)]
    z.local_grads = (Interrupting(), z.local_grads[1])  # type: ignore[assignment]
    with pytest.raises(KeyboardInterrupt):
        out.backward()
    assert [node.grad for node in topological_order(out)] == before


class InterruptingGrad(float):
    """An old grad whose update is interrupted half way through adding the pass's grads."""

    def __radd__(self, other: object) -> float:
        raise KeyboardInterrupt


def test_an_interrupt_while_grads_are_added_restores_all_of_them() -> None:
    x, y = Value(2.0), Value(3.0)
    out = x * y + y
    out.backward()
    y.grad = InterruptingGrad(y.grad)
    with pytest.raises(KeyboardInterrupt):
        out.backward()
    assert (out.grad, x.grad, y.grad) == (1.0, 3.0, 3.0)


def test_the_one_sweep_reports_every_step_it_applies() -> None:
    x = Value(3.0)
    out = x * x + 1
    out.backward()
    steps: list[tuple[float, float, float]] = []
    order = topological_order(out)
    with borrowed_grads(order):
        backpropagate(
            order, {out: 1.0},
            on_step=lambda node, parent, local, up, contribution, total: steps.append(
                (local, contribution, total)
            ),
        )  # fmt: skip
        assert x.grad == 6.0
    assert steps == [(1.0, 1.0, 1.0), (3.0, 3.0, 3.0), (3.0, 3.0, 6.0)]
    assert x.grad == 6.0  # lent, then given back as it was


def test_float_of_a_value_is_refused_with_the_way_out() -> None:
    v, w = Value(2.0), Value(1.2)
    with pytest.raises(TypeError, match=r"ag\.exp\(v\).*v\.data for the number itself \(1\.2\)"):
        math.exp(w)
    y = v * ag.exp(w)
    y.backward()
    assert w.grad == pytest.approx(2.0 * math.exp(1.2), rel=1e-15)


def test_gradients_accept_any_iterable_of_inputs() -> None:
    a = Value(3.0)
    assert ag.gradients(a * a, (x for x in [a])) == (6.0,)
    assert ag.gradients(a * a, {a: 1}) == (6.0,)
    with pytest.raises(TypeError, match="inputs must be a list of Values"):
        ag.gradients(a * a, a)  # type: ignore[arg-type]


def test_no_grad_as_a_decorator_of_a_generator_does_not_leak_into_its_caller() -> None:
    @ag.no_grad()
    def steps():  # type: ignore[no-untyped-def]
        received = yield ag.is_grad_enabled()
        yield (received, ag.is_grad_enabled())
        return "done"

    generator = steps()
    assert next(generator) is False
    assert ag.is_grad_enabled()
    assert generator.send("hello") == ("hello", False)
    assert ag.is_grad_enabled()
    with pytest.raises(StopIteration) as finished:
        next(generator)
    assert finished.value.value == "done"


def test_no_grad_and_enable_grad_decorate_plain_functions_and_nest() -> None:
    @ag.no_grad()
    def square(x: Value) -> Value:
        assert not ag.is_grad_enabled()
        with ag.enable_grad():
            assert (x * x).parents == (x, x)
        return x * x

    x = Value(2.0)
    assert square(x).parents == () and ag.is_grad_enabled()
