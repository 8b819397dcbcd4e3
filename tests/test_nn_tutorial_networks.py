"""The tutorials' networks on real data: the planar flower (2-4-1, hand-derived vectorised
backward), the digits (64-10-10), the mini-batch loop by hand, and the tutorial's layers."""

import collections
import gzip
import itertools
import math

import pytest

import autograd_lite as ag
from autograd_lite import Value
from autograd_lite.nn import MLP, data, losses, optim, train

# -- data ---------------------------------------------------------------------------------


def test_flower_without_noise_lies_on_the_rose_curve():
    X, y = data.make_flower(10, noise=0.0, seed=0)
    assert y == [0] * 5 + [1] * 5
    for index, ((x1, x2), label) in enumerate(zip(X, y)):
        t = 3.12 * (label + (index % 5) / 4)  # linspace(3.12 j, 3.12 (j + 1), n/2)
        r = 4 * math.sin(4 * t)
        assert x1 == pytest.approx(r * math.sin(t), abs=1e-12)
        assert x2 == pytest.approx(r * math.cos(t), abs=1e-12)


def test_flower_is_seeded_and_noisy_like_the_course():
    X, y = data.make_flower(400, seed=1)
    assert (X, y) == data.make_flower(400, seed=1)
    assert data.make_flower(400, seed=2)[0] != X
    assert collections.Counter(y) == {0: 200, 1: 200}
    assert max(math.hypot(*p) for p in X) == pytest.approx(4.0, abs=1.0)  # petals of radius 4
    with pytest.raises(ValueError, match="noise"):
        data.make_flower(noise=math.nan)
    with pytest.raises(ValueError, match="n must be"):
        data.make_flower(1)


def test_digits_are_the_uci_test_set():
    X, y = data.load_digits()
    assert len(X) == len(y) == 1797
    assert all(len(row) == 64 for row in X)
    assert {p for row in X for p in row} <= set(range(17))
    # Class counts of the optdigits test set, as the UCI page lists them.
    assert [collections.Counter(y)[d] for d in range(10)] == [
        178, 182, 177, 183, 181, 182, 181, 179, 174, 180,
    ]  # fmt: skip
    assert y[:10] == list(range(10))
    zero = X[0]  # a zero: ink around a hole in the middle
    assert zero[27] == 0 and zero[3] > 8 and zero[26] > 0 and zero[29] > 0


def test_digits_scaling_and_split():
    X, _ = data.load_digits()
    scaled, _ = data.load_digits(scale=True)
    assert scaled[5] == [p / 16 for p in X[5]]
    X_train, X_test, y_train, y_test = data.load_digits(scale=True, test_size=0.2, seed=0)
    assert (len(X_train), len(X_test), len(y_train), len(y_test)) == (1438, 359, 1438, 359)
    assert sorted(map(tuple, X_train + X_test)) == sorted(map(tuple, scaled))
    assert data.load_digits(scale=True, test_size=0.2, seed=0)[1] == X_test
    assert data.load_digits(scale=True, test_size=0.2, seed=1)[1] != X_test
    assert data.load_digits()[0] is not X  # a fresh copy each call
    assert "CC BY 4.0" in data.DIGITS_ATTRIBUTION


# -- the flower: 2-4-1 tanh / sigmoid / binary cross-entropy --------------------------------


def flower_model(seed: int = 3) -> MLP:
    return MLP(2, [4, 1], activation="tanh", output_activation="sigmoid", init="xavier", seed=seed)


