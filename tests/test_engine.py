"""The node, its operators, backward and the grad modes (no_grad, enable_grad), against
hand-derived values."""

import math
import os
import subprocess
import sys
import threading

import pytest

import autograd_lite as ag
from autograd_lite import Value
from autograd_lite.engine import backpropagate, borrowed_grads, topological_order


def test_node_fields_and_repr() -> None:
    x = Value(2, label="x")
    fields = (x.data, x.grad, x.label, x.op, x.operands, x.parents, x.local_grads)
    assert fields == (2.0, 0.0, "x", None, (), (), ())
    assert isinstance(x.data, float)
    x.grad = -3.0
    assert repr(x) == "Value(data=2.0, grad=-3.0, label='x')"
    assert repr(Value(1.5)) == "Value(data=1.5, grad=0.0)"
    # float() would let math.exp(x) drop the gradient silently.
    with pytest.raises(TypeError, match=r"ag\.exp\(v\).*v\.data"):
        float(x)
    with pytest.raises(AttributeError):
        x.colour = "red"  # type: ignore[attr-defined]


def test_local_grads_are_stored_as_data() -> None:
    a, b = Value(3.0), Value(-4.0)
    z = a * b
    assert z.op is ag.OPS["mul"]
    assert z.parents == (a, b) and z.operands == (a, b)
    assert z.local_grads == (-4.0, 3.0)
    t = (a * 2.0).tanh()
    assert t.local_grads == (pytest.approx(1 - math.tanh(6.0) ** 2),)


def test_identity_hashing_and_comparisons() -> None:
    a, b = Value(1.0), Value(1.0)
    assert a != b and len({a, b}) == 2
    assert {a: 1}[a] == 1
    assert a <= b and a >= b and not a < b and not a > b
    assert a < 2 and a > 0.5 and a < 2
    assert isinstance(a < b, bool)


def test_operators_with_numbers_on_either_side() -> None:
    x = Value(3.0)
    cases = [
        (x + 2, 5.0, 1.0),
        (2 + x, 5.0, 1.0),
        (x - 2, 1.0, 1.0),
        (2 - x, -1.0, -1.0),
        (x * 2, 6.0, 2.0),
        (2 * x, 6.0, 2.0),
        (x / 2, 1.5, 0.5),
        (2 / x, 2 / 3, -2 / 9),
        (x**2, 9.0, 6.0),
        (2**x, 8.0, 8.0 * math.log(2)),
        (-x, -3.0, -1.0),
        (abs(-x), 3.0, 1.0),
        (x**x, 27.0, 27.0 * (1 + math.log(3.0))),
    ]
    for expression, value, derivative in cases:
        assert expression.data == pytest.approx(value, rel=1e-15)
        (d,) = ag.gradients(expression, [x])
        assert d == pytest.approx(derivative, rel=1e-14)


def test_operators_record_floats_and_values_on_either_side() -> None:
    # The operators' own recording (float with Value, Value with float, two Values):
    # data, parents, local derivatives and constants, derived by hand at x=2, y=-0.5.
    x, y = Value(2.0), Value(-0.5)
    cases = [
        (x + 0.25, 2.25, (x,), (1.0,), (1, 0.25)),
        (0.25 + x, 2.25, (x,), (1.0,), (0, 0.25)),
        (x + y, 1.5, (x, y), (1.0, 1.0), ()),
        (x - 0.25, 1.75, (x,), (1.0,), (1, 0.25)),
        (0.25 - x, -1.75, (x,), (-1.0,), (0, 0.25)),
        (x - y, 2.5, (x, y), (1.0, -1.0), ()),
        (x * 1.5, 3.0, (x,), (1.5,), (1, 1.5)),
        (1.5 * x, 3.0, (x,), (1.5,), (0, 1.5)),
        (x * y, -1.0, (x, y), (-0.5, 2.0), ()),
        (x * x, 4.0, (x, x), (2.0, 2.0), ()),
        (x / 4.0, 0.5, (x,), (0.25,), (1, 4.0)),
        (1.0 / x, 0.5, (x,), (-0.25,), (0, 1.0)),
        (x / y, -4.0, (x, y), (-2.0, -8.0), ()),
        (x**3.0, 8.0, (x,), (12.0,), (1, 3.0)),
        (4.0**y, 0.5, (y,), (0.5 * math.log(4.0),), (0, 4.0)),
        (x**y, 2.0**-0.5, (x, y), (-0.5 * 2.0**-1.5, 2.0**-0.5 * math.log(2.0)), ()),
    ]
    for node, data, parents, local_grads, constants in cases:
        assert node.data == pytest.approx(data, rel=1e-15)
        assert node.parents == parents and node.constants == constants
        assert node.local_grads == pytest.approx(local_grads, rel=1e-15)
        assert node.grad == 0.0 and node.label == ""
    # Errors are the op's own; ints, a subclass and no_grad take the general path.
    with pytest.raises(ZeroDivisionError):
        x / 0.0
    assert (x * 3).constants == (1, 3.0) and (3 * x).constants == (0, 3.0)

    class Named(Value):
        __slots__ = ()

    z = Named(4.0) * 0.5
    assert z.data == 2.0 and len(z.parents) == 1 and z.local_grads == (0.5,)
    with ag.no_grad():
        assert (x * 1.5).parents == () and (1.5 - x).data == -0.5


