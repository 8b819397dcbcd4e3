"""`autograd-lite predict`: a saved model's class and outputs for every row of a CSV file."""

from __future__ import annotations

import argparse
import io
from pathlib import Path

from autograd_lite import nn
from autograd_lite.cli.common import (
    CommandError,
    ExitStatus,
    check_output,
    output_path,
    write_outputs,
)
from autograd_lite.cli.csv_input import load_class_names, load_model, parse_table, read_bytes

EPILOG = """\
examples:
  autograd-lite predict model.json points.csv
  autograd-lite predict model.json - < points.csv        ('-' reads standard input)
  autograd-lite predict model.json points.csv --output predictions.csv

FILE.csv has one row per sample with the model's feature columns (a last label
column, as written for 'train', is ignored); a header row is optional. Prints
a CSV with the predicted class (its name, for a model trained on class names)
and the model's raw outputs for each row. A class name that starts with = + - @,
a tab or a carriage return is written after a single quote (=SUM(A1) becomes
'=SUM(A1)), so that a spreadsheet opening the CSV shows it instead of running
it as a formula, as the OWASP advice against CSV injection says.
"""


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `predict` subcommand to `commands`."""
    predict = commands.add_parser(
        "predict",
        help="print a saved model's predictions for the rows of a CSV file",
        description="Load MODEL (written by 'train --save' or 'demo') and predict a class for\n"
        "every row of FILE.csv.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    predict.add_argument("model", metavar="MODEL.json", type=Path)
    predict.add_argument("data", metavar="FILE.csv", type=Path, help="'-' for standard input")
    predict.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        type=output_path,
        help="write the predictions to FILE instead of standard output",
    )
    predict.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """The `predict` subcommand: a saved model's class and outputs for every CSV row."""
    output: Path | None = args.output
    if output is not None:
        check_output(output, "--output")
    model = load_model(args.model)
    names = load_class_names(args.model)
    classes = max(2, model.sizes[-1])
    if names is not None and len(names) != classes:
        raise CommandError(
            f"{args.model}: the model has {classes} classes but the file names {len(names)}"
        )
    rows = _feature_rows(read_bytes(args.data), model.nin, names is not None)
    outputs = nn.train.predict(model, rows)
    threshold = nn.train.decision_threshold(model)
    lines = ["prediction," + ",".join(f"output{i}" for i in range(model.sizes[-1]))]
    for output_values in outputs:
        row = output_values if isinstance(output_values, list) else [output_values]
        if len(row) == 1:
            predicted = int(row[0] > threshold)
        else:
            predicted = max(range(len(row)), key=row.__getitem__)
        label = _csv_cell(names[predicted]) if names is not None else str(predicted)
        lines.append(f"{label}," + ",".join(repr(value) for value in row))
    text = "\n".join(lines) + "\n"
    if output is None:
        print(text, end="")
    else:
        write_outputs({output: text.encode("utf-8")})
    return ExitStatus.OK


def _feature_rows(stream: io.BytesIO, nin: int, named_labels: bool) -> list[list[float]]:
    """The first `nin` columns of every row; a last label column (a number or a name) is ignored."""
    try:
        table = parse_table(stream)
    except CommandError:
        if not named_labels:
            raise
        # A model trained on class names: the CSV may end in a name column.
        table = parse_table(stream, labels=True)
    if table.width not in (nin, nin + 1) or (table.labels is not None and table.width != nin):
        width = table.width + (1 if table.labels is not None else 0)
        raise CommandError(
            f"{table.source}, line {table.lines[0]}: the model reads {nin} features, so "
            f"expected {nin} columns (or {nin + 1} with a label), got {width}"
        )
    return [row[:nin] for row in table.rows]


# A cell starting with one of these is a formula to a spreadsheet (OWASP, CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(text: str) -> str:
    """`text` as one CSV cell that a spreadsheet shows as text and never runs.

    A cell that would start a formula gets a single quote before it, as the OWASP
    advice on CSV injection says; a cell holding a comma, a quote or a line break
    is quoted.
    """
    if text.startswith(FORMULA_STARTS):
        text = "'" + text
    if any(character in text for character in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text
