"""naming: every node's name, written by hand for small graphs, and d(name)."""

import operator
import random

import pytest

import autograd_lite as ag
from autograd_lite import Value, naming, render
from autograd_lite.naming import d, node_names, plain


def names_of(root: Value) -> list[str]:
    """The names of the graph ending at `root`, in topological order."""
    order = ag.topological_order(root)
    names = node_names(order)
    return [names[node] for node in order]


def name_of(node: Value, root: Value) -> str:
    """The name of `node` in the graph ending at `root`."""
    return node_names(ag.topological_order(root))[node]


def own_name(root: Value) -> str:
    """The name of `root` in its own graph."""
    return name_of(root, root)


def labelled(*labels: str) -> list[Value]:
    return [Value(float(i + 1), label=label) for i, label in enumerate(labels)]


# --- labels ---------------------------------------------------------------------------


def test_a_labelled_node_is_its_label() -> None:
    x, w = labelled("x", "w")
    y = x * w
    y.label = "y"
    assert names_of(y) == ["x", "w", "y"]


def test_a_shared_label_is_numbered_in_topological_order() -> None:
    a, b, c = labelled("x", "x", "x")
    total = ag.sum([a, b, c])
    assert [name_of(v, total) for v in (a, b, c)] == ["x", "x#2", "x#3"]


def test_a_numbered_label_skips_a_label_that_is_already_that_name() -> None:
    # The second "a" would be a#2, which a third node carries as its own label.
    a, other_a, a2 = labelled("a", "a", "a#2")
    total = ag.sum([a, other_a, a2])
    assert [name_of(v, total) for v in (a, other_a, a2)] == ["a", "a#3", "a#2"]
    assert own_name(total) == "a + a#3 + a#2"


# --- expressions ----------------------------------------------------------------------


def test_micrograds_neuron_is_named_as_karpathy_labelled_it_by_hand() -> None:
    x1, x2, w1, w2 = labelled("x1", "x2", "w1", "w2")
    b = Value(6.8813735870195432, label="b")
    x1w1, x2w2 = x1 * w1, x2 * w2
    x1w1x2w2 = x1w1 + x2w2
    n = x1w1x2w2 + b
    n.label = "n"
    o = n.tanh()
    names = node_names(ag.topological_order(o))
    assert [names[v] for v in (x1w1, x2w2, x1w1x2w2, n, o)] == [
        "x1*w1",
        "x2*w2",
        "x1*w1 + x2*w2",
        "n",
        "tanh(n)",
    ]


def test_the_same_neuron_with_micrograds_labels_keeps_them() -> None:
    x1, x2, w1, w2, b = labelled("x1", "x2", "w1", "w2", "b")
    x1w1, x2w2 = x1 * w1, x2 * w2
    x1w1.label, x2w2.label = "x1*w1", "x2*w2"
    x1w1x2w2 = x1w1 + x2w2
    x1w1x2w2.label = "x1*w1 + x2*w2"
    n = x1w1x2w2 + b
    # A label written as a product stands in a sum without brackets, one with a
    # space does not.
    assert own_name(n) == "(x1*w1 + x2*w2) + b"
    assert own_name(x1w1 + b) == "x1*w1 + b"
    assert own_name(x1w1 * 2) == "(x1*w1)*2"


def test_unlabelled_leaves_are_v1_v2_in_topological_order() -> None:
    a, b = Value(2.0), Value(3.0)
    y = a * b + a
    assert names_of(y) == ["v1", "v2", "v1*v2", "v1*v2 + v1"]