def test_a_number_operand_is_kept_as_a_constant_in_its_place() -> None:
    x = Value(2.0)
    cube = x**3
    assert (cube.op, cube.operands, cube.parents, cube.local_grads) == (
        ag.OPS["pow"], (x, 3.0), (x,), (12.0,)
    )
    assert (x**0.5).operands == (x, 0.5)
    assert (2**x).operands == (2.0, x) and (2**x).parents == (x,)
    one_minus = 1 - x
    negated = -x
    assert (one_minus.op, one_minus.operands) == (ag.OPS["sub"], (1.0, x))
    assert (negated.op, negated.operands) == (ag.OPS["neg"], (x,))
    assert (3 / x).operands == (3.0, x) and (3 / x).local_grads == (-3.0 / 4.0,)


@pytest.mark.parametrize(
    ("name", "point", "value", "derivative"),
    [
        ("exp", 0.5, math.exp(0.5), math.exp(0.5)),
        ("log", 2.0, math.log(2.0), 0.5),
        ("log1p", 1e-20, 1e-20, 1.0),
        ("log1p", 3.0, math.log(4.0), 0.25),
        ("sqrt", 4.0, 2.0, 0.25),
        ("tanh", 0.5, math.tanh(0.5), 1 - math.tanh(0.5) ** 2),
        ("sigmoid", 0.0, 0.5, 0.25),
        ("relu", 2.0, 2.0, 1.0),
        ("relu", -2.0, 0.0, 0.0),
        ("leaky_relu", -2.0, -0.02, 0.01),
        ("leaky_relu", 3.0, 3.0, 1.0),
        ("sin", 1.0, math.sin(1.0), math.cos(1.0)),
        ("cos", 1.0, math.cos(1.0), -math.sin(1.0)),
    ],
)
def test_unary_functions(name: str, point: float, value: float, derivative: float) -> None:
    x = Value(point)
    for y in (getattr(ag, name)(x), getattr(x, name)()):
        assert y.data == pytest.approx(value, rel=1e-15)
        assert y.op is ag.OPS[name]
        x.zero_grad()
        y.backward()
        assert x.grad == pytest.approx(derivative, rel=1e-15)
    assert getattr(ag, name)(point).data == pytest.approx(value, rel=1e-15)


def test_non_smooth_points_follow_pytorch() -> None:
    zero = Value(0.0)
    assert ag.gradients(zero.relu(), [zero]) == (0.0,)
    assert ag.gradients(abs(zero), [zero]) == (0.0,)
    assert ag.gradients(zero.leaky_relu(0.2), [zero]) == (0.2,)
    assert ag.gradients(zero.sqrt(), [zero]) == (math.inf,)
    assert ag.gradients(zero**0, [zero]) == (0.0,)


