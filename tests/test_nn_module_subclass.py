"""nn.Module in PyTorch's manners: user modules define forward, parameters are found in any
container or refused, names become labels, and a user module saves and loads like MLP."""

import math

import pytest

import autograd_lite as ag
from autograd_lite import Value
from autograd_lite.nn import MLP, Layer, Module, Neuron


class Affine(Module):
    """y = a * x0 + b * x1 + c, parameters in a tuple and a dict."""

    def __init__(self, scale: float = 1.0, *, shift: float = 0.0) -> None:
        self.nin = 2
        self.coefficients = (Value(scale), Value(-scale))
        self.extra = {"c": Value(shift)}

    def forward(self, x):
        a, b = self.coefficients
        return a * x[0] + b * x[1] + self.extra["c"]


class TwoLayer(Module):
    """A user network: a Layer, then a hand-held matrix (list of lists) and bias dict."""

    def __init__(self, hidden: int, seed: int = 0) -> None:
        self.nin = 3
        self.hidden = Layer(3, hidden, activation="tanh", seed=seed)
        self.W = [[Value(0.1 * (i + j)) for j in range(hidden)] for i in range(2)]
        self.bias = {"out0": Value(0.5), "out1": Value(-0.5)}
        self._cache = [Value(99.0)]  # private: not a parameter

    def forward(self, x):
        h = self.hidden(x)
        return [ag.dot(row, h) + self.bias[f"out{i}"] for i, row in enumerate(self.W)]


def test_subclass_defines_forward_and_call_checks_the_input():
    model = Affine(2.0, shift=0.5)
    out = model([3.0, 1.0])
    assert out.data == 2.0 * 3.0 - 2.0 * 1.0 + 0.5
    with pytest.raises(ValueError, match=r"Affine: expected 2 inputs, received 3"):
        model([1.0, 2.0, 3.0])
    with pytest.raises(TypeError, match=r"Affine: inputs must be Values or numbers"):
        model([1.0, "2"])
    with pytest.raises(TypeError, match=r"Affine: expected a sequence of 2 inputs"):
        model(Value(1.0))


def test_module_without_forward_says_so():
    class Empty(Module):
        pass

    with pytest.raises(NotImplementedError, match=r"Empty does not define forward\(x\)"):
        Empty()([1.0])


def test_module_without_nin_accepts_any_length():
    class Total(Module):
        def forward(self, x):
            return ag.sum(x)

    assert Total()([1.0, 2.0, 3.5]).data == 6.5
    assert Total()([1.0]).data == 1.0


def test_parameters_in_tuples_dicts_and_nested_lists_are_found_in_order():
    model = TwoLayer(hidden=2)
    names = [name for name, _ in model.named_parameters()]
    hidden = [f"hidden.neurons.{n}.{p}" for n in range(2) for p in ("w.0", "w.1", "w.2", "b")]
    matrix = [f"W.{i}.{j}" for i in range(2) for j in range(2)]
    assert names == [*hidden, *matrix, "bias.out0", "bias.out1"]
    assert dict(model.named_parameters())["W.1.0"] is model.W[1][0]
    assert [name for name, _ in Affine().named_parameters()] == [
        "coefficients.0",
        "coefficients.1",
        "extra.c",
    ]


def test_gradients_reach_every_found_parameter():
    model = TwoLayer(hidden=3, seed=1)
    x = [0.2, -0.4, 0.9]

    def objective() -> Value:
        first, second = model(x)
        return first * second

    assert ag.gradcheck(lambda *parameters: objective(), model.parameters(), atol=1e-8)
    objective().backward()
    assert all(parameter.grad != 0.0 for parameter in model.parameters())


def test_parameters_in_a_set_are_refused_not_skipped():
    class Bag(Module):
        def __init__(self) -> None:
            self.weights = {Value(1.0), Value(2.0)}

    with pytest.raises(TypeError, match=r"weights: parameters in a set have no stable order"):
        Bag()


def test_parameters_under_non_string_dict_keys_are_refused():
    class Keyed(Module):
        def __init__(self) -> None:
            self.by_index = {0: Value(1.0)}

    with pytest.raises(TypeError, match=r"by_index: parameters in a dict need non-empty str keys"):
        Keyed()


