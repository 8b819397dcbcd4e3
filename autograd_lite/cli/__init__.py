"""The `autograd-lite` command: differentiate an expression, train and use small networks.

One module per subcommand (`grad`, `demo`, `train`, `predict`); `common` holds
what they share. This is the only part of the distribution that imports both
`autograd_lite` and `nn`.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from types import FrameType

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


class Terminated(BaseException):
    """SIGTERM arrived: stop as Ctrl-C does, removing partial files on the way out."""


def _terminate(signum: int, frame: FrameType | None) -> None:
    raise Terminated


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command with `argv` (default: sys.argv[1:]) and return its exit status."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_request:
        # --help, --version and usage errors: argparse has already written its output.
        return exit_request.code if isinstance(exit_request.code, int) else ExitStatus.USAGE
    run: Callable[[argparse.Namespace], int] = args.run
    main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _terminate) if main_thread else None
    try:
        status = run(args)
        sys.stdout.flush()  # a full device is reported here, not at exit
        return status
    except EvaluationError as error:
        report(str(error))
        return ExitStatus.FAILURE
    except ExpressionError as error:
        report(str(error))
        return ExitStatus.USAGE
    except CommandError as error:
        report(str(error))
        return error.status
    except MemoryError:
        report("out of memory: the model or data is too large")
        return ExitStatus.FAILURE
    except KeyboardInterrupt:
        report("interrupted")
        return ExitStatus.INTERRUPTED
    except Terminated:
        report("terminated")
        return ExitStatus.TERMINATED
    except BrokenPipeError:
        # The reader (say `| head`) has gone: stop quietly.
        _silence_stdout()
        return ExitStatus.BROKEN_PIPE
    except OSError as error:
        # Files are checked and written by the commands; what is left is standard output.
        _silence_stdout()
        report(f"cannot write the output: {error.strerror or error}")
        return ExitStatus.FAILURE
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _silence_stdout() -> None:
    # Keep Python from failing again when it flushes stdout at exit.
    with contextlib.suppress(OSError, ValueError):  # stdout may have no file descriptor
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
