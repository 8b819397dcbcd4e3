"""The Graphviz `dot` program under limits (issue 18, finding 8): a time limit on each
drawing, and a `dot` that cannot be started named as such, never a bare OSError.

A fake `dot` on PATH (a shell script in tmp_path) stands for the real one.
"""

from __future__ import annotations

import errno
import math
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

import autograd_lite as ag
from autograd_lite import Value, render
from autograd_lite.render import GraphRenderError

resource = pytest.importorskip("resource")  # POSIX


def fake_dot(directory: Path, script: bytes) -> Path:
    """`directory`/bin/dot running `script`; returns the bin directory to put first on PATH."""
    bin_directory = directory / "bin"
    bin_directory.mkdir(exist_ok=True)
    dot = bin_directory / "dot"
    dot.write_bytes(script)
    dot.chmod(0o755)
    return bin_directory


@pytest.fixture
def sleeping_dot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A `dot` that notes its process id in tmp_path/pid and then sleeps for a minute."""
    script = f"#!/bin/sh\necho $$ > {tmp_path}/pid\nexec sleep 60\n".encode()
    monkeypatch.setenv("PATH", f"{fake_dot(tmp_path, script)}{os.pathsep}{os.environ['PATH']}")
    return tmp_path / "pid"


def graph() -> render.Graph:
    x = Value(2.0, label="x")
    return ag.draw_graph((x * 3).tanh())


def assert_gone(pid_file: Path) -> None:
    """The process whose id `pid_file` holds has been stopped and reaped."""
    pid = int(pid_file.read_text())
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


@pytest.mark.slow
def test_dot_past_its_time_limit_is_stopped_with_a_graph_render_error(sleeping_dot: Path) -> None:
    drawing = graph()
    started = time.monotonic()
    with pytest.raises(GraphRenderError) as raised:
        drawing.pipe("svg", time_limit=0.5)
    assert time.monotonic() - started < 20
    message = str(raised.value)
    assert "'dot' program was stopped after 0.5 s, its time limit, laying out 3 values" in message
    # What to do: a smaller drawing, or the DOT text, and where the limit is set.
    assert "Draw a sub-graph" in message and "save the graph as .dot" in message
    assert "time_limit=" in message and "DOT_TIME_LIMIT" in message
    assert_gone(sleeping_dot)


@pytest.mark.slow
def test_the_default_time_limit_holds_for_svg_and_save(
    sleeping_dot: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(render, "DOT_TIME_LIMIT", 0.25)
    drawing = graph()
    with pytest.raises(GraphRenderError, match=r"stopped after 0\.25 s, its time limit"):
        drawing.svg()
    target = tmp_path / "graph.png"
    with pytest.raises(GraphRenderError, match=r"stopped after 0\.25 s"):
        drawing.save(target)
    assert not target.exists()
    # The DOT text needs no layout, so no `dot` and no limit.
    assert drawing.save(tmp_path / "graph.dot").read_text().startswith("digraph")
    assert_gone(sleeping_dot)


@pytest.mark.slow
def test_the_command_line_names_the_time_limit(sleeping_dot: Path, tmp_path: Path) -> None:
    code = (
        "import sys; from autograd_lite import render; render.DOT_TIME_LIMIT = 0.5; "
        "from autograd_lite.cli import main; sys.exit(main())"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, "grad", "x*2", "x=1", "--graph", "g.svg"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2, result.stderr
    assert "cannot draw the graph into 'g.svg'" in result.stderr
    assert "stopped after 0.5 s, its time limit" in result.stderr
    assert not (tmp_path / "g.svg").exists()


@pytest.mark.slow
def test_no_time_limit_with_infinity(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    script = b'#!/bin/sh\ncat > /dev/null\nsleep 0.3\nprintf "<svg>late</svg>"\n'
    monkeypatch.setenv("PATH", f"{fake_dot(tmp_path, script)}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setattr(render, "DOT_TIME_LIMIT", 0.01)
    assert graph().pipe("svg", time_limit=math.inf) == b"<svg>late</svg>"
    assert graph().pipe("svg", time_limit=5) == b"<svg>late</svg>"


@pytest.mark.parametrize("limit", [0, -1.0, math.nan, "5", True])
def test_a_time_limit_must_be_a_positive_number(limit: object) -> None:
    with pytest.raises(ValueError, match="time_limit must be a number of seconds above 0"):
        graph().pipe("svg", time_limit=limit)  # type: ignore[arg-type]


# ---- a `dot` that cannot be started -------------------------------------------------


def test_a_dot_that_cannot_be_executed_is_named_not_a_bare_os_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Executable, but neither a script nor a program: exec fails with ENOEXEC.
    bin_directory = fake_dot(tmp_path, b"\x00\x01 not a program\n")
    monkeypatch.setenv("PATH", f"{bin_directory}{os.pathsep}{os.environ['PATH']}")
    with pytest.raises(GraphRenderError) as raised:
        graph().svg()
    assert not isinstance(raised.value, OSError)
    assert str(raised.value) == "could not run the Graphviz 'dot' program: Exec format error"
    assert isinstance(raised.value.__cause__, OSError)


@contextmanager
def no_file_descriptor_left() -> Iterator[None]:
    """Every file descriptor this process may open is taken, as under a low `ulimit -n`."""
    if not os.path.isdir("/proc/self/fd"):
        pytest.skip("needs /proc/self/fd")
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    highest = max(int(fd) for fd in os.listdir("/proc/self/fd"))
    resource.setrlimit(resource.RLIMIT_NOFILE, (highest + 1, hard))
    taken: list[int] = []
    try:
        while True:
            try:
                taken.append(os.open(os.devnull, os.O_RDONLY))
            except OSError as error:
                if error.errno != errno.EMFILE:
                    raise
                break
        yield
    finally:
        for fd in taken:
            os.close(fd)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def test_out_of_file_descriptors_names_the_cause(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    script = b'#!/bin/sh\ncat > /dev/null\nprintf "<svg>drawn</svg>"\n'
    monkeypatch.setenv("PATH", f"{fake_dot(tmp_path, script)}{os.pathsep}{os.environ['PATH']}")
    drawing = graph()
    with no_file_descriptor_left(), pytest.raises(GraphRenderError) as raised:
        drawing.svg()
    assert str(raised.value) == (
        "could not run the Graphviz 'dot' program: Too many open files "
        "(this process has no file descriptor left: a low ulimit -n?)"
    )
    assert drawing.svg() == "<svg>drawn</svg>"  # and with descriptors again, it draws


@pytest.mark.slow
def test_the_command_line_under_a_low_ulimit_names_dot_not_the_output(tmp_path: Path) -> None:
    # The finding: `ulimit -n 10` made drawing fail with "cannot write the output".
    script = b'#!/bin/sh\ncat > /dev/null\nprintf "<svg>drawn</svg>"\n'
    path = f"{fake_dot(tmp_path, script)}{os.pathsep}{os.environ['PATH']}"
    named = False
    # Python itself needs a few descriptors to start: raise the limit until it draws.
    for limit in range(8, 40):
        result = subprocess.run(
            [sys.executable, "-m", "autograd_lite", "grad", "x*2", "x=1", "--graph", "g.svg"],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            env={**os.environ, "PATH": path},
            preexec_fn=lambda limit=limit: resource.setrlimit(  # type: ignore[misc]
                resource.RLIMIT_NOFILE, (limit, limit)
            ),
            timeout=60,
            check=False,
        )
        assert "cannot write the output" not in result.stderr
        if result.returncode == 0:
            break
        # Lower limits stop Python as it starts, higher ones the fake `dot` (a shell) itself.
        named = named or result.stderr == (
            "autograd-lite: error: cannot draw the graph into 'g.svg': could not run the "
            "Graphviz 'dot' program: Too many open files (this process has no file descriptor "
            "left: a low ulimit -n?)\n"
        )
    assert result.returncode == 0 and (tmp_path / "g.svg").read_text() == "<svg>drawn</svg>"
    assert named, "no limit left Python able to start but not to run dot"