def hand_gradients(model: MLP, X, Y, slip: bool = False):
    """The course's vectorised backward in plain lists: rows are units, columns samples."""
    W1 = [[w.data for w in n.w] for n in model.layers[0].neurons]
    b1 = [n.b.data for n in model.layers[0].neurons]
    W2 = [w.data for w in model.layers[1].neurons[0].w]
    b2 = model.layers[1].neurons[0].b.data
    m = len(X)
    A1 = [[math.tanh(W1[h][0] * x[0] + W1[h][1] * x[1] + b1[h]) for x in X] for h in range(4)]
    Z2 = [sum(W2[h] * A1[h][i] for h in range(4)) + b2 for i in range(m)]
    A2 = [1 / (1 + math.exp(-z)) for z in Z2]
    dZ2 = [(A2[i] - Y[i]) / m for i in range(m)]
    dW2 = [sum(dZ2[i] * A1[h][i] for i in range(m)) for h in range(4)]  # dZ2 . A1^T
    db2 = sum(dZ2)
    dZ1 = [[W2[h] * dZ2[i] * (1 - A1[h][i] ** 2) for i in range(m)] for h in range(4)]
    dW1 = [[sum(dZ1[h][i] * X[i][k] for i in range(m)) for k in range(2)] for h in range(4)]
    # With the slip, np.sum(dZ1) without axis=1 sums over the hidden units too.
    db1 = [sum(sum(row) for row in dZ1)] * 4 if slip else [sum(dZ1[h]) for h in range(4)]
    return dW1, db1, dW2, db2


def engine_gradients(model: MLP, X, Y):
    model.zero_grad()
    losses.binary_cross_entropy([model(x) for x in X], Y).backward()
    hidden, out = model.layers[0].neurons, model.layers[1].neurons[0]
    return (
        [[w.grad for w in n.w] for n in hidden],
        [n.b.grad for n in hidden],
        [w.grad for w in out.w],
        out.b.grad,
    )


def test_hand_derived_vectorised_backward_equals_the_engine_to_1e_12():
    X, Y = data.make_flower(400, seed=0)
    model = flower_model()
    hand = hand_gradients(model, X, Y)
    engine = engine_gradients(model, X, Y)
    pairs = [
        *zip(itertools.chain(*hand[0]), itertools.chain(*engine[0])),  # dW1, 4 x 2
        *zip(hand[1], engine[1]),  # db1
        *zip(hand[2], engine[2]),  # dW2
        (hand[3], engine[3]),  # db2
    ]
    assert len(pairs) == 17
    assert max(abs(h - e) for h, e in pairs) <= 1e-12
    assert max(abs(e) for _, e in pairs) > 1e-3  # the gradients are not all tiny


def test_the_engine_catches_the_db1_slip():
    X, Y = data.make_flower(400, seed=0)
    model = flower_model()
    slipped = hand_gradients(model, X, Y, slip=True)[1]
    true_db1 = engine_gradients(model, X, Y)[1]
    assert len(set(slipped)) == 1  # every hidden bias would get the same update
    assert slipped[0] == pytest.approx(sum(true_db1), abs=1e-12)
    assert max(abs(s - t) for s, t in zip(slipped, true_db1)) > 1e-3
    # "Why sum?": a bias is used by all m samples, so its gradient is the sum of m
    # contributions, one per sample: (a2_i - y_i) / m for the output bias.
    db2 = engine_gradients(model, X, Y)[3]
    contributions = [(model(x).data - t) / len(X) for x, t in zip(X, Y)]
    assert db2 == pytest.approx(math.fsum(contributions), abs=1e-12)


@pytest.mark.slow
def test_flower_reaches_88_percent_within_2000_iterations():
    X, Y = data.make_flower(400, seed=0)
    model = flower_model()
    sgd = optim.SGD(model.parameters(), lr=1.2)
    history = train.fit(
        model, X, Y, loss="binary_cross_entropy", optimizer=sgd, epochs=100, progress=False
    )
    assert history.final["accuracy"] >= 0.88


# -- digits: 64-10-10, ReLU then softmax, categorical cross-entropy, SGD ----------------------


@pytest.mark.slow
def test_digits_network_reaches_92_percent_on_the_held_out_fifth():
    X_train, X_test, y_train, y_test = data.load_digits(scale=True, test_size=0.2, seed=0)
    model = MLP(64, [10, 10], seed=0)
    sgd = optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    train.fit(
        model,
        X_train,
        y_train,
        loss="cross_entropy",
        optimizer=sgd,
        epochs=10,
        batch_size=16,
        seed=0,
        progress=False,
        scheduler=optim.LinearLR(sgd, start_factor=1.0, end_factor=0.02, total_iters=10),
    )
    assert train.evaluate(model, X_test, y_test, loss="cross_entropy")["accuracy"] >= 0.92


