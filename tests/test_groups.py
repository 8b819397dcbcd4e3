"""find_groups: a graph's modules as nested groups of nodes, read from labels alone."""

from module_examples import Block

import autograd_lite as ag
from autograd_lite import Value
from autograd_lite.groups import Group, find_groups
from autograd_lite.nn import MLP, Module, Neuron


def by_path(groups: list[Group]) -> dict[str, Group]:
    return {group.path: group for group in groups}


def in_order(order: list[Value], nodes: list[Value]) -> tuple[Value, ...]:
    """`nodes` in the order of `order`."""
    return tuple(node for node in order if node in nodes)


def innermost(groups: list[Group], node: Value) -> list[str]:
    """The paths of the groups holding `node` that hold it in no group inside them."""
    holding = [group.path for group in groups if node in group.members]
    return [path for path in holding if not any(o.startswith(path + ".") for o in holding)]


def test_a_small_mlp_and_its_loss():
    model = MLP(2, [2, 1], activation="tanh", seed=0)
    out = model([1.0, 2.0])
    loss = (out - 1.0) ** 2
    order = ag.topological_order(loss)
    groups = find_groups(order)
    # Each Layer before its neurons; layer 0 first, though layer 1's parameters come
    # first in the topological order; "layers" and "layers.0.neurons" are lists, not modules.
    assert [(group.path, group.parent) for group in groups] == [
        ("layers.0", None),
        ("layers.0.neurons.0", "layers.0"),
        ("layers.0.neurons.1", "layers.0"),
        ("layers.1", None),
        ("layers.1.neurons.0", "layers.1"),
    ]
    group = by_path(groups)
    hidden = out.parents[3:]  # dot([*w, b], [*x, 1.0]): w0, w1, b, then the two hidden outputs
    for index, tanh in enumerate(hidden):
        neuron = model.layers[0].neurons[index]
        (dot,) = tanh.parents
        members = [*neuron.w, neuron.b, dot, tanh]
        assert group[f"layers.0.neurons.{index}"].members == in_order(order, members)
        assert group[f"layers.0.neurons.{index}"].outputs == (tanh,)
    last = model.layers[1].neurons[0]
    # A linear unit: its dot node is its output, with no activation node after it.
    assert group["layers.1.neurons.0"].members == in_order(order, [*last.w, last.b, out])
    assert group["layers.1.neurons.0"].outputs == (out,)
    layer0 = group["layers.0.neurons.0"].members + group["layers.0.neurons.1"].members
    assert group["layers.0"].members == in_order(order, list(layer0))
    assert group["layers.0"].outputs == hidden
    assert group["layers.1"].members == group["layers.1.neurons.0"].members
    assert group["layers.1"].outputs == (out,)
    # The inputs and the loss's two nodes are in no group; every other node in one.
    x = hidden[0].parents[0].parents[3:]  # the dot's inputs
    assert [node.label for node in x] == ["x[0]", "x[1]"]
    outside = tuple(node for node in order if not innermost(groups, node))
    assert outside == in_order(order, [*x, loss.parents[0], loss])
    assert all(len(innermost(groups, node)) <= 1 for node in order)


def test_the_groups_of_the_model_output_alone():
    model = MLP(2, [2, 1], activation="tanh", seed=0)
    out = model([1.0, 2.0])
    group = by_path(find_groups(ag.topological_order(out)))
    # The root is used by no node of the graph: it is its groups' output.
    assert group["layers.1"].outputs == (out,)
    assert group["layers.1.neurons.0"].outputs == (out,)


class Net(Module):
    """Two Blocks in a list, the second fed the first's output twice, then a linear Neuron."""

    def __init__(self) -> None:
        self.nin = 2
        self.blocks = [Block(seed=1), Block(seed=2)]
        self.head = Neuron(1, "linear", seed=3)

    def forward(self, x):
        a = self.blocks[0](x)
        b = self.blocks[1]([a, a])
        return self.head([b])


def test_a_user_module_with_nested_modules():
    net = Net()
    out = net([0.5, -1.0])
    order = ag.topological_order(out)
    groups = find_groups(order)
    assert [(group.path, group.parent) for group in groups] == [
        ("blocks.0", None),
        ("blocks.0.hidden", "blocks.0"),
        ("blocks.0.hidden.neurons.0", "blocks.0.hidden"),
        ("blocks.0.hidden.neurons.1", "blocks.0.hidden"),
        ("blocks.1", None),
        ("blocks.1.hidden", "blocks.1"),
        ("blocks.1.hidden.neurons.0", "blocks.1.hidden"),
        ("blocks.1.hidden.neurons.1", "blocks.1.hidden"),
        ("head", None),
    ]
    group = by_path(groups)
    b = out.parents[-1]  # head's dot: w0, b, then its input, block 1's output
    scale, total = b.parents
    block = net.blocks[1]
    assert scale is block.scale
    # The block's own parameter and nodes, and all of its Layer's.
    hidden = group["blocks.1.hidden"].members
    assert group["blocks.1"].members == in_order(order, [*hidden, scale, total, b])
    assert group["blocks.1"].outputs == (b,)
    assert group["blocks.1.hidden"].outputs == total.parents  # used by the block's sum
    assert set(hidden) == set(block.hidden.parameters()) | {
        node for h in total.parents for node in (h, h.parents[0])
    }
    # Block 0's output feeds block 1 but is block 0's own.
    a = total.parents[0].parents[0].parents[-1]
    assert a.label == "blocks.0" and innermost(groups, a) == ["blocks.0"]
    assert group["head"].members == in_order(order, [*net.head.w, net.head.b, out])
    assert all(len(innermost(groups, node)) <= 1 for node in order)


