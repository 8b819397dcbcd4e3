"""MLP.to_torch / MLP.from_torch: the same function and the same gradients as PyTorch."""

import math

import pytest

from autograd_lite.nn import MLP, data, losses

torch = pytest.importorskip("torch")


def digits_batch(count: int = 64):
    X, y = data.load_digits(scale=True)
    return X[:count], y[:count]


def test_digits_model_outputs_and_gradients_agree_to_1e_12():
    model = MLP(64, [10, 10], seed=0)
    twin = model.to_torch()
    assert [type(m).__name__ for m in twin] == ["Linear", "ReLU", "Linear"]
    assert all(p.dtype == torch.float64 for p in twin.parameters())
    X, y = digits_batch()
    outputs = [model(x) for x in X]
    loss = losses.cross_entropy(outputs, y)
    model.zero_grad()
    loss.backward()
    logits = twin(torch.tensor(X, dtype=torch.float64))
    torch_loss = torch.nn.functional.cross_entropy(logits, torch.tensor(y))
    torch_loss.backward()
    worst_output = max(
        abs(v.data - t) for row, trow in zip(outputs, logits.tolist()) for v, t in zip(row, trow)
    )
    assert worst_output <= 1e-12
    assert abs(loss.data - torch_loss.item()) <= 1e-12
    first, second = twin[0], twin[2]
    worst_grad = 0.0
    for layer, linear in zip(model.layers, (first, second)):
        for j, neuron in enumerate(layer.neurons):
            for i, w in enumerate(neuron.w):
                worst_grad = max(worst_grad, abs(w.grad - linear.weight.grad[j, i].item()))
            worst_grad = max(worst_grad, abs(neuron.b.grad - linear.bias.grad[j].item()))
    assert worst_grad <= 1e-12


@pytest.mark.parametrize(
    ("activation", "output_activation"),
    [("relu", "linear"), ("tanh", "sigmoid"), ("sigmoid", "tanh")],
)
def test_round_trip_is_exact(activation, output_activation):
    model = MLP(3, [4, 5, 2], activation, output_activation, seed=1)
    back = MLP.from_torch(model.to_torch())
    assert back.config() == model.config()
    assert back.state_dict() == model.state_dict()


def test_from_torch_of_a_torch_built_network_computes_the_same():
    torch.manual_seed(0)
    net = torch.nn.Sequential(
        torch.nn.Linear(2, 6), torch.nn.Tanh(), torch.nn.Linear(6, 1), torch.nn.Sigmoid()
    ).double()
    model = MLP.from_torch(net)
    assert (model.activation, model.output_activation, model.sizes) == ("tanh", "sigmoid", [6, 1])
    for x in ([0.5, -1.0], [3.0, 2.0]):
        assert math.isclose(
            model(x).data,
            net(torch.tensor(x, dtype=torch.float64)).item(),
            rel_tol=0,
            abs_tol=1e-15,
        )


def test_the_copy_is_independent():
    model = MLP(2, [3, 1], seed=0)
    twin = model.to_torch()
    before = model.state_dict()
    with torch.no_grad():
        for p in twin.parameters():
            p.add_(1.0)
    assert model.state_dict() == before


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.Conv1d(1, 1, 1)), "Conv1d"),
        (lambda: torch.nn.Sequential(torch.nn.ReLU(), torch.nn.Linear(2, 3)), "directly follow"),
        (lambda: torch.nn.Sequential(torch.nn.Linear(2, 3, bias=False)), "without bias"),
        (lambda: torch.nn.Sequential(), "no Linear"),
        (
            lambda: torch.nn.Sequential(
                torch.nn.Linear(2, 3),
                torch.nn.ReLU(),
                torch.nn.Linear(3, 3),
                torch.nn.Tanh(),
                torch.nn.Linear(3, 1),
            ),
            "different activations",
        ),
        (lambda: torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.Linear(4, 1)), "reads 4"),
    ],
)
def test_from_torch_refuses_what_has_no_equivalent(build, message):
    with pytest.raises(ValueError, match=message):
        MLP.from_torch(build())
    with pytest.raises(TypeError, match="Sequential"):
        MLP.from_torch(torch.nn.Linear(2, 2))