def test_numbers_anywhere_among_many_operands_keep_their_places() -> None:
    # A run of floats at the start, in the middle or at the end, floats apart, and
    # ints (converted): each number with its place, the Values' derivatives only.
    a, b = Value(2.0), Value(-3.0)
    cases = [
        (ag.dot([0.5, 0.25], [a, b]), (0, 0.5, 1, 0.25), (a, b), (0.5, 0.25), 0.25),
        (ag.sum([a, 4.0, 5.0, b]), (1, 4.0, 2, 5.0), (a, b), (1.0, 1.0), 8.0),
        (ag.sum([1.0, a, 2.0]), (0, 1.0, 2, 2.0), (a,), (1.0,), 5.0),
        (ag.dot([a, b], [3, 1]), (2, 3.0, 3, 1.0), (a, b), (3.0, 1.0), 3.0),
        (
            ag.dot([a, b, 0.5], [b, 2.0, a]),
            (2, 0.5, 4, 2.0), (a, b, b, a), (-3.0, 2.0, 2.0, 0.5), -11.0,
        ),
    ]
    for node, constants, parents, local_grads, data in cases:
        assert node.constants == constants
        assert node.parents == parents and node.local_grads == local_grads
        assert node.data == data
        assert len(node.operands) == len(parents) + len(constants) // 2
    # Every operand a number: a leaf, as for a unary op on a number.
    assert ag.sum([1.0, 2.0]).parents == () and ag.sum([1.0, 2.0]).data == 3.0


def test_a_node_reads_back_its_parents_and_local_grads_in_order() -> None:
    # Leaves, one parent, two parents and many are stored differently; all read
    # back as the documented tuples, and can be set.
    x, y = Value(3.0), Value(4.0)
    assert (x.parents, x.local_grads, x.constants, x.operands) == ((), (), (), ())
    u = x * 2.0
    assert (u.parents, u.local_grads, u.constants, u.operands) == ((x,), (2.0,), (1, 2.0), (x, 2.0))
    v = 2.0 - x
    assert (v.parents, v.local_grads, v.constants) == ((x,), (-1.0,), (0, 2.0))
    assert v.operands == (2.0, x)
    w = x * y
    assert (w.parents, w.local_grads, w.constants, w.operands) == ((x, y), (4.0, 3.0), (), (x, y))
    s = ag.sum([x, y, x])
    assert (s.parents, s.local_grads, s.operands) == ((x, y, x), (1.0, 1.0, 1.0), (x, y, x))
    for node, parents in [(u, (x, y, y)), (w, (y,)), (s, (x, y))]:
        node.parents = parents
        node.local_grads = tuple(float(i) for i in range(len(parents)))
        assert node.parents == parents
        assert node.local_grads == tuple(float(i) for i in range(len(parents)))
    w.constants = (1, 5.0)
    assert w.operands == (y, 5.0)


def test_a_leaf_reached_from_many_kinds_of_node_gets_every_contribution() -> None:
    # w feeds a sum twice, a product and the output's sum; x a sum and (through it)
    # the product. By hand at w=3, x=2: s = 8, t = w*s = 24, out = t + s + w + 1 = 36;
    # d out/dw = (s + w * 2) + 2 + 1 = 17, d out/dx = w + 1 = 4.
    def f(w: Value, x: Value) -> Value:
        s = ag.sum([w, x, w])
        t = w * s
        return ag.sum([t, s, w, 1.0])

    w, x = Value(3.0), Value(2.0)
    out = f(w, x)
    assert out.data == 36.0
    out.backward()
    assert (w.grad, x.grad) == (17.0, 4.0)
    out.backward()
    assert (w.grad, x.grad) == (34.0, 8.0)
    assert ag.grad(f, argnums=(0, 1))(3.0, 2.0) == (17.0, 4.0)
    assert ag.gradients(out, [w, x]) == (17.0, 4.0) and (w.grad, x.grad) == (34.0, 8.0)


