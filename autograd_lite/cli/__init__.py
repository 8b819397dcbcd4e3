"""The `autograd-lite` command: differentiate an expression, train and use small networks.

One module per subcommand (`grad`, `demo`, `train`, `predict`); `common` holds
what they share. This is the only part of the distribution that imports both
`autograd_lite` and `nn`.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence

import autograd_lite as ag
from autograd_lite.cli import demo, grad, predict, train
from autograd_lite.cli.common import PROG, CommandError, ExitStatus, Parser, report
from autograd_lite.expression import EvaluationError, ExpressionError

__all__ = ["ExitStatus", "build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the whole command, with one subparser per subcommand."""
    parser = Parser(
        prog=PROG,
        description="A scalar autograd engine on the command line.",
        epilog="run 'autograd-lite COMMAND --help' for the options and an example of each command",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {ag.__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for command in (grad, demo, train, predict):
        command.add_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command with `argv` (default: sys.argv[1:]) and return its exit status."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_request:
        # --help, --version and usage errors: argparse has already written its output.
        return exit_request.code if isinstance(exit_request.code, int) else ExitStatus.USAGE
    run: Callable[[argparse.Namespace], int] = args.run
    try:
        return run(args)
    except EvaluationError as error:
        report(str(error))
        return ExitStatus.FAILURE
    except (ExpressionError, CommandError) as error:
        report(str(error))
        return ExitStatus.USAGE
    except MemoryError:
        report("out of memory: the model or data is too large")
        return ExitStatus.FAILURE
    except KeyboardInterrupt:
        report("interrupted")
        return ExitStatus.INTERRUPTED
    except BrokenPipeError:
        # The reader (say `| head`) has gone: stop quietly, and keep Python from
        # failing again when it flushes stdout at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return ExitStatus.BROKEN_PIPE
