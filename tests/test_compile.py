"""ag.compile: generated float code against the interpreted engine (the independent truth
here is value_and_grad, itself checked against central differences and PyTorch), shapes,
recording again, refusals, hostile labels and errors, compile time linear in the graph, and
the sign of zero."""

import gc
import io
import keyword
import linecache
import math
import random
import re
import threading
import tokenize
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import autograd_lite as ag
from autograd_lite import Value, codegen, nn
from autograd_lite.cli import main
from autograd_lite.codegen import MAX_TERMS, RUNTIME
from tests.test_properties import SMOOTH_OPS, evaluate, small, trees
from tests.tracing import traced


def close(a: float, b: float, rel: float = 1e-12, floor: float = 0.0) -> bool:
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return a == b or abs(a - b) <= rel * max(abs(a), abs(b)) + floor


def assert_close(compiled: Any, interpreted: Any, rel: float = 1e-12, floor: float = 0.0) -> None:
    """Equal to `rel` relative; `floor` absorbs the rounding of terms that cancel."""
    if isinstance(interpreted, (list, tuple)):
        assert type(compiled) is type(interpreted)
        assert len(compiled) == len(interpreted)
        for a, b in zip(compiled, interpreted):
            assert_close(a, b, rel, floor)
    else:
        assert isinstance(compiled, float)
        assert close(compiled, interpreted, rel, floor), (compiled, interpreted)


def identical(a: Any, b: Any) -> bool:
    """Equal to the last bit, the sign of zero included (`0.0 == -0.0`; their reprs differ)."""
    if isinstance(a, (list, tuple)) or isinstance(b, (list, tuple)):
        return (
            type(a) is type(b) and len(a) == len(b)
            and all(identical(x, y) for x, y in zip(a, b))
        )
    return type(a) is type(b) is float and repr(a) == repr(b)


# ---- equality with the interpreter ------------------------------------------------


@pytest.mark.parametrize("name", sorted(SMOOTH_OPS))
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_every_op_compiles_to_the_interpreters_value_and_gradient(
    name: str, data: st.DataObject
) -> None:
    f, domains = SMOOTH_OPS[name]
    point = [data.draw(domain) for domain in domains]
    argnums = tuple(range(len(point)))
    expected = ag.value_and_grad(f, argnums)(*point)
    assert_close(ag.compile(f, argnums)(*point), expected)
    # Stronger than the 1e-12 asked for: the same operations in the same order, to the
    # last bit and the sign of zero.
    assert identical(ag.compile(f, argnums)(*point), expected)


@pytest.mark.slow
@settings(max_examples=150, deadline=None)
@given(tree=trees, point=st.lists(small, min_size=3, max_size=3))
def test_random_expression_trees_compile_to_the_interpreters_results(
    tree: object, point: list[float]
) -> None:
    def f(x: Value, y: Value, z: Value) -> Value:
        return Value(0.0) + evaluate(tree, [x, y, z])

    assume(abs(f(*map(Value, point)).data) < 1e6)
    expected = ag.value_and_grad(f, (0, 1, 2))(*point)
    compiled = ag.compile(f, (0, 1, 2))
    assert_close(compiled(*point), expected)
    assert identical(compiled(*point), expected)
    # Deterministic: a second compilation writes the same code and the same numbers.
    again = ag.compile(f, (0, 1, 2))
    assert identical(again(*point), compiled(*point))
    assert again.source == compiled.source


@settings(max_examples=60, deadline=None)
@given(
    tree=trees,
    params=st.lists(small, min_size=2, max_size=2),
    samples=st.lists(st.lists(small, min_size=2, max_size=2), min_size=1, max_size=5),
)
def test_random_expressions_over_a_batch_are_the_interpreted_mean(
    tree: object, params: list[float], samples: list[list[float]]
) -> None:
    def f(p: list[Value], x: Value, y: Value) -> Value:
        return Value(0.0) + evaluate(tree, [p[0], x * p[1], y])

    xs = [s[0] for s in samples]
    ys = [s[1] for s in samples]

    def mean(p: list[Value]) -> Value:
        return ag.sum([f(p, Value(x), Value(y)) for x, y in zip(xs, ys)]) / len(xs)

    assume(abs(mean([Value(v) for v in params]).data) < 1e6)
    expected = ag.value_and_grad(mean)(params)
    assert_close(ag.compile(f, batch=(1, 2))(params, xs, ys), expected, floor=1e-14)


# Random DAGs with fan-out through ReLUs: the nested blocks of skipped backward code
# and the gradients they must set to 0.0 for the code outside them.
DAG_OPS: list[Callable[[Value, Value], Value]] = [
    lambda a, b: (a - b).relu(),
    lambda a, b: (a * b).relu(),
    lambda a, b: (a + 0.5).relu() * b,
    lambda a, b: a + b,
    lambda a, b: a * b,
    lambda a, b: (a - b).tanh(),
    lambda a, b: abs(a) - b,
    lambda a, b: a.leaky_relu(0.1) + b,
    lambda a, b: ag.dot([a, b], [b, a]),
]
dags = st.lists(
    st.tuples(st.integers(0, len(DAG_OPS) - 1), st.integers(0, 50), st.integers(0, 50)),
    min_size=1, max_size=14,
)


