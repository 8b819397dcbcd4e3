"""trace_backward: chain-rule steps against hand-computed numbers, grads against backward."""

import functools
import random
from collections.abc import Callable

import pytest

import autograd_lite as ag
from autograd_lite import Value


def loss_graph() -> dict[str, Value]:
    """L = (a*b + c) * f at a=2, b=-3, c=10, f=-2; d = a*b = -6, e = d + c = 4, L = -8.

    By hand: dL/de = f = -2, dL/df = e = 4, dL/dd = dL/dc = dL/de * 1 = -2,
    dL/da = dL/dd * b = 6, dL/db = dL/dd * a = -4.
    """
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    c, f = Value(10.0, label="c"), Value(-2.0, label="f")
    d = a * b
    d.label = "d"
    e = d + c
    e.label = "e"
    loss = e * f
    loss.label = "L"
    return {"a": a, "b": b, "c": c, "d": d, "e": e, "f": f, "L": loss}


# (node, parent) -> (upstream dL/dnode, local dnode/dparent, contribution), by hand.
HAND_STEPS = {
    ("L", "e"): (1.0, -2.0, -2.0),
    ("L", "f"): (1.0, 4.0, 4.0),
    ("e", "d"): (-2.0, 1.0, -2.0),
    ("e", "c"): (-2.0, 1.0, -2.0),
    ("d", "a"): (-2.0, -3.0, 6.0),
    ("d", "b"): (-2.0, 2.0, -4.0),
}
HAND_GRADS = {"L": 1.0, "e": -2.0, "f": 4.0, "d": -2.0, "c": -2.0, "a": 6.0, "b": -4.0}


def test_steps_match_the_chain_rule_by_hand() -> None:
    values = loss_graph()
    trace = ag.trace_backward(values["L"])
    assert len(trace) == len(HAND_STEPS)
    seen = {}
    for step in trace:
        seen[(step.node.label, step.parent.label)] = (
            step.upstream,
            step.local_grad,
            step.contribution,
        )
        assert step.parent_grad == HAND_GRADS[step.parent.label]  # one contribution each
    assert seen == HAND_STEPS
    for name, grad in HAND_GRADS.items():
        assert values[name].grad == grad


def test_steps_are_in_the_order_applied() -> None:
    trace = ag.trace_backward(loss_graph()["L"])
    assert [step.index for step in trace] == list(range(len(trace)))
    # A node passes its grad on only once every contribution to it has arrived,
    # and it does so to its parents in order.
    for k, step in enumerate(trace):
        later_into_node = [s for s in trace[k + 1 :] if s.parent is step.node]
        assert later_into_node == []
    order = [(s.node.label, s.parent.label) for s in trace]
    assert order.index(("L", "e")) + 1 == order.index(("L", "f"))
    assert order.index(("d", "a")) + 1 == order.index(("d", "b"))


def test_a_step_reads_as_the_chain_rule_with_numbers() -> None:
    trace = ag.trace_backward(loss_graph()["L"])
    by_edge = {(s.node.label, s.parent.label): s for s in trace}
    # The local part is the derivative of the node's expression: d(a*b)/da, never dd/da,
    # so that dL/dL (a grad) and d(e*f)/df (a local derivative) read differently.
    assert str(by_edge[("d", "a")]) == "dL/da += dL/dd * d(a*b)/da = -2.0000 * -3.0000 = 6.0000"
    assert by_edge[("L", "f")].describe(1) == "dL/df += dL/dL * d(e*f)/df = 1.0 * 4.0 = 4.0"
    assert by_edge[("d", "a")].rule() == "dL/da += dL/dd * d(a*b)/da"


def test_each_step_explains_its_local_derivative_by_the_ops_rule() -> None:
    trace = ag.trace_backward(loss_graph()["L"])
    by_edge = {(s.node.label, s.parent.label): s for s in trace}
    # d(a*b)/da = b = -3; d(e*f)/de = f = -2; d(d + c)/dc = 1.
    assert by_edge[("d", "a")].local_rule().text() == "d(a*b)/da = b = -3.0000"
    assert by_edge[("L", "e")].local_rule().text() == "d(e*f)/de = f = -2.0000"
    assert by_edge[("e", "c")].local_rule().text() == "d(d + c)/dc = 1"
    step = by_edge[("d", "b")]
    assert trace.explain(step.index) == [
        "d(a*b)/db = a = 2.0000",
        "dL/db += dL/dd * d(a*b)/db = -2.0000 * 2.0000 = -4.0000",
    ]


def test_fan_out_accumulates_step_by_step() -> None:
    """y = x*x + x at x=3: dy/dx = 2x + 1 = 7, from contributions 1, 3 and 3."""
    x = Value(3.0, label="x")
    square = x * x
    y = square + x
    y.label = "y"
    trace = ag.trace_backward(y)
    into_x = [s for s in trace if s.parent is x]
    assert sorted(s.contribution for s in into_x) == [1.0, 3.0, 3.0]
    # y passes 1 to x first; then x*x passes x * 1 = 3 through each of its two slots.
    assert [s.parent_grad for s in into_x] == [1.0, 4.0, 7.0]
    assert x.grad == 7.0


