"""`autograd-lite predict`: a saved model's class and outputs for every row of a CSV file."""

from __future__ import annotations

import argparse
from pathlib import Path

import nn
from autograd_lite.cli.common import CommandError, ExitStatus
from autograd_lite.cli.csv_input import load_model, read_table

EPILOG = """\
example:
  autograd-lite predict model.json points.csv

FILE.csv has one row per sample with the model's feature columns (a last label
column, as written for 'train', is ignored); a header row is optional. Prints
a CSV with the predicted class and the model's raw outputs for each row.
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
    predict.add_argument("data", metavar="FILE.csv", type=Path)
    predict.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """The `predict` subcommand: a saved model's class and outputs for every CSV row."""
    model = load_model(args.model)
    table = read_table(args.data)
    if table.width not in (model.nin, model.nin + 1):
        raise CommandError(
            f"{table.source}, line {table.lines[0]}: the model reads {model.nin} features, so "
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
    return ExitStatus.OK