def run_dag(program: list[tuple[int, int, int]], inputs: list[Value]) -> Value:
    nodes = list(inputs)
    for op, i, j in program:
        nodes.append(DAG_OPS[op](nodes[i % len(nodes)], nodes[j % len(nodes)]))
    return ag.sum(nodes[len(inputs) :][-3:])


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(program=dags, point=st.lists(small, min_size=3, max_size=3))
def test_random_relu_graphs_with_fan_out_compile_to_the_interpreters_results(
    program: list[tuple[int, int, int]], point: list[float]
) -> None:
    def f(x: Value, y: Value, z: Value) -> Value:
        return run_dag(program, [x, y, z])

    assume(abs(f(*map(Value, point)).data) < 1e6)
    expected = ag.value_and_grad(f, (0, 1, 2))(*point)
    assert identical(ag.compile(f, (0, 1, 2))(*point), expected)


@pytest.mark.slow
@settings(max_examples=60, deadline=None)
@given(
    program=dags,
    params=st.lists(small, min_size=2, max_size=2),
    samples=st.lists(small, min_size=1, max_size=6),
)
def test_random_relu_graphs_over_a_batch_are_the_interpreted_mean(
    program: list[tuple[int, int, int]], params: list[float], samples: list[float]
) -> None:
    def f(p: list[Value], x: Value) -> Value:
        return run_dag(program, [p[0], p[1], x])

    def mean(p: list[Value]) -> Value:
        return ag.sum([f(p, Value(x)) for x in samples]) / len(samples)

    assume(abs(mean([Value(v) for v in params]).data) < 1e6)
    expected = ag.value_and_grad(mean)(params)
    assert_close(ag.compile(f, batch=(1,))(params, samples), expected, floor=1e-14)


@pytest.mark.parametrize("x", [-1.5, 0.0, 2.0])
def test_non_smooth_ops_branch_in_the_code_not_at_trace_time(x: float) -> None:
    def f(v: Value, slope: Value) -> Value:
        return v.relu() * 3.0 + abs(v) + v.leaky_relu(slope) * 2.0

    compiled = ag.compile(f, (0, 1))
    compiled(7.0, 0.1)  # traced where every op is on its positive branch
    # Hand-derived: d/dx = 3 [x > 0] + sign(x) + 2 (1 if x > 0 else slope); d/dslope = 2x [x <= 0].
    positive = x > 0
    expected_dx = 3.0 * positive + (x > 0) - (x < 0) + 2.0 * (1.0 if positive else 0.1)
    value, (dx, dslope) = compiled(x, 0.1)
    assert value == pytest.approx(3 * max(x, 0) + abs(x) + 2 * (x if positive else 0.1 * x))
    assert dx == pytest.approx(expected_dx)
    assert dslope == pytest.approx(0.0 if positive else 2 * x)
    assert identical((value, (dx, dslope)), ag.value_and_grad(f, (0, 1))(x, 0.1))


def test_ieee_results_match_the_interpreter() -> None:
    def f(x: Value) -> Value:
        return x.exp() + (x - 800.0).sqrt()

    expected = ag.value_and_grad(f)(800.0)
    assert expected == (math.inf, math.inf)
    assert identical(ag.compile(f)(800.0), expected)


def test_long_sums_are_split_in_the_interpreters_order() -> None:
    values = [1e16, 1.0, -1e16] + [0.1 * k for k in range(1, 2000)]

    def f(xs: list[Value]) -> Value:
        total = ag.sum(xs)
        # One node consumed by 1,000 others: its gradient is a 1,000-term sum.
        return total + ag.sum([total * (k * 1e-3) for k in range(1000)])

    compiled = ag.compile(f)
    value, grads = compiled(values)
    assert identical((value, grads), ag.value_and_grad(f)(values))
    # Every line of the sum holds at most MAX_TERMS terms plus the partial sum.
    assert max(line.count(" + ") for line in compiled.source.splitlines()) <= MAX_TERMS


def test_a_function_returning_an_argument() -> None:
    assert ag.compile(lambda x: x)(2.0) == (2.0, 1.0)
    assert ag.compile(lambda w, x: w, batch=(1,))(2.0, [1.0, 5.0]) == (2.0, 1.0)
    assert ag.compile(lambda w, x: x, batch=(1,))(2.0, [1.0, 5.0]) == (3.0, 0.0)
    assert ag.compile(lambda w, x: w * 0.0 + 4.0)(2.0, 1.0) == (4.0, 0.0)


def test_deep_relu_chains_compile_past_pythons_nesting_limit() -> None:
    def f(x: Value) -> Value:
        for _ in range(60):
            x = (x * 1.01).relu()
        return x

    assert identical(ag.compile(f)(0.5), ag.value_and_grad(f)(0.5))
    assert identical(ag.compile(f)(-0.5), ag.value_and_grad(f)(-0.5))
    assert ag.compile(f)(-0.5) == (0.0, 0.0)


# ---- shapes and calling conventions -------------------------------------------------