@pytest.mark.parametrize(
    ("build", "name"),
    [
        (lambda a, b, c: a + b, "a + b"),
        (lambda a, b, c: a - b, "a - b"),
        (lambda a, b, c: a * b, "a*b"),
        (lambda a, b, c: a / b, "a/b"),
        (lambda a, b, c: a**2, "a**2"),
        (lambda a, b, c: a**b, "a**b"),
        (lambda a, b, c: 2**a, "2**a"),
        (lambda a, b, c: -a, "-a"),
        (lambda a, b, c: a.tanh(), "tanh(a)"),
        (lambda a, b, c: abs(a), "abs(a)"),
        (lambda a, b, c: ag.leaky_relu(a, 0.01), "leaky_relu(a, 0.01)"),
        (lambda a, b, c: ag.sum([a, b, c]), "a + b + c"),
        (lambda a, b, c: ag.sum([a, b, 5.0]), "a + b + 5"),
        (lambda a, b, c: ag.sum([a]), "sum(a)"),
        # Constants as typed; a negative one is bracketed as an operand.
        (lambda a, b, c: a * 3, "a*3"),
        (lambda a, b, c: 1 - a, "1 - a"),
        (lambda a, b, c: a / 1e-08, "a/1e-08"),
        (lambda a, b, c: a**0.5, "a**0.5"),
        (lambda a, b, c: a * -2, "a*(-2)"),
        (lambda a, b, c: a + -2, "a + (-2)"),
        (lambda a, b, c: -2 - a, "-2 - a"),
    ],
)
def test_an_unlabelled_node_is_its_expression(build, name) -> None:  # type: ignore[no-untyped-def]
    a, b, c = labelled("a", "b", "c")
    node = build(a, b, c)
    assert own_name(node) == name


@pytest.mark.parametrize(
    ("build", "name"),
    [
        # Inside *, /, ** and unary minus every compound operand is bracketed.
        (lambda a, b, c: (a * b) * 2, "(a*b)*2"),
        (lambda a, b, c: a * (b * c), "a*(b*c)"),
        (lambda a, b, c: (a + b) * c, "(a + b)*c"),
        (lambda a, b, c: (a / b) / c, "(a/b)/c"),
        (lambda a, b, c: (a * b) ** 2, "(a*b)**2"),
        (lambda a, b, c: (-a) ** 2, "(-a)**2"),
        (lambda a, b, c: -(a * b), "-(a*b)"),
        (lambda a, b, c: operator.neg(-a), "-(-a)"),
        (lambda a, b, c: -(a**2), "-(a**2)"),
        (lambda a, b, c: a.tanh() * 2, "tanh(a)*2"),
        # In a sum a product needs none; a later sum, difference or negation does.
        (lambda a, b, c: a * b + c, "a*b + c"),
        (lambda a, b, c: a - b * c, "a - b*c"),
        (lambda a, b, c: a**2 + b, "a**2 + b"),
        (lambda a, b, c: (a - b) - c, "a - b - c"),
        (lambda a, b, c: a - (b - c), "a - (b - c)"),
        (lambda a, b, c: a + (b + c), "a + (b + c)"),
        (lambda a, b, c: a + (-b), "a + (-b)"),
        (lambda a, b, c: -a + b, "-a + b"),
        (lambda a, b, c: ag.sum([a, b + c, -c]), "a + (b + c) + (-c)"),
        # Function arguments never are.
        (lambda a, b, c: (a * b + c).tanh(), "tanh(a*b + c)"),
        (lambda a, b, c: (a - b).exp(), "exp(a - b)"),
        (lambda a, b, c: ag.leaky_relu(a, b * c), "leaky_relu(a, b*c)"),
    ],
)
def test_operands_are_bracketed_where_they_would_otherwise_misread(  # type: ignore[no-untyped-def]
    build, name
) -> None:
    a, b, c = labelled("a", "b", "c")
    node = build(a, b, c)
    assert own_name(node) == name


def test_labels_that_are_not_one_word_are_bracketed_as_operands() -> None:
    x, b = labelled("my x", "b")
    assert own_name(x + b) == "(my x) + b"
    assert own_name(b - x) == "b - (my x)"
    assert own_name(x * b) == "(my x)*b"
    assert own_name(x.exp()) == "exp(my x)"


def test_an_expression_of_at_most_20_characters_is_kept_a_longer_one_falls_back() -> None:
    a, b = labelled("abcdefghij", "klmnopqrs")
    twenty = a * b
    assert len("abcdefghij*klmnopqrs") == 20
    assert own_name(twenty) == "abcdefghij*klmnopqrs"
    c = labelled("klmnopqrst")[0]
    assert own_name(a * c) == "v1"  # 21 characters