@pytest.mark.slow
def test_mini_batch_loop_by_hand_equals_fit():
    X, y = data.load_digits(scale=True)
    X, y = X[:60], y[:60]
    by_hand, fitted = MLP(64, [10, 10], seed=2), MLP(64, [10, 10], seed=2)
    lr, seed = 0.1, 5
    for epoch in range(2):
        # The four steps: choose a mini-batch, compute the gradient, update, repeat.
        for X_batch, y_batch in data.batches(X, y, 16, shuffle=True, seed=seed + epoch):
            loss = losses.cross_entropy([by_hand(x) for x in X_batch], y_batch)
            by_hand.zero_grad()
            loss.backward()
            for p in by_hand.parameters():
                p.data -= lr * p.grad
    compiled = MLP(64, [10, 10], seed=2)
    for model, compile in ((fitted, False), (compiled, True)):
        train.fit(
            model,
            X,
            y,
            loss="cross_entropy",
            optimizer=optim.SGD(model.parameters(), lr=lr),
            epochs=2,
            batch_size=16,
            seed=seed,
            progress=False,
            compile=compile,
        )
    # The interpreter runs the very same operations; compiled code may round differently.
    assert fitted.state_dict() == by_hand.state_dict()
    hand = by_hand.state_dict()
    assert max(abs(v - hand[name]) for name, v in compiled.state_dict().items()) < 1e-12


# -- the tutorial's layer classes beside the engine's local derivatives ----------------------


class ReluLayer:
    def forward(self, x):
        self.mask = [v <= 0 for v in x]
        return [0.0 if off else v for v, off in zip(x, self.mask)]

    def backward(self, dout):
        return [0.0 if off else d for d, off in zip(dout, self.mask)]


class SigmoidLayer:
    def forward(self, x):
        self.out = [1 / (1 + math.exp(-v)) for v in x]
        return self.out

    def backward(self, dout):
        return [d * y * (1.0 - y) for d, y in zip(dout, self.out)]


@pytest.mark.parametrize(("layer", "op"), [(ReluLayer(), ag.relu), (SigmoidLayer(), ag.sigmoid)])
def test_tutorial_layers_backward_equals_engine_local_derivatives(layer, op):
    x = [-1.5, -0.2, 0.3, 2.0]
    dout = [0.7, -1.1, 0.4, 2.5]
    inputs = [Value(v) for v in x]
    outputs = [op(v) for v in inputs]
    assert [o.data for o in outputs] == pytest.approx(layer.forward(x), abs=1e-15)
    ag.sum([d * o for d, o in zip(dout, outputs)]).backward()
    assert [v.grad for v in inputs] == pytest.approx(layer.backward(dout), abs=1e-15)
    # The engine stored the same local derivative on each node in the forward pass.
    assert [o.local_grads[0] for o in outputs] == pytest.approx(
        layer.backward([1.0] * 4), abs=1e-15
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "missing or corrupt"),
        (b"not gzip at all", "missing or corrupt"),
        (gzip.compress(b"1,2,3\n"), "line 1: expected 64 pixels"),
        (gzip.compress(b",".join([b"17"] * 64 + [b"3"]) + b"\n"), "line 1: expected 64 pixels"),
        (gzip.compress(b",".join([b"1"] * 64 + [b"3"]) + b"\n"), "expected 1797 images, found 1"),
    ],
)
def test_a_damaged_digits_file_is_reported_not_misread(tmp_path, monkeypatch, content, message):
    (tmp_path / "datasets").mkdir()
    if content is not None:
        (tmp_path / "datasets" / "digits.csv.gz").write_bytes(content)
    monkeypatch.setattr(data.resources, "files", lambda package: tmp_path)
    data._digits_rows.cache_clear()
    try:
        with pytest.raises(OSError, match=message):
            data.load_digits()
    finally:
        data._digits_rows.cache_clear()