def test_lists_and_tuples_come_back_in_their_shape() -> None:
    def f(w: list[Value], b: Value, x: tuple[Value, ...]) -> Value:
        return ag.dot(w, x) + b

    compiled = ag.compile(f, argnums=(0, 1, 2))
    value, (dw, db, dx) = compiled([1.0, 2], 0.5, (3.0, -1.0))
    assert value == 1.5
    assert dw == [3.0, -1.0] and type(dw) is list
    assert db == 1.0 and type(db) is float
    assert dx == (1.0, 2.0) and type(dx) is tuple
    assert ag.compile(f, argnums=1)([1.0, 2.0], 0.5, (3.0, -1.0)) == (1.5, 1.0)


def test_grad_and_value_and_grad_take_the_same_lists() -> None:
    def f(w: list[Value], x: list[Value]) -> Value:
        return ag.dot(w, x).tanh()

    args = ([0.1, -0.4, 0.3], [1.0, 2.0, -1.0])
    value, grads = ag.compile(f)(*args)
    assert ag.value_and_grad(f)(*args) == (value, grads)
    assert ag.grad(f)(*args) == grads


def test_arguments_are_traced_again_when_their_shapes_change() -> None:
    calls = []

    def f(w: list[Value]) -> Value:
        calls.append(len(w))
        return ag.dot(w, w)

    compiled = ag.compile(f)
    assert compiled([1.0, 2.0]) == (5.0, [2.0, 4.0])
    assert compiled([3.0, 0.5]) == (9.25, [6.0, 1.0])
    assert calls == [2]
    assert compiled([1.0, 2.0, 3.0]) == (14.0, [2.0, 4.0, 6.0])
    assert calls == [2, 3]
    assert compiled((1.0, 1.0)) == (2.0, (2.0, 2.0))
    assert calls == [2, 3, 2]
    assert compiled([0.0, 1.0]) == (1.0, [0.0, 2.0])
    assert calls == [2, 3, 2]


def test_batch_labels_and_features_are_inputs_not_constants() -> None:
    calls = []

    def f(w: list[Value], x: list[Value], label: Value) -> Value:
        calls.append(1)
        return (1.0 - label * ag.dot(w, x)).relu()

    compiled = ag.compile(f, batch=(1, 2))
    w = [0.5, -0.25]
    for X, Y in [
        ([[1.0, 2.0], [2.0, -1.0]], [1, -1]),
        ([[1.0, 2.0], [2.0, -1.0], [0.0, 4.0]], [-1, -1, 1]),
    ]:
        def mean(p: list[Value], X: list[list[float]] = X, Y: list[int] = Y) -> Value:
            return ag.sum([f(p, x, y) for x, y in zip(X, Y)]) / len(X)

        expected = ag.value_and_grad(mean)(w)
        calls.clear()
        assert_close(compiled(w, X, Y), expected)
        assert len(calls) <= 1


def test_the_batch_loop_is_in_the_generated_code_and_shared_terms_are_hoisted() -> None:
    def f(w: list[Value], x: list[Value], label: Value) -> Value:
        return (label - ag.dot(w, x)) ** 2 + 0.1 * ag.dot(w, w)

    compiled = ag.compile(f, batch=(1, 2))
    compiled([1.0, 2.0], [[1.0, 0.0], [0.0, 1.0]], [1.0, 0.0])
    lines = compiled.source.splitlines()
    loop = next(i for i, line in enumerate(lines) if line.lstrip().startswith("for "))
    l2 = next(i for i, line in enumerate(lines) if "w_0 * w_0 + w_1 * w_1" in line)
    assert l2 < loop
    assert sum(line.lstrip().startswith("for ") for line in lines) == 1


def test_batch_arguments_are_checked() -> None:
    compiled = ag.compile(lambda w, x, y: w * x * y, batch=(1, 2))
    with pytest.raises(ValueError, match="one item per sample each, got 2 and 3"):
        compiled(1.0, [1.0, 2.0], [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="non-empty list"):
        compiled(1.0, [], [])
    with pytest.raises(ValueError, match=r"argument 1\[1\] must be a list of 2 numbers"):
        compiled(1.0, [[1.0, 2.0], [1.0]], [1.0, 2.0])
    with pytest.raises(ValueError, match="batch position 3 is out of range for 3"):
        ag.compile(lambda w, x, y: w * x * y, batch=(3,))(1.0, [1.0], [1.0])
    with pytest.raises(TypeError, match="batch must be a tuple of argument positions"):
        ag.compile(lambda w, x: w * x, batch=1)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="both differentiated"):
        ag.compile(lambda w, x: w * x, batch=(0,))(1.0, [1.0])


def test_bad_arguments_are_refused_with_their_position() -> None:
    compiled = ag.compile(lambda x, y: x * y)
    with pytest.raises(TypeError, match=r"argument 1 must be a number, got str: 'a'"):
        compiled(1.0, "a")
    with pytest.raises(ValueError, match=r"argument 0\[1\] must be within the float range"):
        ag.compile(lambda w: ag.sum(w))([1, 10**400])
    assert ag.compile(lambda w: ag.sum(w))([1, 2]) == (3.0, [1.0, 1.0])
    with pytest.raises(TypeError, match=r"argument 0\[1\] must be a number, got bool"):
        ag.compile(lambda w: ag.sum(w))([1.0, True])
    with pytest.raises(TypeError, match=r"use ag\.value_and_grad for Values"):
        compiled(Value(1.0), 2.0)
    with pytest.raises(TypeError, match="must return a Value, got float"):
        ag.compile(lambda x: 3.0)(1.0)
    with pytest.raises(ValueError, match="argnums 3 is out of range"):
        ag.compile(lambda x: x, argnums=3)(1.0)
    with pytest.raises(RuntimeError, match="call it once"):
        _ = ag.compile(lambda x: x).source


