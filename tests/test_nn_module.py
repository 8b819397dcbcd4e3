"""nn.Module, Neuron, Layer, MLP and checkpoints."""

import json
import math
import os
import random

import pytest
from module_examples import Block

import autograd_lite as ag
from autograd_lite import Value
from autograd_lite.nn import MLP, Layer, Module, Neuron


def set_weights(neuron: Neuron, w: list[float], b: float) -> None:
    for parameter, value in zip(neuron.w, w):
        parameter.data = value
    neuron.b.data = b


@pytest.mark.parametrize(
    ("activation", "expected"),
    [
        ("relu", lambda s: max(s, 0.0)),
        ("tanh", math.tanh),
        ("sigmoid", lambda s: 1 / (1 + math.exp(-s))),
        ("linear", lambda s: s),
    ],
)
@pytest.mark.parametrize("x", [[1.5, -2.0], [-3.0, 0.25]])
def test_neuron_computes_activation_of_affine_map(activation, expected, x):
    neuron = Neuron(2, activation, seed=0)
    set_weights(neuron, [0.5, -0.25], 0.125)
    weighted = 0.5 * x[0] - 0.25 * x[1] + 0.125
    assert neuron(x).data == pytest.approx(expected(weighted), rel=1e-15)


def test_neuron_is_one_dot_node_with_bias_folded_in():
    neuron = Neuron(3, "tanh", seed=0)
    x = [Value(1.0), Value(2.0), Value(3.0)]
    out = neuron(x)
    assert out.op is ag.OPS["tanh"]
    (dot,) = out.parents
    assert dot.op is ag.OPS["dot"]
    assert dot.parents == (*neuron.w, neuron.b, *x)
    assert dot.operands == (*neuron.w, neuron.b, *x, 1.0)  # the bias multiplies a constant


def test_linear_neuron_adds_no_activation_node():
    assert Neuron(2, "linear", seed=0)([1.0, 2.0]).op is ag.OPS["dot"]


def test_mlp_converts_number_inputs_to_leaves_once_per_call():
    model = MLP(2, [4, 3, 1], seed=0)
    out = model([0.5, -1.0])
    leaves = {node for node in ag.topological_order(out) if not node.parents}
    # Parameters and the two inputs; every bias multiplies the constant 1.0, not a leaf.
    assert len(leaves) == model.num_parameters + 2


def test_named_parameters_order_and_names():
    model = MLP(2, [3, 1], seed=0)
    names = [name for name, _ in model.named_parameters()]
    expected = []
    for layer, (nin, nout) in enumerate([(2, 3), (3, 1)]):
        for neuron in range(nout):
            expected += [f"layers.{layer}.neurons.{neuron}.w.{i}" for i in range(nin)]
            expected.append(f"layers.{layer}.neurons.{neuron}.b")
    assert names == expected
    assert model.num_parameters == 2 * 3 + 3 + 3 + 1
    assert model.parameters() == [p for _, p in model.named_parameters()]
    assert model.parameters()[5] is model.layers[0].neurons[1].b


def test_parameter_name_matches_object():
    model = MLP(3, [4, 2], seed=0)
    named = dict(model.named_parameters())
    assert named["layers.0.neurons.3.w.1"] is model.layers[0].neurons[3].w[1]
    assert named["layers.1.neurons.1.b"] is model.layers[1].neurons[1].b


def test_layer_returns_list_and_mlp_single_output_returns_value():
    assert isinstance(Layer(2, 3, seed=0)([1.0, 2.0]), list)
    assert len(Layer(2, 3, seed=0)([1.0, 2.0])) == 3
    assert isinstance(MLP(2, [3, 1], seed=0)([1.0, 2.0]), Value)
    assert len(MLP(2, [3, 2], seed=0)([1.0, 2.0])) == 2


@pytest.mark.parametrize("module", [Neuron(2, seed=0), Layer(2, 3, seed=0), MLP(2, [3, 1], seed=0)])
def test_wrong_input_length_names_both_sizes(module):
    with pytest.raises(ValueError, match=r"expected 2 inputs, received 3"):
        module([1.0, 2.0, 3.0])


def test_bad_constructor_arguments():
    with pytest.raises(ValueError, match="activation"):
        MLP(2, [3, 1], activation="swish")
    with pytest.raises(ValueError, match="init"):
        MLP(2, [3, 1], init="orthogonal")
    with pytest.raises(ValueError, match="sizes"):
        MLP(2, [])
    with pytest.raises(ValueError, match="nin"):
        Neuron(0)


