"""What the subcommands share: exit statuses, one-line errors, NAME=VALUE and option parsing."""

from __future__ import annotations

import argparse
import enum
import errno
import math
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import NoReturn

import autograd_lite as ag
from autograd_lite import atomic_write, nn
from autograd_lite.expression import check_variable_name

PROG = "autograd-lite"


class ExitStatus(enum.IntEnum):
    """The command's exit statuses; a user mistake is 2, as argparse uses."""

    OK = 0
    FAILURE = 1  # failing mathematics, a diverging run, a full disk
    USAGE = 2  # a mistake in the command line, the data or a path
    INTERRUPTED = 130  # 128 + SIGINT
    BROKEN_PIPE = 141  # 128 + SIGPIPE, as a shell reports a process killed by it
    TERMINATED = 143  # 128 + SIGTERM


class CommandError(Exception):
    """A problem found while running a command; reported in one line, by default exit status 2."""

    def __init__(self, message: str, status: ExitStatus = ExitStatus.USAGE) -> None:
        super().__init__(message)
        self.status = status


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line, `autograd-lite: error: ...`."""

    def error(self, message: str) -> NoReturn:
        hint = f" (see '{self.prog} --help')"
        report(f"{message}{hint}")
        raise SystemExit(ExitStatus.USAGE)


def report(message: str) -> None:
    """Write `message` to stderr as one line, `autograd-lite: error: ...`."""
    one_line = " ".join(part.strip() for part in message.splitlines() if part.strip())
    sys.stderr.write(f"{PROG}: error: {one_line}\n")


def printable(text: object) -> str:
    """`text` as standard output can always write it, even with strict errors.

    A file name's bytes that are not UTF-8 reach Python as lone surrogates
    ("caf\\udce9"); they are shown escaped, as stderr shows them, instead of
    failing with a UnicodeEncodeError.
    """
    return str(text).encode("utf-8", "backslashreplace").decode("utf-8")


def parse_assignments(assignments: Sequence[str]) -> dict[str, ag.Value]:
    """Leaves for `NAME=VALUE` arguments, in the order given; CommandError for a bad one."""
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


def positive_int(text: str) -> int:
    """argparse type: an integer >= 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return value


def positive_float(text: str) -> float:
    """argparse type: a finite number > 0."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}") from None
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}")
    return value


def output_path(text: str) -> Path:
    """argparse type: a path to write, which must at least name a file."""
    if not text.strip():
        raise argparse.ArgumentTypeError("expected a file name, got ''")
    return Path(text)


def check_output(path: Path, option: str) -> None:
    """Refuse (CommandError) an output path the atomic writer would refuse, before any work."""
    try:
        atomic_write.check_target(path)
    except OSError as error:
        raise CommandError(f"{option}: {error.strerror or error}") from None


def write_outputs(contents: Mapping[Path, bytes]) -> None:
    """Write every file of `contents` all or none (see autograd_lite.atomic_write).

    A path that cannot be used is a CommandError (exit 2); a write that fails on the
    way (a full disk, an I/O error) exits with status 1.
    """
    try:
        atomic_write.write_files(contents)
    except OSError as error:
        status = ExitStatus.USAGE if error.errno in _PATH_ERRORS else ExitStatus.FAILURE
        raise CommandError(str(error.strerror or error), status) from None


# A path the user chose and can change: refused like any other bad argument.
_PATH_ERRORS = {
    errno.EEXIST,
    errno.EISDIR,
    errno.ENOENT,
    errno.ENOTDIR,
    errno.EACCES,
    errno.EPERM,
    errno.EROFS,
    errno.ENAMETOOLONG,
}


def format_loss(value: float) -> str:
    """A loss for people: 4 decimals, or 4 significant digits in scientific notation if huge."""
    return f"{value:.4f}" if abs(value) < 1e6 else f"{value:.4g}"


def describe(model: nn.MLP) -> str:
    """`MLP(nin, sizes) (n parameters)`."""
    return f"MLP({model.nin}, {model.sizes}) ({model.num_parameters} parameters)"