def test_sum_and_dot_are_single_nodes() -> None:
    ws = [Value(float(i)) for i in range(16)]
    xs = [Value(float(i) / 10) for i in range(16)]
    d = ag.dot(ws, xs)
    assert d.op is ag.OPS["dot"]
    assert len(ag.topological_order(d)) == 33
    assert d.data == pytest.approx(sum(i * i / 10 for i in range(16)))
    d.backward()
    assert [w.grad for w in ws] == [x.data for x in xs]
    assert [x.grad for x in xs] == [w.data for w in ws]
    s = ag.sum([ws[1], ws[2], 5.0, ws[1]])
    assert s.op is ag.OPS["sum"] and s.data == 9.0
    assert s.operands == (ws[1], ws[2], 5.0, ws[1]) and s.parents == (ws[1], ws[2], ws[1])
    s.backward()
    assert ws[1].grad == xs[1].data + 2.0


def test_dot_of_mismatched_lengths_is_an_error() -> None:
    with pytest.raises(ValueError, match="2 weights and 3 inputs"):
        ag.dot([1.0, 2.0], [1.0, 2.0, 3.0])


def test_sum_of_numbers_only_is_a_leaf() -> None:
    s = ag.sum([1.0, 2.0])
    assert (s.data, s.op, s.parents) == (3.0, None, ())
    assert ag.sum([]).data == 0.0


def test_reuse_gets_both_contributions() -> None:
    x = Value(3.0)
    y = x * x + x  # dy/dx = 2x + 1
    y.backward()
    assert x.grad == 7.0


def test_grads_accumulate_like_pytorch_and_zero_grad_resets() -> None:
    x, w = Value(2.0), Value(-3.0)
    h = x * w
    y = h * h  # dy/dx = 2 h w = 36, dy/dh = 2h = -12
    y.backward()
    assert (x.grad, h.grad, y.grad) == (36.0, -12.0, 1.0)
    y.backward()
    # Each call adds its own contribution once: interior grads do not compound.
    assert (x.grad, h.grad, y.grad) == (72.0, -24.0, 2.0)
    y.backward(gradient=0.5)
    assert x.grad == 90.0
    y.zero_grad()
    assert [v.grad for v in (x, w, h, y)] == [0.0] * 4
    x.grad = 5.0
    ag.zero_grad([x])
    assert x.grad == 0.0


def test_backward_on_a_leaf() -> None:
    x = Value(1.0)
    x.backward()
    assert x.grad == 1.0


def test_topological_order_puts_parents_first_and_is_deterministic() -> None:
    a, b = Value(1.0, "a"), Value(2.0, "b")
    c = a * b
    d = c + a
    e = d * c
    order = ag.topological_order(e)
    assert order[-1] is e
    assert set(order) == {a, b, c, d, e} and len(order) == 5
    position = {node: i for i, node in enumerate(order)}
    for node in order:
        assert all(position[p] < position[node] for p in node.parents)
    assert ag.topological_order(e) == order


@pytest.mark.slow
def test_same_graph_gives_same_bits_in_every_process() -> None:
    script = (
        "import autograd_lite as ag, random\n"
        "rng = random.Random(7)\n"
        "xs = [ag.Value(rng.uniform(-1, 1)) for _ in range(50)]\n"
        "terms = [xs[i % 50] * xs[(i * 7) % 50] + xs[(i * 3) % 50].tanh() for i in range(200)]\n"
        "loss = ag.sum(terms) * ag.sum(terms[::3])\n"
        "loss.backward()\n"
        "print([x.grad.hex() for x in xs])\n"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", script],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": str(seed)},
        ).stdout
        for seed in (0, 1, 2)
    }
    assert len(outputs) == 1


@pytest.mark.slow
def test_deep_chain_of_a_million_nodes() -> None:
    x = Value(1.0)
    y = x
    for _ in range(1_000_000):
        y = y * 1.000001
    assert len(y.parents) == 1
    y.backward()
    assert x.grad == pytest.approx(1.000001**1_000_000, rel=1e-9)
    assert y.data == pytest.approx(1.000001**1_000_000, rel=1e-9)


def test_no_grad_records_no_parents_and_nests() -> None:
    x = Value(2.0)
    assert ag.is_grad_enabled()
    with ag.no_grad():
        y = x * x + 1
        assert (y.data, y.op, y.parents) == (5.0, None, ())
        with ag.no_grad():
            assert not ag.is_grad_enabled()
        assert not ag.is_grad_enabled()
    assert ag.is_grad_enabled()
    assert (x * x).parents == (x, x)