def test_uniform_init_matches_micrograd_draw_order():
    model = MLP(2, [3, 2], init="uniform", seed=1337)
    rng = random.Random(1337)
    expected = []
    for nin, nout in [(2, 3), (3, 2)]:
        for _ in range(nout):
            expected += [rng.uniform(-1, 1) for _ in range(nin)] + [0.0]
    assert [p.data for p in model.parameters()] == expected


def test_uniform_init_reproduces_micrograd_weights():
    micrograd_nn = pytest.importorskip("micrograd.nn")
    random.seed(1337)
    reference = micrograd_nn.MLP(2, [16, 16, 1])
    model = MLP(2, [16, 16, 1], init="uniform", seed=1337)
    assert [p.data for p in model.parameters()] == [p.data for p in reference.parameters()]


@pytest.mark.parametrize("init", ["he", "xavier", "uniform"])
def test_seeded_construction_is_reproducible_and_seed_dependent(init):
    first = [p.data for p in MLP(2, [8, 1], init=init, seed=7).parameters()]
    again = [p.data for p in MLP(2, [8, 1], init=init, seed=7).parameters()]
    other = [p.data for p in MLP(2, [8, 1], init=init, seed=8).parameters()]
    assert first == again
    assert first != other


@pytest.mark.slow
def test_init_scales():
    he = [p.data for p in MLP(200, [200], init="he", seed=0).layers[0].neurons[0].w]
    assert abs(sum(w * w for w in he) / 200 - 2 / 200) < 0.3 * 2 / 200
    xavier = [
        w.data
        for neuron in MLP(300, [100], init="xavier", seed=0).layers[0].neurons
        for w in neuron.w
    ]
    bound = math.sqrt(6 / 400)
    assert max(abs(w) for w in xavier) <= bound
    assert max(abs(w) for w in xavier) > 0.99 * bound
    assert all(n.b.data == 0.0 for n in MLP(3, [5], seed=0).layers[0].neurons)


def test_parameter_gradients_match_central_differences():
    model = MLP(2, [3, 2], activation="tanh", seed=3)
    x = [0.3, -0.7]

    def objective() -> Value:
        first, second = model(x)
        return first * second + second

    assert ag.gradcheck(lambda *parameters: objective(), model.parameters(), atol=1e-7)
    objective().backward()
    assert tuple(p.grad for p in model.parameters()) == ag.gradients(
        objective(), model.parameters()
    )


def test_zero_grad_resets_parameter_grads():
    model = MLP(2, [3, 1], seed=0)
    model([1.0, 2.0]).backward()
    assert any(p.grad != 0 for p in model.parameters())
    model.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())


def test_state_dict_round_trip_and_mismatch():
    source = MLP(2, [3, 1], seed=1)
    target = MLP(2, [3, 1], seed=2)
    target.load_state_dict(source.state_dict())
    assert [p.data for p in target.parameters()] == [p.data for p in source.parameters()]
    with pytest.raises(ValueError, match="missing"):
        MLP(2, [4, 1], seed=0).load_state_dict(source.state_dict())
    state = source.state_dict()
    state["layers.0.neurons.0.b"] = "zero"
    with pytest.raises(ValueError, match=r"layers\.0\.neurons\.0\.b"):
        target.load_state_dict(state)


def test_save_load_predict_is_bit_identical(tmp_path):
    model = MLP(2, [5, 4, 3], activation="tanh", output_activation="sigmoid", seed=11)
    # Values whose shortest repr has 17 digits catch any lossy float formatting.
    model.layers[0].neurons[0].w[0].data = 0.1 + 0.2
    path = tmp_path / "model.json"
    model.save(path)
    loaded = MLP.load(path)
    assert loaded.config() == model.config()
    assert [p.data for p in loaded.parameters()] == [p.data for p in model.parameters()]
    for x in ([0.1, 0.2], [-3.5, 1e-3], [1e10, -1e-10]):
        assert [v.data for v in loaded(x)] == [v.data for v in model(x)]
    assert json.loads(path.read_text())["model"] == "MLP"


