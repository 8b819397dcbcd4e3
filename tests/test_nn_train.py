"""nn.train: accuracy, predict, evaluate, fit, and the training results the library promises."""

import math

import pytest

import autograd_lite as ag
from autograd_lite.nn import MLP, data, losses, optim, train


def test_accuracy_binary_and_multiclass():
    assert train.accuracy([0.3, -0.2, 0.1, -5.0], [1, -1, -1, 0]) == 0.75
    assert train.accuracy([0.7, 0.4], [1, 0], threshold=0.5) == 1.0
    assert train.accuracy([[0.1, 2.0, 0.3], [5.0, 1.0, 0.0]], [1, 2]) == 0.5
    with pytest.raises(ValueError, match="2 and 1"):
        train.accuracy([0.1, 0.2], [1])
    with pytest.raises(ValueError, match="got 2"):
        train.accuracy([0.1], [2])


def test_predict_returns_floats_and_records_no_graph():
    model = MLP(2, [3, 2], seed=0)
    (row,) = train.predict(model, [[0.5, -1.0]])
    assert row == [v.data for v in model([0.5, -1.0])]
    assert all(isinstance(v, float) for v in row)
    assert train.predict(MLP(2, [1], seed=0), [[1.0, 2.0]])[0] == MLP(2, [1], seed=0)([1, 2]).data


def test_evaluate_matches_loss_function():
    model = MLP(2, [4, 1], seed=1)
    X, y = data.make_moons(20, noise=0.1, seed=0, signed=True)
    result = train.evaluate(model, X, y, loss="hinge")
    assert result["loss"] == pytest.approx(losses.hinge([model(x) for x in X], y).data)
    assert result["accuracy"] == train.accuracy([model(x).data for x in X], y)


@pytest.mark.slow
def test_micrograd_demo_by_hand_reaches_full_accuracy():
    X, y = data.make_moons(100, noise=0.1, seed=1, signed=True)
    model = MLP(2, [16, 16, 1], init="uniform", seed=1337)
    best = 0.0
    for k in range(100):
        scores = [model(x) for x in X]
        regularization = 1e-4 * ag.sum([p * p for p in model.parameters()])
        loss = losses.hinge(scores, y) + regularization
        best = max(best, train.accuracy(scores, y))
        if best == 1.0:
            break
        model.zero_grad()
        loss.backward()
        for p in model.parameters():
            p.data -= (1.0 - 0.9 * k / 100) * p.grad
    assert best == 1.0


@pytest.mark.slow
def test_micrograd_demo_with_fit_and_callable_loss():
    X, y = data.make_moons(100, noise=0.1, seed=1, signed=True)
    model = MLP(2, [16, 16, 1], init="uniform", seed=1337)
    sgd = optim.SGD(model.parameters(), lr=1.0)

    def hinge_l2(scores, labels):
        return losses.hinge(scores, labels) + 1e-4 * ag.sum([p * p for p in model.parameters()])

    history = train.fit(
        model,
        X,
        y,
        loss=hinge_l2,
        optimizer=sgd,
        epochs=100,
        progress=False,
        scheduler=optim.LinearLR(sgd, start_factor=1.0, end_factor=0.1, total_iters=100),
    )
    assert max(history["accuracy"]) == 1.0
    assert history.epochs == 100
    assert sgd.lr == pytest.approx(0.1)


def test_fit_l2_option_equals_callable_loss():
    X, y = data.make_moons(30, noise=0.1, seed=2, signed=True)
    runs = []
    for use_option in (True, False):
        model = MLP(2, [4, 1], seed=3)

        def hinge_l2(scores, labels, model=model):
            return losses.hinge(scores, labels) + 1e-2 * ag.sum([p * p for p in model.parameters()])

        history = train.fit(
            model,
            X,
            y,
            loss="hinge" if use_option else hinge_l2,
            l2=1e-2 if use_option else 0.0,
            optimizer=optim.SGD(model.parameters(), lr=0.1),
            epochs=5,
            progress=False,
            compile=False,  # bit-equality holds within the interpreter
        )
        runs.append((history.loss, [p.data for p in model.parameters()]))
    assert runs[0] == runs[1]


def test_fit_full_batch_step_equals_hand_step():
    X, y = data.make_blobs(12, centers=[[0, 0], [3, 3]], seed=0)
    fitted, by_hand = MLP(2, [3, 2], seed=5), MLP(2, [3, 2], seed=5)
    history = train.fit(
        fitted,
        X,
        y,
        loss="cross_entropy",
        optimizer=optim.SGD(fitted.parameters(), lr=0.1),
        epochs=1,
        progress=False,
    )
    loss = losses.cross_entropy([by_hand(x) for x in X], y)
    loss.backward()
    for p in by_hand.parameters():
        p.data -= 0.1 * p.grad
    # fit compiles the step by default: the same sums in another order.
    assert history.loss == pytest.approx([loss.data], rel=1e-12)
    assert [p.data for p in fitted.parameters()] == pytest.approx(
        [p.data for p in by_hand.parameters()], rel=1e-12, abs=1e-15
    )


