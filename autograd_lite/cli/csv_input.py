"""CSV files and model files as the subcommands read them: errors become CommandErrors."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import nn
from autograd_lite.cli.common import CommandError


def read_text(path: Path) -> io.StringIO:
    """The whole text of `path` ('-' is standard input) as a stream named after it."""
    try:
        if str(path) == "-":
            stream = io.StringIO(sys.stdin.read(), newline="")
            stream.name = "<stdin>"
            return stream
        # utf-8-sig: spreadsheet programs start a CSV with a byte-order mark.
        with path.open(encoding="utf-8-sig", newline="") as file:
            stream = io.StringIO(file.read(), newline="")
    except FileNotFoundError:
        raise CommandError(f"data file {str(path)!r} does not exist") from None
    except UnicodeDecodeError:
        raise CommandError(f"{path}: not a text CSV file (it is not UTF-8)") from None
    except OSError as error:
        raise CommandError(f"cannot read {str(path)!r}: {error.strerror or error}") from None
    stream.name = str(path)
    return stream


def read_table(
    path: Path, *, labels: bool = False, max_columns: int = nn.data.MAX_CSV_COLUMNS
) -> nn.data.Table:
    """`nn.data.read_csv` of `path` ('-' is standard input), errors as one-line CommandErrors."""
    return parse_table(read_text(path), labels=labels, max_columns=max_columns)


def parse_table(
    stream: io.StringIO, *, labels: bool = False, max_columns: int = nn.data.MAX_CSV_COLUMNS
) -> nn.data.Table:
    """`nn.data.read_csv` of an in-memory CSV, errors as one-line CommandErrors."""
    stream.seek(0)
    try:
        return nn.data.read_csv(stream, labels=labels, max_columns=max_columns)
    except ValueError as error:
        raise CommandError(str(error)) from None


def load_model(path: Path) -> nn.MLP:
    """`nn.MLP.load(path)`, errors as one-line CommandErrors."""
    try:
        return nn.MLP.load(path)
    except FileNotFoundError:
        raise CommandError(f"model file {str(path)!r} does not exist") from None
    except OSError as error:
        raise CommandError(f"cannot read {str(path)!r}: {error.strerror or error}") from None
    except (ValueError, TypeError) as error:
        raise CommandError(str(error)) from None


def load_class_names(path: Path) -> list[str] | None:
    """The class names a checkpoint keeps (a model trained on named labels), else None."""
    try:
        return nn.checkpoint.read_classes(path)
    except (OSError, ValueError) as error:
        raise CommandError(str(error)) from None
