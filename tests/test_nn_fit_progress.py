"""fit: silencing and non-terminal progress, non-finite hyper-parameters refused, the final
reading, callbacks, live plots outside Jupyter, and training-health statistics."""

import io
import math
import statistics
import sys

import pytest

from autograd_lite import Value
from autograd_lite.nn import MLP, callbacks, data, health, losses, optim, plot, train

X, Y = data.make_blobs(24, centers=[[0, 0], [3, 3]], std=0.5, seed=3)


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf, -0.1, "0.1", True])
def test_fit_refuses_a_non_finite_or_negative_l2(bad):
    model = MLP(2, [2], seed=0)
    before = [p.data for p in model.parameters()]
    with pytest.raises(ValueError, match=r"l2 must be a finite number >= 0, got"):
        train.fit(model, X, Y, loss="cross_entropy", l2=bad, epochs=1, progress=False)
    assert [p.data for p in model.parameters()] == before


def test_progress_false_prints_nothing(capsys):
    train.fit(MLP(2, [2], seed=0), X, Y, loss="cross_entropy", epochs=5, progress=False)
    assert capsys.readouterr() == ("", "")


def test_without_a_terminal_fit_prints_a_line_per_tenth_and_a_final_line(monkeypatch):
    stream = io.StringIO()  # not a terminal, like a pipe or a CI log
    monkeypatch.setattr(sys, "stderr", stream)
    history = train.fit(MLP(2, [2], seed=0), X, Y, loss="cross_entropy", epochs=30)
    lines = stream.getvalue().splitlines()
    assert "\r" not in stream.getvalue()
    assert [line.split(" [")[0] for line in lines] == [
        *(f"fit: epoch {e}/30" for e in range(3, 30, 3)),
        "fit: done: 30 epochs",
    ]
    final = lines[-1].split("] ")[1]
    assert final == f"loss={history.final['loss']:.4f} accuracy={history.final['accuracy']:.4f}"


def test_on_a_terminal_the_bar_ends_on_the_final_reading(monkeypatch):
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    stream = Terminal()
    monkeypatch.setattr(sys, "stderr", stream)
    history = train.fit(MLP(2, [2], seed=0), X, Y, loss="cross_entropy", epochs=4)
    last = stream.getvalue().split("\r")[-1]
    assert "4/4" in last
    assert f"loss={history.final['loss']:.4f}" in last
    assert f"accuracy={history.final['accuracy']:.4f}" in last


def test_final_is_the_trained_model_on_the_training_data():
    model = MLP(2, [3, 2], seed=1)
    history = train.fit(model, X, Y, loss="cross_entropy", l2=0.01, epochs=3, progress=False)
    outputs = [model(x) for x in X]
    l2_term = 0.01 * sum(p.data**2 for p in model.parameters())
    assert history.final["loss"] == pytest.approx(losses.cross_entropy(outputs, Y).data + l2_term)
    assert history.final["accuracy"] == train.accuracy(outputs, Y)
    assert len(history.seconds) == 3
    assert all(s > 0 for s in history.seconds)


def test_callbacks_see_each_epoch_and_a_non_callable_is_refused():
    seen = []
    train.fit(
        MLP(2, [2], seed=0),
        X,
        Y,
        loss="cross_entropy",
        epochs=3,
        progress=False,
        callbacks=[lambda history: seen.append(list(history.loss))],
    )
    assert [len(losses_so_far) for losses_so_far in seen] == [1, 2, 3]
    with pytest.raises(TypeError, match=r"callbacks\[0\] must be a Callback or callable\("):
        train.fit(MLP(2, [2], seed=0), X, Y, epochs=1, progress=False, callbacks=[3])


def test_plot_outside_jupyter_does_nothing_and_training_is_unchanged(capsys):
    plotted = MLP(2, [3, 2], seed=2)
    plain = MLP(2, [3, 2], seed=2)
    for model, flag in ((plotted, True), (plain, False)):
        train.fit(model, X, Y, loss="cross_entropy", epochs=3, progress=False, plot=flag)
    assert capsys.readouterr() == ("", "")
    assert plotted.state_dict() == plain.state_dict()
    assert not plot.in_jupyter()