def test_fit_records_validation_and_minibatches():
    X, y = data.make_blobs(40, centers=[[0, 0], [4, 4]], std=0.5, seed=1)
    X_train, X_val, y_train, y_val = data.train_test_split(X, y, seed=0)
    model = MLP(2, [4, 2], seed=0)
    history = train.fit(
        model,
        X_train,
        y_train,
        loss="cross_entropy",
        epochs=3,
        batch_size=8,
        validation=(X_val, y_val),
        progress=False,
        seed=0,
    )
    assert set(history.records) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert all(len(values) == 3 for values in history.records.values())
    assert history["val_loss"][-1] == pytest.approx(
        train.evaluate(model, X_val, y_val, loss="cross_entropy")["loss"]
    )


def test_fit_rejects_bad_arguments():
    model = MLP(2, [1], seed=0)
    with pytest.raises(ValueError, match="unknown loss 'l1'"):
        train.fit(model, [[0.0, 0.0]], [1], loss="l1", progress=False)
    with pytest.raises(ValueError, match="unknown metric"):
        train.fit(model, [[0.0, 0.0]], [1], metrics=("f1",), progress=False)
    with pytest.raises(ValueError, match="batch_size"):
        train.fit(model, [[0.0, 0.0]], [1], batch_size=0, progress=False)
    with pytest.raises(ValueError, match="1 and 2"):
        train.fit(model, [[0.0, 0.0]], [1, 0], progress=False)


def test_fit_shows_a_progress_bar(capsys):
    model = MLP(2, [1], seed=0)
    train.fit(model, [[0.0, 1.0]], [1.0], epochs=2, progress=True)
    assert "loss=" in capsys.readouterr().err


def test_xor_converges_from_at_least_nine_of_ten_seeds():
    X, y = data.make_xor()
    converged = 0
    for seed in range(10):
        model = MLP(2, [4, 1], activation="tanh", init="xavier", seed=seed)
        train.fit(
            model,
            X,
            y,
            loss="binary_cross_entropy_with_logits",
            optimizer=optim.Adam(model.parameters(), lr=0.1),
            epochs=200,
            progress=False,
        )
        result = train.evaluate(model, X, y, loss="binary_cross_entropy_with_logits")
        converged += result["accuracy"] == 1.0 and result["loss"] < 0.1
    assert converged >= 9


@pytest.mark.slow
def test_spirals_with_cross_entropy_and_adam():
    X, y = data.make_spirals(300, classes=3, seed=0)
    model = MLP(2, [16, 16, 3], seed=0)
    train.fit(
        model,
        X,
        y,
        loss="cross_entropy",
        optimizer=optim.Adam(model.parameters(), lr=0.02),
        epochs=30,
        batch_size=16,
        seed=0,
        progress=False,
    )
    assert train.evaluate(model, X, y, loss="cross_entropy")["accuracy"] >= 0.95


def test_trained_model_survives_save_and_load(tmp_path):
    X, y = data.make_moons(40, noise=0.1, seed=0)
    model = MLP(2, [8, 1], output_activation="sigmoid", seed=0)
    train.fit(model, X, y, loss="binary_cross_entropy", epochs=20, progress=False)
    model.save(tmp_path / "moons.json")
    assert train.predict(MLP.load(tmp_path / "moons.json"), X) == train.predict(model, X)


def test_accuracy_refuses_nan_outputs_instead_of_counting_them_right() -> None:
    with pytest.raises(ValueError, match=r"outputs\[0\] is nan"):
        train.accuracy([math.nan], [0])
    with pytest.raises(ValueError, match=r"outputs\[1\] is nan"):
        train.accuracy([[0.1, 0.9], [math.nan, 0.2]], [1, 0])


@pytest.mark.parametrize("enabled", [True, False])
def test_fit_pauses_the_collector_and_gives_it_back_as_it_was(enabled: bool) -> None:
    import gc

    seen: list[bool] = []
    model = MLP(2, [2, 1], seed=0)
    X, y = [[0.0, 1.0], [1.0, 0.0]], [1.0, -1.0]
    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        train.fit(model, X, y, epochs=2, progress=False,
                  callbacks=[lambda history: seen.append(gc.isenabled())])  # fmt: skip
        assert seen == [False, False]
        assert gc.isenabled() is enabled

        def interrupted(history: object) -> None:
            raise KeyboardInterrupt

        with pytest.raises(KeyboardInterrupt):
            train.fit(model, X, y, epochs=2, progress=False, callbacks=[interrupted])
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()
