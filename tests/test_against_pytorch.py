"""Cross-check values and gradients against PyTorch, when it is installed (never required)."""

import math

import pytest

import autograd_lite as ag
from autograd_lite import Value

torch = pytest.importorskip("torch")

# The same expression written once for each library: (name, ours, theirs).
CASES = [
    ("poly", lambda x, y: x * y**2 - x / y + 3.0, lambda x, y: x * y**2 - x / y + 3.0),
    ("exp_log", lambda x, y: (x * y).exp() + (y * y + 1).log(), None),
    ("tanh_sigmoid", lambda x, y: x.tanh() * y.sigmoid(), None),
    ("trig", lambda x, y: x.sin() * y.cos() + abs(x - y), None),
    ("pow_values", lambda x, y: (x * x + 1) ** y, lambda x, y: (x * x + 1) ** y),
    ("relu_leaky", lambda x, y: x.relu() + y.leaky_relu(0.05), None),
    ("sqrt", lambda x, y: (x * x + y * y).sqrt(), None),
    ("log1p", lambda x, y: (x * x * y * y).log1p(), None),
]

TORCH_FUNCTIONS = {
    "exp_log": lambda x, y: (x * y).exp() + (y * y + 1).log(),
    "tanh_sigmoid": lambda x, y: x.tanh() * y.sigmoid(),
    "trig": lambda x, y: x.sin() * y.cos() + (x - y).abs(),
    "relu_leaky": lambda x, y: torch.relu(x) + torch.nn.functional.leaky_relu(y, 0.05),
    "sqrt": lambda x, y: (x * x + y * y).sqrt(),
    "log1p": lambda x, y: (x * x * y * y).log1p(),
}


@pytest.mark.parametrize(("name", "ours", "theirs"), CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("point", [(0.7, -1.3), (-2.0, 0.4), (1.5, 2.5)])
def test_values_and_gradients_agree_with_pytorch(name, ours, theirs, point) -> None:  # type: ignore[no-untyped-def]
    x, y = Value(point[0]), Value(point[1])
    out = ours(x, y)
    out.backward()
    tx = torch.tensor(point[0], dtype=torch.float64, requires_grad=True)
    ty = torch.tensor(point[1], dtype=torch.float64, requires_grad=True)
    tout = (theirs or TORCH_FUNCTIONS[name])(tx, ty)
    tout.backward()
    assert out.data == pytest.approx(tout.item(), rel=1e-12)
    assert x.grad == pytest.approx(tx.grad.item(), rel=1e-12, abs=1e-15)
    assert y.grad == pytest.approx(ty.grad.item(), rel=1e-12, abs=1e-15)


def test_second_derivative_agrees_with_pytorch() -> None:
    tx = torch.tensor(0.3, dtype=torch.float64, requires_grad=True)
    (first,) = torch.autograd.grad(torch.tanh(tx) * torch.sin(tx), tx, create_graph=True)
    (second,) = torch.autograd.grad(first, tx)
    ours = ag.grad(ag.grad(lambda v: v.tanh() * v.sin()))(0.3)
    assert ours == pytest.approx(second.item(), rel=1e-12)


def test_edge_conventions_agree_with_pytorch() -> None:
    for ours_f, torch_f, point in [
        (lambda v: v.relu(), torch.relu, 0.0),
        (lambda v: abs(v), torch.abs, 0.0),
        (lambda v: v.sqrt(), torch.sqrt, 0.0),
        (lambda v: v.sigmoid(), torch.sigmoid, 1000.0),
        (lambda v: v.sigmoid(), torch.sigmoid, -1000.0),
        (lambda v: v**0, lambda t: t**0, 0.0),
    ]:
        t = torch.tensor(point, dtype=torch.float64, requires_grad=True)
        torch_f(t).backward()
        v = Value(point)
        (ours,) = ag.gradients(ours_f(v), [v])
        expected = t.grad.item()
        assert ours == expected or (math.isinf(ours) and math.isinf(expected))
