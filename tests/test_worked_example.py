"""The 2-2-1 ReLU network of a widely copied backprop tutorial, with its slip corrected.

The tutorial prints yhat = 2.46, but 0.6 * 1.0 + 0.9 * 1.9 + 0.3 = 2.61. The values
below are derived by hand from the network's definition:
  z1 = W1 x + b1 = [0.5 + 0.4 + 0.1, 0.3 + 1.4 + 0.2] = [1.0, 1.9], h = relu(z1) = z1
  yhat = W2 . h + b2 = 2.61,  L = (yhat - y)^2 / 2 = (-0.39)^2 / 2 = 0.07605
  dL/dyhat = -0.39, dL/dW2 = -0.39 h, dL/db2 = -0.39, dL/dh = -0.39 W2 = [-0.234, -0.351]
  dL/dW1 = dL/dh (outer) x, dL/db1 = dL/dh
"""

import pytest

import autograd_lite as ag
from autograd_lite import Value

X = [1.0, 2.0]
Y = 3.0


def network(fused: bool) -> tuple[Value, list[list[Value]], list[Value], list[Value], Value]:
    w1 = [[Value(0.5), Value(0.2)], [Value(0.3), Value(0.7)]]
    b1 = [Value(0.1), Value(0.2)]
    w2 = [Value(0.6), Value(0.9)]
    b2 = Value(0.3)
    if fused:
        hidden = [ag.dot([*row, b], [*X, 1.0]).relu() for row, b in zip(w1, b1)]
        yhat = ag.dot([*w2, b2], [*hidden, 1.0])
    else:
        hidden = [(row[0] * X[0] + row[1] * X[1] + b).relu() for row, b in zip(w1, b1)]
        yhat = w2[0] * hidden[0] + w2[1] * hidden[1] + b2
    loss = 0.5 * (yhat - Y) ** 2
    return loss, w1, b1, w2, b2


@pytest.mark.parametrize("fused", [True, False])
def test_worked_example_matches_the_hand_derivation(fused: bool) -> None:
    loss, w1, b1, w2, b2 = network(fused)
    yhat = loss.parents[0].parents[0].parents[0]
    assert yhat.data == pytest.approx(2.61, abs=1e-12)
    assert loss.data == pytest.approx(0.07605, abs=1e-12)
    loss.backward()
    assert [w.grad for w in w2] == pytest.approx([-0.39, -0.741], abs=1e-12)
    assert b2.grad == pytest.approx(-0.39, abs=1e-12)
    assert [[w.grad for w in row] for row in w1] == [
        pytest.approx([-0.234, -0.468], abs=1e-12),
        pytest.approx([-0.351, -0.702], abs=1e-12),
    ]
    assert [b.grad for b in b1] == pytest.approx([-0.234, -0.351], abs=1e-12)


def test_the_tutorial_numbers_are_not_what_the_network_computes() -> None:
    loss, *_ = network(fused=True)
    assert loss.data != pytest.approx(0.1458, abs=1e-3)
