"""`autograd-lite grad ... --html FILE` writes the backprop stepper."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from autograd_lite.cli import main


def frames_of(page: str) -> list[list[object]]:
    data = re.search(r'class="ag-data">(.*?)</script>', page, re.DOTALL)
    assert data is not None
    frames: list[list[object]] = json.loads(data.group(1))["frames"]
    return frames


def test_html_writes_the_stepper_of_the_expression(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "steps.html"
    assert main(["grad", "x*y + x", "x=3", "y=2", "--html", str(path)]) == 0
    out = capsys.readouterr().out
    assert "df/dx = 3.0" in out  # d(xy + x)/dx = y + 1
    assert "chain rule" not in out  # the table is printed with --trace only
    frames = frames_of(path.read_text(encoding="utf-8"))
    # Values x, y, x*y, f; the seed; steps f->x*y, f->x, x*y->x, x*y->y.
    assert [frame[0] for frame in frames] == ["f"] * 4 + ["s"] + ["b"] * 4
    assert frames[-1][5] == "df/dy += df/d(x*y) * d(x*y)/dy = 1.0000 * 3.0000 = 3.0000"


def test_html_with_graph_and_trace_writes_both_and_prints_the_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page, graph = tmp_path / "steps.html", tmp_path / "graph.svg"
    argv = ["grad", "tanh(x)", "x=0", "--trace", "--html", str(page), "--graph", str(graph)]
    assert main(argv) == 0
    assert "chain rule" in capsys.readouterr().out
    assert page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert graph.read_text(encoding="utf-8").lstrip().startswith("<?xml")


@pytest.mark.parametrize(
    ("name", "message"),
    [("steps.txt", "expected a file ending in .html"), ("missing/steps.html", "does not exist")],
)
def test_bad_html_paths_are_one_line_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, message: str
) -> None:
    assert main(["grad", "x*2", "x=1", "--html", str(tmp_path / name)]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


def test_html_refuses_to_replace_a_symlink_and_keeps_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "precious.html"
    target.write_text("keep me")
    (tmp_path / "link.html").symlink_to(target)
    assert main(["grad", "x*2", "x=1", "--html", str(tmp_path / "link.html")]) != 0
    assert target.read_text() == "keep me"
    assert len(capsys.readouterr().err.strip().splitlines()) == 1
