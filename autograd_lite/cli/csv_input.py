"""CSV files and model files as the subcommands read them: errors become CommandErrors."""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import BinaryIO

from autograd_lite import nn
from autograd_lite.cli.common import CommandError
from autograd_lite.nn import checkpoint

# Limits on what a CSV may hold, checked while reading, before anything is built from it:
# every number becomes a Python object, and training touches each one every epoch.
# nn.data.read_csv applies the same ones by default.
MAX_CSV_BYTES = nn.data.MAX_CSV_BYTES
MAX_CSV_CELLS = nn.data.MAX_CSV_CELLS


def read_table(
    path: Path, *, labels: bool = False, max_columns: int = nn.data.MAX_CSV_COLUMNS
) -> nn.data.Table:
    """`nn.data.read_csv` of `path` ('-' is standard input), errors as one-line CommandErrors.

    A file and standard input are read the same way, as bytes: at most MAX_CSV_BYTES
    of them (a huge file or an endless one, /dev/zero or a pipe that never closes, is
    refused instead of filling the memory), decoded as strict UTF-8.
    """
    if str(path) == "-":
        return _parse(_stdin(), "<stdin>", labels, max_columns)
    return _parse(path, str(path), labels, max_columns)


def read_bytes(path: Path) -> io.BytesIO:
    """The bytes of `path` ('-' is standard input), at most MAX_CSV_BYTES, to parse again and
    again with `parse_table` (a pipe cannot be read twice)."""
    name = "<stdin>" if str(path) == "-" else str(path)
    try:
        if str(path) == "-":
            data = _stdin().read(MAX_CSV_BYTES + 1)
        else:
            with path.open("rb") as file:
                data = file.read(MAX_CSV_BYTES + 1)
    except FileNotFoundError:
        raise CommandError(f"data file {str(path)!r} does not exist") from None
    except OSError as error:
        raise CommandError(f"cannot read {str(path)!r}: {error.strerror or error}") from None
    if len(data) > MAX_CSV_BYTES:
        raise CommandError(f"{name}: more than the limit of {MAX_CSV_BYTES // 2**20} MiB of text")
    stream = io.BytesIO(data)
    stream.name = name
    return stream


def _stdin() -> BinaryIO:
    """The bytes of standard input, which a shell may have closed (`<&-`)."""
    if sys.stdin is None:
        raise CommandError("standard input is closed: nothing to read for '-'")
    return sys.stdin.buffer


def parse_table(
    stream: io.BytesIO, *, labels: bool = False, max_columns: int = nn.data.MAX_CSV_COLUMNS
) -> nn.data.Table:
    """`nn.data.read_csv` of the bytes `read_bytes` returned, errors as one-line CommandErrors."""
    stream.seek(0)
    return _parse(stream, stream.name, labels, max_columns)


def _parse(source: Path | BinaryIO, name: str, labels: bool, max_columns: int) -> nn.data.Table:
    try:
        return nn.data.read_csv(
            source,
            labels=labels,
            max_columns=max_columns,
            max_cells=MAX_CSV_CELLS,
            max_bytes=MAX_CSV_BYTES,
        )
    except FileNotFoundError:
        raise CommandError(f"data file {name!r} does not exist") from None
    except OSError as error:
        raise CommandError(f"cannot read {name!r}: {error.strerror or error}") from None
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
        return checkpoint.read_classes(path)
    except (OSError, ValueError) as error:
        raise CommandError(str(error)) from None