def test_unlabelled_nodes_are_named_by_their_expressions_as_in_the_graph() -> None:
    x = Value(3.0)
    y = x.tanh() * 2
    trace = ag.trace_backward(y)
    # The unlabelled leaf is v1; the nodes made from it read as what they compute.
    assert [(s.node_name, s.parent_name) for s in trace] == [
        ("tanh(v1)*2", "tanh(v1)"),
        ("tanh(v1)", "v1"),
    ]
    # After a d, a name that is not one word is bracketed.
    out, t = "(tanh(v1)*2)", "(tanh(v1))"
    local = 1 - x.tanh().data ** 2
    first, second = str(trace[0]), str(trace[1])
    assert first.startswith(f"d{out}/d{t} += d{out}/d{out} * ")
    assert first.endswith(" = 1.0000 * 2.0000 = 2.0000")
    assert second.startswith(f"d{out}/dv1 += d{out}/d{t} * ")
    assert second.endswith(f" = 2.0000 * {local:.4f} = {2 * local:.4f}")
    source = trace.graph(0).source
    assert 'v0 [label="{ v1 |' in source
    assert 'v1 [label="{ tanh(v1) |' in source
    assert 'v2 [label="{ tanh(v1)*2 |' in source


def test_an_unlabelled_neuron_reads_as_its_expression() -> None:
    x1, w1, b = Value(2.0, label="x1"), Value(-3.0, label="w1"), Value(1.0, label="b")
    n = x1 * w1 + b
    trace = ag.trace_backward(n.tanh())
    assert trace.names[n] == "x1*w1 + b"
    root = "d(tanh(x1*w1 + b))"
    assert str(trace[0]).startswith(f"{root}/d(x1*w1 + b) += ")
    assert trace[-1].rule().startswith(f"{root}/dw1 += {root}/d(x1*w1) * ")


def test_names_with_operators_are_parenthesised() -> None:
    a, b = Value(2.0, label="x1*w1"), Value(1.0, label="b")
    n = a + b
    n.label = "n"
    trace = ag.trace_backward(n)
    assert str(trace[0]) == (
        "dn/d(x1*w1) += dn/dn * d(x1*w1 + b)/d(x1*w1) = 1.0000 * 1.0000 = 1.0000"
    )


def random_graph(seed: int) -> tuple[list[Value], Value]:
    """A random expression over a few inputs, with reuse, dot, sum and unary ops."""
    rng = random.Random(seed)
    nodes = [Value(rng.uniform(-1.5, 1.5), label=f"x{i}") for i in range(4)]
    for _ in range(25):
        kind = rng.choice(["add", "mul", "sub", "tanh", "sin", "dot", "sum", "square"])
        a, b = rng.choice(nodes), rng.choice(nodes)
        if kind == "add":
            nodes.append(a + b)
        elif kind == "mul":
            nodes.append(a * b)
        elif kind == "sub":
            nodes.append(a - b * 0.5)
        elif kind == "tanh":
            nodes.append(a.tanh())
        elif kind == "sin":
            nodes.append(a.sin())
        elif kind == "dot":
            nodes.append(ag.dot([a, b], [b, 0.3]))
        elif kind == "sum":
            nodes.append(ag.sum(rng.sample(nodes, 3)))
        else:
            nodes.append(a**2)
    return nodes, ag.sum(nodes[-6:])


Builder = Callable[[], tuple[list[Value], Value]]


def neuron() -> tuple[list[Value], Value]:
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2, b = Value(-3.0, label="w1"), Value(1.0, label="w2"), Value(6.8813735870195432)
    return [x1, x2, w1, w2, b], (x1 * w1 + x2 * w2 + b).tanh()


BUILDERS: list[tuple[str, Builder]] = [("neuron", neuron)] + [
    (f"random{seed}", functools.partial(random_graph, seed)) for seed in range(8)
]


@pytest.mark.parametrize("gradient", [1.0, -2.5])
@pytest.mark.parametrize(("name", "build"), BUILDERS)
def test_grads_equal_backward_on_a_copy_of_the_graph(
    name: str, build: Builder, gradient: float
) -> None:
    _, traced_root = build()
    _, plain_root = build()
    traced_order = ag.topological_order(traced_root)
    plain_order = ag.topological_order(plain_root)
    assert [n.data for n in traced_order] == [n.data for n in plain_order]

    ag.trace_backward(traced_root, gradient)
    plain_root.backward(gradient)
    assert [n.grad for n in traced_order] == [n.grad for n in plain_order]

    # Accumulation across calls, and on top of grads set beforehand, as backward does.
    for traced, plain in zip(traced_order[::3], plain_order[::3]):
        traced.grad += 0.25
        plain.grad += 0.25
    second = ag.trace_backward(traced_root, gradient)
    plain_root.backward(gradient)
    assert [n.grad for n in traced_order] == [n.grad for n in plain_order]
    assert second.accumulated
    assert "backward added them to the grads already there" in str(second)


