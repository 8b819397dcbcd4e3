"""ag.compile against hostile inputs, round two (issue 18): graph shapes that made it
quadratic, branches on a Value's truth, the sign of zero, callables with odd names."""

import math
import random
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
from tests.test_compile import identical, run_dag
from tests.test_properties import evaluate, trees
from tests.tracing import traced

# ---- compile time grows linearly (finding 2) ------------------------------------------

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


# ---- a branch on a Value's truth is refused (finding 3) -------------------------------

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


# ---- the sign of zero (finding 4) -----------------------------------------------------


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


# ---- callables with odd names (finding 8) ---------------------------------------------


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