def test_closed_over_leaves_are_read_at_every_call() -> None:
    w = Value(2.0)
    compiled = ag.compile(lambda x: x * w + w.exp())
    assert compiled(3.0) == (6.0 + math.exp(2.0), 2.0)
    w.data = -1.0
    assert compiled(3.0) == (-3.0 + math.exp(-1.0), -1.0)


def test_wrt_differentiates_a_models_parameters() -> None:
    model = nn.MLP(3, [4, 2], activation="tanh", seed=3)
    params = model.parameters()

    def loss(x: list[Value], target: Value) -> Value:
        out = model(x)
        return (out[0] - target) ** 2 + out[1] * 0.5

    X = [[0.5, -1.0, 2.0], [1.0, 0.0, -0.5]]
    Y = [1.0, -1.0]
    compiled = ag.compile(loss, wrt=params, batch=(0, 1))
    value, grads = compiled(X, Y)
    total = ag.sum([loss(x, y) for x, y in zip(X, Y)]) / 2
    expected = ag.gradients(total, params)
    assert close(value, total.data)
    assert all(close(a, b, 1e-10) for a, b in zip(grads, expected))
    # Parameters are read at each call, not frozen at trace time.
    params[0].data += 1.0
    total = ag.sum([loss(x, y) for x, y in zip(X, Y)]) / 2
    assert close(compiled(X, Y)[0], total.data)
    with pytest.raises(ValueError, match="argnums or wrt, not both"):
        ag.compile(loss, argnums=0, wrt=params)
    with pytest.raises(TypeError, match=r"wrt\[0\] must be a leaf Value"):
        ag.compile(loss, wrt=[params[0] * 2])


def test_aux_outputs_come_back_per_sample() -> None:
    def f(w: list[Value], x: Value) -> tuple[Value, list[Value]]:
        out = [w[0] * x, w[1] + x]
        return out[0] * out[1], out

    compiled = ag.compile(f, batch=(1,), has_aux=True)
    (value, aux), grads = compiled([2.0, 3.0], [1.0, -1.0])
    assert aux == [[2.0, 4.0], [-2.0, 2.0]]
    assert value == (8.0 + -4.0) / 2
    assert grads == [(4.0 + -2.0) / 2, (2.0 + -2.0) / 2]
    (value, aux), grads = ag.compile(f, has_aux=True)([2.0, 3.0], 1.0)
    assert (value, aux, grads) == (8.0, [2.0, 4.0], [4.0, 2.0])


# ---- refusals, hostile labels, errors ------------------------------------------------


@pytest.mark.parametrize(
    "f",
    [
        lambda x: x * 2 if x > 0 else -x,
        lambda x: max(x, x * x),
        lambda x: x if 1.0 <= x else x * 3,  # noqa: SIM300 - the reflected comparison
    ],
)
def test_branching_on_values_is_refused_at_trace_time(f: Callable[[Value], Value]) -> None:
    with pytest.raises(TypeError, match=r"compares Values .*ag\.relu.*ag\.value_and_grad"):
        ag.compile(f)(0.5)
    # Outside compile, comparisons work as before.
    assert ag.value_and_grad(f)(0.5)[0] == f(Value(0.5)).data


HOSTILE = [
    "__import__('os').system('touch PWNED')",
    "x\nimport os; os.system('touch PWNED')\n",
    "g_x",
    "_captured",
    "def",
    "None",
    "1st",
    "w[0]",
    "x  # comment",
    "'''",
    "\\",
    "ключ",
    "a" * 500,
    "",
    "x",
]


def test_hostile_labels_reach_the_code_only_as_plain_identifiers(tmp_path: Path) -> None:
    def f(xs: list[Value]) -> Value:
        nodes = []
        for label, x in zip(HOSTILE, xs):
            x.label = label
            node = (x * 2.0).tanh()
            node.label = label
            nodes.append(node)
        total = ag.sum(nodes)
        total.label = HOSTILE[0]
        return total

    point = [0.1 * k for k in range(len(HOSTILE))]
    compiled = ag.compile(f)
    assert compiled(point) == ag.value_and_grad(f)(point)
    source = compiled.source
    for label in HOSTILE:
        if len(label) > 3 and not label.isidentifier():
            assert label not in source
    assert "'" not in source and '"' not in source
    tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    names = {token.string for token in tokens if token.type == tokenize.NAME}
    comments = {token.string for token in tokens if token.type == tokenize.COMMENT}
    assert all(re.fullmatch(r"# (forward|backward)[a-z ,:]*", c) for c in comments), comments
    for name in names:
        assert re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,45}", name), name
    # The only keywords are the generator's own.
    own = {"def", "for", "in", "if", "not", "else", "return", "None"}
    assert names & set(keyword.kwlist) <= own
    assert "g_x" in names and "x" in names
    assert not list(tmp_path.iterdir()) and not Path("PWNED").exists()