def _hand_statistics(model, X_batch, y_batch, lr):
    """The health statistics of one SGD step, computed directly from the definitions."""
    first, second = model.layers
    hidden = [[n(x).data for n in first.neurons] for x in X_batch]
    outputs = [[n(h).data for n in second.neurons] for h in hidden]
    flat_hidden = [v for row in hidden for v in row]
    flat_out = [v for row in outputs for v in row]
    model.zero_grad()
    losses.cross_entropy([model(x) for x in X_batch], y_batch).backward()
    weights = [[w for n in layer.neurons for w in n.w] for layer in model.layers]
    grads = [[w.grad for w in layer] for layer in weights]
    return {
        "layers.0.act_mean": statistics.fmean(flat_hidden),
        "layers.0.act_std": statistics.pstdev(flat_hidden),
        "layers.0.dead": sum(all(row[u] == 0.0 for row in hidden) for u in range(4)) / 4,
        "layers.1.act_mean": statistics.fmean(flat_out),
        "layers.1.act_std": statistics.pstdev(flat_out),
        "layers.0.grad_std": statistics.pstdev(grads[0]),
        "layers.1.grad_std": statistics.pstdev(grads[1]),
        # An SGD step moves each weight by lr * grad.
        "layers.0.update_ratio": lr
        * statistics.pstdev(grads[0])
        / statistics.pstdev([w.data for w in weights[0]]),
        "layers.1.update_ratio": lr
        * statistics.pstdev(grads[1])
        / statistics.pstdev([w.data for w in weights[1]]),
    }


def test_health_statistics_match_their_definitions():
    model = MLP(2, [4, 2], seed=7)
    reference = MLP(2, [4, 2], seed=7)
    model.layers[0].neurons[1].b.data = -50.0  # a dead ReLU: off for every sample
    reference.layers[0].neurons[1].b.data = -50.0
    expected = _hand_statistics(reference, X, Y, lr=0.1)
    history = train.fit(
        model,
        X,
        Y,
        loss="cross_entropy",
        optimizer=optim.SGD(model.parameters(), lr=0.1),
        epochs=1,
        progress=False,
        health=True,
    )
    assert expected["layers.0.dead"] == 0.25
    for name, value in expected.items():
        assert history[name] == [pytest.approx(value, rel=1e-9)], name
    assert "layers.1.dead" not in history.records  # a linear layer has no dead units


def test_health_counts_saturated_tanh_units():
    model = MLP(1, [2, 1], activation="tanh", seed=0)
    model.layers[0].neurons[0].b.data = 10.0  # tanh(10 + ...) is within 0.03 of 1
    model.layers[0].neurons[1].w[0].data = 0.0  # tanh(0) = 0, far from the bounds
    stats = health.activation_statistics(model, [[0.5], [-0.5]])
    assert stats["layers.0.saturated"] == 0.5
    assert stats["layers.0.act_mean"] == pytest.approx(
        (math.tanh(10.0 + 0.5 * 0) + 0.0) / 2, abs=0.02
    )


def test_health_needs_layers():
    from autograd_lite.nn import Module

    class NoLayers(Module):
        def __init__(self):
            self.w = Value(1.0)

        def forward(self, x):
            return self.w * x[0]

    with pytest.raises(TypeError, match="health statistics need a model with a `layers` list"):
        train.fit(NoLayers(), [[1.0]], [1.0], epochs=1, progress=False, health=True)


class Recorder(callbacks.Callback):
    def __init__(self):
        self.calls = []

    def on_fit_begin(self, run):
        self.calls.append(("fit_begin", run.epochs))

    def on_step_begin(self, run):
        # The gradients of this batch are there, the weights not yet moved.
        self.grads = [p.grad for p in run.model.parameters()]
        self.weights = [p.data for p in run.model.parameters()]
        self.calls.append(("step_begin", run.epoch, run.batch, run.batches))

    def on_step_end(self, run):
        lr = run.optimizer.lr
        moved = [p.data for p in run.model.parameters()]
        assert moved == pytest.approx([w - lr * g for w, g in zip(self.weights, self.grads)])
        self.calls.append(("step_end", run.epoch, run.batch))

    def on_epoch_end(self, run):
        self.calls.append(("epoch_end", run.epoch, run.history.epochs))

    def on_fit_end(self, run):
        self.calls.append(("fit_end", bool(run.history.final)))


