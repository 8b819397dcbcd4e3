"""Training results of the nn package, too slow for unit tests: prints a table.

    python benchmarks/training.py [--micrograd-steps N]

Rows: micrograd's moons demo (hand-written loop and `fit`) over several data
seeds with CPU time for 100 full-batch steps; 3-class spirals with
cross-entropy and Adam; save/load round trip (XOR over 10 seeds is fast
enough to be a unit test: tests/test_nn_train.py). With the
`bench` extra installed, micrograd itself runs N demo steps and its time for
100 steps is extrapolated. Exits non-zero if a promised result does not hold.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

import autograd_lite as ag
from autograd_lite.nn import MLP, data, losses, optim, train

Row = tuple[str, str, str, bool]
MOONS_SEEDS = 10
# The data seed used by the tests, the notebook and the README.
DOCUMENTED_MOONS_SEED = 1


def moons_demo_by_hand(
    data_seed: int, model_seed: int = 1337, stop_at_100: bool = False
) -> tuple[int | None, float, float]:
    """(first step with 100% accuracy or None, last accuracy, CPU seconds of the steps run)."""
    X, y = data.make_moons(100, noise=0.1, seed=data_seed, signed=True)
    model = MLP(2, [16, 16, 1], init="uniform", seed=model_seed)
    first_perfect = None
    accuracy = 0.0
    start = time.process_time()
    for k in range(100):
        scores = [model(x) for x in X]
        loss = losses.hinge(scores, y) + 1e-4 * ag.sum([p * p for p in model.parameters()])
        accuracy = train.accuracy(scores, y)
        if accuracy == 1.0 and first_perfect is None:
            first_perfect = k
            if stop_at_100:
                break
        model.zero_grad()
        loss.backward()
        for p in model.parameters():
            p.data -= (1.0 - 0.9 * k / 100) * p.grad
    return first_perfect, accuracy, time.process_time() - start


def first_steps(outcomes: list[tuple[int | None, float, float]]) -> str:
    """'6/10 (steps 31-45)' style summary of sweep outcomes."""
    steps = [first for first, _, _ in outcomes if first is not None]
    span = f" (at steps {min(steps)}-{max(steps)})" if steps else ""
    return f"{len(steps)}/{len(outcomes)} reach 100% within 100 steps{span}"


def moons_demo_with_fit(data_seed: int) -> tuple[float, float]:
    """(best epoch accuracy, CPU seconds) of the demo run through `fit` for 100 epochs."""
    X, y = data.make_moons(100, noise=0.1, seed=data_seed, signed=True)
    model = MLP(2, [16, 16, 1], init="uniform", seed=1337)
    sgd = optim.SGD(model.parameters(), lr=1.0)
    start = time.process_time()
    history = train.fit(
        model,
        X,
        y,
        loss="hinge",
        l2=1e-4,
        optimizer=sgd,
        scheduler=optim.LinearLR(sgd, start_factor=1.0, end_factor=0.1, total_iters=100),
        epochs=100,
        progress=False,
    )
    return max(history["accuracy"]), time.process_time() - start


def micrograd_demo_seconds(steps: int) -> float | None:
    """micrograd's own CPU time for 100 demo steps, extrapolated from `steps`; None if absent."""
    try:
        from micrograd.engine import Value as MicrogradValue
        from micrograd.nn import MLP as MicrogradMLP
    except ImportError:
        return None
    X, y = data.make_moons(100, noise=0.1, seed=0, signed=True)
    random.seed(1337)
    model = MicrogradMLP(2, [16, 16, 1])
    start = time.process_time()
    for k in range(steps):
        scores = [model([MicrogradValue(v) for v in x]) for x in X]
        data_loss = sum((1 + -label * score).relu() for label, score in zip(y, scores)) * (
            1.0 / len(y)
        )
        total = data_loss + 1e-4 * sum(p * p for p in model.parameters())
        model.zero_grad()
        total.backward()
        for p in model.parameters():
            p.data -= (1.0 - 0.9 * k / 100) * p.grad
    return (time.process_time() - start) * 100 / steps


