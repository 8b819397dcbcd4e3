"""CSV files and model files as the subcommands read them: errors become CommandErrors."""

from __future__ import annotations

import sys
from pathlib import Path

import nn
from autograd_lite.cli.common import CommandError


def read_table(path: Path, *, labels: bool = False) -> nn.data.Table:
    """`nn.data.read_csv` of `path` ('-' is standard input), errors as one-line CommandErrors."""
    try:
        if str(path) == "-":
            return nn.data.read_csv(sys.stdin, labels=labels)
        return nn.data.read_csv(path, labels=labels)
    except FileNotFoundError:
        raise CommandError(f"data file {str(path)!r} does not exist") from None
    except OSError as error:
        raise CommandError(f"cannot read {str(path)!r}: {error.strerror or error}") from None
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
