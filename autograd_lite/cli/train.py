"""`autograd-lite train`: fit an MLP classifier on a built-in data set or a CSV file."""

from __future__ import annotations

import argparse
import itertools
import math
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import nn
from autograd_lite.cli.common import (
    PROG,
    CommandError,
    ExitStatus,
    check_output,
    describe,
    format_loss,
    output_path,
    positive_float,
    positive_int,
    write_outputs,
)
from autograd_lite.cli.csv_input import read_table
from autograd_lite.expression import EvaluationError

# Every weight is a Python object: a 1024-wide layer pair already holds a million.
MAX_LAYER_WIDTH = 1024
# A CSV is refused beyond these before anything is built from it.
MAX_FEATURES = 1024
MAX_CLASSES = 100
# A built-in set and a model are refused beyond these before they are built.
MAX_SAMPLES = 100_000
MAX_PARAMETERS = 1_000_000

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
and blobs have 3. A CSV file ('-' reads standard input) has one row per sample:
the feature columns (at most 1024), then the label in the last column: a class
number 0, 1, ..., k-1 or a class name (names are kept in the saved model); at
most 100 classes. A header row is optional. Two classes train one output with
binary cross-entropy, more train one output per class with cross-entropy.
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
        help=f"size of a built-in set, at most {MAX_SAMPLES:,} (default: 200)",
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
    train.add_argument(
        "--save", metavar="FILE", type=output_path, help="write the trained model here"
    )
    train.add_argument("--quiet", action="store_true", help="no progress output")
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
    if save is not None:
        # Checked before training, so that a bad path does not waste the run.
        check_output(save, "--save")
    data = _training_data(args.data, args.samples, args.seed)
    X, y = data.X, data.y
    classes = len(data.classes)
    outputs = 1 if classes == 2 else classes
    loss = "binary_cross_entropy_with_logits" if classes == 2 else "cross_entropy"
    widths = [len(X[0]), *args.hidden, outputs]
    parameters = sum((fan_in + 1) * fan_out for fan_in, fan_out in itertools.pairwise(widths))
    if parameters > MAX_PARAMETERS:
        raise CommandError(
            f"MLP({widths[0]}, {widths[1:]}) would have {parameters:,} parameters, more than "
            f"the limit of {MAX_PARAMETERS:,}; use fewer or narrower --hidden layers"
        )
    model = nn.MLP(len(X[0]), [*args.hidden, outputs], seed=args.seed)
    optimizer_class = nn.optim.Adam if args.optimizer == "adam" else nn.optim.SGD
    optimizer = optimizer_class(model.parameters(), lr=args.lr)
    print(
        f"training {describe(model)} on {len(X)} samples of "
        f"{data.source} ({classes} classes) for {args.epochs} epochs: {loss}, "
        f"{args.optimizer} lr {args.lr:g}, batch size {args.batch_size}"
    )
    sys.stdout.flush()
    try:
        history = nn.train.fit(
            model,
            X,
            y,
            loss=loss,
            optimizer=optimizer,
            epochs=args.epochs,
            batch_size=args.batch_size,
            seed=args.seed,
            progress=not args.quiet,
        )
    except (ArithmeticError, ValueError) as error:
        # Only a diverging run gets here: the data and options were checked above.
        raise EvaluationError(f"training failed ({error}); try a smaller --lr") from None
    final = history.final
    if not math.isfinite(final["loss"]):
        raise EvaluationError(f"training diverged (final loss {final['loss']}); try a smaller --lr")
    print(f"final loss {format_loss(final['loss'])}, accuracy {final['accuracy']:.1%}")
    if save is not None:
        names = data.classes if data.named else None
        try:
            text = nn.checkpoint.encode("MLP", model.config(), model.state_dict(), names)
        except ValueError as error:
            # A finite loss can hide an infinite weight (a dead unit's).
            raise EvaluationError(f"training diverged: {error}; try a smaller --lr") from None
        write_outputs({save: text.encode("utf-8")})
        print(f"wrote {save}")
    return ExitStatus.OK


@dataclass(frozen=True)
class TrainingData:
    """Samples, their class indices, the class names (in index order) and where they came from."""

    X: list[list[float]]
    y: list[int]
    classes: list[str]
    source: str
    named: bool  # the CSV labels were names rather than class numbers


def _training_data(name: str, samples: int, seed: int) -> TrainingData:
    if name in DATA_SETS:
        if samples > MAX_SAMPLES:
            raise CommandError(
                f"--samples {samples}: more than the limit of {MAX_SAMPLES:,} samples"
            )
        try:
            X, y = DATA_SETS[name](samples, seed)
        except ValueError as error:
            raise CommandError(f"--data {name} --samples {samples}: {error}") from None
        return TrainingData(X, y, [str(k) for k in range(max(y) + 1)], name, named=False)
    path = Path(name)
    if name != "-" and not path.is_file():
        raise CommandError(
            f"--data {name!r}: neither a built-in data set ({', '.join(DATA_SETS)}) nor a file"
        )
    table = read_table(path, labels=True, max_columns=MAX_FEATURES + 1)
    assert table.labels is not None
    distinct = set(table.labels)
    if len(distinct) > MAX_CLASSES:
        raise CommandError(
            f"{table.source}: {len(distinct)} distinct labels, more than the limit of "
            f"{MAX_CLASSES} classes"
        )
    numbers = {label: _class_number(label) for label in distinct}
    if all(number is not None for number in numbers.values()):
        y = [numbers[label] or 0 for label in table.labels]
        largest = max(y)
        if largest >= MAX_CLASSES:
            line = table.lines[y.index(largest)]
            raise CommandError(
                f"{table.source}, line {line}: class number {largest} is beyond the limit of "
                f"{MAX_CLASSES} classes (labels are class numbers 0, 1, 2, ... or class names)"
            )
        _warn_about_empty_classes(table.source, set(y), largest + 1)
        classes, named = [str(k) for k in range(largest + 1)], False
    else:
        _refuse_numbers_among_names(table, numbers)
        # Names become classes 0, 1, ... in sorted order; the checkpoint keeps the names.
        classes, named = sorted(distinct), True
        index = {label: k for k, label in enumerate(classes)}
        y = [index[label] for label in table.labels]
    if len(classes) < 2:
        raise CommandError(
            f"{table.source}: every label is {table.labels[0]!r}; a classifier needs at least "
            "2 classes"
        )
    return TrainingData(table.rows, y, classes, table.source, named)


def _class_number(label: str) -> int | None:
    """The class number a label cell holds (0, 1, 2.0, ...), or None if it is not one."""
    try:
        value = float(label)
    except ValueError:
        return None
    return int(value) if value.is_integer() and value >= 0 else None


def _refuse_numbers_among_names(table: nn.data.Table, numbers: dict[str, int | None]) -> None:
    assert table.labels is not None
    for line, label in zip(table.lines, table.labels):
        if numbers[label] is None and _is_number(label):
            # 1.5 or -1 next to class numbers is a typo, not a class name.
            raise CommandError(
                f"{table.source}, line {line}: the label must be a class number 0, 1, 2, ... "
                f"or a class name, got {label!r}"
            )


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _warn_about_empty_classes(source: str, used: set[int], classes: int) -> None:
    empty = [k for k in range(classes) if k not in used]
    if empty:
        listed = ", ".join(str(k) for k in empty[:10]) + (", ..." if len(empty) > 10 else "")
        sys.stderr.write(
            f"{PROG}: warning: {source}: class {listed} has no samples; labels are class "
            f"numbers 0..{classes - 1}, so the model gets {classes} outputs\n"
        )