def spirals(seed: int) -> tuple[float, float]:
    """(training accuracy, CPU seconds) of 3-class spirals with cross-entropy and Adam."""
    X, y = data.make_spirals(300, classes=3, seed=seed)
    model = MLP(2, [16, 16, 3], seed=seed)
    start = time.process_time()
    train.fit(
        model,
        X,
        y,
        loss="cross_entropy",
        optimizer=optim.Adam(model.parameters(), lr=0.02),
        epochs=30,
        batch_size=16,
        seed=seed,
        progress=False,
    )
    seconds = time.process_time() - start
    return train.evaluate(model, X, y, loss="cross_entropy")["accuracy"], seconds


def save_load_identical() -> bool:
    """Whether predictions after save and load equal the originals bit for bit."""
    X, y = data.make_moons(200, noise=0.2, seed=3)
    model = MLP(2, [16, 16, 1], output_activation="sigmoid", seed=3)
    train.fit(model, X, y, loss="binary_cross_entropy", epochs=5, batch_size=20, progress=False)
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "model.json"
        model.save(path)
        return train.predict(MLP.load(path), X) == train.predict(model, X)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--micrograd-steps", type=int, default=3, help="micrograd demo steps to time (0: skip)"
    )
    args = parser.parse_args()
    rows: list[Row] = []

    first, accuracy, seconds = moons_demo_by_hand(DOCUMENTED_MOONS_SEED)
    rows.append(
        (
            f"moons demo, hand loop, data seed {DOCUMENTED_MOONS_SEED}, model seed 1337",
            f"100% at step {first}" if first is not None else f"final {accuracy:.0%}",
            f"{seconds:.2f} s / 100 steps",
            first is not None and seconds < 10,
        )
    )
    fixed_model = [moons_demo_by_hand(seed, 1337, True) for seed in range(MOONS_SEEDS)]
    rows.append(
        (
            f"moons demo, data seeds 0-{MOONS_SEEDS - 1}, model seed 1337",
            first_steps(fixed_model),
            "",
            True,
        )
    )
    same_seed = [moons_demo_by_hand(seed, seed, True) for seed in range(MOONS_SEEDS)]
    rows.append(
        (
            f"moons demo, data seed = model seed = 0-{MOONS_SEEDS - 1}",
            first_steps(same_seed),
            "",
            True,
        )
    )
    best, seconds = moons_demo_with_fit(DOCUMENTED_MOONS_SEED)
    rows.append(
        (
            f"moons demo via fit, data seed {DOCUMENTED_MOONS_SEED}",
            f"best {best:.0%}",
            f"{seconds:.2f} s / 100 epochs",
            best == 1.0,
        )
    )
    if args.micrograd_steps > 0:
        reference = micrograd_demo_seconds(args.micrograd_steps)
        if reference is not None:
            rows.append(
                (
                    "micrograd 0.1.0, same demo",
                    f"timed {args.micrograd_steps} steps",
                    f"{reference:.1f} s / 100 steps (extrapolated)",
                    True,
                )
            )

    accuracies = []
    for seed in range(5):
        accuracy, seconds = spirals(seed)
        accuracies.append(accuracy)
        rows.append(
            (
                f"spirals 3x100, Adam, seed {seed}",
                f"train accuracy {accuracy:.1%}",
                f"{seconds:.2f} s / 30 epochs",
                accuracy >= 0.95,
            )
        )

    identical = save_load_identical()
    rows.append(
        ("save, load, predict", "bit-identical" if identical else "DIFFERENT", "", identical)
    )

    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    print(f"{'check':<{widths[0]}}  {'result':<{widths[1]}}  {'CPU time':<{widths[2]}}  ok")
    for name, result, cost, ok in rows:
        print(
            f"{name:<{widths[0]}}  {result:<{widths[1]}}  {cost:<{widths[2]}}  "
            f"{'yes' if ok else 'NO'}"
        )
    return 0 if all(ok for *_, ok in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