def test_dict_of_plain_settings_is_not_a_problem():
    class Configured(Module):
        def __init__(self) -> None:
            self.options = {1: "one", "rate": 0.5}
            self.w = Value(1.0)

    assert [name for name, _ in Configured().named_parameters()] == ["w"]


def test_a_shared_weight_is_one_parameter():
    class Tied(Module):
        def __init__(self) -> None:
            self.encoder = Neuron(2, "linear", seed=0)
            self.decoder_weights = self.encoder.w  # the same Values

    model = Tied()
    assert model.num_parameters == 3
    assert [name for name, _ in model.named_parameters()] == [
        "encoder.w.0",
        "encoder.w.1",
        "encoder.b",
    ]


def test_a_module_containing_itself_is_refused():
    class Loop(Module):
        def __init__(self) -> None:
            self.w = Value(1.0)

    loop = Loop()
    loop.again = [loop]
    with pytest.raises(ValueError, match="Loop contains itself"):
        loop.parameters()


def test_parameters_are_labelled_with_their_names():
    model = MLP(2, [3, 1], seed=0)
    assert all(p.label == name for name, p in model.named_parameters())
    assert model.layers[1].neurons[0].b.label == "layers.1.neurons.0.b"
    # A module built alone is labelled relative to itself.
    assert Neuron(2, seed=0).w[1].label == "w.1"


def test_a_label_set_by_hand_is_kept():
    class Named(Module):
        def __init__(self) -> None:
            self.w = Value(0.5, label="slope")
            self.inner = Neuron(1, seed=0)

    model = Named()
    assert model.w.label == "slope"
    assert model.inner.w[0].label == "inner.w.0"


def test_number_inputs_are_leaves_labelled_by_position_and_drawn_with_names():
    model = MLP(2, [2, 1], seed=0)
    out = model([0.5, -1.0])
    leaves = {node.label for node in ag.topological_order(out) if not node.parents}
    assert leaves == {"x[0]", "x[1]"} | {name for name, _ in model.named_parameters()}
    mine = Value(3.0, "mine")
    assert mine in ag.topological_order(Neuron(1, seed=0)([mine]))  # a passed Value is used as is
    assert mine.label == "mine"
    dot_source = ag.draw_graph(out).source
    assert "x[0]" in dot_source
    assert "layers.0.neurons.1.w.0" in dot_source


def test_user_module_saves_and_loads_with_its_constructor_arguments(tmp_path):
    model = TwoLayer(hidden=3, seed=4)
    for index, parameter in enumerate(model.parameters()):
        parameter.data = math.sin(index) + 0.1 + 0.2  # 17-digit floats catch lossy formatting
    assert model.config() == {"hidden": 3, "seed": 4}
    model.save(tmp_path / "two.json")
    loaded = TwoLayer.load(tmp_path / "two.json")
    assert loaded.state_dict() == model.state_dict()
    assert [v.data for v in loaded([0.1, 0.2, 0.3])] == [v.data for v in model([0.1, 0.2, 0.3])]
    affine = Affine(3.0, shift=-1.0)
    affine.save(tmp_path / "affine.json")
    assert Affine.load(tmp_path / "affine.json").config() == {"scale": 3.0, "shift": -1.0}
    with pytest.raises(ValueError, match="expected 'TwoLayer'"):
        TwoLayer.load(tmp_path / "affine.json")


def test_user_module_with_unsaveable_arguments_says_to_define_config(tmp_path):
    class WithObject(Module):
        def __init__(self, table: object) -> None:
            self.w = Value(1.0)

    with pytest.raises(ValueError, match=r"cannot save WithObject: its config\(\).*define config"):
        WithObject(object()).save(tmp_path / "x.json")
    assert not (tmp_path / "x.json").exists()

    class Star(Module):
        def __init__(self, *sizes: int) -> None:
            self.w = Value(1.0)

    with pytest.raises(TypeError, match=r"takes \*sizes"):
        Star(1, 2).save(tmp_path / "y.json")