@pytest.mark.parametrize(
    ("f", "point"),
    [
        (lambda x: (x - 2.0).log(), 1.0),
        (lambda x: (x - 2.0).sqrt(), 1.0),
        (lambda x: (x - 2.0).log1p(), -1.0),
        (lambda x: 1.0 / (x - 1.0), 1.0),
        (lambda x: (x - 1.0) ** -1.0, 1.0),
        (lambda x: (x - 2.0) ** 0.5, 1.0),
    ],
)
def test_domain_errors_are_the_interpreters(f: Callable[[Value], Value], point: float) -> None:
    compiled = ag.compile(f)
    compiled(5.0)
    with pytest.raises((ValueError, ZeroDivisionError)) as interpreted:
        ag.value_and_grad(f)(point)
    with pytest.raises(interpreted.type) as raised:
        compiled(point)
    assert str(raised.value) == str(interpreted.value)
    assert "line" not in str(raised.value) and "_checked" not in str(raised.value)


def test_an_error_in_a_batch_names_the_failing_samples_value() -> None:
    compiled = ag.compile(lambda w, x: (w * x).log(), batch=(1,))
    assert compiled(1.0, [1.0, 2.0])[0] == pytest.approx(math.log(2.0) / 2)
    with pytest.raises(ValueError, match=r"^log: expected a positive number, got -3\.0$"):
        compiled(1.0, [1.0, -3.0, 2.0])


def test_every_op_has_code_templates() -> None:
    for op in ag.OPS.values():
        assert op.forward_code, op
        expected = op.arity if op.kind != "reduction" else len(op.derivative_code)
        assert len(op.derivative_code) == expected, op


# ---- nn.train.fit(..., compile=True) -------------------------------------------------


@pytest.mark.parametrize(
    ("loss", "sizes", "make"),
    [
        ("hinge", [8, 1], lambda: nn.data.make_moons(40, noise=0.1, seed=1, signed=True)),
        ("mse", [6, 1], lambda: nn.data.make_moons(40, noise=0.1, seed=2)),
        (
            "binary_cross_entropy_with_logits", [6, 1],
            lambda: nn.data.make_moons(40, noise=0.1, seed=3),
        ),
        (
            "cross_entropy", [6, 3],
            lambda: nn.data.make_blobs(45, centers=[[0, 0], [3, 3], [0, 3]], seed=4),
        ),
    ],
)
@pytest.mark.parametrize("batch_size", [None, 16])
def test_fit_compiled_and_interpreted_histories_agree(
    loss: str, sizes: list[int], make: Callable[[], Any], batch_size: int | None
) -> None:
    X, y = make()
    runs = []
    for compiled in (True, False):
        model = nn.MLP(2, sizes, seed=7)
        history = nn.train.fit(
            model, X, y, loss=loss, epochs=6, batch_size=batch_size, seed=0, l2=1e-3,
            optimizer=nn.optim.SGD(model.parameters(), lr=0.2), progress=False,
            compile=compiled,
        )
        runs.append((history, [p.data for p in model.parameters()]))
    (compiled_history, compiled_params), (history, params) = runs
    for name, values in history.records.items():
        assert compiled_history[name] == pytest.approx(values, rel=1e-9, abs=1e-12), name
    assert compiled_history.final == pytest.approx(history.final, rel=1e-9)
    assert compiled_params == pytest.approx(params, rel=1e-9, abs=1e-12)


class _Branching(nn.Module[Value]):
    def __init__(self) -> None:
        self.w = [Value(0.5), Value(-0.3)]

    def forward(self, x: list[Value]) -> Value:
        z = ag.dot(self.w, x)
        return z if z > 0 else z * 0.5


def test_fit_falls_back_with_one_line_when_it_cannot_compile(
    capsys: pytest.CaptureFixture[str],
) -> None:
    X, y = nn.data.make_moons(20, noise=0.1, seed=5, signed=True)

    def custom(outputs: list[Any], targets: list[Any]) -> Value:
        return nn.losses.hinge(outputs, targets)

    for model, loss, reason in [
        (nn.MLP(2, [4, 1], seed=1), custom, "the loss is a loss function"),
        (_Branching(), "hinge", "_Branching branches on Values"),
    ]:
        fitted = nn.train.fit(model, X, y, loss=loss, epochs=2)
        notes = [line for line in capsys.readouterr().err.splitlines() if "not compiled" in line]
        assert notes == [f"fit: not compiled ({reason}, not one of mse, hinge, "
                         "binary_cross_entropy_with_logits, cross_entropy); interpreting"
                         if loss is custom else f"fit: not compiled ({reason}); interpreting"]
        assert fitted.epochs == 2
    nn.train.fit(_Branching(), X, y, loss="hinge", epochs=1, progress=False)
    assert capsys.readouterr().err == ""


def test_fit_checks_targets_before_compiling() -> None:
    X, y = nn.data.make_moons(10, seed=0)
    with pytest.raises(ValueError, match="hinge: targets"):
        nn.train.fit(nn.MLP(2, [2, 1], seed=0), X, y, loss="hinge", progress=False)


