"""The autograd-lite command: in-process through `main(argv)`, end to end in a few processes."""

import json
import math
import re
import shutil
import subprocess
import sys
import warnings
import xml.etree.ElementTree as ElementTree
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import cli_process
import pytest
from test_expression import HOSTILE

from autograd_lite import nn
from autograd_lite.cli import main

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
    for command in ("grad", "demo", "train", "predict"):
        assert command in out


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
    assert len(boundary.findall(f"{svg}circle")) == 100  # one per moons sample
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


def command(*argv: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return cli_process.command(*argv, cwd=cwd, timeout=120)


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
