"""The `autograd-lite` command: differentiate an expression, train and use small networks."""

from __future__ import annotations

import argparse
import csv
import math
import os
import sys
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import autograd_lite as ag
import nn
from autograd_lite.expression import EvaluationError, ExpressionError, check_variable_name, parse
from autograd_lite.render import GraphRenderError
from nn.plot import decision_boundary_svg

PROG = "autograd-lite"
GRAPH_FORMATS = (".svg", ".png", ".pdf", ".dot")
# Expressions are limited to 10,000 characters, so their graphs stay drawable.
GRAPH_MAX_NODES = 20_000
# Every weight is a Python object: a 1024-wide layer pair already holds a million.
MAX_LAYER_WIDTH = 1024

# Exit statuses: a user mistake is 2 (as argparse uses), failing mathematics 1.
EXIT_OK = 0
EXIT_MATH_ERROR = 1
EXIT_USAGE_ERROR = 2
EXIT_INTERRUPTED = 130
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, as a shell reports a process killed by it


class CommandError(Exception):
    """A user mistake found while running a command; reported in one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line, `autograd-lite: error: ...`."""

    def error(self, message: str) -> NoReturn:
        hint = f" (see '{self.prog} --help')"
        sys.stderr.write(f"{PROG}: error: {message}{hint}\n")
        raise SystemExit(EXIT_USAGE_ERROR)


GRAD_EPILOG = """\
examples:
  autograd-lite grad "tanh(x*w + b)" x=0.5 w=-1.5 b=2
  autograd-lite grad "x**2 * sin(y)" x=3 y=0.5 --trace
  autograd-lite grad "sigmoid(a*b + c)" a=1 b=2 c=-1 --graph graph.svg
  autograd-lite grad -- "-x**2" x=3        (use -- when the expression starts with '-')

expressions use numbers, the declared variables, + - * / ** (and unary - +),
parentheses and the functions exp log sqrt tanh sigmoid relu sin cos abs.
"""


DEMO_EPILOG = """\
example:
  autograd-lite demo --out demo/

writes into DIR: model.json (the trained model, for 'autograd-lite predict'),
neuron.svg (the computation graph of one neuron on one sample, with its grads)
and boundary.svg (the decision boundary over the data).
"""

TRAIN_EPILOG = """\
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

PREDICT_EPILOG = """\
example:
  autograd-lite predict model.json points.csv