def test_long_expressions_are_v1_v2_and_short_ones_build_on_them() -> None:
    alpha, beta = labelled("alpha", "beta")
    p = alpha * beta  # alpha*beta
    q = p + alpha  # alpha*beta + alpha (18)
    r = q * beta  # (alpha*beta + alpha)*beta (25): too long
    s = r + 1  # v1 + 1
    t = s.tanh()  # tanh(v1 + 1)
    left, right = t * t, t * t  # tanh(v1 + 1)*tanh(v1 + 1) (25): too long, twice
    u = left * right
    names = node_names(ag.topological_order(u))
    assert [names[v] for v in (p, q, r, s, t)] == [
        "alpha*beta",
        "alpha*beta + alpha",
        "v1",
        "v1 + 1",
        "tanh(v1 + 1)",
    ]
    # Numbered on in topological order; a short expression of them is written out again.
    assert [names[v] for v in (left, right, u)] == ["v2", "v3", "v2*v3"]


def test_generated_names_skip_the_ones_labels_take() -> None:
    v1, v3 = labelled("v1", "v3")
    p, q, r = Value(1.0), Value(2.0), Value(3.0)
    total = ag.sum([v1, p, q, v3, r])
    names = node_names(ag.topological_order(total))
    assert [names[v] for v in (v1, p, q, v3, r)] == ["v1", "v2", "v4", "v3", "v5"]
    assert names[total] == "v6"  # v1 + v2 + v4 + v3 + v5 is 22 characters


def test_an_expression_that_is_already_a_name_is_numbered() -> None:
    x, y = labelled("x", "y")
    made_by_hand = Value(0.0, label="x*y")
    first, second = x * y, x * y
    total = ag.sum([made_by_hand, first, second])
    names = node_names(ag.topological_order(total))
    assert [names[v] for v in (made_by_hand, first, second)] == ["x*y", "x*y#2", "x*y#3"]
    # A numbered expression is no longer one: bracketed as an operand like a label.
    assert names[total] == "x*y + x*y#2 + x*y#3"
    doubled = first * 2
    assert name_of(doubled, ag.sum([made_by_hand, doubled])) == "(x*y#2)*2"


# --- dot ------------------------------------------------------------------------------


def neuron(name: str, inputs: list[Value], bias: bool = True) -> Value:
    """A neuron's pre-activation as nn computes it: dot(w + [b], x + [1.0])."""
    weights = [Value(0.1 * (i + 1), label=f"{name}.w.{i}") for i in range(len(inputs))]
    if not bias:
        return ag.dot(weights, inputs)
    return ag.dot([*weights, Value(0.5, label=f"{name}.b")], [*inputs, 1.0])


def test_a_dot_of_two_pairs_is_its_expression() -> None:
    w0, w1, x0, x1 = labelled("w0", "w1", "x0", "x1")
    assert own_name(ag.dot([w0, w1], [x0, x1])) == "w0*x0 + w1*x1"
    with_bias = ag.dot([w0, w1], [x0, 1.0])
    assert own_name(with_bias) == "w0*x0 + w1*1"
    single = ag.dot([w0], [x0 + x1])
    assert own_name(single) == "w0*(x0 + x1)"


def test_a_neurons_dot_is_w_dot_x_plus_b() -> None:
    xs = labelled("x[0]", "x[1]")
    z = neuron("layers.0.neurons.0", xs)
    assert own_name(z) == "w·x + b"
    assert own_name(z.tanh()) == "tanh(w·x + b)"
    # Without the bias pair (its input the constant 1), and with many inputs.
    no_bias = neuron("n", labelled("a", "b", "c"), bias=False)
    assert own_name(no_bias) == "w·x"
    wide = neuron("n", [Value(float(i), label=f"x[{i}]") for i in range(16)])
    assert own_name(wide) == "w·x + b"
    # As an operand it is a sum.
    assert own_name(z * 2) == "(w·x + b)*2"
    assert own_name(z + 1) == "w·x + b + 1"


def test_two_neurons_dots_are_prefixed_by_their_neurons_names() -> None:
    xs = labelled("x[0]", "x[1]")
    first, second = neuron("layers.0.neurons.0", xs), neuron("layers.0.neurons.1", xs)
    out = neuron("layers.1.neurons.0", [first.tanh(), second.tanh()])
    names = node_names(ag.topological_order(out))
    assert [names[v] for v in (first, second, out)] == [
        "layers.0.neurons.0: w·x + b",
        "layers.0.neurons.1: w·x + b",
        "layers.1.neurons.0: w·x + b",
    ]
    # Too long to write inside a function: the tanh nodes fall back to v1, v2.
    assert [names[v] for v in out.operands[3:5]] == ["v1", "v2"]


