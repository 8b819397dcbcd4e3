"""CSV files and model files as the subcommands read them: errors become CommandErrors."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import nn
from autograd_lite.cli.common import CommandError

# Limits on what a CSV may hold, checked while reading, before anything is built from it:
# every number becomes a Python object, and training touches each one every epoch.
MAX_CSV_BYTES = 64 * 2**20
MAX_CSV_CELLS = 2_000_000


def read_text(path: Path) -> io.StringIO:
    """The whole text of `path` ('-' is standard input) as a stream named after it.

    At most MAX_CSV_BYTES are read, so a huge file or an endless one (/dev/zero, a
    pipe that never closes its end) is refused instead of filling the memory.
    """
    name = "<stdin>" if str(path) == "-" else str(path)
    try:
        if str(path) == "-":
            text = sys.stdin.read(MAX_CSV_BYTES + 1)
        else:
            # utf-8-sig: spreadsheet programs start a CSV with a byte-order mark.
            with path.open(encoding="utf-8-sig", newline="") as file:
                text = file.read(MAX_CSV_BYTES + 1)
    except FileNotFoundError:
        raise CommandError(f"data file {str(path)!r} does not exist") from None
    except UnicodeDecodeError:
        raise CommandError(f"{path}: not a text CSV file (it is not UTF-8)") from None
    except OSError as error:
        raise CommandError(f"cannot read {str(path)!r}: {error.strerror or error}") from None
    if len(text) > MAX_CSV_BYTES:
        raise CommandError(f"{name}: more than the limit of {MAX_CSV_BYTES // 2**20} MiB of text")
    stream = io.StringIO(text, newline="")
    stream.name = name
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
        return nn.data.read_csv(
            stream, labels=labels, max_columns=max_columns, max_cells=MAX_CSV_CELLS
        )
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