FILE.csv has one row per sample with the model's feature columns (a last label
column, as written for 'train', is ignored); a header row is optional. Prints
a CSV with the predicted class and the model's raw outputs for each row.
"""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the whole command, with one subparser per subcommand."""
    parser = _Parser(
        prog=PROG,
        description="A scalar autograd engine on the command line.",
        epilog="run 'autograd-lite COMMAND --help' for the options and an example of each command",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {ag.__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    grad = commands.add_parser(
        "grad",
        help="evaluate an expression and print the gradient of every variable",
        description="Evaluate EXPRESSION at the given values, run backward and print the value\n"
        "and the derivative of the expression with respect to every variable.",
        epilog=GRAD_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    grad.add_argument("expression", metavar="EXPRESSION", help='for example "tanh(x*w + b)"')
    grad.add_argument(
        "assignments", metavar="NAME=VALUE", nargs="*", default=[], help="a value for each variable"
    )
    grad.add_argument(
        "--graph",
        metavar="FILE",
        type=Path,
        help="also draw the computation graph; format from the suffix: " + " ".join(GRAPH_FORMATS),
    )
    grad.add_argument("--trace", action="store_true", help="print every chain-rule step")
    grad.set_defaults(run=run_grad)

    demo = commands.add_parser(
        "demo",
        help="train micrograd's moons demo and write the model and pictures",
        description="Train MLP(2, [16, 16, 1]) on 100 moons (noise 0.1) with hinge loss, 1e-4 L2\n"
        "and SGD (lr = 1.0 - 0.9*k/steps at step k), as micrograd's demo does.",
        epilog=DEMO_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    demo.add_argument(
        "--steps",
        metavar="N",
        type=_positive_int,
        default=100,
        help="training steps (default: 100)",
    )
    demo.add_argument(
        "--out",
        metavar="DIR",
        type=Path,
        default=Path("autograd-lite-demo"),
        help="output directory, created if missing (default: ./autograd-lite-demo)",
    )
    demo.add_argument(
        "--seed", metavar="N", type=int, default=0, help="seeds data and weights (default: 0)"
    )
    demo.set_defaults(run=run_demo)

    train = commands.add_parser(
        "train",
        help="train an MLP on a built-in data set or a CSV file",
        description="Train an MLP classifier with nn.train.fit and print the final metrics.",
        epilog=TRAIN_EPILOG,
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
        type=_positive_int,
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
        type=_positive_int,
        default=50,
        help="passes over the data (default: 50)",
    )
    train.add_argument(
        "--lr",
        metavar="RATE",
        type=_positive_float,
        default=0.05,
        help="learning rate (default: 0.05)",
    )
    train.add_argument("--optimizer", choices=("adam", "sgd"), default="adam", help="default: adam")
    train.add_argument(
        "--batch-size",
        metavar="N",
        type=_positive_int,
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
    train.set_defaults(run=run_train)

    predict = commands.add_parser(
        "predict",
        help="print a saved model's predictions for the rows of a CSV file",
        description="Load MODEL (written by 'train --save' or 'demo') and predict a class for\n"
        "every row of FILE.csv.",
        epilog=PREDICT_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    predict.add_argument("model", metavar="MODEL.json", type=Path)
    predict.add_argument("data", metavar="FILE.csv", type=Path)
    predict.set_defaults(run=run_predict)
    return parser


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}") from None
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}")
    return value


def _layer_sizes(text: str) -> list[int]:
    if not text.strip():
        return []
    try:
        sizes = [_positive_int(part) for part in text.split(",")]
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


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command with `argv` (default: sys.argv[1:]) and return its exit status."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_request:
        # --help, --version and usage errors: argparse has already written its output.
        return exit_request.code if isinstance(exit_request.code, int) else EXIT_USAGE_ERROR
    run: Callable[[argparse.Namespace], int] = args.run
    try:
        return run(args)
    except EvaluationError as error:
        return _report(str(error), EXIT_MATH_ERROR)
    except (ExpressionError, CommandError) as error:
        return _report(str(error), EXIT_USAGE_ERROR)
    except MemoryError:
        return _report("out of memory: the model or data is too large", EXIT_MATH_ERROR)
    except KeyboardInterrupt:
        return _report("interrupted", EXIT_INTERRUPTED)
    except BrokenPipeError:
        # The reader (say `| head`) has gone: stop quietly, and keep Python from
        # failing again when it flushes stdout at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_BROKEN_PIPE


def _report(message: str, status: int) -> int:
    sys.stderr.write(f"{PROG}: error: {message}\n")
    return status


# ---- grad ---------------------------------------------------------------------


def run_grad(args: argparse.Namespace) -> int:
    """The `grad` subcommand: value and gradients of an expression."""
    graph_path: Path | None = args.graph
    if graph_path is not None and graph_path.suffix.lower() not in GRAPH_FORMATS:
        raise CommandError(
            f"--graph {str(graph_path)!r}: unknown format {graph_path.suffix!r}, "
            f"expected a file ending in one of {', '.join(GRAPH_FORMATS)}"
        )
    variables = parse_assignments(args.assignments)
    expression = parse(args.expression)
    root = expression.evaluate(variables)
    output_name = _output_name(variables)
    if not root.label:
        root.label = output_name
    # trace_backward runs the backward pass itself, recording each step.
    trace = ag.trace_backward(root) if args.trace else None
    if trace is None:
        root.backward()
    if graph_path is not None:
        try:
            # With --trace, name every node (v2, v4, ...) as the trace does.
            graph = ag.draw_graph(root, max_nodes=GRAPH_MAX_NODES, show_names=args.trace)
            _write_atomically(graph_path, graph.save)
        except (GraphRenderError, ValueError) as error:
            raise CommandError(f"cannot draw the graph into {str(graph_path)!r}: {error}") from None
    if trace is not None:
        print(trace)
        print()
    print(f"{output_name} = {expression.source.strip()} = {root.data!r}")
    width = max((len(name) for name in variables), default=0)
    for name, leaf in variables.items():
        print(f"d{output_name}/d{name:<{width}} = {leaf.grad!r}")
    return EXIT_OK


def _output_name(variables: Collection[str]) -> str:
    # "f" as in f(x, y), unless the user took that name for a variable.
    name = "f"
    while name in variables:
        name += "_"
    return name


def parse_assignments(assignments: Sequence[str]) -> dict[str, ag.Value]:
    """Leaves for `name=value` arguments, in the order given."""
    variables: dict[str, ag.Value] = {}
    for assignment in assignments:
        name, equals, text = assignment.partition("=")
        name = name.strip()
        if not equals:
            raise CommandError(f"expected NAME=VALUE, got {assignment!r}")
        check_variable_name(name)
        if name in variables:
            raise CommandError(f"variable {name!r} is given a value twice")
        try:
            value = float(text)
        except ValueError:
            raise CommandError(f"{assignment!r}: {text!r} is not a number") from None
        if not math.isfinite(value):
            raise CommandError(f"{assignment!r}: expected a finite number, got {text!r}")
        variables[name] = ag.Value(value, label=name)
    return variables


def _write_atomically(path: Path, write: Callable[[Path], object]) -> None:
    """Have `write` fill a temporary file beside `path`, then move it into place.

    A failure leaves neither a partial `path` nor the temporary file behind.
    """
    directory = path.parent
    if not directory.is_dir():
        raise CommandError(
            f"cannot write {str(path)!r}: directory {str(directory)!r} does not exist"
        )
    # Same directory (so the final rename is atomic) and same suffix (writers
    # pick the format from it); `write` creates the file with the usual permissions.
    temporary = directory / f".{path.stem}.{os.getpid()}.partial{path.suffix}"
    try:
        write(temporary)
        os.replace(temporary, path)
    except OSError as error:
        raise CommandError(f"cannot write {str(path)!r}: {error.strerror or error}") from None
    finally:
        temporary.unlink(missing_ok=True)


# ---- demo ---------------------------------------------------------------------

DEMO_SAMPLES = 100
DEMO_NOISE = 0.1
DEMO_L2 = 1e-4


def run_demo(args: argparse.Namespace) -> int:
    """The `demo` subcommand: micrograd's moons demo, with its model and two pictures."""
    out: Path = args.out
    steps: int = args.steps
    if out.exists() and not out.is_dir():
        raise CommandError(f"--out {str(out)!r} exists and is not a directory")
    X, y = nn.data.make_moons(DEMO_SAMPLES, noise=DEMO_NOISE, seed=args.seed, signed=True)
    # micrograd's demo: uniform(-1, 1) weights, ReLU hidden layers, a linear score.
    model = nn.MLP(2, [16, 16, 1], init="uniform", seed=args.seed)
    optimizer = nn.optim.SGD(model.parameters(), lr=1.0)
    schedule = nn.optim.LinearLR(optimizer, start_factor=1.0, end_factor=0.1, total_iters=steps)
    print(
        f"training {_describe(model)} on {DEMO_SAMPLES} moons "
        f"(noise {DEMO_NOISE}) for {steps} steps: hinge loss + {DEMO_L2:g} L2, "
        f"SGD lr 1.0 -> {1.0 - 0.9 * (steps - 1) / steps:.3g}"
    )
    sys.stdout.flush()
    nn.train.fit(
        model, X, y, loss="hinge", optimizer=optimizer, epochs=steps, l2=DEMO_L2, scheduler=schedule
    )
    final = nn.train.evaluate(model, X, y, loss="hinge", l2=DEMO_L2)
    print(f"final loss {final['loss']:.4f}, accuracy {final['accuracy']:.1%}")

    try:
        neuron_svg = _neuron_graph_svg(model, X)
    except GraphRenderError as error:
        raise CommandError(f"cannot draw the neuron's graph: {error}") from None
    boundary_svg = decision_boundary_svg(
        X,
        [1 if label > 0 else 0 for label in y],
        lambda x1, x2: 1 if _score(model, [x1, x2]) > 0 else 0,
        title=f"MLP(2, [16, 16, 1]) on moons after {steps} steps: accuracy {final['accuracy']:.0%}",
    )
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise CommandError(f"cannot create {str(out)!r}: {error.strerror or error}") from None
    written = [
        (out / "model.json", model.save, "the trained model"),
        (out / "neuron.svg", _text_writer(neuron_svg), "one neuron on one sample, with grads"),
        (out / "boundary.svg", _text_writer(boundary_svg), "the decision boundary"),
    ]
    finished: list[Path] = []
    try:
        for path, write, _ in written:
            _write_atomically(path, write)
            finished.append(path)
    except CommandError:
        # All three files or none: a half-written demo directory is a partial output.
        for path in finished:
            path.unlink(missing_ok=True)
        raise
    for path, _, what in written:
        print(f"wrote {path}  ({what})")
    return EXIT_OK


def _describe(model: nn.MLP) -> str:
    return f"MLP({model.nin}, {model.sizes}) ({model.num_parameters} parameters)"


def _score(model: nn.MLP, x: list[float]) -> float:
    return float(nn.train.predict(model, [x])[0])


def _neuron_graph_svg(model: nn.MLP, samples: Sequence[Sequence[float]]) -> str:
    """The graph of one first-layer neuron on one sample, after a backward pass of its own.

    The first (neuron, sample) pair where the ReLU is active is drawn, so that
    gradients flow back to every weight (an inactive ReLU passes back zeros).
    """
    neurons = model.layers[0].neurons
    with ag.no_grad():
        neuron, sample = next(
            ((n, x) for n in neurons for x in samples if n(x).data > 0), (neurons[0], samples[0])
        )
    inputs = [ag.Value(x, label=f"x{i + 1}") for i, x in enumerate(sample)]
    # Labels are for the picture only; they change no number of the model.
    for i, weight in enumerate(neuron.w):
        weight.label = f"w{i + 1}"
    neuron.b.label = "b"
    # Training left its last grads on the parameters; show this pass's alone.
    model.zero_grad()
    output = neuron(inputs)
    output.label = "out"
    output.backward()
    svg = ag.draw_graph(output, params=neuron.parameters()).svg()
    model.zero_grad()
    return svg


def _text_writer(text: str) -> Callable[[Path], object]:
    return lambda path: path.write_text(text, encoding="utf-8")


# ---- train and predict ----------------------------------------------------------


DATA_SETS: dict[str, Callable[[int, int], tuple[list[list[float]], list[int]]]] = {
    "moons": lambda n, seed: nn.data.make_moons(n, noise=0.1, seed=seed),
    "circles": lambda n, seed: nn.data.make_circles(n, noise=0.05, seed=seed),
    "spirals": lambda n, seed: nn.data.make_spirals(n, classes=3, noise=0.2, seed=seed),
    "xor": lambda n, seed: nn.data.make_xor(n, noise=0.1, seed=seed),
    "blobs": lambda n, seed: nn.data.make_blobs(n, centers=3, seed=seed),
}


@dataclass(frozen=True)
class Table:
    """The numbers of a CSV file: `rows[i]` was read from line `lines[i]` of `path`."""

    path: Path
    lines: list[int]
    rows: list[list[float]]

    @property
    def width(self) -> int:
        """The number of columns of every row."""
        return len(self.rows[0])


def run_train(args: argparse.Namespace) -> int:
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
        f"training {_describe(model)} on {len(X)} samples of "
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
        _write_atomically(save, model.save)
        print(f"wrote {save}")
    return EXIT_OK


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
    table = read_csv(path)
    if table.width < 2:
        raise CommandError(
            f"{path}: expected feature columns and a label column, got {table.width} column"
        )
    labels = [_class_label(path, line, row[-1]) for line, row in zip(table.lines, table.rows)]
    return [row[:-1] for row in table.rows], labels, str(path)


def run_predict(args: argparse.Namespace) -> int:
    """The `predict` subcommand: a saved model's class and outputs for every CSV row."""
    model = _load_model(args.model)
    table = read_csv(args.data)
    if table.width not in (model.nin, model.nin + 1):
        raise CommandError(
            f"{table.path}, line {table.lines[0]}: the model reads {model.nin} features, so "
            f"expected {model.nin} columns (or {model.nin + 1} with a label), got {table.width}"
        )
    outputs = nn.train.predict(model, [row[: model.nin] for row in table.rows])
    threshold = nn.train.decision_threshold(model)
    print("prediction," + ",".join(f"output{i}" for i in range(model.sizes[-1])))
    for output in outputs:
        row = output if isinstance(output, list) else [output]
        if len(row) == 1:
            predicted = int(row[0] > threshold)
        else:
            predicted = max(range(len(row)), key=row.__getitem__)
        print(f"{predicted}," + ",".join(repr(value) for value in row))
    return EXIT_OK


def _load_model(path: Path) -> nn.MLP:
    try:
        return nn.MLP.load(path)
    except FileNotFoundError:
        raise CommandError(f"model file {str(path)!r} does not exist") from None
    except OSError as error:
        raise CommandError(f"cannot read {str(path)!r}: {error.strerror or error}") from None
    except (ValueError, TypeError) as error:
        raise CommandError(str(error)) from None


def read_csv(path: Path) -> Table:
    """The numbers of a CSV file; a first row that is not all numbers is a header.

    Blank lines are skipped; every other row must have as many columns as the
    first, each a finite number. Errors name the file, line and column.
    """
    rows = _read_rows(path)
    if not rows:
        raise CommandError(f"{path}: no data rows")
    width = len(rows[0][1])
    numbers: list[list[float]] = []
    for line, cells in rows:
        if len(cells) != width:
            raise CommandError(f"{path}, line {line}: expected {width} columns, got {len(cells)}")
        numbers.append(
            [_cell_number(path, line, column, cell) for column, cell in enumerate(cells)]
        )
    return Table(path, [line for line, _ in rows], numbers)


def _read_rows(path: Path) -> list[tuple[int, list[str]]]:
    """(line number, cells) of each non-blank row, without a header row."""
    try:
        # utf-8-sig: spreadsheet programs start a CSV with a byte-order mark.
        with path.open(encoding="utf-8-sig", newline="") as file:
            rows = [
                (line, [cell.strip() for cell in cells])
                for line, cells in enumerate(csv.reader(file), start=1)
                if any(cell.strip() for cell in cells)
            ]
    except FileNotFoundError:
        raise CommandError(f"data file {str(path)!r} does not exist") from None
    except UnicodeDecodeError:
        raise CommandError(f"{path}: not a text CSV file (it is not UTF-8)") from None
    except csv.Error as error:
        raise CommandError(f"{path}: malformed CSV: {error}") from None
    except OSError as error:
        raise CommandError(f"cannot read {str(path)!r}: {error.strerror or error}") from None
    if rows and rows[0][0] == 1 and not all(_is_number(cell) for cell in rows[0][1]):
        return rows[1:]
    return rows


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _cell_number(path: Path, line: int, column: int, cell: str) -> float:
    try:
        value = float(cell)
    except ValueError:
        raise CommandError(
            f"{path}, line {line}, column {column + 1}: {cell!r} is not a number"
        ) from None
    if not math.isfinite(value):
        raise CommandError(
            f"{path}, line {line}, column {column + 1}: expected a finite number, got {cell!r}"
        )
    return value


def _class_label(path: Path, line: int, value: float) -> int:
    if not (value.is_integer() and value >= 0):
        raise CommandError(
            f"{path}, line {line}: the label must be a class number 0, 1, 2, ..., got {value:g}"
        )
    return int(value)