def test_no_grad_is_per_thread() -> None:
    seen: list[bool] = []
    with ag.no_grad():
        thread = threading.Thread(target=lambda: seen.append(bool((Value(1.0) * 2).parents)))
        thread.start()
        thread.join()
    assert seen == [True]


def test_no_grad_as_decorator() -> None:
    @ag.no_grad()
    def f(x: Value) -> Value:
        return x * 3

    assert f(Value(1.0)).parents == ()


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


def test_detach_makes_a_leaf() -> None:
    x = Value(2.0, "x")
    y = (x * 3).detach()
    assert (y.data, y.parents, y.op) == (6.0, (), None)
    z = y * x
    z.backward()
    assert x.grad == 6.0 and y.grad == 2.0


def test_sigmoid_never_overflows() -> None:
    for x, expected in [(1000.0, 1.0), (-1000.0, 0.0), (1e308, 1.0), (-1e308, 0.0)]:
        s = ag.sigmoid(Value(x))
        assert s.data == expected
        s.backward()
        assert s.parents[0].grad == 0.0


@pytest.mark.parametrize(
    ("make", "error", "words"),
    [
        (lambda: ag.log(-1.0), ValueError, ["log", "-1.0"]),
        (lambda: ag.log(0.0), ValueError, ["log", "0.0"]),
        (lambda: ag.log1p(-1.0), ValueError, ["log1p", "-1.0"]),
        (lambda: ag.sqrt(-4.0), ValueError, ["sqrt", "-4.0"]),
        (lambda: Value(1.0) / 0, ZeroDivisionError, ["1.0 / 0.0"]),
        (lambda: 1.0 / Value(0.0), ZeroDivisionError, ["1.0 / 0.0"]),
        (lambda: Value(0.0) ** -1, ZeroDivisionError, ["0.0", "-1"]),
        (lambda: Value(-8.0) ** (1 / 3), ValueError, ["-8.0", "non-integer"]),
        (lambda: Value("abc"), TypeError, ["str", "'abc'"]),  # type: ignore[arg-type]
        (lambda: Value(None), TypeError, ["NoneType"]),  # type: ignore[arg-type]
        (lambda: Value(10**400), ValueError, ["float range", "int: a number of 1329 bits"]),
        (lambda: Value(1.0) + "a", TypeError, ["str", "'a'"]),  # type: ignore[operator]
        (lambda: ag.exp("x"), TypeError, ["exp", "str"]),  # type: ignore[arg-type]
        (lambda: Value(1.0, label=3), TypeError, ["label", "int"]),  # type: ignore[arg-type]
    ],
)
def test_errors_name_the_operation_and_the_value(make, error, words) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(error) as caught:
        make()
    for word in words:
        assert word in str(caught.value)


def test_nan_and_inf_propagate_as_ieee_floats() -> None:
    nan, inf = math.nan, math.inf
    assert math.isnan((Value(nan) * 2).data)
    assert math.isnan(ag.log(nan).data)
    assert math.isnan(ag.sin(inf).data)
    assert ag.exp(inf).data == inf
    assert ag.exp(-inf).data == 0.0
    assert ag.tanh(inf).data == 1.0
    assert ag.exp(1000.0).data == inf
    assert (Value(10.0) ** 400).data == inf
    assert (Value(-10.0) ** 401).data == -inf
    x = Value(nan)
    (x * 3).backward()
    assert x.grad == 3.0


def test_leaky_relu_with_a_value_slope_differentiates_the_slope() -> None:
    x, slope = Value(-2.0), Value(0.1)
    y = ag.leaky_relu(x, slope)
    assert y.data == pytest.approx(-0.2)
    assert ag.gradients(y, [x, slope]) == (0.1, -2.0)
    assert ag.gradients(ag.leaky_relu(Value(3.0), slope), [slope]) == (0.0,)


def test_dot_of_empty_sequences_is_a_float_zero() -> None:
    d = ag.dot([], [])
    assert d.data == 0.0 and isinstance(d.data, float)