def test_a_module_called_twice_is_one_group_with_two_outputs():
    class Twice(Module):
        def __init__(self) -> None:
            self.nin = 2
            self.cell = Neuron(1, "tanh", seed=0)

        def forward(self, x):
            return self.cell([x[0]]) * self.cell([x[1]])

    model = Twice()
    out = model([0.5, -1.0])
    order = ag.topological_order(out)
    groups = find_groups(order)
    assert [group.path for group in groups] == ["cell"]
    (cell,) = groups
    first, second = out.parents
    assert cell.outputs == in_order(order, [first, second])
    assert cell.members == in_order(
        order, [model.cell.w[0], model.cell.b, first, first.parents[0], second, second.parents[0]]
    )
    assert out not in cell.members  # the product is the top module's: no group


def test_a_recurrent_call_keeps_both_calls_in_one_group():
    class Unrolled(Module):
        def __init__(self) -> None:
            self.nin = 1
            self.cell = Neuron(1, "tanh", seed=0)

        def forward(self, x):
            return self.cell([self.cell(x)])

    model = Unrolled()
    out = model([0.5])
    (cell,) = find_groups(ag.topological_order(out))
    inner = out.parents[0].parents[-1]
    assert inner.label == "cell"
    assert cell.outputs == (inner, out)  # the first call's output is used by the second
    assert len(cell.members) == 2 + 4  # w.0 and b, then a dot and a tanh per call


def test_graphs_without_module_labels_have_no_groups():
    x = Value(2.0, "x")
    assert find_groups(ag.topological_order(ag.tanh(x * 3.0))) == []
    # A module used alone is the top: it labels nothing, and the top is no group.
    assert find_groups(ag.topological_order(Neuron(2, seed=0)([1.0, 2.0]))) == []
    # Dotted leaves alone make no group: a group needs an interior node with its path.
    w = Value(1.0, "layer.w")
    assert find_groups(ag.topological_order(w * x)) == []


def test_a_node_used_by_two_groups_belongs_to_the_group_enclosing_both():
    # Labels as a module "outer" holding modules "outer.a" and "outer.b" would set them.
    wa, wb, wo = Value(1.0, "outer.a.w"), Value(2.0, "outer.b.w"), Value(3.0, "outer.w")
    x = Value(0.5, "x")
    shared = x * wo  # outer's own node, used by both submodules
    a = wa * shared
    a.label = "outer.a"
    b = wb * shared
    b.label = "outer.b"
    top = a + b
    top.label = "outer"
    loss = top * top
    order = ag.topological_order(loss)
    groups = find_groups(order)
    assert [(group.path, group.parent) for group in groups] == [
        ("outer", None),
        ("outer.a", "outer"),
        ("outer.b", "outer"),
    ]
    group = by_path(groups)
    assert group["outer.a"].members == in_order(order, [wa, a])
    assert group["outer.b"].members == in_order(order, [wb, b])
    assert group["outer"].members == in_order(order, [wa, a, wb, b, wo, shared, top])
    assert group["outer"].outputs == (top,)
    assert innermost(groups, shared) == ["outer"]
    # Used by a node outside every group (the loss) as well: then in none.
    skip = x * 2.0
    c = wa * skip
    c.label = "outer.a"
    graph = ag.topological_order(c + skip)
    assert [group.path for group in find_groups(graph)] == ["outer", "outer.a"]
    assert innermost(find_groups(graph), skip) == []


def test_labels_set_by_hand_and_passed_through_values_are_respected():
    class Identity(Module):
        def forward(self, x):
            return x[0]

    class Model(Module):
        def __init__(self) -> None:
            self.nin = 2
            self.first = Neuron(2, "tanh", seed=0)
            self.through = Identity()

        def forward(self, x):
            return self.through([self.first(x)])

    model = Model()
    out = model([1.0, 2.0])
    assert out.label == "first"  # not relabelled "through"
    groups = find_groups(ag.topological_order(out))
    assert [group.path for group in groups] == ["first"]  # Identity has no nodes


def test_a_parameter_shared_with_another_module_stays_with_its_own():
    class Tied(Module):
        def __init__(self) -> None:
            self.nin = 1
            self.a = Neuron(1, "tanh", seed=0)
            self.b = Neuron(1, "tanh", seed=1)
            self.b.w = self.a.w  # tied weights: named, and labelled, under a only

        def forward(self, x):
            return self.b([self.a(x)])

    model = Tied()
    assert model.b.w[0].label == "a.w.0"
    out = model([0.5])
    order = ag.topological_order(out)
    group = by_path(find_groups(order))
    assert model.a.w[0] in group["a"].members and model.a.w[0] not in group["b"].members
    assert group["a"].outputs == (out.parents[0].parents[-1],)  # not the shared weight
    assert group["b"].members == in_order(order, [model.b.b, out.parents[0], out])
