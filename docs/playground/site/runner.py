"""The playground's Python side: worker.js runs this file inside Pyodide, then calls
`install` once with the wheels it wrote into the file system and `run` for each program.

`run` executes the learner's code as a script named `<playground>` (its lines registered
with linecache, so a traceback quotes them), sends what it prints and what it displays to
`emit(kind, text)` as it goes ("stdout", "stderr", "html"), and shows the value of a last
line that is an expression, as a notebook cell does.
"""

from __future__ import annotations

import ast
import linecache
import sys
import sysconfig
import traceback
import zipfile
from collections.abc import Callable
from typing import Any

FILENAME = "<playground>"
Emit = Callable[[str, str], None]


def install(wheels: list[str]) -> None:
    """Unpack each wheel (a path in Pyodide's file system) into site-packages: a pure
    Python wheel is a zip of the files to place there, so no installer is needed."""
    target = sysconfig.get_paths()["purelib"]
    for wheel in wheels:
        with zipfile.ZipFile(wheel) as archive:
            archive.extractall(target)


class Stream:
    """A text stream that hands each write to `emit` under `kind`."""

    def __init__(self, kind: str, emit: Emit) -> None:
        self.kind, self.emit = kind, emit

    def write(self, text: str) -> int:
        if text:
            self.emit(self.kind, text)
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


def rich_html(value: Any) -> str | None:
    """The HTML a notebook would show for `value`, or None when it has only text.

    A stepper lab comes as its live fragment, without the static picture meant for
    notebooks whose scripts do not run (the page runs them)."""
    stepper = sys.modules.get("autograd_lite.stepper")
    if stepper is not None and isinstance(value, stepper.Stepper):
        return value.fragment()
    if hasattr(value, "_repr_html_"):
        return value._repr_html_()
    if hasattr(value, "_repr_mimebundle_"):
        return value._repr_mimebundle_().get("text/html")
    return None


def display_to(emit: Emit) -> Callable[..., None]:
    """The `display(*values)` function of a run: rich HTML where a value has it, else repr."""

    def display(*values: Any) -> None:
        for value in values:
            page = rich_html(value)
            if page is None:
                emit("stdout", repr(value) + "\n")
            else:
                emit("html", page)

    return display


def run(code: str, emit: Emit) -> bool:
    """Run `code` as a script; True if it finished without an exception."""
    linecache.cache[FILENAME] = (len(code), None, code.splitlines(keepends=True), FILENAME)
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = Stream("stdout", emit), Stream("stderr", emit)
    try:
        return execute(code, display_to(emit))
    finally:
        sys.stdout, sys.stderr = saved


def execute(code: str, display: Callable[..., None]) -> bool:
    """Run `code` in a fresh namespace and display its last line's value, if it has one;
    an exception is printed as Python prints it, from the learner's code on."""
    try:
        tree = ast.parse(code, FILENAME)
    except SyntaxError as error:
        traceback.print_exception(type(error), error, None)
        return False
    namespace = {"__name__": "__main__", "__file__": FILENAME, "display": display}
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    try:
        exec(compile(tree, FILENAME, "exec"), namespace)
        if last is not None:
            value = eval(compile(ast.Expression(last.value), FILENAME, "eval"), namespace)
            if value is not None:
                display(value)
    except BaseException as error:
        # Not this function's own frame: the traceback starts in the learner's code.
        frames = error.__traceback__.tb_next if error.__traceback__ else None
        traceback.print_exception(type(error), error, frames)
        return False
    return True