def test_truthiness_is_the_datas_as_for_floats() -> None:
    # Issue 18, finding 3: a Value had no __bool__, so `if x:` was always taken.
    for number in (0.0, -0.0, 0, 1.0, -2.5, 1e-300, math.inf, math.nan):
        assert bool(Value(number)) is bool(number)
        x = Value(number)
        taken = x * 2 if x else x * 3
        assert taken.operands[1] == (2.0 if number else 3.0)
    assert not Value(1.0) - 1.0
    assert [v.data for v in filter(None, [Value(0.0), Value(2.0)])] == [2.0]
    # Testing the truth records nothing: the graph holds the branch taken, and only it.
    x = Value(0.0, label="x")
    y = x * 2 if x else x * 3
    y.backward()
    assert x.grad == 3.0 and y.op is ag.OPS["mul"] and y.parents == (x,)
    # Compiled code cannot follow a branch on data: ag.compile is told, as of `x != 0`.
    with pytest.raises(TypeError, match="compares Values"):
        ag.compile(lambda x: x * 2 if x else x * 3)(0.0)


def test_float_of_a_value_is_refused_with_the_way_out() -> None:
    v, w = Value(2.0), Value(1.2)
    with pytest.raises(TypeError, match=r"ag\.exp\(v\).*v\.data for the number itself \(1\.2\)"):
        math.exp(w)
    y = v * ag.exp(w)
    y.backward()
    assert w.grad == pytest.approx(2.0 * math.exp(1.2), rel=1e-15)


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


def test_format_spec_formats_the_data() -> None:
    v = Value(2.0 / 3.0, label="v")
    assert f"{v:.3f}" == "0.667"
    assert f"{v:8.2e}" == "6.67e-01"
    assert f"loss {Value(-1.5):+.1f}" == "loss -1.5"
    # Without a spec a Value formats as str(), which is repr(): unchanged.
    assert f"{v}" == format(v) == str(v) == "Value(data=0.6666666666666666, grad=0.0, label='v')"


def test_a_list_of_outputs_is_told_to_reduce_first() -> None:
    # A layer of several neurons returns a list: arithmetic on it, as `loss =
    # (outputs - target) ** 2`, says to reduce the outputs to one Value first.
    outputs = [Value(1.0), Value(2.0)]
    with pytest.raises(TypeError, match=r"list holding 2 Values: reduce them .*ag\.sum\(outputs\)"):
        outputs - Value(1.0)  # type: ignore[operator]
    with pytest.raises(TypeError, match=r"tuple holding 2 Values: reduce"):
        Value(1.0) * tuple(outputs)  # type: ignore[operator]
    with pytest.raises(TypeError, match=r"dot: .*list holding 2 Values: reduce"):
        ag.dot([outputs], [1.0])  # type: ignore[list-item]
    # A list of numbers is an ordinary wrong type.
    with pytest.raises(TypeError, match=r"expected a Value or a real number, got list: \[1, 2\]"):
        Value(1.0) + [1, 2]  # type: ignore[operator]  # noqa: RUF005


def test_backward_takes_a_number_as_its_gradient() -> None:
    x = Value(3.0)
    y = x * x
    with pytest.raises(TypeError, match=r"backward: expected a number .* got list"):
        y.backward([1.0])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"got Value"):
        y.backward(Value(1.0))  # type: ignore[arg-type]
    assert x.grad == 0.0
    y.backward(2)
    assert x.grad == 12.0


def test_a_neurons_bias_constant_is_kept_with_its_place_only() -> None:
    # dot([w1, w2, b], [x1, x2, 1.0]): one constant among six operands is stored
    # as its place and number, not as six entries.
    w = [Value(0.5), Value(-1.0), Value(0.25)]
    x = [Value(2.0), Value(3.0)]
    z = ag.dot(w, [*x, 1.0])
    assert z.data == 0.5 * 2.0 - 1.0 * 3.0 + 0.25
    assert z.constants == (5, 1.0)
    assert z.operands == (*w, *x, 1.0) and z.parents == (*w, *x)
    assert z.local_grads == (2.0, 3.0, 1.0, 0.5, -1.0)