def test_weights_named_with_brackets_give_the_prefix_too() -> None:
    xs = labelled("a", "b", "c")
    first = ag.dot([Value(1.0, label=f"left.w[{i}]") for i in range(3)], xs)
    second = ag.dot([Value(1.0, label=f"right.w[{i}]") for i in range(3)], xs)
    total = first + second
    assert name_of(first, total) == "left: w·x"
    assert name_of(second, total) == "right: w·x"


def test_one_neuron_on_two_samples_numbers_its_dots() -> None:
    weights = [Value(0.5, label=f"neuron.w.{i}") for i in range(2)]
    b = Value(0.1, label="neuron.b")
    first = ag.dot([*weights, b], [*labelled("x1[0]", "x1[1]"), 1.0])
    second = ag.dot([*weights, b], [*labelled("x2[0]", "x2[1]"), 1.0])
    total = first + second
    assert name_of(first, total) == "neuron: w·x + b"
    assert name_of(second, total) == "neuron: w·x + b#2"


def test_dots_without_a_common_prefix_are_numbered() -> None:
    xs = labelled("a", "b", "c")
    unlabelled = [Value(1.0), Value(2.0), Value(3.0)]
    first, second = ag.dot(unlabelled, xs), ag.dot(labelled("p", "q", "r"), xs)
    total = first + second
    assert name_of(first, total) == "w·x"
    assert name_of(second, total) == "w·x#2"


def test_a_label_that_is_a_dots_name_makes_the_dot_take_its_prefix() -> None:
    xs = labelled("x[0]", "x[1]")
    z = neuron("cell", xs)
    hand = Value(1.0, label="w·x + b")
    total = z + hand
    assert name_of(z, total) == "cell: w·x + b"
    assert name_of(hand, total) == "w·x + b"


# --- d(name) and the whole -------------------------------------------------------------


@pytest.mark.parametrize("name", ["x", "x1", "w.0", "x[1]", "a#2", "x'", "layers.0.neurons.2.b"])
def test_d_leaves_a_one_word_name_alone(name: str) -> None:
    assert plain(name)
    assert d(name) == name


@pytest.mark.parametrize(
    "name", ["x1*w1", "x + y", "-x", "tanh(n)", "w·x + b", "n: w·x + b", "<a>", "a@v0", ""]
)
def test_d_brackets_any_other_name(name: str) -> None:
    assert not plain(name)
    assert d(name) == f"({name})"


def test_format_constant_is_one_function_found_in_naming_and_render() -> None:
    assert render.format_constant is naming.format_constant
    assert [naming.format_constant(x) for x in (3.0, 0.5, 1e-08, -2.0, float("inf"))] == [
        "3",
        "0.5",
        "1e-08",
        "-2",
        "inf",
    ]
    assert naming.format_constant(float("nan")) == "nan"


POOL = ["x", "y", "v1", "v2", "x#2", "x*y", "w·x + b", "a b", ""]


def random_graph(seed: int) -> Value:
    """A random graph over leaves with clashing labels, with reuse, dot, sum and unary ops."""
    rng = random.Random(seed)
    nodes = [Value(rng.uniform(-1, 1), label=rng.choice(POOL)) for _ in range(6)]
    for _ in range(40):
        kind = rng.choice(["add", "mul", "sub", "neg", "tanh", "dot", "sum", "pow", "label"])
        a, b = rng.choice(nodes), rng.choice(nodes)
        if kind == "add":
            nodes.append(a + b)
        elif kind == "mul":
            nodes.append(a * b)
        elif kind == "sub":
            nodes.append(a - b * 0.5)
        elif kind == "neg":
            nodes.append(-a)
        elif kind == "tanh":
            nodes.append(a.tanh())
        elif kind == "dot":
            nodes.append(ag.dot(rng.sample(nodes, 3), [a, b, 1.0]))
        elif kind == "sum":
            nodes.append(ag.sum(rng.sample(nodes, 3)))
        elif kind == "pow":
            nodes.append(a**2)
        else:
            node = a + 1
            node.label = rng.choice(POOL)
            nodes.append(node)
    return ag.sum(nodes[-8:])


@pytest.mark.parametrize("seed", range(20))
def test_names_are_unique_and_depend_on_the_graph_alone(seed: int) -> None:
    first, second = names_of(random_graph(seed)), names_of(random_graph(seed))
    assert first == second
    assert len(set(first)) == len(first)
    assert all(first)