def test_save_is_atomic_and_leaves_no_temporary_files(tmp_path, monkeypatch):
    path = tmp_path / "model.json"
    MLP(2, [3, 1], seed=0).save(path)
    before = path.read_bytes()

    def failing_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OSError, match="disk full"):
        MLP(2, [3, 1], seed=1).save(path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["model.json"]


def test_save_refuses_non_finite_weights(tmp_path):
    model = MLP(2, [1], seed=0)
    model.layers[0].neurons[0].b.data = math.nan
    with pytest.raises(ValueError, match=r"layers\.0\.neurons\.0\.b"):
        model.save(tmp_path / "m.json")


@pytest.mark.parametrize(
    ("mangle", "message"),
    [
        (lambda text: text[: len(text) // 2], "not a valid JSON"),
        (lambda text: "", "not a valid JSON"),
        (lambda text: "[1, 2]", "not an autograd-lite checkpoint"),
        (lambda text: text.replace('"version": 1', '"version": 99'), "version 99"),
        (lambda text: text.replace('"model": "MLP"', '"model": "Layer"'), "holds a 'Layer'"),
        (lambda text: text.replace('"sizes": [\n   3,\n   1\n  ]', '"sizes": [4, 1]'), "missing"),
        (lambda text: text.replace('"nin": 2', '"nin": -2'), "invalid MLP architecture"),
        (
            lambda text: text.replace('"layers.0.neurons.0.b"', '"layers.0.neurons.0.c"'),
            "unexpected",
        ),
        (
            lambda text: text.replace('"layers.0.neurons.0.b": 0.0', '"layers.0.neurons.0.b": NaN'),
            "NaN is not a finite number",
        ),
        (
            lambda text: text.replace(
                '"layers.0.neurons.0.b": 0.0', '"layers.0.neurons.0.b": 1' + "0" * 400
            ),
            "must be a finite number",
        ),
        (lambda text: "[" * 100_000, "not a valid JSON"),
        # A corrupt width must be refused before the model is built, not after.
        (
            lambda text: text.replace('"sizes": [\n   3,', '"sizes": [\n   1000000000,'),
            "more than the 13",
        ),
    ],
)
def test_load_rejects_corrupt_or_mismatched_files(tmp_path, mangle, message):
    path = tmp_path / "model.json"
    MLP(2, [3, 1], seed=0).save(path)
    text = path.read_text()
    mangled = mangle(text)
    assert mangled != text
    path.write_text(mangled)
    with pytest.raises(ValueError, match=message):
        MLP.load(path)


def test_load_rejects_binary_garbage(tmp_path):
    path = tmp_path / "model.json"
    path.write_bytes(b"\x80\xff\x00 not text")
    with pytest.raises(ValueError, match="not a valid JSON"):
        MLP.load(path)


def test_layer_and_neuron_checkpoints(tmp_path):
    layer = Layer(3, 2, activation="tanh", seed=4)
    layer.save(tmp_path / "layer.json")
    assert [v.data for v in Layer.load(tmp_path / "layer.json")([1.0, 2.0, 3.0])] == [
        v.data for v in layer([1.0, 2.0, 3.0])
    ]
    with pytest.raises(ValueError, match="expected 'MLP'"):
        MLP.load(tmp_path / "layer.json")


# ---- module paths and the labels of module outputs ---------------------------------


class Identity(Module):
    """Returns its first input unchanged."""

    def forward(self, x):
        return x[0]


class Net(Module):
    """Two Blocks in a list, then a linear Neuron, with a pass-through module in between."""

    def __init__(self) -> None:
        self.nin = 2
        self.blocks = [Block(seed=1), Block(seed=2)]
        self.skip = Identity()
        self.head = Neuron(1, "linear", seed=3)

    def forward(self, x):
        a = self.blocks[0](x)
        b = self.blocks[1]([a, a])
        return self.head([self.skip([b])])


def test_each_module_knows_its_path_in_the_model():
    model = MLP(2, [2, 1], seed=0)
    assert model._path == ""
    assert [layer._path for layer in model.layers] == ["layers.0", "layers.1"]
    assert model.layers[0].neurons[1]._path == "layers.0.neurons.1"
    net = Net()
    assert net.blocks[1].hidden.neurons[0]._path == "blocks.1.hidden.neurons.0"
    assert (net.skip._path, net.head._path) == ("skip", "head")
    # Alone, a module is the top; its parts are named relative to it, as their parameters.
    layer = Layer(2, 3, seed=0)
    assert (layer._path, layer.neurons[2]._path) == ("", "neurons.2")


def test_a_path_is_the_prefix_of_its_modules_parameter_names():
    net = Net()
    modules = [net.blocks[0], net.blocks[1].hidden, net.blocks[1].hidden.neurons[1], net.head]
    names = dict(net.named_parameters())
    for module in modules:
        own = [name for name, _ in module.named_parameters(module._path + ".")]
        assert own and all(name in names for name in own)
    assert "blocks.1.hidden.neurons.1.w.0" in names


def test_labelling_a_submodule_again_alone_keeps_its_path_in_the_model():
    model = MLP(2, [2, 1], seed=0)
    model.layers[0].label_parameters()
    assert model.layers[0]._path == "layers.0"
    assert model.layers[0].neurons[1]._path == "layers.0.neurons.1"
    assert model.layers[0].neurons[1].b.label == "layers.0.neurons.1.b"


def test_mlp_outputs_are_labelled_with_their_neurons_paths():
    model = MLP(2, [2, 1], activation="tanh", seed=0)
    out = model([1.0, 2.0])
    assert out.op is ag.OPS["dot"] and out.label == "layers.1.neurons.0"  # a linear unit
    # dot([*w, b], [*x, 1.0]) has the parents w0, w1, b, x0, x1: here the hidden outputs.
    hidden = out.parents[3:]
    assert [h.label for h in hidden] == ["layers.0.neurons.0", "layers.0.neurons.1"]
    assert all(h.op is ag.OPS["tanh"] for h in hidden)
    assert [h.parents[0].label for h in hidden] == ["", ""]  # their dots: inside the neurons
    # Inputs and parameters keep their labels; the loss built outside the model has none.
    loss = (out - 1.0) ** 2
    assert loss.label == "" and loss.parents[0].label == ""
    assert {node.label for node in ag.topological_order(loss) if node.op is None} == {
        "x[0]",
        "x[1]",
    } | {name for name, _ in model.named_parameters()}


def test_a_module_alone_labels_nothing_and_its_parts_relative_to_it():
    assert Neuron(2, "tanh", seed=0)([1.0, 2.0]).label == ""
    assert [v.label for v in Layer(2, 3, seed=0)([1.0, 2.0])] == [
        "neurons.0",
        "neurons.1",
        "neurons.2",
    ]


def test_a_user_module_labels_its_new_output_and_keeps_inner_labels():
    net = Net()
    out = net([0.5, -1.0])
    assert out.label == "head"
    b = out.parents[-1]  # head's dot: w, b, then its input
    assert b.label == "blocks.1" and b.op is ag.OPS["mul"]
    (scale, total) = b.parents
    assert scale is net.blocks[1].scale and total.label == ""  # inside the block: not an output
    assert [h.label for h in total.parents] == [
        "blocks.1.hidden.neurons.0",
        "blocks.1.hidden.neurons.1",
    ]


def test_a_value_passed_through_a_module_is_not_relabelled():
    net = Net()
    inner = Value(1.0) * 2.0  # interior and unlabelled, made outside every module
    assert net.skip([inner]) is inner and inner.label == ""
    blocked = net.blocks[0]([0.5, -1.0])
    assert net.skip([blocked]).label == "blocks.0"  # not "skip": a label is never overwritten


def test_a_label_set_inside_forward_and_leaves_are_kept():
    class Named(Module):
        def __init__(self) -> None:
            self.w = Value(0.5)

        def forward(self, x):
            out = self.w * x[0]
            out.label = "mine"
            return [out, self.w, Value(3.0)]

    class Outer(Module):
        def __init__(self) -> None:
            self.inner = Named()

        def forward(self, x):
            return self.inner(x)

    out, w, constant = Outer()([2.0])
    assert (out.label, w.label, constant.label) == ("mine", "inner.w", "")


def test_no_grad_outputs_are_leaves_and_stay_unlabelled():
    model = MLP(2, [2, 1], seed=0)
    with ag.no_grad():
        out = model([1.0, 2.0])
    assert out.op is None and out.label == ""


def test_backward_on_a_layers_outputs_says_to_reduce_them_first() -> None:
    model = MLP(2, [3, 2], seed=0)
    outputs = model([1.0, 2.0])
    assert isinstance(outputs, list) and len(outputs) == 2
    with pytest.raises(TypeError, match=r"2 outputs of a layer: reduce them to one first"):
        outputs.backward()  # type: ignore[union-attr]
    assert all(p.grad == 0.0 for p in model.parameters())
    ag.sum(outputs).backward()  # type: ignore[arg-type]
    assert any(p.grad != 0.0 for p in model.parameters())