def test_grads_match_central_differences() -> None:
    inputs, root = neuron()
    ag.trace_backward(root)

    def f(x1: Value, x2: Value, w1: Value, w2: Value, b: Value) -> Value:
        return (x1 * w1 + x2 * w2 + b).tanh()

    point = [v.data for v in inputs]
    assert ag.gradcheck(f, point)
    assert tuple(v.grad for v in inputs) == ag.grad(f, argnums=(0, 1, 2, 3, 4))(*point)


def test_the_text_explains_every_step() -> None:
    trace = ag.trace_backward(loss_graph()["L"])
    lines = str(trace).splitlines()
    assert lines[0] == "backward from L, dL/dL = 1.0000: 6 steps"
    # Per step: a heading, the local derivative, the chain rule (no grad here gets two
    # contributions, so no running sum).
    assert len(lines) == 1 + 3 * len(trace)
    for k, step in enumerate(trace):
        heading, local, chain = lines[1 + 3 * k : 4 + 3 * k]
        assert heading == f"step {k}: from {step.node.label} back to {step.parent.label}"
        assert local == "  " + step.local_rule().text()
        assert chain == "  " + str(step)
        assert chain.endswith(f"= {HAND_STEPS[(step.node.label, step.parent.label)][2]:.4f}")
    assert not trace.accumulated
    # No line is so long that a notebook at 1,000 px wraps it inside a number.
    assert max(len(line) for line in lines) < 100


def test_html_table_escapes_names() -> None:
    a = Value(1.0, label="<a>")
    out = a * 3
    out.label = "L"
    page = ag.trace_backward(out)._repr_html_()
    assert page.startswith("<table")
    assert "<td>d((&lt;a&gt;)*3)/d(&lt;a&gt;) = 3</td>" in page
    assert "<td>dL/d(&lt;a&gt;) = 3.0000</td>" in page
    assert "<a>" not in page


def test_indexing_slicing_iteration() -> None:
    trace = ag.trace_backward(loss_graph()["L"])
    assert trace[-1] is trace[len(trace) - 1]
    assert trace[1:3] == (trace[1], trace[2])
    assert list(trace) == list(trace.steps)
    assert trace[0].edge == (trace[0].parent, trace[0].node)
    with pytest.raises(IndexError):
        trace[6]
    assert repr(trace) == "<BackwardTrace of 6 steps from L>"


def test_graph_after_step_k_highlights_its_edge_and_shows_pending_grads() -> None:
    values = loss_graph()
    trace = ag.trace_backward(values["L"])
    first = trace[0]
    assert (first.node.label, first.parent.label) == ("L", "e")
    source = trace.graph(0).source
    # After step 0 only L (seed) and e have grads; everything else is pending.
    assert 'label="{ L | data -8.0000 | grad 1.0000 }"' in source
    assert 'label="{ e | data 4.0000 | grad -2.0000 }"' in source
    assert source.count("grad ?") == 5
    assert source.count('color="#d62728"') == 3  # op node, in-edge, out-edge
    assert 'v4 -> v6op [color="#d62728" penwidth=2.5]' in source  # e -> (*) -> L
    assert 'v6op -> v6 [color="#d62728" penwidth=2.5]' in source
    last = trace.graph(-1).source
    assert "grad ?" not in last
    assert 'label="{ b | data -3.0000 | grad -4.0000 }"' in last
    assert trace.grads_after(len(trace) - 1) == {values[n]: g for n, g in HAND_GRADS.items()}


def test_graph_step_out_of_range_or_not_an_int() -> None:
    trace = ag.trace_backward(loss_graph()["L"])
    with pytest.raises(IndexError, match="step 6 is out of range for a trace of 6 steps"):
        trace.graph(6)
    with pytest.raises(TypeError, match="step number must be an int"):
        trace.graph(1.0)  # type: ignore[arg-type]


def test_a_leaf_root_has_no_steps() -> None:
    x = Value(4.0, label="x")
    trace = ag.trace_backward(x, 3.0)
    assert len(trace) == 0
    assert x.grad == 3.0
    assert str(trace) == "backward from x, dx/dx = 3.0000: 0 steps"
    with pytest.raises(IndexError):
        trace.graph(0)


def test_bad_input_is_refused() -> None:
    with pytest.raises(TypeError, match="root must be a Value, got int"):
        ag.trace_backward(3)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="gradient must be a real number, got str"):
        ag.trace_backward(Value(1.0), "1")  # type: ignore[arg-type]


def test_a_networks_text_breaks_long_lines_before_their_equals_signs() -> None:
    from autograd_lite import nn

    model = nn.MLP(3, [4, 4, 1], activation="tanh", seed=0)
    loss = (model([0.5, -1.0, 2.0]) - 1.0) ** 2
    loss.label = "L"
    trace = ag.trace_backward(loss)
    lines = str(trace).splitlines()
    # A notebook shows about 110 characters at 1,000 px: nothing wraps inside a number.
    assert max(len(line) for line in lines) <= 100
    # The broken lines still say the same words, in order.
    joined = " ".join(line.strip() for line in lines)
    for step in trace:
        assert " ".join(trace.explain(step.index)[1].split()) in joined
