"""`autograd-lite train`: fit an MLP classifier on a built-in data set or a CSV file."""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Callable
from pathlib import Path

import nn
from autograd_lite.cli.common import (
    CommandError,
    ExitStatus,
    describe,
    positive_float,
    positive_int,
    write_atomically,
)
from autograd_lite.cli.csv_input import read_table
from autograd_lite.expression import EvaluationError

# Every weight is a Python object: a 1024-wide layer pair already holds a million.
MAX_LAYER_WIDTH = 1024

DATA_SETS: dict[str, Callable[[int, int], tuple[list[list[float]], list[int]]]] = {
    "moons": lambda n, seed: nn.data.make_moons(n, noise=0.1, seed=seed),
    "circles": lambda n, seed: nn.data.make_circles(n, noise=0.05, seed=seed),
    "spirals": lambda n, seed: nn.data.make_spirals(n, classes=3, noise=0.2, seed=seed),
    "xor": lambda n, seed: nn.data.make_xor(n, noise=0.1, seed=seed),
    "blobs": lambda n, seed: nn.data.make_blobs(n, centers=3, seed=seed),
}

EPILOG = """\
examples:
  autograd-lite train --data circles --hidden 16,16 --epochs 50 --save model.json
  autograd-lite train --data spirals --hidden 32,32 --epochs 200 --lr 0.02
  autograd-lite train --data points.csv --optimizer sgd --lr 0.1 --batch-size 16

built-in data sets (2 features): moons, circles and xor have 2 classes; spirals
and blobs have 3. A CSV file has one row per sample: the feature columns, then
an integer class label 0, 1, ..., k-1 in the last column; a header row is
optional. Two classes train one output with binary cross-entropy, more train
one output per class with cross-entropy.
"""


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `train` subcommand to `commands`."""
    train = commands.add_parser(
        "train",
        help="train an MLP on a built-in data set or a CSV file",
        description="Train an MLP classifier with nn.train.fit and print the final metrics.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    train.add_argument(
        "--data",
        metavar="NAME|FILE.csv",
        default="moons",
        help=f"one of {', '.join(DATA_SETS)} or a CSV file (default: moons)",
    )
    train.add_argument(
        "--samples",
        metavar="N",
        type=positive_int,
        default=200,
        help="size of a built-in set (default: 200)",
    )
    train.add_argument(
        "--hidden",
        metavar="WIDTHS",
        type=_layer_sizes,
        default=[16, 16],
        help="hidden layer widths, comma-separated; '' for none (default: 16,16)",
    )
    train.add_argument(
        "--epochs",
        metavar="N",
        type=positive_int,
        default=50,
        help="passes over the data (default: 50)",
    )
    train.add_argument(
        "--lr",
        metavar="RATE",
        type=positive_float,
        default=0.05,
        help="learning rate (default: 0.05)",
    )
    train.add_argument("--optimizer", choices=("adam", "sgd"), default="adam", help="default: adam")
    train.add_argument(
        "--batch-size",
        metavar="N",
        type=positive_int,
        default=32,
        help="samples per step (default: 32)",
    )
    train.add_argument(
        "--seed",
        metavar="N",
        type=int,
        default=0,
        help="seeds data, weights and batches (default: 0)",
    )
    train.add_argument("--save", metavar="FILE", type=Path, help="write the trained model here")
    train.set_defaults(run=run)


def _layer_sizes(text: str) -> list[int]:
    if not text.strip():
        return []
    try:
        sizes = [positive_int(part) for part in text.split(",")]
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated positive layer widths such as 16,16, got {text!r}"
        ) from None
    if max(sizes) > MAX_LAYER_WIDTH:
        raise argparse.ArgumentTypeError(
            f"layer width {max(sizes)} is more than {MAX_LAYER_WIDTH}, too many scalar "
            f"Values to train, got {text!r}"
        )
    return sizes


def run(args: argparse.Namespace) -> int:
    """The `train` subcommand: fit an MLP classifier and report its final metrics."""
    save: Path | None = args.save
    if save is not None and not save.parent.is_dir():
        raise CommandError(f"--save {str(save)!r}: directory {str(save.parent)!r} does not exist")
    X, y, source = _training_data(args.data, args.samples, args.seed)
    classes = max(y) + 1
    if classes > len(y):
        raise CommandError(
            f"{source}: labels must be 0..k-1 for k classes, but the largest label, "
            f"{classes - 1}, is more than the {len(y)} samples could use"
        )
    if classes < 2:
        raise CommandError(f"{source}: every label is 0; a classifier needs at least 2 classes")
    outputs = 1 if classes == 2 else classes
    loss = "binary_cross_entropy_with_logits" if classes == 2 else "cross_entropy"
    model = nn.MLP(len(X[0]), [*args.hidden, outputs], seed=args.seed)
    optimizer_class = nn.optim.Adam if args.optimizer == "adam" else nn.optim.SGD
    optimizer = optimizer_class(model.parameters(), lr=args.lr)
    print(
        f"training {describe(model)} on {len(X)} samples of "
        f"{source} ({classes} classes) for {args.epochs} epochs: {loss}, "
        f"{args.optimizer} lr {args.lr:g}, batch size {args.batch_size}"
    )
    sys.stdout.flush()
    try:
        nn.train.fit(
            model,
            X,
            y,
            loss=loss,
            optimizer=optimizer,
            epochs=args.epochs,
            batch_size=args.batch_size,
            seed=args.seed,
        )
        final = nn.train.evaluate(model, X, y, loss=loss)
    except (ArithmeticError, ValueError) as error:
        # Only a diverging run gets here: the data and options were checked above.
        raise EvaluationError(f"training failed ({error}); try a smaller --lr") from None
    if not math.isfinite(final["loss"]):
        raise EvaluationError(f"training diverged (final loss {final['loss']}); try a smaller --lr")
    print(f"final loss {final['loss']:.4f}, accuracy {final['accuracy']:.1%}")
    if save is not None:
        write_atomically(save, model.save)
        print(f"wrote {save}")
    return ExitStatus.OK


def _training_data(name: str, samples: int, seed: int) -> tuple[list[list[float]], list[int], str]:
    if name in DATA_SETS:
        try:
            X, y = DATA_SETS[name](samples, seed)
        except ValueError as error:
            raise CommandError(f"--data {name} --samples {samples}: {error}") from None
        return X, y, name
    path = Path(name)
    if not path.is_file():
        raise CommandError(
            f"--data {name!r}: neither a built-in data set ({', '.join(DATA_SETS)}) nor a file"
        )
    table = read_table(path, labels=True)
    assert table.labels is not None
    labels = [
        _class_label(table.source, line, label) for line, label in zip(table.lines, table.labels)
    ]
    return table.rows, labels, table.source


def _class_label(source: str, line: int, text: str) -> int:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (value.is_integer() and value >= 0):
        raise CommandError(
            f"{source}, line {line}: the label must be a class number 0, 1, 2, ..., got {text!r}"
        )
    return int(value)
