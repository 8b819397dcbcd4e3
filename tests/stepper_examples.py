"""Graphs the stepper tests share: micrograd's neuron, the tutorial's 2-2-1 network, a big graph."""

from __future__ import annotations

import random

import autograd_lite as ag
from autograd_lite import Value


def neuron() -> tuple[Value, dict[str, Value]]:
    """o = tanh(x1*w1 + x2*w2 + b) at micrograd's lecture values (n = 0.8814, o = 0.7071)."""
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    n = x1 * w1 + x2 * w2 + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    return o, {"x1": x1, "x2": x2, "w1": w1, "w2": w2, "b": b, "n": n}


def network() -> tuple[Value, list[Value]]:
    """The tutorial's 2-2-1 ReLU network with loss (yhat - y)**2 / 2, one node per product."""
    x = [Value(1.0, label="x_0"), Value(2.0, label="x_1")]
    w1 = [
        [Value(v, label=f"W1_{j}{i}") for i, v in enumerate(row)]
        for j, row in enumerate([[0.5, 0.2], [0.3, 0.7]])
    ]
    b1 = [Value(v, label=f"b1_{j}") for j, v in enumerate([0.1, 0.2])]
    w2 = [Value(v, label=f"W2_{j}") for j, v in enumerate([0.6, 0.9])]
    b2 = Value(0.3, label="b2")
    h = []
    for j in range(2):
        z = ag.sum([w1[j][0] * x[0], w1[j][1] * x[1], b1[j]])
        z.label = f"z1_{j}"
        a = z.relu()
        a.label = f"h_{j}"
        h.append(a)
    yhat = ag.sum([w2[0] * h[0], w2[1] * h[1], b2])
    yhat.label = "yhat"
    loss = 0.5 * (yhat - 3.0) ** 2
    loss.label = "L"
    return loss, [*w1[0], *w1[1], *b1, *w2, b2]


def big_graph(values: int = 300, seed: int = 0) -> Value:
    """A random graph of exactly `values` Values (20 of them leaves) that all feed the root.

    Each new node adds a random earlier one to the previous one, or is the tanh of their
    product: one long spine with many cross edges, and bounded values.
    """
    rng = random.Random(seed)
    leaves = [Value(rng.uniform(-1, 1), label=f"x{i}") for i in range(20)]
    nodes = [leaves[0]]
    for leaf in leaves[1:]:
        nodes.append(nodes[-1] + leaf)
    count = 20 + 19
    while count < values:
        other = rng.choice(nodes[-40:-1])
        if rng.randrange(2) or count == values - 1:
            nodes.append(nodes[-1] + other)
            count += 1
        else:
            nodes.append((nodes[-1] * other).tanh())
            count += 2
    return nodes[-1]