# ---- the command line -------------------------------------------------------------------


def test_grad_source_prints_the_generated_code_that_computes_the_same_numbers(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["grad", "relu(x*w + b) + log(x)", "x=0.5", "w=-1.5", "b=2", "--source"]) == 0
    out = capsys.readouterr().out
    printed, source = out.split("\n\n", 1)
    assert source.startswith("def f(x, w, b):\n")
    assert "if not " in source and "_checked_log(x)" in source
    namespace: dict[str, Any] = dict(RUNTIME)
    exec(source, namespace)
    value, _, grads = namespace["f"](0.5, -1.5, 2.0)
    # Hand-derived: relu(1.25) + log(0.5); d/dx = w + 1/x, d/dw = x, d/db = 1.
    assert value == pytest.approx(1.25 + math.log(0.5))
    assert grads == pytest.approx([-1.5 + 2.0, 0.5, 1.0])
    assert f"df/dx = {grads[0]!r}" in printed


def test_grad_source_of_a_constant_expression(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["grad", "2 + 3", "--source"]) == 0
    assert "def f():" in capsys.readouterr().out


def test_a_trace_refuses_comparisons_in_its_own_thread_only() -> None:
    tracing, compared = threading.Event(), threading.Event()
    results: list[object] = []

    def f(w: list[Value]) -> Value:
        tracing.set()
        assert compared.wait(10)
        return ag.dot(w, w)

    def compare() -> None:
        assert tracing.wait(10)
        try:
            results.append(Value(1.0) < Value(2.0))
        except TypeError as error:
            results.append(error)
        compared.set()

    other = threading.Thread(target=compare)
    other.start()
    assert ag.compile(f)([1.0, 2.0]) == (5.0, [2.0, 4.0])
    other.join()
    assert results == [True]


