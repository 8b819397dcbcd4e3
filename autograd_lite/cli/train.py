"""`autograd-lite train`: fit an MLP classifier on a built-in data set or a CSV file."""

from __future__ import annotations

import argparse
import itertools
import math
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from autograd_lite import nn
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
    printable,
    write_outputs,
)
from autograd_lite.cli.csv_input import read_table
from autograd_lite.expression import EvaluationError

# Every weight is a Python object: a 1024-wide layer pair already holds a million.
MAX_LAYER_WIDTH = 1024
# A CSV is refused beyond these before anything is built from it.
MAX_FEATURES = 1024
MAX_CLASSES = 100
# A generated set and a model are refused beyond these before they are built.
MAX_SAMPLES = 100_000
MAX_PARAMETERS = 1_000_000

# The generated sets: (samples, seed) -> (X, y), and their default sizes.
GENERATED: dict[str, Callable[[int, int], tuple[list[list[float]], list[int]]]] = {
    "moons": lambda n, seed: nn.data.make_moons(n, noise=0.1, seed=seed),
    "circles": lambda n, seed: nn.data.make_circles(n, noise=0.05, seed=seed),
    "spirals": lambda n, seed: nn.data.make_spirals(n, classes=3, noise=0.2, seed=seed),
    "xor": lambda n, seed: nn.data.make_xor(n, noise=0.1, seed=seed),
    "blobs": lambda n, seed: nn.data.make_blobs(n, centers=3, seed=seed),
    "flower": lambda n, seed: nn.data.make_flower(n, seed=seed),
}
DEFAULT_SAMPLES = 200
SAMPLES = {"flower": 400}  # the course's 400 points
DIGITS = "digits"
BUILT_IN = [*GENERATED, DIGITS]


@dataclass(frozen=True)
class Recipe:
    """Defaults of the options that depend on the data set."""

    hidden: list[int]
    epochs: int
    lr: float


DEFAULT_RECIPE = Recipe(hidden=[16, 16], epochs=50, lr=0.05)
# Measured on 2 shared cores: about 0.4 s per compiled epoch, 97% on the held-out fifth.
RECIPES = {DIGITS: Recipe(hidden=[32], epochs=20, lr=0.01)}