def test_a_callback_sees_every_hook_in_order():
    model = MLP(2, [2], seed=0)
    recorder = Recorder()
    train.fit(model, X, Y, loss="cross_entropy", epochs=2, batch_size=16, progress=False,
              optimizer=optim.SGD(model.parameters(), lr=0.1), callbacks=[recorder])
    # 24 samples in batches of 16: two steps per epoch.
    epoch = [("step_begin", 1, 0, 2), ("step_end", 1, 0), ("step_begin", 1, 1, 2),
             ("step_end", 1, 1), ("epoch_end", 1, 1)]
    second = [(call[0], 2, *call[2:]) for call in epoch[:-1]] + [("epoch_end", 2, 2)]
    assert recorder.calls == [("fit_begin", 2), *epoch, *second, ("fit_end", True)]


def test_on_fit_end_runs_when_training_stops_with_an_error():
    class Stop(callbacks.Callback):
        def on_epoch_end(self, run):
            raise KeyboardInterrupt

    recorder = Recorder()
    model = MLP(2, [2], seed=0)
    with pytest.raises(KeyboardInterrupt):
        train.fit(model, X, Y, loss="cross_entropy", epochs=3, progress=False,
                  optimizer=optim.SGD(model.parameters(), lr=0.1), callbacks=[Stop(), recorder])
    assert recorder.calls[-1] == ("fit_end", False)  # no final reading


def test_fit_refuses_the_optimizer_of_another_model():
    old = MLP(2, [2], seed=0)
    optimizer = optim.Adam(old.parameters(), lr=0.1)
    new = MLP(2, [2], seed=0)  # a re-run notebook cell: a new model, the old optimizer
    with pytest.raises(ValueError, match=r"^fit: 6 of the optimizer's 6 parameters are not this "
                       r"model's .* optim\.Adam\(model\.parameters\(\), lr=\.\.\.\)$"):
        train.fit(new, X, Y, loss="cross_entropy", optimizer=optimizer, progress=False)
    assert [p.data for p in old.parameters()] == [p.data for p in new.parameters()]
    with pytest.raises(TypeError, match=r"optimizer must be an nn\.optim optimizer .* got 'adam'"):
        train.fit(new, X, Y, loss="cross_entropy", optimizer="adam", progress=False)
    # Some of the model's own parameters (the others frozen) are fine.
    first_layer = new.layers[0].neurons[0].parameters()
    frozen = [p.data for p in new.layers[0].neurons[1].parameters()]
    train.fit(new, X, Y, loss="cross_entropy", optimizer=optim.SGD(first_layer, lr=0.1),
              epochs=1, progress=False)
    assert [p.data for p in new.layers[0].neurons[1].parameters()] == frozen


def test_fit_refuses_a_scheduler_of_another_optimizer():
    model = MLP(2, [2], seed=0)
    stale = optim.SGD(model.parameters(), lr=0.1)
    schedule = optim.StepLR(stale, step_size=1)
    with pytest.raises(ValueError, match=r"scheduler sets the learning rate of another optimizer"):
        train.fit(model, X, Y, loss="cross_entropy", scheduler=schedule, progress=False,
                  optimizer=optim.SGD(model.parameters(), lr=0.1))


def test_the_default_optimizer_is_adam_at_the_documented_rate():
    model, twin = MLP(2, [2], seed=0), MLP(2, [2], seed=0)
    train.fit(model, X, Y, loss="cross_entropy", epochs=2, progress=False)
    train.fit(twin, X, Y, loss="cross_entropy", epochs=2, progress=False,
              optimizer=optim.Adam(twin.parameters(), lr=0.01))
    assert model.state_dict() == twin.state_dict()