def test_threads_share_a_compiled_function() -> None:
    compiled = ag.compile(lambda w: ag.dot(w, w))
    failures: list[BaseException] = []

    def work(size: int) -> None:
        try:
            for _ in range(50):
                w = [float(k) for k in range(size)]
                assert compiled(w) == (sum(k * k for k in range(size)), [2.0 * k for k in w])
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=work, args=(size,)) for size in (2, 3, 4, 5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []


@pytest.mark.slow
def test_generated_lines_show_in_tracebacks_and_are_released() -> None:
    compiled = ag.compile(lambda x: (x - 2.0).log())
    compiled(3.0)
    with pytest.raises(ValueError) as raised:
        compiled(1.0)
    frames = [entry for entry in raised.traceback if "ag.compile" in str(entry.path)]
    assert frames and "_checked_log" in str(frames[0].statement)
    filename = str(frames[0].path)
    assert filename in linecache.cache
    del compiled, raised, frames
    gc.collect()
    assert filename not in linecache.cache


# ---- compile time grows linearly ------------------------------------------------------

COMPILER_FILES = {
    str(Path(ag.__file__).with_name(name)) for name in ("codegen.py", "compiler.py")
}


@contextmanager
def counting_compiler_lines() -> Iterator[list[int]]:
    """Count the lines of autograd_lite's compiler (codegen.py, compiler.py) that run.

    The work the compiler does, counted rather than timed, so a loaded machine
    cannot fail the test or hide a quadratic walk.
    """
    count = [0]

    def line(frame: FrameType, event: str) -> None:
        if event == "line":
            count[0] += 1

    with traced(lambda frame: frame.f_code.co_filename in COMPILER_FILES, line):
        yield count


def compiler_lines(f: Callable[[Value], Value]) -> int:
    compiled = ag.compile(f)
    with counting_compiler_lines() as count:
        compiled(0.5)  # the first call traces, generates and compiles
    return count[0]


def shared_input(levels: int) -> Callable[[Value], Value]:
    """One input feeding every level of a chain, as x does in Horner's rule."""

    def f(x: Value) -> Value:
        y = x
        for _ in range(levels):
            y = y + x
        return y

    return f


def shared_input_below_a_sigmoid(levels: int) -> Callable[[Value], Value]:
    """The same under one more node: x's consumers meet below the root."""
    chain = shared_input(levels)

    def f(x: Value) -> Value:
        return chain(x).sigmoid()

    return f


def shared_label(steps: int) -> Callable[[Value], Value]:
    """A recurrent net's state, every step's node labelled h."""

    def f(x: Value) -> Value:
        h = x
        for _ in range(steps):
            h = (h * 0.5 + 0.25).tanh()
            h.label = "h"
        return h

    return f


@pytest.mark.slow
@pytest.mark.parametrize("shape", [shared_input, shared_input_below_a_sigmoid, shared_label])
def test_compiling_grows_linearly_with_the_graph(
    shape: Callable[[int], Callable[[Value], Value]],
) -> None:
    # Four times the graph: four times the work, not sixteen. Before the fix, the
    # dominator walk climbed the whole chain for every level (shared_input: 13.6 times
    # the work here) and the name allocator tried h_2, h_3, ... afresh for every h
    # (shared_label: 10 times).
    small, large = compiler_lines(shape(300)), compiler_lines(shape(1200))
    assert large / small < 5.0, (small, large)


@pytest.mark.slow
def test_a_deep_chain_with_a_shared_input_compiles_to_the_interpreters_results() -> None:
    f = shared_input(3000)
    compiled = ag.compile(f)
    assert compiled(0.25) == ag.value_and_grad(f)(0.25) == (0.25 * 3001, 3001.0)
    g = shared_label(3000)
    compiled = ag.compile(g)
    assert identical(compiled(0.25), ag.value_and_grad(g)(0.25))
    assert "\n    h_3000 = _tanh(" in compiled.source and "\n    g_h_2999 = " in compiled.source


def test_names_shared_by_many_nodes_are_numbered_in_order() -> None:
    def f(x: Value) -> Value:
        y = x
        for label in ["h", "h_3", "h", "h", "h", "h_2_2", "h_2"]:
            y = y * 1.5
            y.label = label
        return y

    compiled = ag.compile(f)
    assert compiled(2.0) == ag.value_and_grad(f)(2.0)
    targets = [line.split(" = ")[0].strip() for line in compiled.source.splitlines()[2:9]]
    # The first h keeps its name; later ones take the next free count, past h_3.
    assert targets == ["h", "h_3", "h_2", "h_4", "h_5", "h_2_2", "h_2_3"]


def naive_meet(a: Value, b: Value, parent: dict[Value, Value]) -> Value:
    ancestors = {a}
    while parent[a] is not a:
        a = parent[a]
        ancestors.add(a)
    while b not in ancestors:
        b = parent[b]
    return b


@pytest.mark.parametrize("seed", range(20))
def test_the_dominator_trees_meet_is_the_nearest_common_ancestor(seed: int) -> None:
    rng = random.Random(seed)
    root = Value(0.0)
    dominator, depth, jump = {root: root}, {root: 0}, {root: root}
    nodes = [root]
    for _ in range(rng.choice([10, 100, 600])):
        # Mostly long chains with branches, where the jump pointers matter.
        parent = nodes[-1] if rng.random() < 0.8 else rng.choice(nodes)
        node = Value(0.0)
        codegen._attach(node, parent, dominator, depth, jump)
        nodes.append(node)
    for _ in range(300):
        a, b = rng.choice(nodes), rng.choice(nodes)
        assert codegen._meet(a, b, dominator, depth, jump) is naive_meet(a, b, dominator)


deep_dags = st.lists(
    st.tuples(st.integers(0, 8), st.integers(0, 200), st.integers(0, 200)),
    min_size=20, max_size=80,
)


@pytest.mark.slow
@settings(max_examples=60, deadline=None)
@given(program=deep_dags, point=st.lists(st.floats(-2.0, 2.0), min_size=3, max_size=3))
def test_deep_relu_graphs_with_fan_out_compile_to_the_interpreters_results(
    program: list[tuple[int, int, int]], point: list[float]
) -> None:
    def f(x: Value, y: Value, z: Value) -> Value:
        return run_dag(program, [x, y, z])

    expected = ag.value_and_grad(f, (0, 1, 2))(*point)
    assume(all(math.isfinite(v) for v in [expected[0], *expected[1]]))
    assert identical(ag.compile(f, (0, 1, 2))(*point), expected)


# ---- a branch on a Value's truth is refused -------------------------------------------

TRUTH = r"tests the truth of a Value .*compares Values .*ag\.relu.*ag\.value_and_grad"


@pytest.mark.parametrize(
    ("f", "argument"),
    [
        (lambda x: x * 2 if x else x * 3, 0.5),
        (lambda x: x * 2 if x else x * 3, 0.0),
        (lambda x: [x, x * 2][not x], 0.5),
        (lambda x: x and x * 2, 0.5),
        (lambda x: x or x * 2, 0.0),
        (lambda w: w[0] * 2 if w[1] else w[0], [1.0, 2.0]),
    ],
    ids=["if", "if zero", "not", "and", "or", "list item"],
)
def test_branching_on_a_values_truth_is_refused_at_trace_time(
    f: Callable[[Any], Value], argument: Any
) -> None:
    with pytest.raises(TypeError, match=TRUTH):
        ag.compile(f)(argument)


def test_a_batch_samples_truth_is_refused() -> None:
    with pytest.raises(TypeError, match=TRUTH) as raised:
        ag.compile(lambda w, x: w * x if x else w, batch=(1,))(1.0, [2.0, 0.0])
    assert "(2.0 != 0)" in str(raised.value)


@pytest.mark.skipif(
    getattr(Value, "__bool__", None) is None, reason="the engine's Value has no __bool__"
)
def test_the_truth_of_any_value_is_refused_while_traced() -> None:
    # The engine tells the comparison hook of a truth test, as `v != 0`.
    w = Value(2.0)
    for f in [lambda x: x if x - 1.0 else x * 3, lambda x: x if w else x * 3]:
        with pytest.raises(TypeError, match=TRUTH):
            ag.compile(f)(1.0)


def test_the_traced_arguments_are_values_again_after_the_trace() -> None:
    kept: list[Value] = []

    def f(x: Value) -> Value:
        kept.append(x)
        return x * 2

    assert ag.compile(f)(0.0) == (0.0, 2.0)
    assert isinstance(kept[0], Value)
    engine_bool = getattr(Value, "__bool__", None)
    assert bool(kept[0]) is (True if engine_bool is None else engine_bool(Value(0.0)))


class _TruthBranching(nn.Module[Value]):
    def __init__(self) -> None:
        self.w = [Value(0.5), Value(-0.3)]

    def forward(self, x: list[Value]) -> Value:
        z = ag.dot(self.w, x)
        return z if x[0] else z * 0.5


def test_fit_interprets_a_model_that_branches_on_a_values_truth(
    capsys: pytest.CaptureFixture[str],
) -> None:
    X, y = nn.data.make_moons(20, noise=0.1, seed=5, signed=True)
    fitted = nn.train.fit(_TruthBranching(), X, y, loss="hinge", epochs=2)
    notes = [line for line in capsys.readouterr().err.splitlines() if "not compiled" in line]
    assert notes == ["fit: not compiled (_TruthBranching branches on Values); interpreting"]
    assert fitted.epochs == 2


# ---- the sign of zero -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("f", "point"),
    [
        (lambda x: x * -0.0, 3.0),
        (lambda x: -abs(x), 0.0),
        (lambda x: -abs(x), -0.0),
        (lambda x: x * 0.0, -3.0),
        (lambda x: -(x * 0.0), 3.0),
        (lambda x: (x * -1e-200) * 1e-200, 1.0),
        (lambda x: ag.dot([x, x], [-0.0, -0.0]), 1.0),
        (lambda x: x.relu() * -1.0, 0.0),
        (lambda x: x.leaky_relu(-0.0) + x.leaky_relu(-0.0), -1.0),
    ],
    ids=[
        "times -0.0", "-abs at 0.0", "-abs at -0.0", "times 0.0", "-(times 0.0)",
        "underflow", "dot", "relu off", "leaky slope -0.0",
    ],
)
def test_a_zero_gradient_has_the_interpreters_sign(
    f: Callable[[Value], Value], point: float
) -> None:
    expected = ag.value_and_grad(f)(point)
    assert expected[1] == 0.0 and math.copysign(1.0, expected[1]) == 1.0
    assert identical(ag.compile(f)(point), expected), (ag.compile(f)(point), expected)


