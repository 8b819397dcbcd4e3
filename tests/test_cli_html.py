"""`autograd-lite grad ... --html FILE` writes the backprop stepper."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from autograd_lite.cli import main


def payload_of(page: str) -> dict[str, object]:
    data = re.search(r'class="ag-data">(.*?)</script>', page, re.DOTALL)
    assert data is not None
    payload: dict[str, object] = json.loads(data.group(1))
    return payload


def test_html_writes_the_lab_of_the_expression_with_its_variables_as_parameters(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "steps.html"
    assert main(["grad", "x*y + x", "x=3", "y=2", "--html", str(path)]) == 0
    out = capsys.readouterr().out
    assert "df/dx = 3.0" in out  # d(xy + x)/dx = y + 1
    assert f"wrote {path}" in out.splitlines()
    assert "step 0" not in out  # the steps are printed with --trace only
    payload = payload_of(path.read_text(encoding="utf-8"))
    names = payload["names"]
    assert isinstance(names, list)
    # Values x, y, x*y, f; both variables are parameters, trained at lr 0.1.
    assert payload["ops"] == ["", "", "mul", "add"]
    assert sorted(names[i] for i in payload["params"]) == ["x", "y"]  # type: ignore[attr-defined]
    assert payload["lr"] == 0.1
    assert payload["title"] == "f = x*y + x"


def test_lr_sets_the_pages_learning_rate_and_needs_html(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "sgd.html"
    assert main(["grad", "(w*x - 3)**2", "x=2", "w=0.5", "--html", str(path), "--lr", "0.05"]) == 0
    assert payload_of(path.read_text(encoding="utf-8"))["lr"] == 0.05
    assert main(["grad", "x*2", "x=1", "--lr", "0.05"]) == 2
    err = capsys.readouterr().err
    assert "--lr" in err and "--html" in err and len(err.strip().splitlines()) == 1
    assert main(["grad", "x*2", "x=1", "--html", str(path), "--lr", "-1"]) == 2


@pytest.mark.slow
def test_html_with_graph_and_trace_writes_both_and_prints_the_steps_explained(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page, graph = tmp_path / "steps.html", tmp_path / "graph.svg"
    argv = ["grad", "tanh(x)", "x=0", "--trace", "--html", str(page), "--graph", str(graph)]
    assert main(argv) == 0
    out = capsys.readouterr().out
    # tanh'(0) = 1 - tanh(0)^2 = 1.
    assert "  d tanh(x)/dx = 1 - f**2 = 1 - 0.0000**2 = 1.0000" in out.splitlines()
    assert "  df/dx += df/df * d tanh(x)/dx = 1.0000 * 1.0000 = 1.0000" in out.splitlines()
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