EPILOG = """\
examples:
  autograd-lite train --data circles --hidden 16,16 --epochs 50 --save model.json
  autograd-lite train --data digits --save digits.json
  autograd-lite train --data spirals --hidden 32,32 --epochs 200 --lr 0.02
  autograd-lite train --data points.csv --optimizer sgd --lr 0.1 --test-fraction 0

built-in data sets:
  moons circles xor flower  2 features, 2 classes, generated (--samples N)
  spirals blobs             2 features, 3 classes, generated (--samples N)
  digits                    64 features, 10 classes: the 1,797 real 8x8
                            handwritten digits (UCI optdigits), pixels scaled
                            from 0-16 to [0, 1]; a digits model predicts from
                            64 such numbers (raw pixels divided by 16)

A CSV file ('-' reads standard input) has one row per sample: the feature
columns (at most 1024), then the label in the last column: a class number 0, 1,
..., k-1 or a class name (names are kept in the saved model); at most 100
classes. Numbers are plain ASCII (3, -1.5, 2e-3; not 1_000, nan or other
scripts' digits), the file UTF-8. A header row is optional. Two classes train
one output with binary cross-entropy, more train one output per class with
cross-entropy.

Before training, --test-fraction of the samples (default 0.2), drawn with
--seed, are held out; the model never trains on them, and the test loss and
accuracy are printed beside the training ones. --test-fraction 0 trains on all.
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
        help=f"one of {', '.join(BUILT_IN)} or a CSV file (default: moons)",
    )
    train.add_argument(
        "--samples",
        metavar="N",
        type=positive_int,
        help=f"size of a generated set, at most {MAX_SAMPLES:,} (default: {DEFAULT_SAMPLES}; "
        "flower: 400); not for digits (1,797 images) or a CSV file",
    )
    train.add_argument(
        "--test-fraction",
        metavar="F",
        type=_fraction,
        default=0.2,
        help="fraction of the samples held out to test the trained model, drawn with --seed; "
        "0 holds out none (default: 0.2)",
    )
    train.add_argument(
        "--hidden",
        metavar="WIDTHS",
        type=_layer_sizes,
        help="hidden layer widths, comma-separated; '' for none (default: 16,16; digits: 32)",
    )
    train.add_argument(
        "--epochs",
        metavar="N",
        type=positive_int,
        help="passes over the training samples (default: 50; digits: 20)",
    )
    train.add_argument(
        "--lr",
        metavar="RATE",
        type=positive_float,
        help="learning rate (default: 0.05; digits: 0.01)",
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
        help="seeds the data, the test split, the weights and the batches (default: 0)",
    )
    train.add_argument(
        "--save", metavar="FILE", type=output_path, help="write the trained model here"
    )
    train.add_argument("--quiet", action="store_true", help="no progress output")
    train.set_defaults(run=run)


def _fraction(text: str) -> float:
    """argparse type: a fraction 0 <= F < 1."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not 0 <= value < 1:
        raise argparse.ArgumentTypeError(
            f"expected a fraction from 0 up to (not including) 1, got {text!r}"
        )
    return value


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
    recipe = RECIPES.get(args.data, DEFAULT_RECIPE)
    hidden: list[int] = recipe.hidden if args.hidden is None else args.hidden
    epochs: int = recipe.epochs if args.epochs is None else args.epochs
    lr: float = recipe.lr if args.lr is None else args.lr
    data = _training_data(args.data, args.samples, args.seed)
    split = _split(data, args.test_fraction, args.seed)
    X, y = split.X_train, split.y_train
    classes = len(data.classes)
    outputs = 1 if classes == 2 else classes
    loss = "binary_cross_entropy_with_logits" if classes == 2 else "cross_entropy"
    widths = [len(X[0]), *hidden, outputs]
    parameters = sum((fan_in + 1) * fan_out for fan_in, fan_out in itertools.pairwise(widths))
    if parameters > MAX_PARAMETERS:
        raise CommandError(
            f"MLP({widths[0]}, {widths[1:]}) would have {parameters:,} parameters, more than "
            f"the limit of {MAX_PARAMETERS:,}; use fewer or narrower --hidden layers"
        )
    model = nn.MLP(len(X[0]), [*hidden, outputs], seed=args.seed)
    optimizer_class = nn.optim.Adam if args.optimizer == "adam" else nn.optim.SGD
    optimizer = optimizer_class(model.parameters(), lr=lr)
    held_out = f", {len(split.X_test)} held out for testing" if split.X_test else ""
    passes = f"{epochs} epoch" if epochs == 1 else f"{epochs} epochs"
    print(
        f"training {describe(model)} on {len(X)} sample{'s' if len(X) != 1 else ''} of "
        f"{printable(data.source)} ({classes} classes{held_out}) for {passes}: {loss}, "
        f"{args.optimizer} lr {lr:g}, batch size {args.batch_size}"
    )
    sys.stdout.flush()
    started = time.perf_counter()
    try:
        history = nn.train.fit(
            model,
            X,
            y,
            loss=loss,
            optimizer=optimizer,
            epochs=epochs,
            batch_size=args.batch_size,
            seed=args.seed,
            progress=not args.quiet,
        )
    except (ArithmeticError, ValueError) as error:
        # Only a diverging run gets here: the data and options were checked above.
        raise EvaluationError(f"training failed ({error}); try a smaller --lr") from None
    seconds = time.perf_counter() - started
    final = history.final
    if not math.isfinite(final["loss"]):
        raise EvaluationError(f"training diverged (final loss {final['loss']}); try a smaller --lr")
    for name, parameter in model.named_parameters():
        # A finite loss can hide an infinite weight (a dead unit's).
        if not math.isfinite(parameter.data):
            raise EvaluationError(
                f"training diverged: parameter {name} = {parameter.data}; try a smaller --lr"
            )
    tested = None
    if split.X_test:
        try:
            tested = nn.train.evaluate(model, split.X_test, split.y_test, loss=loss)
        except (ArithmeticError, ValueError) as error:
            raise EvaluationError(f"testing failed ({error}); try a smaller --lr") from None
    result = f"final loss {format_loss(final['loss'])}, accuracy {final['accuracy']:.1%}"
    if tested is not None:
        result += (
            f"; test loss {format_loss(tested['loss'])}, test accuracy {tested['accuracy']:.1%}"
        )
    print(result)
    print(f"trained in {seconds:.1f} s, {_duration(statistics.fmean(history.seconds))} per epoch")
    if save is not None:
        names = data.classes if data.named else None
        text = nn.checkpoint.encode("MLP", model.config(), model.state_dict(), names)
        write_outputs({save: text.encode("utf-8")})
        print(f"wrote {printable(save)}")
    return ExitStatus.OK