def test_zero_gradients_of_list_arguments_have_the_interpreters_sign() -> None:
    def neuron(w: list[Value], x: list[Value]) -> Value:
        return ag.tanh(ag.dot(w, [*x, 1.0]))

    args = ([0.5, -1.0, 0.1], [-0.0, 1.0])
    expected = ag.value_and_grad(neuron, (0, 1))(*args)
    assert identical(ag.compile(neuron, (0, 1))(*args), expected)
    assert repr(expected[1][0][0]) == "0.0"


SIGNED = st.sampled_from([0.0, -0.0, 1.0, -1.0, 0.5, -2.0])


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(tree=trees, point=st.lists(SIGNED, min_size=3, max_size=3))
def test_random_trees_at_signed_zeros_compile_to_the_interpreters_bits(
    tree: object, point: list[float]
) -> None:
    def f(x: Value, y: Value, z: Value) -> Value:
        return evaluate(tree, [x, y, z])

    expected = ag.value_and_grad(f, (0, 1, 2))(*point)
    assert identical(ag.compile(f, (0, 1, 2))(*point), expected)


@settings(max_examples=200, deadline=None)
@given(
    program=st.lists(
        st.tuples(st.integers(0, 8), st.integers(0, 50), st.integers(0, 50)),
        min_size=1, max_size=14,
    ),
    point=st.lists(SIGNED, min_size=3, max_size=3),
)
@pytest.mark.slow
def test_random_relu_graphs_at_signed_zeros_compile_to_the_interpreters_bits(
    program: list[tuple[int, int, int]], point: list[float]
) -> None:
    def f(x: Value, y: Value, z: Value) -> Value:
        return run_dag(program, [x, y, z])

    expected = ag.value_and_grad(f, (0, 1, 2))(*point)
    assume(abs(expected[0]) < 1e6)
    assert identical(ag.compile(f, (0, 1, 2))(*point), expected)


# ---- callables with odd names ---------------------------------------------------------


class _Named:
    def __init__(self, name: object) -> None:
        self.__name__ = name

    def __call__(self, x: Value) -> Value:
        return x * 2.0


class _NameRaises:
    @property
    def __name__(self) -> str:
        raise RuntimeError("no name")

    def __call__(self, x: Value) -> Value:
        return x * 2.0


@pytest.mark.parametrize(
    "f",
    [_Named(3), _Named(None), _Named(b"name"), _NameRaises()],
    ids=["int", "None", "bytes", "raises"],
)
def test_a_callable_whose_name_is_not_a_str_compiles_as_f(f: Callable[[Value], Value]) -> None:
    compiled = ag.compile(f)
    assert compiled(1.5) == (3.0, 2.0)
    assert compiled.__name__ == "f"
    assert compiled.source.startswith("def f(")


def test_a_callable_named_by_a_str_keeps_its_name() -> None:
    compiled = ag.compile(_Named("double it"))
    assert compiled(1.5) == (3.0, 2.0)
    assert compiled.__name__ == "double it"
    assert compiled.source.startswith("def double_it(x):\n")