def _duration(seconds: float) -> str:
    return f"{seconds:.2f} s" if seconds >= 0.1 else f"{seconds * 1000:.1f} ms"


@dataclass(frozen=True)
class TrainingData:
    """Samples, their class indices, the class names (in index order) and where they came from."""

    X: list[list[float]]
    y: list[int]
    classes: list[str]
    source: str
    named: bool  # the CSV labels were names rather than class numbers


@dataclass(frozen=True)
class Split:
    """The samples trained on and those held out to test the trained model (maybe none)."""

    X_train: list[list[float]]
    y_train: list[int]
    X_test: list[list[float]]
    y_test: list[int]


def _split(data: TrainingData, fraction: float, seed: int) -> Split:
    """Hold out `fraction` of the samples, chosen with `seed`; warn about untrained classes."""
    if not fraction:
        return Split(data.X, data.y, [], [])
    try:
        X_train, X_test, y_train, y_test = nn.data.train_test_split(
            data.X, data.y, test_size=fraction, seed=seed
        )
    except ValueError:
        raise CommandError(
            f"--test-fraction {fraction:g} of {len(data.X)} samples leaves no sample to train "
            "or to test; use more samples or --test-fraction 0"
        ) from None
    untrained = sorted(set(data.y) - set(y_train))
    if untrained:
        listed = ", ".join(data.classes[k] for k in untrained[:10])
        more = ", ..." if len(untrained) > 10 else ""
        sys.stderr.write(
            f"{PROG}: warning: {data.source}: every sample of class {listed}{more} is held out "
            "for testing, so the model cannot learn it; use more samples or --test-fraction 0\n"
        )
    return Split(X_train, y_train, X_test, y_test)


def _training_data(name: str, samples: int | None, seed: int) -> TrainingData:
    if name in GENERATED:
        samples = SAMPLES.get(name, DEFAULT_SAMPLES) if samples is None else samples
        if samples > MAX_SAMPLES:
            raise CommandError(
                f"--samples {samples}: more than the limit of {MAX_SAMPLES:,} samples"
            )
        try:
            X, y = GENERATED[name](samples, seed)
        except ValueError as error:
            raise CommandError(f"--data {name} --samples {samples}: {error}") from None
        return TrainingData(X, y, [str(k) for k in range(max(y) + 1)], name, named=False)
    if samples is not None:
        fixed = "has a fixed size of 1,797 images" if name == DIGITS else "is a file"
        raise CommandError(
            f"--samples {samples}: applies to a generated data set only; --data {name} {fixed}"
        )
    if name == DIGITS:
        try:
            X, y = nn.data.load_digits(scale=True)
        except OSError as error:  # a damaged install
            raise CommandError(str(error), ExitStatus.FAILURE) from None
        return TrainingData(X, y, [str(k) for k in range(10)], name, named=False)
    path = Path(name)
    if name != "-" and not path.is_file():
        raise CommandError(
            f"--data {name!r}: neither a built-in data set ({', '.join(BUILT_IN)}) nor a file"
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
    """The class number a label cell holds (0, 1, 2.0, ... in ASCII), or None if it is not one."""
    value = nn.data.plain_number(label)
    return int(value) if value is not None and value.is_integer() and value >= 0 else None


def _refuse_numbers_among_names(table: nn.data.Table, numbers: dict[str, int | None]) -> None:
    assert table.labels is not None
    for line, label in zip(table.lines, table.labels):
        if numbers[label] is None and nn.data.reads_as_float(label):
            # 1.5 or -1 next to class numbers is a typo, not a class name; so is 1_000, or
            # a number in digits other than ASCII's, which `float` reads too.
            raise CommandError(
                f"{table.source}, line {line}: the label must be a class number 0, 1, 2, ... "
                f"(ASCII digits) or a class name, got {label!r}"
            )


def _warn_about_empty_classes(source: str, used: set[int], classes: int) -> None:
    empty = [k for k in range(classes) if k not in used]
    if empty:
        listed = ", ".join(str(k) for k in empty[:10]) + (", ..." if len(empty) > 10 else "")
        sys.stderr.write(
            f"{PROG}: warning: {source}: class {listed} has no samples; labels are class "
            f"numbers 0..{classes - 1}, so the model gets {classes} outputs\n"
        )
